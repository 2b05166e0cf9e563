"""Article loading: files in the corpus folder -> cleaned :class:`~bot.records.Article` records.

A corpus file is a ``.txt`` or ``.md`` article, optionally opening with a YAML front matter
block (``title``, ``date``, ``url``, ``author``, ``source``, ``section``, ``lang`` and any other
keys, which are kept in ``Article.meta``). Loading:

* reads at most :data:`MAX_BYTES` (UTF-8, else cp1252, else whatever charset-normalizer
  guesses), normalises newlines, Unicode (NFC), BOMs and zero-width characters;
* splits the body into paragraphs on blank lines and joins wrapped lines;
* drops page furniture (breadcrumbs, newsletter/share prompts, "Related" labels, trailing
  promotional lines) using line shape, position and the vocabulary in
  ``config/boilerplate.yaml``;
* marks the headline, standfirst, photo captions and bylines as their own block kinds.

Nothing here raises on a bad file: a file that cannot be loaded becomes a
:class:`~bot.records.Skipped` with exactly one WARNING on the ``bot.articles`` logger. Nothing
outside the corpus folder is read (symlinks pointing out are skipped) unless the caller allows it
(``follow_external_symlinks``); file names that are not UTF-8 are skipped and shown with their
bytes escaped (``bad\\xff.txt``).
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.metadata import Outlets, compile_outlets
from bot.metadata import derive as derive_metadata
from bot.records import Article, Block, BlockKind, Skipped

log = logging.getLogger(__name__)

#: File name endings (case-insensitive) that hold articles.
ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md")
#: At most this much of a file is read; longer files load in part (and say so).
MAX_BYTES = 2 * 1024 * 1024
#: The vocabulary shipped with the package, used when no boilerplate mapping is given.
DEFAULT_BOILERPLATE_PATH = Path(__file__).resolve().parent / "defaults" / "boilerplate.yaml"
#: Keys of ``boilerplate.yaml`` holding lists of words/phrases.
BOILERPLATE_LIST_KEYS: tuple[str, ...] = (
    "prompt_starts", "prompt_phrases", "channel_words", "labels", "breadcrumb_separators",
    "caption_credit_words", "caption_agencies", "byline_starts",
)
BOILERPLATE_KEYS: tuple[str, ...] = (*BOILERPLATE_LIST_KEYS, "max_prompt_words", "outlets")

#: Folder names never searched for articles (hidden folders like .git and .index are skipped too).
_IGNORED_DIRS = frozenset({"__pycache__", "node_modules", "lost+found"})
_KNOWN_FIELDS = ("title", "date", "url", "author", "source", "section", "lang")


class _Unloadable(Exception):
    """The file cannot be loaded at all; the message is the reason shown to the user."""


# --------------------------------------------------------------------------- boilerplate rules


@dataclass(frozen=True, slots=True)
class _Rules:
    """The boilerplate vocabulary compiled into matchers."""

    prompt_start: re.Pattern[str] | None
    prompt_phrase: re.Pattern[str] | None
    channel: re.Pattern[str] | None
    labels: frozenset[str]
    separators: re.Pattern[str] | None
    credit_words: tuple[str, ...]
    agencies: frozenset[str]
    byline_start: re.Pattern[str] | None
    max_words: int
    outlets: Outlets


def load_boilerplate(path: Path) -> dict[str, Any]:
    """Read a ``boilerplate.yaml`` file into the mapping :func:`load_article` takes.

    Raises ``ValueError`` naming the file and the problem when it is unreadable, not YAML,
    or holds an unknown key or a value of the wrong type.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: is not valid YAML ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValueError(f"{path}: must hold a mapping of keys (got {type(data).__name__})")
    for key, value in data.items():
        problem = _boilerplate_value_problem(key, value)
        if problem:
            raise ValueError(f"{path}: {key} {problem}")
    return dict(data)


def _boilerplate_value_problem(key: Any, value: Any) -> str | None:
    """Why ``value`` is not acceptable for boilerplate key ``key`` (None when it is)."""
    if key not in BOILERPLATE_KEYS:
        return f"is not a known key; use one of: {', '.join(BOILERPLATE_KEYS)}"
    if key == "max_prompt_words":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 500:
            return f"must be an integer between 1 and 500 (got {value!r})"
        return None
    if key == "outlets":
        if not isinstance(value, Mapping) or not all(
            isinstance(name, str) and name.strip() and isinstance(names, list)
            and all(isinstance(n, str) and n.strip() for n in names)
            for name, names in value.items()
        ):
            return f"must map each outlet's name to a list of its domains and other names (got {value!r})"
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return f"must be a list of non-empty strings (got {value!r})"
    return None


#: Public name of the check, used by :mod:`bot.config` to validate ``boilerplate.yaml`` at start.
boilerplate_value_problem = _boilerplate_value_problem


@functools.lru_cache(maxsize=1)
def _shipped_boilerplate() -> dict[str, Any]:
    try:
        return load_boilerplate(DEFAULT_BOILERPLATE_PATH)
    except ValueError as exc:
        log.warning("%s; boilerplate removal uses no vocabulary", exc)
        return {}


