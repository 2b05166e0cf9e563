"""Configuration: the shipped defaults, overridden key by key by a config folder -> validated, frozen settings.

The defaults ship inside the package (``bot/defaults/*.yaml``), so an installed ``briefing-bot``
works from any folder. A config folder overrides them key by key; it is, in this order:
``--config DIR`` (``load_settings(config_dir)``), the ``BRIEFING_CONFIG`` environment variable, or
the repository's ``config/`` when running from a checkout. A folder may hold any of ``bot.yaml``,
``aliases.yaml``, ``boilerplate.yaml``, each with only the keys it changes.

Relative paths (``corpus``, ``index_dir``) are resolved against the folder holding the config
folder (the repository root for ``config/``, ``/app`` in Docker), or against the current
directory when no config folder is used.

Every problem is reported in one go, each naming the file, the key and the fix, e.g.::

    config/bot.yaml: answers.max_quotes must be an integer between 1 and 10 (got 'three');
    fix the value or delete the key to use the default (3)
    config/bot.yaml: answers.max_quote is not a known key; did you mean max_quotes?

Secrets never live here: the Discord token comes only from the environment (``DISCORD_TOKEN``
or ``DISCORD_TOKEN_FILE``, see :mod:`bot.app.client`).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

#: The defaults shipped inside the package (package data).
DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
#: The repository's own config folder (present in a checkout, absent in an installed package).
REPO_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
#: The files a config folder may hold.
CONFIG_FILES = ("bot.yaml", "aliases.yaml", "boilerplate.yaml")

T = TypeVar("T")


class ConfigError(ValueError):
    """The configuration cannot be used. ``problems`` lists every problem found, each with its fix."""

    def __init__(self, problems: str | list[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class AnswerSettings:
    """How answers are chosen and how many are shown."""

    max_quotes: int = 3
    context_sentences: int = 1
    candidates: int = 100
    min_confidence: float = 0.58
    suggestions: int = 5
    translate: bool = True
    semantic: str = "auto"  # auto | on | off: the sentence encoder (bot.answering._semantic)
    semantic_budget_ms: int = 400
    batch_semantic_budget_ms: int = 1500  # ask with several questions: offline work, throughput first


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """How the bot notices corpus changes without a restart."""

    mode: str = "watch"  # watch | poll | off
    poll_seconds: float = 2.0
    debounce_ms: int = 300


@dataclass(frozen=True, slots=True)
class CooldownSettings:
    """Per-user question rate limit."""

    rate: int = 3
    per_seconds: float = 30.0


@dataclass(frozen=True, slots=True)
class DiscordSettings:
    """The Discord layer's settings (the token is not here: it comes from the environment)."""

    answer_channels: dict[int, tuple[int, ...]] = field(default_factory=dict)
    admin_role: str | None = None
    admin_permission: str = "manage_guild"
    sync_guilds: tuple[int, ...] = ()
    owner_ids: tuple[int, ...] = ()
    max_quotes: int = 3
    gloss: bool = True
    cooldown: CooldownSettings = field(default_factory=CooldownSettings)
    search_page_size: int = 5
    sources_page_size: int = 10
    heartbeat_seconds: float = 30.0
    followup_minutes: float = 10.0  # how long a conversation's last question is leaned on by a follow-up (0: never)


