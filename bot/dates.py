"""Time expressions in a sentence -> calendar dates, relative to the article's date.

``article_anchor`` finds the reference day of an article (its date, or the day pinned by a
``nesta quarta-feira (18)`` when the header only gives a month); ``sentence_dates`` resolves every
time expression of one sentence against that anchor; ``main_date`` picks the date the sentence
speaks of; ``weekday_label`` formats a resolved value for people.

Decision: our own compiled regex rules, no dateparser. dateparser's ``search_dates`` misses the
commonest news forms (``no sábado``, ``em julho do ano passado``), reads plain words such as
``agora é`` as dates and costs about a millisecond per call; every explicit form we need
(``18 de outubro de 2023``, ``18/10/2023``, ``October 18, 2023``) is a few lines of regex plus a
month table, so using dateparser even for conversion would add cost and no coverage.

Cost: a set lookup of the sentence's words (plus a digit check) decides which families of rules
run at all, so a sentence without a time word costs about 2 µs; each rule's regex starts at its
core word, so the engine skips quickly to candidate positions (~60-110k sentences/s overall).

Resolution choices (all relative to the anchor day ``A``; nothing that needs the anchor is ever
guessed without one). Where a choice was measured, the figure comes from the news set, using
expressions that carry their own answer (``quarta-feira (18)``, ``dia 12 de março``) with the
answer hidden:

* ``nesta quarta-feira (18)``, ``no sábado (29)``, ``deste sábado, 3``: day N in the month before,
  of, or after A, whichever is closest to A among those whose weekday agrees (when none agrees:
  the closest, logged at debug level and kept - the number is more reliable than the weekday).
* A weekday without a number: ``nesta/neste/desta/deste`` -> the nearest such day (this week's:
  98% right, against 90% for "on or before A"); ``próxima``/``que vem``/``next`` -> the first one
  after A; ``última``/``passada``/``last`` -> the latest one before A; a plain ``na/no/on`` -> the
  latest on or before A (76%), or the nearest when the sentence has a future cue (86%).
* ``dia 12``: on or before A (this month's or last month's), or on or after A when the sentence
  has a future cue (59% right, against 47% for "this month unless last month's is closer");
  ``último dia 12`` -> on or before A, ``próximo dia 12`` -> on or after A.
* A day and month without a year (``2 de março``, ``(14/06)``, ``October 18``): the year that puts
  the date closest to A, counting days after A double (news reports more than it announces).
* A bare month (``em junho``, ``até maio``): A's year, except a month later than A's month without
  a future cue, which is last year's (93% of 330 cases).
* Years: four digits 1800-2100 after a date preposition (``em``, ``desde``, ``de``, ``in``...) or
  in parentheses, never thousands (``1.000``), money (``R$ 1999``) or counts (``2000 pessoas``).
* Future cue: ``vai``, ``vão``, ``previsto``, ``marcado``, ``will``... or a verb in the future tense
  (``será``, ``irão``) anywhere in the sentence.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

logger = logging.getLogger(__name__)

__all__ = ["DateMention", "article_anchor", "main_date", "sentence_dates", "weekday_label"]


@dataclass(frozen=True, slots=True)
class DateMention:
    """One resolved time expression of a sentence.

    ``value`` keeps its precision (``2023-10-18``, ``2022-07`` or ``1991``) and ``kind`` names it
    (``day``, ``month`` or ``year``); ``rule`` says which rule read it (for debugging and tests).
    """

    start: int
    end: int
    text: str
    value: str
    kind: str
    rule: str = ""


# ---------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------

_PT_MONTHS = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho",
    "julho", "agosto", "setembro", "outubro", "novembro", "dezembro",
)
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_PT_WEEKDAYS = (
    "segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo",
)
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTH_NUMBER: dict[str, int] = {name: i + 1 for i, name in enumerate(_PT_MONTHS)}
_MONTH_NUMBER["marco"] = 3
_MONTH_NUMBER.update({name.lower(): i + 1 for i, name in enumerate(_EN_MONTHS)})
_MONTH_NUMBER.update({name.lower()[:3]: i + 1 for i, name in enumerate(_EN_MONTHS)})
_MONTH_NUMBER["sept"] = 9

_WEEKDAY_NUMBER: dict[str, int] = {
    "segunda": 0, "terça": 1, "terca": 1, "quarta": 2, "quinta": 3, "sexta": 4,
    "sábado": 5, "sabado": 5, "domingo": 6,
}
_WEEKDAY_NUMBER.update({name.lower(): i for i, name in enumerate(_EN_WEEKDAYS)})
#: Weekday words that are also ordinals (``na segunda instância``) unless followed by ``-feira``.
_ORDINAL_WEEKDAYS = frozenset({"segunda", "terça", "terca", "quarta", "quinta", "sexta"})

_PT_MON = r"(?:janeiro|fevereiro|mar[çc]o|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)"
# Rules run case-sensitively on the lower-cased sentence (several times faster than IGNORECASE);
# where case matters (English months must be capitalised: "may" and "march" are also ordinary
# words; a capitalised Portuguese month is a name such as "Rua 25 de Março") the resolver looks
# at the original text, which has the same offsets.
_EN_MON = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan\.|feb\.|mar\.|apr\.|jun\.|jul\.|aug\.|sept?\.|oct\.|nov\.|dec\.)"
)
_WD = (
    r"(?:segunda|ter[çc]a|quarta|quinta|sexta|s[áa]bado|domingo"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
)
_DAY = r"(?<!\d)(?:[12]\d|3[01]|0?[1-9])(?!\d)"
#: An ordinal mark after a day number: "1º", "1°", "1.º", "1o" and "1.o" (the news set writes "1.o de
#: janeiro" where a keyboard has no º).
_ORD = r"(?:º|°|ª|\.º|\.o(?!\w)|o(?!\w))?"
_YEAR = r"(?:1[89]\d\d|20\d\d|2100)"

_FLAGS = re.VERBOSE

# ---------------------------------------------------------------------------------------------
# The pre-filter: which families of rules can match at all
# ---------------------------------------------------------------------------------------------

#: Trigger words per family of rules. A sentence's tokens (split on whitespace and the common
#: punctuation) are looked up in a set holding these words with the quotes and brackets that stick
#: to them; that costs ~2 µs where one regex alternation of the same words costs ~15 µs.
_TRIGGER_WORDS: dict[str, tuple[str, ...]] = {
    "wd": (
        "segunda", "terça", "terca", "quarta", "quinta", "sexta", "sábado", "sabado", "domingo",
        "segunda-feira", "terça-feira", "terca-feira", "quarta-feira", "quinta-feira", "sexta-feira",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ),
    "mon": (
        *_PT_MONTHS, "marco", *(m.lower() for m in _EN_MONTHS),
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ),
    "rel": ("ontem", "anteontem", "hoje", "amanhã", "yesterday", "today", "tomorrow"),
    "dia": ("dia",),
    "per": ("ano", "mês", "mes", "year", "month"),
}
_TOKEN_PREFIXES = ("", "(", "“", '"', "'", "‘", "«", "[", "—", "–", "-", "mid-")
_TOKEN_SUFFIXES = ("", ")", "”", '"', "'", "’", "»", "…", "]", "'s", "’s", "(")
_TRIGGER_TOKENS: dict[str, str] = {
    prefix + word + suffix: family
    for family, words in _TRIGGER_WORDS.items()
    for word in words
    for prefix in _TOKEN_PREFIXES
    for suffix in _TOKEN_SUFFIXES
}
_TRIGGER_SET = frozenset(_TRIGGER_TOKENS)
#: Digits that can be part of a date: four in a row, or a day and month around a separator.
_DATE_DIGITS_RE = re.compile(r"[0-9](?:[0-9]{3}|[/.-][0-9]|[0-9][/.-][0-9])")


def _families(low: str) -> set[str]:
    """The families of rules worth running on a lower-cased sentence (empty: no time expression)."""
    words = low.replace(",", " ").replace(".", " ").replace("?", " ").replace(";", " ").replace(":", " ")
    families = {_TRIGGER_TOKENS[token] for token in _TRIGGER_SET.intersection(words.split())}
    # str.find is much faster than a regex scan, and most sentences have no digit at all
    if any(digit in low for digit in "0123456789") and _DATE_DIGITS_RE.search(low):
        families.add("num")
    if "/" in low:  # "janeiro/2018", "hoje/amanhã": words glued together
        families.update(f for f, words in _TRIGGER_WORDS.items() if any(w in low for w in words))
    return families


def _lower(text: str) -> str:
    """``text.lower()`` with the same length (a few characters, like "İ", grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# ---------------------------------------------------------------------------------------------
# Anchors and calendar arithmetic
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Anchor:
    """The reference point, precision kept: day and month may be missing."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def date(self) -> dt.date | None:
        if self.month is None or self.day is None:
            return None
        return dt.date(self.year, self.month, self.day)


_ISO_RE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@lru_cache(maxsize=4096)
def _parse_anchor(value: str | None) -> _Anchor | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> _Anchor; anything else -> None (logged)."""
    if not value:
        return None
    match = _ISO_RE.fullmatch(value.strip())
    if match is None:
        logger.warning("date %r is not YYYY, YYYY-MM or YYYY-MM-DD; ignoring it", value)
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None
    try:
        if day is not None:
            dt.date(year, month or 1, day)
        elif month is not None and not 1 <= month <= 12:
            raise ValueError("month out of range")
    except ValueError:
        logger.warning("date %r is not a valid calendar date; ignoring it", value)
        return None
    return _Anchor(year, month, day)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _month_iso(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _day_near(
    anchor: _Anchor, day: int, weekday: int | None = None, direction: str = "near"
) -> tuple[dt.date | None, bool]:
    """Day ``day`` of the month before, of or after the anchor's, closest to the anchor.

    ``direction`` is ``near``, ``past`` (on or before the anchor) or ``future`` (on or after).
    Candidates whose weekday agrees with ``weekday`` win. Returns (date, weekday_agrees).
    """
    if anchor.month is None:
        return None, False
    anchor_date = anchor.date
    if anchor_date is None:  # only the month is known: the day must be in it
        found = _safe_date(anchor.year, anchor.month, day)
        return found, found is not None and (weekday is None or found.weekday() == weekday)
    candidates = []
    for delta in (-1, 0, 1):
        year, month = _add_months(anchor.year, anchor.month, delta)
        found = _safe_date(year, month, day)
        if found is None:
            continue
        if (direction == "past" and found > anchor_date) or (direction == "future" and found < anchor_date):
            continue
        candidates.append(found)
    if not candidates:
        return None, False
    agreeing = [c for c in candidates if weekday is None or c.weekday() == weekday]
    pool = agreeing or candidates
    # Ties go to the past: news reports more than it announces.
    best = min(pool, key=lambda c: (abs((c - anchor_date).days), c > anchor_date))
    return best, bool(agreeing)


def _closest_year(anchor: _Anchor, month: int, day: int, past: bool = False) -> dt.date | None:
    """The date ``day``/``month`` in the year that puts it closest to the anchor (future counts double;
    ``past``: only on or before the anchor's day)."""
    if anchor.month is None:
        return _safe_date(anchor.year, month, day)
    reference = anchor.date or dt.date(anchor.year, anchor.month, 15)
    best: tuple[int, dt.date] | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        found = _safe_date(year, month, day)
        if found is None:
            continue
        gap = (found - reference).days
        if past and gap > 0 and anchor.date is not None:
            continue
        cost = 2 * gap if gap > 0 else -gap
        if best is None or cost < best[0]:
            best = (cost, found)
    return best[1] if best else None


def _weekday_from(anchor_date: dt.date, weekday: int, direction: str) -> dt.date:
    """The ``weekday`` closest to the anchor in ``direction``: before, on_or_before, after, nearest."""
    back = (anchor_date.weekday() - weekday) % 7
    ahead = (weekday - anchor_date.weekday()) % 7 or 7
    if direction == "after" or (direction == "nearest" and back != 0 and ahead < back):
        return anchor_date + dt.timedelta(days=ahead)
    if back == 0 and direction == "before":
        back = 7
    return anchor_date - dt.timedelta(days=back)


_FUTURE_RE = re.compile(
    r"\b(?:vai|vão|pretendem?|planejam?|prevê|previst[oa]s?|programad[oa]s?|agendad[oa]s?|marcad[oa]s?"
    r"|will|scheduled|is\s+due|are\s+due|plans?\s+to|expected\s+to)\b"
    r"|(?-i:\b[a-zà-ú]+r(?:á|ão)\b)",
    re.IGNORECASE,
)
#: Nouns ending like the future tense ("verão" is summer).
_NOT_FUTURE = frozenset({"verão", "padrão", "porão", "ladrão", "patrão", "tubarão", "serão"})
#: A verb in a past tense: Portuguese preterite (lançou, partiu, lançaram, foi, houve) and the
#: commonest English ones. A sentence that reports an event in the past cannot date it after
#: the article's day ("Na manhã de 6 de janeiro, a terra tremeu" in an article of 17 December).
_PAST_RE = re.compile(
    r"\b(?:foi|foram|houve|fez|fizeram|disse|disseram|teve|tiveram|esteve|estiveram|morreu|morreram"
    r"|nasceu|venceu|perdeu|tremeu|ocorreu|aconteceu|[a-zà-ú]{3,}(?:ou|iu|aram|eram|iram)"
    r"|was|were|had|did|said|died)\b",
    re.IGNORECASE,
)
#: Words ending like a preterite that are not verbs, or not past.
_NOT_PAST = frozenset({"estou", "moscou"})


def _looks_past(text: str) -> bool:
    """Whether the sentence reports something in a past tense (see :data:`_PAST_RE`)."""
    return any(m.group(0).lower() not in _NOT_PAST for m in _PAST_RE.finditer(text))


def _looks_future(text: str) -> bool:
    """Whether the sentence has a future cue (``vai``, ``será``, ``previsto``, ``will``...)."""
    return any(m.group(0).lower() not in _NOT_FUTURE for m in _FUTURE_RE.finditer(text))


# ---------------------------------------------------------------------------------------------
# Rules
#
# Each rule's regex starts at the expression's core (a weekday, a month, "dia", a digit...), so
# that the regex engine can skip to the few positions starting with one of its first characters;
# the words before the core ("nesta", "no último", "em") are then read backwards in Python.
# ---------------------------------------------------------------------------------------------

#: (start, end, value or None when it cannot be resolved, kind)
_Found = tuple[int, int, str | None, str]


def _longest_first(*words: str) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@dataclass(slots=True)
class _Context:
    text: str  # as written: case checks and the future-tense cue look here
    low: str  # lower-cased, same offsets: the rules match here
    anchor: _Anchor | None
    lang: str
    _future: bool | None = None
    _past: bool | None = None

    def original(self, match: re.Match[str], group: str) -> str:
        """The text of ``group`` as written (matches are made on the lower-cased copy)."""
        return self.text[match.start(group) : match.end(group)]

    def starts_word(self, pos: int) -> bool:
        return pos == 0 or not self.low[pos - 1].isalnum()

    def word_before(self, pos: int, words: tuple[str, ...]) -> tuple[int, str] | None:
        """(start, word) when whitespace and then one of ``words`` (longest first) end at ``pos``."""
        end = pos
        while end > 0 and self.low[end - 1].isspace():
            end -= 1
        if end == pos:
            return None
        for word in words:
            if self.low.endswith(word, 0, end) and self.starts_word(end - len(word)):
                return end - len(word), word
        return None

    @property
    def future(self) -> bool:
        if self._future is None:
            self._future = _looks_future(self.text)
        return self._future

    @property
    def past_only(self) -> bool:
        """A report in the past tense with no future cue: its events are on or before the anchor."""
        if self._past is None:
            self._past = _looks_past(self.text)
        return not self.future and self._past


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    family: str  # the trigger family that must be present for the rule to run
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], _Context], Iterator[_Found]]