def _rules_for(boilerplate: Mapping[str, Any] | None) -> _Rules:
    if boilerplate is None:
        boilerplate = _shipped_boilerplate()
    last = _last_rules[0]
    if last is not None and last[0] == boilerplate:  # the same settings file for every article
        return last[1]
    key = json.dumps(dict(boilerplate), sort_keys=True, default=str, ensure_ascii=False)
    rules = _compile_rules(key)
    _last_rules[0] = (json.loads(key), rules)
    return rules


_last_rules: list[tuple[dict[str, Any], _Rules] | None] = [None]


@functools.lru_cache(maxsize=16)
def _compile_rules(key: str) -> _Rules:
    given = json.loads(key)
    merged = dict(_shipped_boilerplate())
    for name, value in given.items():
        problem = _boilerplate_value_problem(name, value)
        if problem:
            log.warning("boilerplate setting %s %s; using the default", name, problem)
        else:
            merged[name] = value

    def words(name: str) -> list[str]:
        return [" ".join(w.split()).casefold() for w in merged.get(name, [])]

    return _Rules(
        prompt_start=_phrase_pattern(words("prompt_starts"), anchored=True),
        prompt_phrase=_phrase_pattern(words("prompt_phrases")),
        channel=_phrase_pattern(words("channel_words")),
        labels=frozenset(words("labels")),
        separators=(
            re.compile("|".join(re.escape(s) for s in words("breadcrumb_separators")))
            if words("breadcrumb_separators") else None
        ),
        credit_words=tuple(words("caption_credit_words")),
        agencies=frozenset(words("caption_agencies")),
        byline_start=_phrase_pattern(words("byline_starts"), anchored=True),
        max_words=int(merged.get("max_prompt_words", 40)),
        outlets=compile_outlets(merged.get("outlets")),
    )


def _phrase_pattern(phrases: list[str], anchored: bool = False) -> re.Pattern[str] | None:
    """A case-insensitive whole-word alternation of ``phrases`` (longest first)."""
    if not phrases:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(set(phrases), key=len, reverse=True))
    prefix = "^" if anchored else r"(?<!\w)"
    return re.compile(rf"{prefix}(?:{body})(?!\w)", re.IGNORECASE)


# --------------------------------------------------------------------------- reading and decoding

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _resolves_outside(path: Path, root: Path, article_id: str) -> bool:
    """True when ``path`` (the file ``article_id`` of the folder ``root``) resolves outside ``root``.

    Only a symlink between ``root`` and the file can lead out, so the full resolution is done
    only when one of those few names is a symlink.
    """
    if article_id == path.as_posix():  # not under root at all
        return True
    current = root
    for part in article_id.split("/"):
        current = current / part
        if os.path.islink(current):
            return not is_inside(os.path.realpath(path), os.path.realpath(root))
    return False


