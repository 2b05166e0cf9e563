"""Configuration: ``config/*.yaml`` -> validated, frozen settings.

Every error names the file, the key and the fix, e.g.::

    config/bot.yaml: answers.max_quotes must be an integer between 1 and 10 (got 'three');
    fix the value or delete the key to use the default (3)

Secrets never live here: the Discord token comes only from the ``DISCORD_TOKEN`` environment
variable (see :mod:`bot.app.client`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

#: The repository's own config folder; ``BRIEFING_CONFIG`` overrides it.
DEFAULT_CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"

T = TypeVar("T")


class ConfigError(ValueError):
    """A config file is missing, unreadable or holds a bad value. The message says how to fix it."""


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
    """The Discord layer's settings (the token is not here: it comes from DISCORD_TOKEN)."""

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


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything read from ``config/``, validated."""

    corpus: Path
    index_dir: Path
    answers: AnswerSettings
    watch: WatchSettings
    discord: DiscordSettings
    aliases: tuple[tuple[str, ...], ...]
    boilerplate: dict[str, Any]
    config_dir: Path
    index_backend: str = "embedded"
    follow_external_symlinks: bool = False  # read files that symlinks in the corpus point to outside it


class _Reader:
    """Reads typed values out of one YAML mapping, naming file and key in every error."""

    def __init__(self, path: Path, data: Mapping[str, Any], prefix: str = "") -> None:
        self.path = path
        self.data = data
        self.prefix = prefix

    def fail(self, key: str, problem: str, fix: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self.prefix}{key} {problem}; {fix}")

    def section(self, key: str) -> _Reader:
        value = self.data.get(key, {})
        if value is None:
            value = {}
        if not isinstance(value, Mapping):
            raise self.fail(key, f"must be a mapping (got {type(value).__name__})", "indent its keys under it")
        known = _KNOWN_KEYS.get(self.prefix + key)
        if known is not None:
            for unknown in set(value) - known:
                raise self.fail(
                    f"{key}.{unknown}", "is not a known key", f"use one of: {', '.join(sorted(known))}"
                )
        return _Reader(self.path, value, f"{self.prefix}{key}.")

    def get(self, key: str, default: T, check: Callable[[Any], bool], expected: str) -> T:
        if key not in self.data or self.data[key] is None:
            return default
        value = self.data[key]
        if not check(value):
            raise self.fail(
                key, f"must be {expected} (got {value!r})",
                f"fix the value or delete the key to use the default ({default!r})",
            )
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
    "answers": {
        "max_quotes", "context_sentences", "candidates", "min_confidence", "suggestions", "translate", "semantic",
        "semantic_budget_ms",
    },
    "watch": {"mode", "poll_seconds", "debounce_ms"},
    "discord": {
        "answer_channels", "admin_role", "admin_permission", "sync_guilds", "owner_ids", "max_quotes",
        "gloss", "cooldown", "search_page_size", "sources_page_size",
    },
    "discord.cooldown": {"rate", "per_seconds"},
}
_TOP_KEYS = {"corpus", "index_dir", "index_backend", "follow_external_symlinks", "answers", "watch", "discord"}
#: Sentence index implementations selectable with ``index_backend`` (see bot.index.BACKENDS).
INDEX_BACKENDS = ("embedded",)
_PERMISSIONS = ("manage_guild", "administrator", "manage_messages", "manage_channels")


def _read_yaml(path: Path, required: bool) -> Mapping[str, Any]:
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: file not found; create it (see README.md, 'Configuration')")
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}); check the file's permissions and encoding") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}: is not valid YAML{where}; fix the syntax") from exc
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"{path}: must hold a mapping of keys at the top level (got {type(data).__name__})")
    return data


def _answer_channels(reader: _Reader) -> dict[int, tuple[int, ...]]:
    raw = reader.get(
        "answer_channels", {}, lambda v: isinstance(v, Mapping), "a mapping of guild id -> list of channel ids"
    )
    channels: dict[int, tuple[int, ...]] = {}
    for guild, chans in raw.items():
        if not _is_snowflake(guild) or not isinstance(chans, list) or not all(_is_snowflake(c) for c in chans):
            raise reader.fail(
                f"answer_channels.{guild}", "must map a guild id to a list of channel ids",
                "write e.g. `123456789012345678: [234567890123456789]`",
            )
        channels[int(guild)] = tuple(int(c) for c in chans)
    return channels


def _aliases(path: Path) -> tuple[tuple[str, ...], ...]:
    data = _read_yaml(path, required=False)
    groups = data.get("aliases", [])
    if not isinstance(groups, list):
        raise ConfigError(f"{path}: aliases must be a list of lists of names; write `- [Moscow, Moscou, Kremlin]`")
    result = []
    for i, group in enumerate(groups):
        if not isinstance(group, list) or len(group) < 2 or not all(isinstance(n, str) and n.strip() for n in group):
            raise ConfigError(
                f"{path}: aliases[{i}] must be a list of at least two names (got {group!r}); "
                "write `- [North Korea, Coreia do Norte]`"
            )
        result.append(tuple(n.strip() for n in group))
    return tuple(result)


def load_settings(config_dir: Path | str | None = None, corpus: Path | str | None = None) -> Settings:
    """Read and validate ``bot.yaml``, ``aliases.yaml`` and ``boilerplate.yaml``.

    ``corpus`` (from the command line) overrides the configured corpus folder. Relative
    paths in ``bot.yaml`` are relative to the repository root (the config folder's parent).
    """
    folder = Path(config_dir or os.environ.get("BRIEFING_CONFIG") or DEFAULT_CONFIG_DIR)
    bot_path = folder / "bot.yaml"
    top = _Reader(bot_path, _read_yaml(bot_path, required=True))
    for unknown in set(top.data) - _TOP_KEYS:
        raise top.fail(unknown, "is not a known key", f"use one of: {', '.join(sorted(_TOP_KEYS))}")
    root = folder.resolve().parent

    answers = top.section("answers")
    watch = top.section("watch")
    discord = top.section("discord")
    cooldown = discord.section("cooldown")

    corpus_path = Path(corpus) if corpus else root / top.text("corpus", "corpus")
    index_text = top.text("index_dir", ".index")
    index_dir = Path(index_text) if Path(index_text).is_absolute() else root / index_text

    boilerplate_path = folder / "boilerplate.yaml"
    boilerplate = dict(_read_yaml(boilerplate_path, required=False))

    return Settings(
        corpus=corpus_path,
        index_dir=index_dir,
        answers=AnswerSettings(
            max_quotes=answers.integer("max_quotes", 3, 1, 10),
            context_sentences=answers.integer("context_sentences", 1, 0, 5),
            candidates=answers.integer("candidates", 100, 10, 5000),
            min_confidence=answers.number("min_confidence", 0.58, 0.0, 1.0),
            suggestions=answers.integer("suggestions", 5, 0, 25),
            translate=answers.boolean("translate", True),
            semantic=answers.choice("semantic", "auto", ("auto", "on", "off")),
            semantic_budget_ms=answers.integer("semantic_budget_ms", 400, 0, 60_000),
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
        ),
        aliases=_aliases(folder / "aliases.yaml"),
        boilerplate=boilerplate,
        config_dir=folder,
        index_backend=top.choice("index_backend", "embedded", INDEX_BACKENDS),
        follow_external_symlinks=top.boolean("follow_external_symlinks", False),
    )