@dataclass(frozen=True, slots=True)
class PostgresSettings:
    """The PostgreSQL index backend (``index_backend: postgres``); the password only from the environment."""

    dsn: str | None = None  # postgres.dsn, else DATABASE_URL; PGPASSWORD (or DATABASE_URL) holds the password
    corpus: str | None = None  # the corpus's name in the database (default: the corpus folder's name)
    read_only: bool = False  # a reader: never indexes its own folder, follows the writer's commits


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything read from the defaults and the config folder, validated."""

    corpus: Path
    index_dir: Path
    answers: AnswerSettings
    watch: WatchSettings
    discord: DiscordSettings
    aliases: tuple[tuple[str, ...], ...]
    boilerplate: dict[str, Any]
    config_dir: Path | None
    index_backend: str = "embedded"
    postgres: PostgresSettings = field(default_factory=PostgresSettings)
    follow_external_symlinks: bool = False  # read files that symlinks in the corpus point to outside it

    @property
    def index_folder(self) -> Path:
        """Where the index of ``corpus`` lives: one folder per corpus folder under ``index_dir``."""
        return index_folder(self.index_dir, self.corpus)

    @property
    def heartbeat_path(self) -> Path:
        """The file the running Discord bot touches while it is connected (read by ``health``)."""
        return self.index_dir / "heartbeat.json"


def index_folder(index_dir: Path, corpus: Path) -> Path:
    """The index folder of ``corpus``: its name plus a digest of its absolute path, under ``index_dir``."""
    resolved = corpus.resolve()
    name = re.sub(r"[^\w.-]+", "-", resolved.name) or "corpus"
    return Path(index_dir) / f"{name}-{hashlib.sha1(str(resolved).encode()).hexdigest()[:10]}"


# --- reading ---------------------------------------------------------------------------------


class _Problems:
    """Collects every problem of a load, so one run reports all of them."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