def _read_bytes(path: Path, inside: tuple[Path, str] | None = None) -> tuple[bytes, int]:
    """At most ``MAX_BYTES + 1`` bytes of ``path`` and its size; never blocks on FIFOs or devices.

    With ``inside`` (the corpus folder and the file's article id), a file that resolves outside
    the folder is refused, and the file opened must be the one that was checked (a symlink
    swapped meanwhile is refused).
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _Unloadable("symlink loop") from exc
        raise _Unloadable(f"cannot read: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise _Unloadable("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _Unloadable("not a regular file")
    if inside is not None and _resolves_outside(path, *inside):
        raise _Unloadable(_OUTSIDE)
    try:
        with open(path, "rb") as handle:
            opened = os.fstat(handle.fileno())
            if inside is not None and (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
                raise _Unloadable("file was replaced while it was being read; it is read again at the next change")
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _Unloadable(f"cannot read: {exc.strerror or exc}") from exc
    return data, info.st_size


def _decode(data: bytes, truncated: bool) -> tuple[str, str]:
    """Decode ``data`` to text and name the encoding used; raises _Unloadable for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            return text, encoding
    if b"\x00" in data:
        found = _utf16_without_bom(data)
        if found is None:
            raise _Unloadable("binary file (NUL bytes), not text")
        return found
    text = _decode_utf8(data, truncated)
    if text is not None:
        return text, "utf-8"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for the rare file that is neither UTF-8 nor cp1252

    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise _Unloadable("binary file (no text encoding fits), not text")
    return str(best), best.encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte order mark, told by where its NUL bytes are; None if it is not.

    In UTF-16 Latin text nearly every character has one zero byte, always on the same side
    (odd offsets for little-endian, even for big-endian) and the other byte almost never zero;
    and, decoded, it has words: spaces or line breaks between them.
    """
    sample = data[:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    for encoding, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high.count(0) < 0.6 * len(high) or low.count(0) > 0.02 * len(low):
            continue
        body = data[: len(data) - len(data) % 2]
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(body) - 4:  # only a pair cut by MAX_BYTES at the very end is forgiven
                return None
            text = body[: exc.start].decode(encoding)
        head = text[:4096]
        if sum(1 for c in head if c.isspace()) < len(head) / 40:
            return None
        return text, encoding
    return None


def _decode_utf8(data: bytes, truncated: bool) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Cutting a file at MAX_BYTES may split a multi-byte character at the very end.
        if truncated and exc.start >= len(data) - 3:
            try:
                return data[: exc.start].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return None


_NON_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufffd\ue000-\uf8ff]")
_C1_CONTROLS = re.compile("[\x80-\x9f]")


def _looks_binary(text: str) -> bool:
    """True when more than 1% of the characters are control, private-use or replacement characters."""
    sample = text[:65536]
    bad = len(_NON_TEXT.findall(sample)) + len(_C1_CONTROLS.findall(sample))
    return bad > len(sample) / 100


def _repair_c1(match: re.Match[str]) -> str:
    """A C1 control character is almost always a cp1252 punctuation mark decoded as Latin-1."""
    try:
        return match.group(0).encode("latin-1").decode("cp1252")
    except UnicodeDecodeError:
        return " "


_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_INVISIBLE = re.compile("[\ufeff\u200b\u00ad]")
_LINE_START_ZERO_WIDTH = re.compile(r"^[\u200c\u200d\u2060\ufe0f]+", re.MULTILINE)


def _normalise(text: str) -> str:
    """Newlines to ``\\n``, NFC, and no BOMs, zero-width spaces or soft hyphens."""
    text = _NEWLINES.sub("\n", text)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = _C1_CONTROLS.sub(_repair_c1, text)
    return _LINE_START_ZERO_WIDTH.sub("", text)


# --------------------------------------------------------------------------- front matter


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


class _FrontMatterLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe loader that keeps dates as written: a bad date like 2017-13-45 must not break the file."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

#: Front matter longer than this is not believed (and YAML on megabytes is slow).
_MAX_FRONT_MATTER = 64 * 1024
# A front matter block opens with --- and a `key:` line (or is empty) and closes with --- or ...
_FRONT_MATTER = re.compile(
    r"\A\s*---[ \t]*\n(?:((?=[ \t]*[A-Za-z_][\w-]*[ \t]*:).{0,"
    + str(_MAX_FRONT_MATTER)
    + r"}?)\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)",
    re.DOTALL,
)
_OPEN_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?=[ \t]*[A-Za-z_][\w-]*[ \t]*:)")
_LOOSE_FIELD = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _split_front_matter(text: str) -> tuple[str | None, str, list[str]]:
    """(front matter source or None, body, problems)."""
    match = _FRONT_MATTER.match(text)
    if match:
        return match.group(1) or "", text[match.end():], []
    opened = _OPEN_FRONT_MATTER.match(text)
    if opened:
        # An unclosed (or overlong) block: the key lines up to the first blank line are front matter.
        rest = text[opened.end():]
        head, _, body = rest.partition("\n\n")
        if len(head) > _MAX_FRONT_MATTER:
            cut = head.rfind("\n", 0, _MAX_FRONT_MATTER) + 1 or _MAX_FRONT_MATTER
            head, body = head[:cut], rest[cut:]
        return head, body, ["front matter is not closed with --- (or is longer than 64 KB)"]
    return None, text, []


#: Front matter that expands (YAML aliases followed) to more values than this, or is nested deeper,
#: is not read: half a kilobyte of nested aliases ("billion laughs") expands to billions of values.
MAX_FRONT_MATTER_VALUES = 10_000
MAX_FRONT_MATTER_DEPTH = 20


def _front_matter_problem(node: yaml.Node) -> str | None:
    """Why a composed front matter is too big to construct (None when it is not).

    Aliases are the same node object reached twice, so walking the node graph counts every value
    the constructed data would hold, and stops as soon as the budget is spent.
    """
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    seen: set[int] = set()
    values = 0
    while stack:
        current, depth = stack.pop()
        values += 1
        seen.add(id(current))
        if values > MAX_FRONT_MATTER_VALUES:
            how = "expands to" if len(seen) < values else "holds"  # a node reached twice: an alias
            why = " (YAML aliases)" if len(seen) < values else ""
            return f"front matter not read: it {how} more than {MAX_FRONT_MATTER_VALUES:,} values{why}"
        if depth > MAX_FRONT_MATTER_DEPTH:
            return f"front matter not read: it is nested deeper than {MAX_FRONT_MATTER_DEPTH} levels"
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in current.value)
    return None


def _load_yaml(source: str) -> tuple[Any, str | None]:
    """The front matter's data, or (None, why it was not constructed)."""
    loader = _FrontMatterLoader(source)  # a SafeLoader subclass: safe
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        problem = _front_matter_problem(node)
        if problem is not None:
            return None, problem
        return loader.construct_document(node), None
    finally:
        loader.dispose()


def _parse_front_matter(source: str) -> tuple[dict[str, Any], list[str]]:
    """The front matter as a mapping; broken YAML falls back to reading ``key: value`` lines.

    Front matter over the size budget (:data:`MAX_FRONT_MATTER_VALUES`, :data:`MAX_FRONT_MATTER_DEPTH`)
    is not read at all.
    """
    try:
        data, problem = _load_yaml(source)
        if problem is not None:
            return {}, [problem]
    except Exception as exc:  # yaml raises many error types (and RecursionError on deep nesting)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _loose_fields(source), [f"broken YAML front matter ({first_line})"]
    if data is None:
        return {}, []
    if not isinstance(data, Mapping):
        return _loose_fields(source), [f"front matter is not a mapping of keys (got {type(data).__name__})"]
    return {str(k): v for k, v in data.items()}, []