def _day_value(found: dt.date | None) -> tuple[str | None, str]:
    return (_iso(found) if found else None), "day"


_EN_MONTH_KEYS = frozenset(k for k in _MONTH_NUMBER if k.isascii() and k not in (*_PT_MONTHS, "marco"))


def _month_number(raw: str, lowercase_pt: bool = True) -> int | None:
    """The month named by ``raw`` (as written), or None when its case says it is not a month.

    English names must be capitalised ("may", "march"); Portuguese ones, when ``lowercase_pt``,
    must not be ("Rua 25 de Março", "Praça de Maio", "Revolução de Outubro").
    """
    key = raw.lower().rstrip(".")
    if key in _EN_MONTH_KEYS:
        return _MONTH_NUMBER[key] if raw[0].isupper() else None
    if lowercase_pt and not raw.islower():
        return None
    return _MONTH_NUMBER[key]


def _day_number(raw: str) -> int:
    return 1 if raw == "primeiro" else int(raw)


# --- weekdays: "nesta quarta-feira (18)", "na manhã desta quarta (13)", "no sábado", "on Friday"

_WEEKDAY_RE = re.compile(
    rf"""
    (?P<wd>segunda|terça|terca|quarta|quinta|sexta|sábado|sabado|domingo
        |monday|tuesday|wednesday|thursday|friday|saturday|sunday)
    (?:(?P<feira>-feira|\s+feira)\b|\b(?!-))
    (?P<post>\s+(?:passad[oa]|que\s+vem|retrasad[oa]))?
    (?:
        \s*\((?:dia\s+)?(?P<n>{_DAY}){_ORD}(?:/(?P<nm>{_DAY})(?:/(?P<ny>{_YEAR}))?)?(?:,[^()0-9]{{0,40}})?\)
      | ,?\s*(?:dia\s+)?(?P<ed>{_DAY}|primeiro){_ORD}\s+de\s+(?P<emon>{_PT_MON})(?:\s+de\s+(?P<ey>{_YEAR}))?\b
      | ,?\s*(?P<emon2>{_EN_MON})\s+(?P<ed2>{_DAY})(?:st|nd|rd|th)?\b(?:,?\s+(?P<ey2>{_YEAR})\b)?
      | (?:,\s*|\s+)(?:dia\s+)?(?P<n2>{_DAY}){_ORD}(?![0-9%]|[.,][0-9])(?=\s*(?:[,;:)\]–—(-]|\.|$)|\s+\S)
    )?
    """,
    _FLAGS,
)
_WEEKDAY_MODS = _longest_first("próxima", "próximo", "última", "último", "passada", "passado")
_WEEKDAY_PRES = _longest_first(
    "nesta", "neste", "desta", "deste", "esta", "este", "nessa", "nesse", "dessa", "desse", "na", "no", "em",
    "desde", "até", "à", "ao", "pela", "pelo", "para", "a partir de", "de", "da", "do",
    "on", "last", "next", "this", "since", "until", "by", "from",
)
#: "na manhã desta quarta", "no final da noite deste sábado", "na madrugada de domingo"
_PART_CONNECTORS = frozenset({"de", "desta", "deste", "da", "do", "nesta", "neste", "dessa", "desse"})
_PARTS_OF_DAY = ("madrugada", "manhã", "tarde", "noite")
_PART_LEADS = _longest_first(
    "na", "pela", "à", "durante a", "nesta", "desta", "da", "no final da", "no fim da", "no início da",
)
#: What may follow a short weekday (``na segunda``) for it to be a day and not an ordinal.
_SHORT_OK_RE = re.compile(
    r"\s*(?:$|[,.;:!?)\"”'»—–(-]"
    r"|(?:e\s+(?:n[ao]|nest|dest|ter|qua|qui|sex|s[áa]b|dom)|ou|que|a|o|à|ao|às|em|no|na|nos|nas|pelo|pela"
    r"|com|por|para|de|do|da|se|foi|é|sobre|ele|ela|eles|elas|os|as|um|uma|após|antes|depois|durante"
    r"|quando|passad[oa]|que\s+vem|cedo|at[ée])\b)"
)
_RANGE_RE = re.compile(r"\s+(?:a|à)\s+")
_THIS_WORDS = frozenset(
    {"nesta", "neste", "desta", "deste", "esta", "este", "nessa", "nesse", "dessa", "desse", "this"}
)
_EN_WEEKDAY_WORDS = frozenset(name.lower() for name in _EN_WEEKDAYS)
_EN_PREPOSITIONS = frozenset({"on", "last", "next", "this", "since", "until", "by", "from"})