def _did_you_mean(word: str, known: set[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(str(word), sorted(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]}?"
    return f"use one of: {', '.join(sorted(known))}"


class _Reader:
    """Reads typed values out of one (merged) YAML mapping; each problem names the file that set the key."""

    def __init__(self, data: Mapping[str, Any], origin: Callable[[str], Path], problems: _Problems,
                 prefix: str = "") -> None:
        self.data = data
        self.origin = origin
        self.problems = problems
        self.prefix = prefix

    def fail(self, key: str, problem: str, fix: str) -> None:
        self.problems.add(f"{self.origin(self.prefix + key)}: {self.prefix}{key} {problem}; {fix}")

    def check_keys(self, known: set[str]) -> None:
        for unknown in sorted(set(self.data) - known, key=str):
            self.fail(str(unknown), "is not a known key", _did_you_mean(unknown, known))

    def section(self, key: str, known: set[str]) -> _Reader:
        value = self.data.get(key, {})
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            self.fail(key, f"must be a mapping (got {type(value).__name__})", "indent its keys under it")
            value = {}
        reader = _Reader(value, self.origin, self.problems, f"{self.prefix}{key}.")
        reader.check_keys(known)
        return reader

    def get(self, key: str, default: T, check: Callable[[Any], bool], expected: str) -> T:
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if not check(value):
            self.fail(
                key, f"must be {expected} (got {value!r})",
                f"fix the value or delete the key to use the default ({default!r})",
            )
            return default
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        return self.get(
            key, default, lambda v: isinstance(v, int) and not isinstance(v, bool) and low <= v <= high,
            f"an integer between {low} and {high}",
        )

    def number(self, key: str, default: float, low: float, high: float) -> float:
        value = self.get(
            key, default, lambda v: isinstance(v, int | float) and not isinstance(v, bool) and low <= v <= high,
            f"a number between {low} and {high}",
        )
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        return self.get(key, default, lambda v: isinstance(v, bool), "true or false")

    def text(self, key: str, default: str | None) -> str | None:
        return self.get(key, default, lambda v: isinstance(v, str) and v.strip() != "", "a non-empty string")

    def choice(self, key: str, default: str, choices: tuple[str, ...]) -> str:
        return self.get(key, default, lambda v: v in choices, f"one of {', '.join(choices)}")

    def ids(self, key: str) -> tuple[int, ...]:
        value = self.get(
            key, [], lambda v: isinstance(v, list) and all(_is_snowflake(x) for x in v),
            "a list of Discord ids (numbers, not names)",
        )
        return tuple(int(x) for x in value)


def _is_snowflake(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool) and value > 0) or (
        isinstance(value, str) and value.isdigit()
    )


_KNOWN_KEYS: dict[str, set[str]] = {
    "": {"corpus", "index_dir", "index_backend", "follow_external_symlinks", "answers", "watch", "discord", "postgres"},
    "answers": {
        "max_quotes", "context_sentences", "candidates", "min_confidence", "suggestions", "translate", "semantic",
        "semantic_budget_ms", "batch_semantic_budget_ms",
    },
    "watch": {"mode", "poll_seconds", "debounce_ms"},
    "discord": {
        "answer_channels", "admin_role", "admin_permission", "sync_guilds", "owner_ids", "max_quotes",
        "gloss", "cooldown", "search_page_size", "sources_page_size", "heartbeat_seconds", "followup_minutes",
    },
    "discord.cooldown": {"rate", "per_seconds"},
    "postgres": {"dsn", "corpus", "read_only"},
}
#: Sentence index implementations selectable with ``index_backend`` (see bot.index.BACKENDS).
INDEX_BACKENDS = ("embedded", "postgres")
_PERMISSIONS = ("manage_guild", "administrator", "manage_messages", "manage_channels")


def _read_yaml(path: Path, problems: _Problems) -> dict[str, Any] | None:
    """The top-level mapping of ``path``; None when the file is absent or unusable (the problem is recorded)."""
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(f"{path}: cannot be read ({exc}); check the file's permissions and encoding (UTF-8)")
        return None
    except yaml.YAMLError as exc:
        problems.add(f"{path}: is not valid YAML{_yaml_where(exc)}; fix the syntax")
        return None
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.add(f"{path}: must hold a mapping of keys at the top level (got {type(data).__name__}); "
                     "write `key: value` lines")
        return None
    return dict(data)


def _yaml_where(exc: yaml.YAMLError) -> str:
    """' at line L, column C: <the parser's own words>' for a YAML error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    words = problem or str(exc).splitlines()[0]
    if context and context_mark is not None:
        words += f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
    elif context:
        words += f" ({context})"
    return f"{where}: {words}"


#: Mappings merged key by key with their defaults (any other value is replaced whole).
_MERGED_MAPPINGS = {"bot.yaml": set(_KNOWN_KEYS) - {""}, "aliases.yaml": set(), "boilerplate.yaml": {"outlets"}}


def _merge(base: Mapping[str, Any], override: Mapping[str, Any], path: Path, origins: dict[str, Path],
           merged_keys: set[str], prefix: str = "") -> dict[str, Any]:
    """``override`` laid over ``base`` key by key (the ``merged_keys`` mappings merged, the rest replaced)."""
    merged = dict(base)
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        origins[dotted] = path
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping) and dotted in merged_keys:
            merged[key] = _merge(merged[key], value, path, origins, merged_keys, dotted + ".")
        else:
            merged[key] = value
    return merged


def _origin_of(origins: Mapping[str, Path], default: Path) -> Callable[[str], Path]:
    def origin(dotted: str) -> Path:
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):  # the most specific key an override file set
            found = origins.get(".".join(parts[:end]))
            if found is not None:
                return found
        return default
    return origin


def _layered(name: str, folder: Path | None, problems: _Problems) -> tuple[dict[str, Any], Callable[[str], Path]]:
    """The shipped ``name`` with the config folder's copy laid over it, and where each key came from."""
    default_path = DEFAULTS_DIR / name
    data = _read_yaml(default_path, problems) or {}
    origins: dict[str, Path] = {}
    if folder is not None:
        override = _read_yaml(folder / name, problems)
        if override:
            data = _merge(data, override, folder / name, origins, _MERGED_MAPPINGS[name])
    return data, _origin_of(origins, default_path)


def config_folder(config_dir: Path | str | None = None) -> Path | None:
    """The config folder in use: ``config_dir``, else ``BRIEFING_CONFIG``, else the checkout's ``config/``.

    None when there is none (an installed package run without one: the shipped defaults apply).
    """
    chosen = config_dir or os.environ.get("BRIEFING_CONFIG")
    if chosen:
        folder = Path(chosen).expanduser()
        if not folder.is_dir():
            source = "--config" if config_dir else "BRIEFING_CONFIG"
            raise ConfigError(f"{folder}: config folder not found ({source}); create it or point {source} "
                              "at a folder holding bot.yaml, aliases.yaml or boilerplate.yaml")
        return folder
    if (REPO_CONFIG_DIR / "bot.yaml").is_file():
        return REPO_CONFIG_DIR
    return None


def _answer_channels(reader: _Reader) -> dict[int, tuple[int, ...]]:
    raw = reader.get(
        "answer_channels", {}, lambda v: isinstance(v, Mapping), "a mapping of guild id -> list of channel ids"
    )
    channels: dict[int, tuple[int, ...]] = {}
    for guild, chans in raw.items():
        if not _is_snowflake(guild) or not isinstance(chans, list) or not all(_is_snowflake(c) for c in chans):
            reader.fail(
                f"answer_channels.{guild}", "must map a guild id to a list of channel ids",
                "write e.g. '123456789012345678: [234567890123456789]'",
            )
            continue
        channels[int(guild)] = tuple(int(c) for c in chans)
    return channels


def _aliases(data: Mapping[str, Any], origin: Callable[[str], Path],
             problems: _Problems) -> tuple[tuple[str, ...], ...]:
    path = origin("aliases")
    for unknown in sorted(set(data) - {"aliases"}, key=str):
        problems.add(f"{origin(str(unknown))}: {unknown} is not a known key; {_did_you_mean(unknown, {'aliases'})}")
    groups = data.get("aliases") or []
    if not isinstance(groups, list):
        problems.add(f"{path}: aliases must be a list of lists of names; write '- [Moscow, Moscou, Kremlin]'")
        return ()
    result = []
    for i, group in enumerate(groups):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(n, str) and n.strip() for n in group):
            problems.add(
                f"{path}: aliases[{i}] must be a list of at least two names (got {group!r}); "
                "write '- [North Korea, Coreia do Norte]'"
            )
            continue
        result.append(tuple(n.strip() for n in group))
    return tuple(result)