def _loose_fields(source: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for line in source.split("\n"):
        match = _LOOSE_FIELD.match(line)
        if match and match.group(2):
            fields.setdefault(match.group(1), match.group(2).strip("'\""))
    return fields


def _plain(value: Any) -> Any:
    """``value`` made JSON-friendly (dates to ISO strings, unknown objects to str)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def _field_text(value: Any) -> str | None:
    """A front-matter value as one line of text (lists joined with commas), None when empty."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        parts = [_field_text(v) for v in value]
        text = ", ".join(p for p in parts if p)
    else:
        text = str(_plain(value))
    text = " ".join(text.split())
    return text or None


# --------------------------------------------------------------------------- dates and language

_ISO_DATE = re.compile(
    r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?"
    r"(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(?:Z|[+-](\d{2}):?(\d{2})|UTC|GMT)?)?$",
    re.IGNORECASE,
)
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+(\d{1,2})[:h](\d{2})(?::(\d{2}))?\b.*)?$")


def parse_date(value: Any) -> str | None:
    """An article date as ISO text keeping its precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``).

    Accepts ``date``/``datetime`` objects, years as integers, ISO dates and timestamps
    (``2017-08-05T14:03:00Z``, ``2017-08-05 14:03``), ``DD/MM/YYYY`` and, as a last resort,
    written dates in Portuguese or English (``5 de agosto de 2017``). None when not a date.
    """
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}" if 1000 <= value <= 9999 else None
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    if not text or len(text) > 60:
        return None
    match = _ISO_DATE.match(text)
    if match:
        if not _valid_time(*match.group(4, 5, 6)) or not _valid_time(match.group(7), match.group(8), None):
            return None  # "2017-08-05 25:00" is not a time, so the whole value is not believed
        return _checked_date(match.group(1), match.group(2), match.group(3))
    match = _DMY_DATE.match(text)
    if match:
        if not _valid_time(*match.group(4, 5, 6)):
            return None
        return _checked_date(match.group(3), match.group(2), match.group(1))
    return _written_date(text) if any(c.isdigit() for c in text) else None


def _valid_time(hour: str | None, minute: str | None, second: str | None) -> bool:
    """True for an absent time or one on a clock (00:00:00 to 23:59:59, a leap second allowed)."""
    if hour is None:
        return True
    return int(hour) <= 23 and int(minute or 0) <= 59 and int(second or 0) <= 60


def _checked_date(year: str, month: str | None, day: str | None) -> str | None:
    try:
        if day is not None and month is not None:
            return date(int(year), int(month), int(day)).isoformat()
        if month is not None:
            return date(int(year), int(month), 1).isoformat()[:7]
        return date(int(year), 1, 1).isoformat()[:4]
    except ValueError:
        return None


@functools.lru_cache(maxsize=1)
def _date_parser() -> Any:
    from dateparser.date import DateDataParser  # slow to import; only for unusual date strings

    settings = {"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
    return DateDataParser(languages=["pt", "en"], settings=settings)


def _written_date(text: str) -> str | None:
    try:
        data = _date_parser().get_date_data(text)
    except Exception:  # dateparser raises assorted errors on odd input
        log.debug("dateparser failed on %r", text, exc_info=True)
        return None
    if data is None or data.date_obj is None:
        return None
    iso = data.date_obj.date().isoformat()
    return {"year": iso[:4], "month": iso[:7]}.get(data.period or "day", iso)


_PT_STOP_WORDS = "de que não uma para com os as do da dos das em no na nos nas é ao pelo pela são foi também"
_EN_STOP_WORDS = "the and of to is in that was for with on it are be this by from has have were"
_STOP_WORDS = {"pt": frozenset(_PT_STOP_WORDS.split(" ")), "en": frozenset(_EN_STOP_WORDS.split(" "))}
_WORD = re.compile(r"\w+")


def _fallback_language(text: str) -> str:
    words = _WORD.findall(text[:3000].casefold())
    counts = {lang: sum(1 for w in words if w in stops) for lang, stops in _STOP_WORDS.items()}
    best = max(counts, key=lambda lang: counts[lang])
    others = [n for lang, n in counts.items() if lang != best]
    return best if counts[best] >= 2 and counts[best] > max(others, default=0) else "und"


@functools.lru_cache(maxsize=1)
def _language_detector() -> Callable[[str], str]:
    try:
        from bot.language import detect_language
    except ImportError:
        log.debug("bot.language is not available; detecting language by stop words")
        return _fallback_language
    return detect_language


def _detect_language(text: str) -> str:
    try:
        return _language_detector()(text) or "und"
    except Exception:  # a detector failure must not cost the article
        log.debug("language detection failed", exc_info=True)
        return _fallback_language(text)


_LANGUAGE_NAMES = {"portuguese": "pt", "português": "pt", "portugues": "pt", "english": "en", "inglês": "en"}


def _language_code(value: str) -> str:
    lowered = value.strip().casefold()
    return _LANGUAGE_NAMES.get(lowered, re.split(r"[-_\s]", lowered, maxsplit=1)[0] or "und")


# --------------------------------------------------------------------------- body -> blocks

#: A header line like ``date 2023-10 436``: the word date, an ISO date, an optional record number.
_DATE_HEADER = re.compile(
    r"^\s*(?:date|data|dated)\s*:?\s+(\d{4}(?:-\d{1,2}){0,2})(?:\s+\d+)?\s*$", re.IGNORECASE
)
# Bounded, bracket-free repeats keep these linear on hostile input ("[[[[..." over 2 MB).
_MD_IMAGE = re.compile(r"!\[[^\[\]]{0,300}\]\([^()]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\[\]]{1,300})\]\([^()\s]{1,2000}(?:\s+\"[^\"()]{0,300}\")?\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$")
_LIST_ITEM = re.compile(r"^(?:[-*•‣▶►▪◦–—]\s|\d{1,3}[.)]\s)")
_FINAL_PUNCTUATION = ".!?…:;"


@dataclass(slots=True)
class _Para:
    """A paragraph on its way to becoming a Block (or being dropped)."""

    text: str
    kind: str  # BlockKind, or "drop" for boilerplate found by vocabulary, "junk" for other furniture


def _take_date_header(body: str) -> tuple[str | None, str]:
    """The date in a ``date 2023-10 436`` header line opening the body, and the body without it."""
    stripped = body.lstrip("\n \t")
    first, _, rest = stripped.partition("\n")
    match = _DATE_HEADER.match(first)
    if not match:
        return None, body
    return parse_date(match.group(1)), rest


def _markdown_line(line: str) -> tuple[str, bool]:
    """(line without markdown image/link/heading syntax, whether it was a heading)."""
    line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line)).strip()
    heading = _MD_HEADING.match(line)
    return (heading.group(1).strip(), True) if heading else (line, False)