@dataclass(frozen=True, slots=True)
class _WeekdayWords:
    """The words around a weekday that decide whether and how it is read."""

    start: int
    pre: str = ""  # "nesta", "na", "on"... (for a part of the day: its connector, "desta")
    mod: str = ""  # "próxima", "última", "passada"...
    part: bool = False  # "manhã", "noite"... before the weekday

    @property
    def any(self) -> bool:
        return bool(self.pre or self.mod or self.part)


def _weekday_words(match: re.Match[str], ctx: _Context) -> _WeekdayWords:
    start, mod = match.start(), ""
    hit = ctx.word_before(start, _WEEKDAY_MODS)
    if hit:
        start, mod = hit
    hit = ctx.word_before(start, _WEEKDAY_PRES)
    if hit is None:
        return _WeekdayWords(start, mod=mod)
    pre_start, pre = hit
    part = ctx.word_before(pre_start, _PARTS_OF_DAY) if pre in _PART_CONNECTORS else None
    if part:
        lead = ctx.word_before(part[0], _PART_LEADS)
        return _WeekdayWords(lead[0] if lead else part[0], pre, mod, part=True)
    if pre in ("da", "do"):  # only as in "na noite do domingo"
        return _WeekdayWords(start, mod=mod)
    return _WeekdayWords(pre_start, pre, mod)