def _postgres(reader: _Reader, backend: str) -> PostgresSettings:
    """``postgres:``: the DSN (or DATABASE_URL), never with a password in the file."""
    dsn = reader.text("dsn", None)
    if dsn is not None:
        import psycopg.conninfo  # only when the key is used: the embedded default needs no driver

        try:
            parts = psycopg.conninfo.conninfo_to_dict(dsn)
        except psycopg.ProgrammingError as exc:
            reader.fail("dsn", f"is not a valid connection string ({exc})",
                        "write e.g. `postgresql://briefing@db:5432/briefing`")
            parts = {}
        if parts.get("password"):
            reader.fail("dsn", "holds a password", "remove it and set PGPASSWORD (or DATABASE_URL) instead")
    elif backend == "postgres" and not os.environ.get("DATABASE_URL"):
        reader.fail("dsn", "is needed with `index_backend: postgres`",
                    "set it (e.g. `postgresql://briefing@db:5432/briefing`) or the DATABASE_URL variable")
    return PostgresSettings(
        dsn=dsn, corpus=reader.text("corpus", None), read_only=reader.boolean("read_only", False),
    )


def _boilerplate(data: Mapping[str, Any], origin: Callable[[str], Path], problems: _Problems) -> dict[str, Any]:
    from bot.articles import BOILERPLATE_KEYS, boilerplate_value_problem

    checked: dict[str, Any] = {}
    for key, value in data.items():
        if key not in BOILERPLATE_KEYS:
            problems.add(f"{origin(str(key))}: {key} is not a known key; {_did_you_mean(key, BOILERPLATE_KEYS)}")
            continue
        problem = boilerplate_value_problem(key, value)
        if problem:
            problems.add(f"{origin(key)}: {key} {problem}; fix the value or delete the key to use the default")
            continue
        checked[key] = value
    return checked


def _path(reader: _Reader, key: str, default: str, base: Path) -> Path:
    value = Path(str(reader.text(key, default))).expanduser()
    return value if value.is_absolute() else base / value