def _paragraphs(body: str, markdown: bool, rules: _Rules) -> list[_Para]:
    """Split on blank lines, join wrapped lines, and drop boilerplate lines as they come."""
    paras: list[_Para] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            paras.append(_Para(" ".join(current), "body"))
            current.clear()

    for raw in body.split("\n"):
        line = " ".join(raw.split())
        starts_block = False
        if markdown and line:
            line, starts_block = _markdown_line(line)
        if not line or not any(c.isalnum() for c in line):  # blank, or a rule like *** / ---
            flush()
            continue
        furniture = _furniture_kind(line, rules)
        if furniture:
            flush()
            paras.append(_Para(line, furniture))
            continue
        if starts_block or _LIST_ITEM.match(line):
            flush()
        current.append(line)
        if starts_block:
            flush()
    flush()
    return paras


def _furniture_kind(line: str, rules: _Rules) -> str | None:
    """"drop" for a prompt or label line, "junk" for a breadcrumb trail, None for anything else."""
    if len(line) > 400 or len(line.split()) > rules.max_words:
        return None
    if _is_label(line, rules) or _is_prompt(line, rules):
        return "drop"
    if _is_breadcrumb(line, rules):
        return "junk"
    return None


def _is_label(line: str, rules: _Rules) -> bool:
    # Ignore punctuation and counters around the label: "Compartilhar 988", "Comentários (12)".
    start, end = 0, len(line)
    while start < end and not line[start].isalpha():
        start += 1
    while end > start and not line[end - 1].isalpha():
        end -= 1
    return " ".join(line[start:end].casefold().split()) in rules.labels


def _strip_leading_symbols(line: str) -> tuple[str, bool]:
    """The line without leading emoji/bullets, and whether an emoji or symbol was among them."""
    index = 0
    symbol = False
    while index < len(line) and not line[index].isalnum() and line[index] not in "\"'“‘«([¿¡":
        symbol = symbol or unicodedata.category(line[index]).startswith("S")
        index += 1
    return line[index:], symbol


def _is_prompt(line: str, rules: _Rules) -> bool:
    """A call to action: starts with one, or is short and holds several, or is an emoji line holding one."""
    rest, symbol = _strip_leading_symbols(line)
    if not rest:
        return False
    if rules.prompt_start and (symbol or rest[0].isupper()) and rules.prompt_start.match(rest):
        return True
    strong = _hits(rules.prompt_phrase, rest)
    weak = _hits(rules.channel, rest)
    if symbol and (strong or weak):
        return True
    return bool(strong) and len(strong | weak) >= 2


def _hits(pattern: re.Pattern[str] | None, text: str) -> set[str]:
    return {" ".join(m.group(0).casefold().split()) for m in pattern.finditer(text)} if pattern else set()


def _is_breadcrumb(line: str, rules: _Rules) -> bool:
    if rules.separators is None or not rules.separators.search(line):
        return False
    segments = [s.strip() for s in rules.separators.split(line)]
    if len(segments) < 2 or len(line.split()) > 12:
        return False
    return all(s and len(s.split()) <= 4 and s[-1] not in _FINAL_PUNCTUATION for s in segments)


_TRAILING_PARENS = re.compile(r"\(([^()]{1,120})\)\s*[.]?$")