#: Words after "<weekday>, N" that make N a day of the month ("no domingo 17 os deputados", "terça-feira,
#: 30 em Paris") rather than a count ("nesta quinta, 62 equipes", "quarta, 6 dos 11 ministros",
#: "segunda-feira, 29 haviam sido recapturados", "no sábado 15 mil").
_DAY_FOLLOWERS = frozenset(
    (
        "o", "os", "as", "em", "no", "na", "nos", "nas", "à", "às", "ao", "aos", "com", "pelo", "pela",
        "quando", "até", "durante", "após", "depois", "antes", "para", "at", "in", "on", "the",
    )
)


def _weekday_number(match: re.Match[str], ctx: _Context) -> tuple[str | None, int]:
    """The day number written with the weekday, if any, and where the expression ends.

    ``(N)`` always counts; ``, N`` or `` N`` (the ``n2`` form) counts when punctuation, the end of the
    sentence, a capitalised word ("Terça-feira, 20 Câmara vota") or a word of ``_DAY_FOLLOWERS``
    comes next; otherwise N is a count and the expression is the weekday alone.
    """
    if match.group("n"):
        return match.group("n"), match.end()
    number = match.group("n2")
    if not number:
        return None, match.end()
    rest = ctx.text[match.end() :].lstrip()
    if not rest or not rest[0].isalnum():
        return number, match.end()
    word = rest.split(None, 1)[0].rstrip(",.;:!?")
    if rest[0].isupper() or word.lower() in _DAY_FOLLOWERS:
        return number, match.end()
    last = next(g for g in ("post", "feira", "wd") if match.group(g))
    return None, match.end(last)


def _is_weekday_expression(
    match: re.Match[str], ctx: _Context, words: _WeekdayWords, end: int, numbered: bool = False
) -> bool:
    """Filter out ordinals (``na segunda instância``), names (``Plácido Domingo``) and ranges.

    ``end`` is where the expression ends (before a number that turned out to be a count).
    """
    wd = match.group("wd")
    if match.group("feira") or numbered or any(match.group(g) for g in ("ed", "ed2")):
        return True
    if not (words.any or match.group("post")):
        return False
    if words.pre == "de" and not words.part:
        # "de segunda mão", "de sábado a domingo" (a recurring range)
        return wd not in _ORDINAL_WEEKDAYS and not _RANGE_RE.match(ctx.low, end)
    if wd in _ORDINAL_WEEKDAYS:  # lower case: "na Quinta da Boa Vista" is a place
        return ctx.original(match, "wd").islower() and bool(_SHORT_OK_RE.match(ctx.low, end))
    return wd not in _EN_WEEKDAY_WORDS or words.pre in _EN_PREPOSITIONS