def load_settings(config_dir: Path | str | None = None, corpus: Path | str | None = None) -> Settings:
    """Read the shipped defaults and the config folder's overrides; validate everything.

    ``config_dir`` names the config folder (default: ``BRIEFING_CONFIG``, else the checkout's
    ``config/``, else none). ``corpus`` (from the command line) overrides the configured corpus
    folder. Raises :class:`ConfigError` listing every problem found.
    """
    folder = config_folder(config_dir)
    problems = _Problems()
    base = folder.resolve().parent if folder is not None else Path.cwd()

    data, origin = _layered("bot.yaml", folder, problems)
    top = _Reader(data, origin, problems)
    top.check_keys(_KNOWN_KEYS[""])
    answers = top.section("answers", _KNOWN_KEYS["answers"])
    watch = top.section("watch", _KNOWN_KEYS["watch"])
    discord = top.section("discord", _KNOWN_KEYS["discord"])
    cooldown = discord.section("cooldown", _KNOWN_KEYS["discord.cooldown"])

    corpus_path = Path(corpus).expanduser() if corpus else _path(top, "corpus", "corpus", base)
    settings = Settings(
        corpus=corpus_path,
        index_dir=_path(top, "index_dir", ".index", base),
        answers=AnswerSettings(
            max_quotes=answers.integer("max_quotes", 3, 1, 10),
            context_sentences=answers.integer("context_sentences", 1, 0, 5),
            candidates=answers.integer("candidates", 100, 10, 5000),
            min_confidence=answers.number("min_confidence", 0.58, 0.0, 1.0),
            suggestions=answers.integer("suggestions", 5, 0, 25),
            translate=answers.boolean("translate", True),
            semantic=answers.choice("semantic", "auto", ("auto", "on", "off")),
            semantic_budget_ms=answers.integer("semantic_budget_ms", 400, 0, 60_000),
            batch_semantic_budget_ms=answers.integer("batch_semantic_budget_ms", 1500, 0, 60_000),
        ),
        watch=WatchSettings(
            mode=watch.choice("mode", "watch", ("watch", "poll", "off")),
            poll_seconds=watch.number("poll_seconds", 2.0, 0.1, 3600),
            debounce_ms=watch.integer("debounce_ms", 300, 0, 60_000),
        ),
        discord=DiscordSettings(
            answer_channels=_answer_channels(discord),
            admin_role=discord.text("admin_role", None),
            admin_permission=discord.choice("admin_permission", "manage_guild", _PERMISSIONS),
            sync_guilds=discord.ids("sync_guilds"),
            owner_ids=discord.ids("owner_ids"),
            max_quotes=discord.integer("max_quotes", 3, 1, 10),
            gloss=discord.boolean("gloss", True),
            cooldown=CooldownSettings(
                rate=cooldown.integer("rate", 3, 1, 1000),
                per_seconds=cooldown.number("per_seconds", 30.0, 0.0, 86_400),
            ),
            search_page_size=discord.integer("search_page_size", 5, 1, 10),
            sources_page_size=discord.integer("sources_page_size", 10, 1, 25),
            heartbeat_seconds=discord.number("heartbeat_seconds", 30.0, 1.0, 3600),
            followup_minutes=discord.number("followup_minutes", 10.0, 0.0, 1440),
        ),
        aliases=_aliases(*_layered("aliases.yaml", folder, problems), problems),
        boilerplate=_boilerplate(*_layered("boilerplate.yaml", folder, problems), problems),
        config_dir=folder,
        index_backend=top.choice("index_backend", "embedded", INDEX_BACKENDS),
        postgres=_postgres(
            top.section("postgres", _KNOWN_KEYS["postgres"]), top.data.get("index_backend") or "embedded"
        ),
        follow_external_symlinks=top.boolean("follow_external_symlinks", False),
    )
    if problems.items:
        raise ConfigError(problems.items)
    return settings