def _is_caption(text: str, rules: _Rules) -> bool:
    """A photo caption: ends with a parenthesised credit, ``(Foto: ...)`` or ``(Reuters)``."""
    if len(text) > 600:
        return False
    match = _TRAILING_PARENS.search(text)
    if not match:
        return False
    inner = " ".join(match.group(1).split()).casefold()
    if inner in rules.agencies:
        return True
    return any(inner.startswith(word) and inner[len(word):len(word) + 1] in (":", "/", " ", "")
               for word in rules.credit_words)


def _is_byline(text: str, rules: _Rules) -> bool:
    """``(Reportagem de Joyce Lee)``, ``(Reporting by ...)`` or a short ``Por Maria Silva`` line."""
    if rules.byline_start is None:
        return False
    words = text.split()
    if len(words) > 25:
        return False
    if text.startswith("(") and text.endswith(")"):
        return bool(rules.byline_start.match(text[1:-1].strip()))
    match = rules.byline_start.match(text)
    if not match or len(words) > 12 or text[-1] in _FINAL_PUNCTUATION + ",":
        return False
    name = text[match.end():].strip()
    return bool(name) and name[0].isupper()


def _is_short_unpunctuated(text: str, max_words: int, max_chars: int) -> bool:
    if not text or len(text) > max_chars or text[-1] in _FINAL_PUNCTUATION + ",":
        return False
    return 1 <= len(text.split()) <= max_words


def _classify(paras: list[_Para], rules: _Rules, title: str | None) -> None:
    """Set each paragraph's kind in place: captions, bylines, headline, standfirst, trailing junk."""
    for para in paras:
        if para.kind == "body":
            if _is_caption(para.text, rules):
                para.kind = "caption"
            elif _is_byline(para.text, rules):
                para.kind = "byline"
    _mark_top(paras, title)
    _mark_trailing(paras)


def _mark_top(paras: list[_Para], title: str | None) -> None:
    """The first content paragraph is the headline when shaped like one; the next, the standfirst."""
    content = [p for p in paras if p.kind in ("body", "caption", "byline")]
    texts = [p for p in content if p.kind == "body"]
    if len(texts) < 2:
        return
    first = next(p for p in content if p.kind != "caption")
    if first.kind != "body":
        return
    same_as_title = title is not None and first.text.casefold() == " ".join(title.split()).casefold()
    if not (same_as_title or _is_short_unpunctuated(first.text, 30, 200)) or len(first.text.split()) < 2:
        return
    first.kind = "headline"
    after = content[content.index(first) + 1:]
    second = next((p for p in after if p.kind != "caption"), None)
    if second is None or second.kind != "body" or second is texts[-1]:
        return
    if _is_short_unpunctuated(second.text, 50, 300) and len(second.text.split()) >= 4:
        second.kind = "standfirst"


def _mark_trailing(paras: list[_Para]) -> None:
    """One or two short unpunctuated lines among the prompts closing a page are promotions too.

    More than two such lines are more likely a list closing the article (poll results) and stay.
    """
    seen_prompt = False
    candidates: list[_Para] = []
    for para in reversed(paras):
        if para.kind in ("drop", "junk"):
            seen_prompt = seen_prompt or para.kind == "drop"
        elif para.kind == "byline":
            continue
        elif seen_prompt and para.kind == "body" and _is_promo_shaped(para.text):
            candidates.append(para)
        else:
            break
    if len(candidates) <= 2:
        for para in candidates:
            para.kind = "junk"


def _is_promo_shaped(text: str) -> bool:
    """Short and unpunctuated, and not a list item (items are content even at the very end)."""
    if _LIST_ITEM.match(text) or _strip_leading_symbols(text)[1]:
        return False
    return _is_short_unpunctuated(text, 20, 160)


# --------------------------------------------------------------------------- loading one file


def relative_id(path: Path, root: Path) -> str:
    """The id of the article file ``path``: relative to ``root``, POSIX separators (the whole path
    if it is not under ``root``)."""
    text, prefix = str(path), str(root) + os.sep
    if text.startswith(prefix):  # the common case, without pathlib's slow parsing
        return text[len(prefix):].replace(os.sep, "/")
    for candidate, base in ((path, root), (path.absolute(), root.absolute())):
        try:
            return candidate.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def escaped(text: str) -> str:
    """``text`` with the bytes of a non-UTF-8 file name escaped (``bad\\xff.txt``): safe to print and store."""
    if text.isascii() or not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def display_id(path: Path, root: Path) -> str:
    """The article id of ``path`` as it is shown and stored in skip reports (bytes escaped)."""
    return escaped(relative_id(path, root))


def name_problem(name: str) -> str | None:
    """Why a file or folder name cannot be an article id (None when it can)."""
    if any("\ud800" <= c <= "\udfff" for c in name):
        return "name is not valid UTF-8 (rename the file)"
    return None


def is_inside(real: str, root_real: str) -> bool:
    """True when the resolved path ``real`` is the resolved folder ``root_real`` or lies inside it."""
    return real == root_real or real.startswith(root_real.rstrip(os.sep) + os.sep)