def _weekday_direction(match: re.Match[str], ctx: _Context, words: _WeekdayWords) -> str:
    """Where a weekday without a number lies: before / on_or_before / after / nearest the anchor.

    Measured on the 3,700 ``<weekday> (N)`` of the news set with the number hidden: ``nesta
    segunda`` is this week's Monday, the nearest one (98% right; "on or before" 90%); a plain
    ``na segunda`` is the latest on or before the anchor in a report (76%; strictly before: 72%)
    but the nearest when the sentence speaks of the future (86%; on or before: 30%).
    """
    said = f"{words.mod} {match.group('post') or ''}"
    if "próxim" in said or "que vem" in said or words.pre == "next":
        return "after"
    if "últim" in said or "passad" in said or "retrasad" in said or words.pre == "last":
        return "before"
    if words.pre in _THIS_WORDS:
        return "nearest"
    return "nearest" if ctx.future else "on_or_before"


def _resolve_weekday(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    if not ctx.starts_word(match.start()):
        return
    words = _weekday_words(match, ctx)
    number, end = _weekday_number(match, ctx)
    if not _is_weekday_expression(match, ctx, words, end, numbered=number is not None):
        return
    start = words.start
    if match.group("nm") or match.group("ed") or match.group("ed2"):
        yield (start, end, *_day_value(_explicit_after_weekday(match, ctx)))
        return
    weekday = _WEEKDAY_NUMBER[match.group("wd")]
    anchor = ctx.anchor
    if number:
        # The day N of the month before, of or after the anchor whose weekday agrees, nearest the
        # anchor: "terça-feira, 29" in an article of Monday the 28th is the coming Tuesday.
        found, agrees = _day_near(anchor, int(number), weekday) if anchor else (None, True)
        if found is not None and not agrees:
            logger.debug("%r: %s is not that weekday; keeping the day", ctx.text[start:end], found)
        yield (start, end, *_day_value(found))
        return
    anchor_date = anchor.date if anchor else None
    if anchor_date is None:
        yield start, end, None, "day"
        return
    yield start, end, _iso(_weekday_from(anchor_date, weekday, _weekday_direction(match, ctx, words))), "day"


def _explicit_after_weekday(match: re.Match[str], ctx: _Context) -> dt.date | None:
    """``quarta-feira, 18 de outubro de 2023`` / ``(18/10)`` / ``Wednesday, Oct. 18``."""
    if match.group("nm"):
        day, month, year = int(match.group("n")), int(match.group("nm")), match.group("ny")
    elif match.group("ed"):
        month = _MONTH_NUMBER[match.group("emon")]
        day, year = _day_number(match.group("ed")), match.group("ey")
    else:
        month = _MONTH_NUMBER[match.group("emon2").rstrip(".")]
        day, year = int(match.group("ed2")), match.group("ey2")
    if year:
        return _safe_date(int(year), month, day)
    return _closest_year(ctx.anchor, month, day) if ctx.anchor else None


# --- relative days: ontem, hoje, amanhã, anteontem

_RELATIVE_DAY_RE = re.compile(
    r"(?P<w>anteontem|ontem|hoje|depois\s+de\s+amanhã|amanhã|yesterday|today|tomorrow"
    r"|day\s+before\s+yesterday|day\s+after\s+tomorrow)\b(?!\s+em\s+dia)"
)
_RELATIVE_DAY_OFFSET = {
    "anteontem": -2, "ontem": -1, "hoje": 0, "amanhã": 1, "depois de amanhã": 2,
    "yesterday": -1, "today": 0, "tomorrow": 1, "day before yesterday": -2, "day after tomorrow": 2,
}


#: "ontem (quarta-feira)": the weekday the writer gives the relative day.
_NAMED_WEEKDAY_AFTER_RE = re.compile(rf"\s*\(\s*(?P<wd>{_WD})(?:-feira)?\s*\)")


def _resolve_relative_day(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    if not ctx.starts_word(match.start()):
        return
    anchor_date = ctx.anchor.date if ctx.anchor else None
    offset = _RELATIVE_DAY_OFFSET[" ".join(match.group("w").split())]
    found = anchor_date + dt.timedelta(days=offset) if anchor_date else None
    end = match.end()
    named = _NAMED_WEEKDAY_AFTER_RE.match(ctx.low, end)
    if named:
        end = named.end()
        weekday = _WEEKDAY_NUMBER.get(named.group("wd"))
        if found is not None and weekday is not None and found.weekday() != weekday:
            # The article's date is often its publication, a day or more after the writing: the
            # weekday the writer names wins, on the closest such day (the earlier one on a tie).
            back = (found.weekday() - weekday) % 7
            found -= dt.timedelta(days=back) if back <= 3 else dt.timedelta(days=back - 7)
    yield match.start(), end, (_iso(found) if found else None), "day"


# --- "no dia 12", "no último dia 12", "dia 12 do mês passado"

_DAY_OF_MONTH_RE = re.compile(
    rf"""
    dia\s+(?P<d>{_DAY}|primeiro){_ORD}
    (?P<rel>\s+(?:d[oe]ste\s+mês|do\s+mês\s+(?:passado|que\s+vem|corrente)|do\s+(?:próximo|corrente)\s+mês))?
    (?![/.,][0-9]|\s*(?:de|/)\s*(?:{_PT_MON}|[0-9]))
    """,
    _FLAGS,
)
_DAY_OF_MONTH_MODS = ("último", "próximo", "passado")
_DAY_OF_MONTH_PRES = _longest_first(
    "no", "o", "até o", "desde o", "a partir do", "do", "ao", "pelo", "para o", "neste", "deste",
)


def _resolve_day_of_month(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    if not ctx.starts_word(match.start()):
        return
    start, end, mod = match.start(), match.end(), ""
    hit = ctx.word_before(start, _DAY_OF_MONTH_MODS)
    if hit:
        start, mod = hit
    hit = ctx.word_before(start, _DAY_OF_MONTH_PRES)
    if hit:
        start = hit[0]
    anchor = ctx.anchor
    if anchor is None or anchor.month is None:
        yield start, end, None, "day"
        return
    day = _day_number(match.group("d"))
    rel = " ".join((match.group("rel") or "").split())
    if rel:
        shift = -1 if "passado" in rel else 1 if ("que vem" in rel or "próximo" in rel) else 0
        yield (start, end, *_day_value(_safe_date(*_add_months(anchor.year, anchor.month, shift), day)))
        return
    # Without "último"/"próximo": on or before the anchor in a report, on or after it when the
    # sentence speaks of the future. Measured on 750 "dia N de <mês>" of the news set with the month
    # hidden: 59% right, against 47% for "this month unless last month's is closer".
    direction = {"último": "past", "passado": "past", "próximo": "future"}.get(mod, "")
    found, _ = _day_near(anchor, day, None, direction or ("future" if ctx.future else "past"))
    yield (start, end, *_day_value(found))


# --- months: "18 de outubro de 2023", "1º de janeiro", "em dezembro de 2016", "julho do ano passado",
#     "em junho", "October 18, 2023", "18 October 2023", "last July"

# Flat (no inner groups), so that the engine can jump between the names' first letters.
_MONTH_CORE = _PT_MON[3:-1] + "|" + _EN_MON[3:-1]
_MONTH_RE = re.compile(
    rf"""
    (?P<mon>{_MONTH_CORE})(?!\w)
    (?:
        (?:\s*(?:de|/|,)\s*|\s+do\s+ano\s+de\s+|\s+of\s+|\s+)(?P<y>{_YEAR})(?![0-9])
      | \s+(?P<d>{_DAY})(?:st|nd|rd|th)?\b(?:,?\s+(?P<dy>{_YEAR})(?![0-9]))?
      | \s+(?:of\s+)?(?P<rel>do\s+ano\s+passado|do\s+ano\s+que\s+vem|do\s+próximo\s+ano|(?:d|n)?este\s+ano
            |do\s+ano\s+corrente|do\s+corrente\s+ano|passado|último|que\s+vem|próximo
            |last\s+year|next\s+year|this\s+year)\b
      | (?P<other>\s+do\s+mesmo\s+ano|\s+do\s+ano\s+(?:anterior|seguinte)|\s+(?:daquele|desse|do)\s+ano
            |\s+of\s+(?:that|the\s+same)\s+year)\b
    )?
    """,
    _FLAGS,
)
_MONTH_REL_SHIFT = {  # year shift; "prev"/"next": the latest/first such month before/after the anchor
    "do ano passado": -1, "last year": -1, "do ano que vem": 1, "do próximo ano": 1, "next year": 1,
    "este ano": 0, "deste ano": 0, "neste ano": 0, "do ano corrente": 0, "do corrente ano": 0, "this year": 0,
    "passado": "prev", "último": "prev", "last": "prev", "que vem": "next", "próximo": "next", "next": "next",
    "this": 0,
}
_MONTH_PREPS = _longest_first(
    "em", "de", "desde", "até", "a partir de", "para", "entre", "no início de", "no começo de", "no fim de",
    "no final de", "em meados de", "meados de", "no mês de", "o mês de", "início de", "fim de", "final de",
    "in", "since", "until", "by", "from", "early", "late", "of",
)
_EN_MONTH_LEADS = ("last", "next", "this")
_DAY_BEFORE_PT_RE = re.compile(
    r"(?<![0-9.,/])(?:(?:n?o\s+)?dia\s+)?(?P<d>[0-9]{1,2}|primeiro)(?:º|°|ª|\.º|\.o|o)?"
    r"(?:\s*(?:e|a|-|–|,)\s*[0-9]{1,2}(?:º|°|ª|o)?)?\s+de\s+$"
)
_DAY_BEFORE_EN_RE = re.compile(r"(?<![0-9.,/])(?P<d>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?$")
_LIST_JOINT = r"(?:\s*,\s*|\s+(?:e|ou|a|até|and|or|to)\s+|\s*[-–]\s*)"
_LISTED_MONTH = rf"{_LIST_JOINT}(?:(?:o\s+)?dia\s+)?(?:{_DAY}(?:º|°)?\s+de\s+)?(?:{_MONTH_CORE})(?!\w)"
#: Months listed before the year they share: "em janeiro e setembro de 2016", "de 6 de janeiro a
#: 2 de fevereiro de 2016", "março, abril e maio de 2015": the first ones take that year too.
_SHARED_YEAR_RE = re.compile(
    rf"(?:{_LISTED_MONTH})+(?:\s+{_DAY}(?:st|nd|rd|th)?)?(?:\s*(?:de|/|,)\s*|\s+)(?P<y>{_YEAR})(?![0-9])"
)


def _resolve_month(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    if not ctx.starts_word(match.start()):
        return
    start, end = match.span()
    raw = ctx.original(match, "mon")
    english = raw.lower().rstrip(".") in _EN_MONTH_KEYS
    year_text = match.group("y") or match.group("dy")
    month = _month_number(raw, lowercase_pt=not year_text)
    if month is None:
        return
    day_text = match.group("d") if english else None
    if match.group("d") and not english:  # "em maio 18 pessoas": only the month
        end = match.end("mon")
    day_re = _DAY_BEFORE_EN_RE if english else _DAY_BEFORE_PT_RE
    day_before = day_re.search(ctx.low, max(0, start - 30), start)
    if day_before and not day_text:
        start, day_text = day_before.start(), day_before.group("d")
    if match.group("other"):  # "em julho do mesmo ano": some other year, unknown here
        yield start, end, None, "month"
        return
    rel = " ".join((match.group("rel") or "").split())
    if english and not rel:
        lead = ctx.word_before(start, _EN_MONTH_LEADS)
        if lead:
            start, rel = lead
    if not year_text and not rel:
        shared = _SHARED_YEAR_RE.match(ctx.low, match.end())
        if shared:
            year_text = shared.group("y")
    prep = ctx.word_before(start, _MONTH_PREPS) if not day_text else None
    if prep:
        start = prep[0]
    elif english and ctx.low.endswith("mid-", 0, start):
        start, prep = start - 4, (start - 4, "mid-")
    elif not (day_text or year_text or rel):
        return  # a bare month needs a preposition: "em junho", "até maio", "in May"
    year = _month_year(ctx, month, year_text, rel, dated=bool(day_text))
    if day_text is None:
        yield start, end, (_month_iso(year, month) if year else None), "month"
        return
    day = _day_number(day_text)
    if year is None and ctx.anchor is not None and not rel:
        yield (start, end, *_day_value(_closest_year(ctx.anchor, month, day, past=ctx.past_only)))
        return
    yield (start, end, *_day_value(_safe_date(year, month, day) if year else None))


def _month_year(ctx: _Context, month: int, year_text: str | None, rel: str, dated: bool) -> int | None:
    """The year of a month mention: written, relative to the anchor, or (bare month) guessed."""
    if year_text:
        return int(year_text)
    anchor = ctx.anchor
    if anchor is None:
        return None
    shift = _MONTH_REL_SHIFT.get(rel.removeprefix("of "))
    if isinstance(shift, int):
        return anchor.year + shift
    anchor_month = anchor.month or 0
    if shift == "prev":
        return anchor.year if anchor.month is not None and month < anchor_month else anchor.year - 1
    if shift == "next":
        return anchor.year if anchor.month is not None and month > anchor_month else anchor.year + 1
    if dated:
        return None  # the caller picks the closest year for a day and month
    # A later month than the anchor's is last year's in a report (93% of 330 "<mês> de <ano>" in
    # the news set). The mirror rule (an earlier month in a sentence about the future is next
    # year's) had too little evidence against the noise of the sentence-level future cue.
    if anchor.month is not None and month > anchor.month and not ctx.future:
        return anchor.year - 1
    return anchor.year


# --- numeric dates: 18/10/2023, 18.10.2023, 18-10-2023, 22/03/18, 2023-10-18, (14/06)

_NUMERIC_RE = re.compile(
    r"[0-9][0-9]{0,3}(?P<sep>[/.-])[0-9][0-9]?(?:(?P=sep)(?P<c>[0-9]{2,4}))?(?![0-9]|[.,/-][0-9])"
)


def _day_month_order(first: int, second: int, lang: str) -> tuple[int, int]:
    """(day, month) from two numbers: day first, except English with the month first when unambiguous."""
    if first > 12 or (lang != "en" and second <= 12):
        return first, second
    return second, first


def _resolve_numeric(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    start, end = match.span()
    if start > 0 and (ctx.low[start - 1].isalnum() or ctx.low[start - 1] in ".,/-"):
        return
    parts = match.group(0).split(match.group("sep"))
    if len(parts) == 2:  # a day and month alone count only in parentheses: "hoje (14/06)"
        if len(parts[0]) > 2:
            return
        in_parentheses = ctx.low[start - 1 : start] == "(" and ctx.low[end : end + 1] == ")"
        if not (match.group("sep") == "/" and in_parentheses):
            return
        day, month = _day_month_order(int(parts[0]), int(parts[1]), ctx.lang)
        found = _closest_year(ctx.anchor, month, day) if ctx.anchor and 1 <= month <= 12 else None
        yield (start, end, *_day_value(found))
        return
    if len(parts[0]) == 4:  # ISO 2023-10-18
        if match.group("sep") == "-" and len(parts[2]) == 2:
            yield (start, end, *_day_value(_safe_date(int(parts[0]), int(parts[1]), int(parts[2]))))
        return
    if len(parts[0]) > 2 or len(parts[2]) == 3 or (len(parts[2]) == 2 and match.group("sep") != "/"):
        return
    day, month = _day_month_order(int(parts[0]), int(parts[1]), ctx.lang)
    year = int(parts[2])
    if len(parts[2]) == 2:  # "22/03/18": the century that puts it closest to the anchor
        base = ctx.anchor.year if ctx.anchor else 2000
        year = min((century + year for century in (1900, 2000, 2100)), key=lambda y: abs(y - base))
    found = _safe_date(year, month, day) if 1 <= month <= 12 else None
    if found is not None:
        yield (start, end, *_day_value(found))


# --- relative months and years: "no mês passado", "no ano passado", "no próximo ano", "last year"

_RELATIVE_PERIOD_RE = re.compile(r"(?P<unit>mês|mes|ano|year|month)\b(?P<post>\s+(?:passado|que\s+vem))?")
_PERIOD_LEADS = _longest_first("próximo", "este", "neste", "deste", "last", "next", "this")
_PERIOD_ARTICLES = ("no", "o")


def _resolve_relative_period(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    if not ctx.starts_word(match.start()):
        return
    start, end = match.span()
    post = " ".join((match.group("post") or "").split())
    lead = ctx.word_before(start, _PERIOD_LEADS)
    if post:
        shift = -1 if post == "passado" else 1
    elif lead:
        start = lead[0]
        shift = {"próximo": 1, "next": 1, "last": -1}.get(lead[1], 0)
    else:
        return
    article = ctx.word_before(start, _PERIOD_ARTICLES) if (post or (lead and lead[1] == "próximo")) else None
    if article:
        start = article[0]
    anchor = ctx.anchor
    is_month = match.group("unit") in ("mês", "mes", "month")
    if anchor is None or (is_month and anchor.month is None):
        yield start, end, None, "month" if is_month else "year"
    elif is_month:
        assert anchor.month is not None
        yield start, end, _month_iso(*_add_months(anchor.year, anchor.month, shift)), "month"
    else:
        yield start, end, f"{anchor.year + shift:04d}", "year"


# --- years: "em 1991", "desde 1999", "entre 2010 e 2015", "(1991)"

_COUNT_WORDS = (
    r"pessoas|mil\b|milhões|milhão|bilhões|bilhão|reais|dólares|euros|habitantes|votos|casos|mortos|mortes"
    r"|km|quilômetros|metros|toneladas|litros|hectares|%|por\s+cento|vezes|unidades|vagas|empregos|famílias"
    r"|alunos|presos|soldados|policiais|homens|mulheres|crianças|people|votes|dollars|pontos"
)
_YEAR_RE = re.compile(
    rf"""
    (?P<y>1[89][0-9][0-9]|20[0-9][0-9]|2100)(?![0-9\w]|[.,/][0-9])
    (?!\s*(?:{_COUNT_WORDS}))
    (?:\s*(?:e|a|-|–|/|and|to)\s*(?P<y2>{_YEAR})(?![0-9\w]|[.,/][0-9]))?
    """,
    _FLAGS,
)
_YEAR_PREPS = _longest_first(
    "em", "de", "do ano de", "desde", "até", "após", "antes de", "entre", "a partir de", "durante", "ano de",
    "in", "since", "by", "until", "from", "of", "after", "before", "during",
)


def _resolve_year(match: re.Match[str], ctx: _Context) -> Iterator[_Found]:
    start = match.start()
    if start > 0 and (ctx.low[start - 1].isalnum() or ctx.low[start - 1] in ".,/$"):
        return
    if ctx.low[start - 1 : start] == "(":
        mention_start = start
    else:
        prep = ctx.word_before(start, _YEAR_PREPS)
        if prep is None:
            return
        mention_start = prep[0]
    yield mention_start, match.end("y"), match.group("y"), "year"
    if match.group("y2"):
        yield match.start("y2"), match.end("y2"), match.group("y2"), "year"


#: In priority order for readings of the same span.
_RULES: tuple[_Rule, ...] = (
    _Rule("weekday", "wd", _WEEKDAY_RE, _resolve_weekday),
    _Rule("month", "mon", _MONTH_RE, _resolve_month),
    _Rule("numeric", "num", _NUMERIC_RE, _resolve_numeric),
    _Rule("relative_day", "rel", _RELATIVE_DAY_RE, _resolve_relative_day),
    _Rule("day_of_month", "dia", _DAY_OF_MONTH_RE, _resolve_day_of_month),
    _Rule("relative_period", "per", _RELATIVE_PERIOD_RE, _resolve_relative_period),
    _Rule("year", "num", _YEAR_RE, _resolve_year),
)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


#: Any fixed day: the date rules then find an undated sentence's time expressions, where they are
#: (their values unused).
ANY_DAY = "2000-06-15"


def sentence_dates(text: str, anchor: str | None, lang: str = "pt") -> list[DateMention]:
    """Every time expression of ``text`` resolved against ``anchor`` (see the module docstring).

    ``anchor`` is what :func:`article_anchor` returned. Overlapping readings keep the earliest,
    then the longest (``nesta quarta-feira, 18 de outubro`` is one mention). Expressions that need
    an anchor stay out of the result when there is none. Portuguese and English expressions are
    read whatever ``lang`` is; ``lang="en"`` only reads an ambiguous ``10/11/2023`` month first.
    """
    low = _lower(text)
    families = _families(low)
    if not families:
        return []
    ctx = _Context(text, low, _parse_anchor(anchor), lang)
    found: list[tuple[int, int, int, str | None, str, str]] = []
    for priority, rule in enumerate(_RULES):
        if rule.family not in families:
            continue
        for match in rule.pattern.finditer(low):
            for start, end, value, kind in rule.resolve(match, ctx):
                found.append((start, -end, priority, value, kind, rule.name))
    found.sort()
    mentions: list[DateMention] = []
    covered_to = -1
    for start, neg_end, _, value, kind, rule_name in found:
        if start < covered_to:
            continue
        covered_to = -neg_end
        # Unresolved readings still claim their span so that a shorter reading inside them
        # ("em julho" inside "em julho do ano passado") does not sneak in.
        if value is not None:
            mentions.append(DateMention(start, -neg_end, text[start:-neg_end], value, kind, rule_name))
    return mentions


_ANCHOR_SCAN_CHARS = 3000
_ANCHOR_SCAN_TEXTS = 8
_PIN_RE = re.compile(
    rf"\b(?:nesta|neste|desta|deste)\s+(?P<wd>{_WD})(?:-feira)?\s*(?:\((?P<n>{_DAY}){_ORD}\)"
    rf"|,\s*(?P<n2>{_DAY}){_ORD}(?=\s*(?:[,;:)\]–—(]|\.(?!\d)|$)))"
)


def article_anchor(article_date: str | None, texts: Iterable[str]) -> str | None:
    """The reference day for the relative expressions of one article.

    A full date is the anchor. A ``YYYY-MM`` date is pinned to a day by the first
    ``nesta/neste/desta/deste <weekday> (N)`` in the first few texts (about 3,000 characters);
    a weekday that does not fall on that day is logged and the day kept. A year alone, a month
    without such an expression, or None come back unchanged; an unreadable date gives None.
    """
    anchor = _parse_anchor(article_date)
    if anchor is None:
        return None
    if anchor.month is None or anchor.day is not None:
        return article_date.strip() if article_date else None
    seen = 0
    for index, text in enumerate(texts):
        if index >= _ANCHOR_SCAN_TEXTS or seen >= _ANCHOR_SCAN_CHARS:
            break
        chunk = text[: _ANCHOR_SCAN_CHARS - seen].lower()
        seen += len(chunk)
        for match in _PIN_RE.finditer(chunk):
            day = _safe_date(anchor.year, anchor.month, int(match.group("n") or match.group("n2")))
            if day is None:
                continue
            if day.weekday() != _WEEKDAY_NUMBER[match.group("wd")]:
                logger.warning(
                    "article dated %s: %r but day %s is a %s; keeping the day",
                    article_date, match.group(0), day.isoformat(), _EN_WEEKDAYS[day.weekday()],
                )
            return day.isoformat()
    return _month_iso(anchor.year, anchor.month)


def main_date(mentions: Sequence[DateMention]) -> str | None:
    """The date a sentence speaks of: its first day, else its first month, else its first year."""
    for kind in ("day", "month", "year"):
        for mention in mentions:
            if mention.kind == kind:
                return mention.value
    return None


def weekday_label(value: str, lang: str = "en", weekday: bool = True) -> str:
    """A resolved value for people: ``Wednesday 18 October 2023`` / ``quarta-feira, 18 de outubro de 2023``
    (``18 October 2023`` / ``18 de outubro de 2023`` without the ``weekday``).

    Months read ``October 2023`` / ``outubro de 2023``; years and unreadable values come back as given.
    """
    anchor = _parse_anchor(value) if _ISO_RE.fullmatch(value.strip()) else None
    if anchor is None or anchor.month is None:
        return value
    pt = lang.startswith("pt")
    month_name = _PT_MONTHS[anchor.month - 1] if pt else _EN_MONTHS[anchor.month - 1]
    day = anchor.date
    if day is None:
        return f"{month_name} de {anchor.year}" if pt else f"{month_name} {anchor.year}"
    if pt:
        date_text = f"{day.day} de {month_name} de {anchor.year}"
        return f"{_PT_WEEKDAYS[day.weekday()]}, {date_text}" if weekday else date_text
    date_text = f"{day.day} {month_name} {anchor.year}"
    return f"{_EN_WEEKDAYS[day.weekday()]} {date_text}" if weekday else date_text