_OUTSIDE = (
    "symlink pointing outside the corpus folder: not read "
    "(set follow_external_symlinks: true in config/bot.yaml to allow it)"
)


def file_signature(path: Path) -> tuple[int, int]:
    """``(size, mtime_ns)`` of ``path`` (following symlinks): what the index compares to see changes.

    Never raises: a file that cannot be examined gets ``(-1, -1)``.
    """
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def load_article(
    path: Path, root: Path, boilerplate: Mapping[str, Any] | None = None, *, follow_external_symlinks: bool = False
) -> tuple[Article | None, Skipped | None]:
    """Load one article file; never raises.

    Returns ``(article, None)``, ``(None, skipped)`` when the file cannot be loaded, or
    ``(article, skipped)`` when it loaded in part (broken or oversized front matter, cut at
    :data:`MAX_BYTES`). ``boilerplate`` is the mapping read from ``boilerplate.yaml``
    (``Settings.boilerplate``); None uses the shipped ``bot/defaults/boilerplate.yaml``.
    A file that resolves to a place outside ``root`` (a symlink out) is not read unless
    ``follow_external_symlinks``. Problems are logged as one WARNING on ``bot.articles``
    naming the file.
    """
    path = Path(path)
    article_id = relative_id(path, Path(root))
    shown = escaped(str(path))
    problem = name_problem(article_id)
    if problem is not None:
        log.warning("%s: skipped: %s", shown, problem)
        return None, Skipped(escaped(article_id), problem)
    inside = None if follow_external_symlinks else (Path(root), article_id)
    try:
        article, problems, notes = _load(path, article_id, _rules_for(boilerplate), inside)
    except _Unloadable as exc:
        log.warning("%s: skipped: %s", shown, exc)
        return None, Skipped(article_id, str(exc))
    except Exception as exc:  # a bug must cost one file, not the whole load
        log.warning("%s: skipped: unexpected error: %r", shown, exc, exc_info=True)
        return None, Skipped(article_id, f"unexpected error: {exc!r}")
    if problems:
        log.warning("%s: loaded in part: %s", shown, "; ".join(problems + notes))
        return article, Skipped(article_id, "; ".join(problems))
    if notes:
        log.warning("%s: %s", shown, "; ".join(notes))
    return article, None


def _load(
    path: Path, article_id: str, rules: _Rules, inside: tuple[Path, str] | None
) -> tuple[Article, list[str], list[str]]:
    """The article, reasons it loaded only in part, and notes worth a warning (odd encoding)."""
    data, size = _read_bytes(path, inside)
    if not data:
        raise _Unloadable("empty file")
    truncated = len(data) > MAX_BYTES
    problems: list[str] = []
    notes: list[str] = []
    if truncated:
        data = data[:MAX_BYTES]
        megabytes = MAX_BYTES // (1024 * 1024)
        problems.append(f"file is {size / 1e6:.1f} MB; only the first {megabytes} MB were read")
    raw, encoding = _decode(data, truncated)
    if _looks_binary(raw):
        raise _Unloadable("binary file (mostly non-text characters), not text")
    if encoding != "utf-8":
        notes.append(f"not UTF-8; read as {encoding}")
    text = _normalise(raw)
    if not text.strip():
        raise _Unloadable("empty file (only whitespace)")

    source, body, fm_problems = _split_front_matter(text)
    problems.extend(fm_problems)
    fields: dict[str, Any] = {}
    if source is not None:
        fields, yaml_problems = _parse_front_matter(source)
        problems.extend(yaml_problems)
    header_date, body = _take_date_header(body)

    known = {k.casefold(): v for k, v in fields.items() if k.casefold() in _KNOWN_FIELDS}
    meta = {k: _plain(v) for k, v in fields.items() if k.casefold() not in _KNOWN_FIELDS}
    fm_title = _field_text(known.get("title"))

    paras = _paragraphs(body, path.suffix.lower() == ".md", rules)
    _classify(paras, rules, fm_title)
    blocks = tuple(Block(p.text, _block_kind(p.kind)) for p in paras if p.kind not in ("drop", "junk"))
    if not blocks:
        raise _Unloadable("no article text (nothing left after front matter and boilerplate)")

    article_date = header_date
    if known.get("date") is not None:
        parsed = parse_date(known["date"])
        if parsed is None:
            meta["date_raw"] = _plain(known["date"])
            log.debug("%s: front-matter date %r is not a date", path, known["date"])
        article_date = parsed or header_date
    lang_field = _field_text(known.get("lang"))
    url = _field_text(known.get("url"))
    byline = _field_text(known.get("author"))
    described = derive_metadata(
        title=fm_title, url=url, author=byline,
        fields={str(k).casefold(): v for k, v in fields.items()}, body=body, blocks=blocks,
        dropped=[p.text for p in paras if p.kind in ("drop", "junk")], fallback_title=path.stem,
        outlets=rules.outlets,
    )
    title = described.title
    if byline and byline != described.author:
        meta.setdefault("byline", byline)  # as written: "Por Renan Ramalho, G1, Brasília"
    lang = _language_code(lang_field) if lang_field else _detect_language(
        " ".join([title, *(b.text for b in blocks[:8])])[:3000]
    )
    article = Article(
        id=article_id, title=title, date=article_date, lang=lang, blocks=blocks,
        url=url, author=described.author,
        source=described.source, section=_field_text(known.get("section")),
        meta=meta, encoding=encoding,
    )
    return article, problems, notes


_BLOCK_KINDS: dict[str, BlockKind] = {
    "headline": "headline", "standfirst": "standfirst", "caption": "caption", "byline": "byline",
}


def _block_kind(kind: str) -> BlockKind:
    return _BLOCK_KINDS.get(kind, "body")


# --------------------------------------------------------------------------- folders


def _walk(root: Path, on_skip: Callable[[Path, str], None], follow_external: bool = False) -> list[Path]:
    """Article files under ``root``, sorted by id; symlinked folders followed once, loops skipped.

    Real folders are walked before symlinked ones so that a link to a folder already in the
    corpus is reported as a duplicate rather than stealing its files' ids. Names that are not
    UTF-8 and (unless ``follow_external``) symlinks resolving outside ``root`` are skipped.
    """
    root_real = os.path.realpath(root)
    visited = {root_real}
    folders: list[tuple[Path, str]] = [(root, root_real)]
    linked: list[tuple[Path, str]] = []
    found: list[Path] = []
    while folders or linked:
        folder, folder_real = folders.pop() if folders else linked.pop(0)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            on_skip(folder, f"cannot list folder: {exc.strerror or exc}")
            continue
        for entry in entries:
            if entry.name.startswith((".", "#")):
                continue
            path = folder / entry.name
            is_dir = _entry_is_dir(entry)
            if not is_dir and not entry.name.lower().endswith(ARTICLE_SUFFIXES) and not entry.is_symlink():
                continue  # not an article: its name does not matter
            problem = name_problem(entry.name)
            if problem is not None:
                on_skip(path, ("folder " if is_dir else "") + problem)
                continue
            if not follow_external and entry.is_symlink() and not is_inside(os.path.realpath(path), root_real):
                on_skip(path, _OUTSIDE)
                continue
            if is_dir:
                if entry.name in _IGNORED_DIRS:
                    continue
                _queue_folder(path, folder_real, entry.is_symlink(), visited, folders, linked, on_skip)
            elif entry.name.lower().endswith(ARTICLE_SUFFIXES):
                found.append(path)
            elif entry.is_symlink() and _is_symlink_loop(path):
                on_skip(path, "symlink loop")
    found.sort(key=lambda p: relative_id(p, root))
    return found


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _is_symlink_loop(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _queue_folder(
    path: Path, parent_real: str, is_link: bool, visited: set[str],
    folders: list[tuple[Path, str]], linked: list[tuple[Path, str]], on_skip: Callable[[Path, str], None],
) -> None:
    real = os.path.realpath(path)
    if parent_real == real or parent_real.startswith(real.rstrip(os.sep) + os.sep):
        on_skip(path, f"symlink loop (points back to {real})")
        return
    if real in visited:
        on_skip(path, f"folder already loaded through another path ({real})")
        return
    visited.add(real)
    (linked if is_link else folders).append((path, real))


def iter_article_files(
    root: Path, on_skip: Callable[[Path, str], None] | None = None, *, follow_external_symlinks: bool = False
) -> Iterator[Path]:
    """Every ``.txt``/``.md`` file under ``root`` (recursive), sorted by article id.

    Hidden files and folders (``.git``, ``.index``) are skipped; symlinked folders are followed
    once, and symlink loops are skipped with one WARNING each (and passed to ``on_skip``). A folder
    named like ``x.txt`` is walked as a folder. Dangling or looping file symlinks are yielded so
    that loading reports them. Names that are not UTF-8 are skipped, and so are symlinks that
    resolve outside ``root`` unless ``follow_external_symlinks``.
    """
    root = Path(root)

    def report(path: Path, reason: str) -> None:
        log.warning("%s: skipped: %s", escaped(str(path)), reason)
        if on_skip is not None:
            on_skip(path, reason)

    yield from _walk(root, report, follow_external_symlinks)


def load_folder(
    root: Path,
    boilerplate: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    *,
    follow_external_symlinks: bool = False,
) -> tuple[list[Article], list[Skipped]]:
    """Load every article under ``root``; bad files and folders are skipped, never fatal.

    Returns the articles (sorted by id) and the skipped or partly loaded files and folders.
    ``progress(done, total)`` is called after each file.
    """
    root = Path(root)
    skipped: list[Skipped] = []

    def report(path: Path, reason: str) -> None:
        log.warning("%s: skipped: %s", escaped(str(path)), reason)
        skipped.append(Skipped(display_id(path, root), reason))

    files = _walk(root, report, follow_external_symlinks)
    articles: list[Article] = []
    for done, path in enumerate(files, start=1):
        article, skip = load_article(path, root, boilerplate, follow_external_symlinks=follow_external_symlinks)
        if article is not None:
            articles.append(article)
        if skip is not None:
            skipped.append(skip)
        if progress is not None:
            progress(done, len(files))
    log.info("loaded %d articles from %s (%d skipped or partial)", len(articles), root, len(skipped))
    return articles, skipped
