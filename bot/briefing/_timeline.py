"""Timeline: the dated sentences about a topic across all articles, in the order of the events.

Each entry is one sentence (wire copies merged, with all their sources) and the date it speaks
of, with that date's precision (day, month or year). An event known only to its month or year
comes after the days of that month or year ("neste ano", in a December article, sums the year
up; a timeline of 2017 should not open with a page of them). Sentences of undated articles that speak
of a time ("em julho do ano passado", "no sábado") cannot be placed: they are listed apart, in
their article's order, marked undated, never given an invented date.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.answering import Corpus
from bot.briefing._topic import Topic, following, mentions, topic
from bot.dates import ANY_DAY, sentence_dates
from bot.records import ArticleInfo, Sentence

_PRECISION = {4: "year", 7: "month", 10: "day"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One event of a timeline: a sentence, the date it speaks of, and where it was read."""

    text: str
    when: str | None  # ISO date, precision kept; None in the undated list
    precision: str  # day, month, year, or undated
    sources: tuple[ArticleInfo, ...]
    expressions: tuple[str, ...] = ()  # for undated entries: the time words of the sentence

    def to_json(self) -> dict[str, Any]:
        """The entry as the CLI's JSON contract."""
        return {
            "text": self.text, "when": self.when, "precision": self.precision,
            "expressions": list(self.expressions), "sources": [asdict(s) for s in self.sources],
        }


@dataclass(frozen=True, slots=True)
class Timeline:
    """A topic's events: dated ones in date order, then undated articles' ones in article order."""

    topic: str
    names: tuple[str, ...]
    entries: tuple[Entry, ...]
    undated: tuple[Entry, ...]
    since: str | None = None
    until: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The timeline as the CLI's JSON contract."""
        return {
            "topic": self.topic, "names": list(self.names), "since": self.since, "until": self.until,
            "entries": [e.to_json() for e in self.entries], "undated": [e.to_json() for e in self.undated],
        }


def timeline(corpus: Corpus, text: str, since: str | None = None, until: str | None = None) -> Timeline:
    """The events ``corpus`` reports about the topic ``text``, optionally within ``since``..``until``.

    ``since`` and ``until`` are ISO dates of any precision (``2017``, ``2017-05``, ``2017-05-18``);
    an event is kept when its date overlaps the range (an event of May 2017 is within
    ``until=2017-05-18``). The undated list is not filtered by date (it has none), but is left
    out when a range is given. Raises ValueError on an empty topic, a bad date or a range that
    ends before it starts.
    """
    since, until = date_range(since, until)
    t = topic(corpus, text)
    hits = mentions(corpus, t)
    sentences = [h.sentence for h in hits] + following(corpus, t, hits)
    dated: dict[str, list[Sentence]] = {}
    undated: dict[str, list[Sentence]] = {}
    for s in sentences:
        info = corpus.article(s.article_id)
        if info is None:
            continue
        if info.date:
            if s.when and _within(s.when, since, until):
                dated.setdefault(" ".join(s.text.lower().split()), []).append(s)
        elif since is None and until is None and _expressions(s.text, info.lang):
            undated.setdefault(" ".join(s.text.lower().split()), []).append(s)
    entries = [_entry(corpus, group) for group in dated.values()]
    entries.sort(key=lambda e: (_order(e.when), e.sources[0].date or "", e.sources[0].id))
    groups = sorted(undated.values(), key=lambda g: min((s.article_id, s.position) for s in g))
    loose = [_entry(corpus, group, undated=True) for group in groups]
    return Timeline(t.text, t.names, tuple(entries), tuple(loose), since, until)


def _entry(corpus: Corpus, group: list[Sentence], undated: bool = False) -> Entry:
    """One entry for a sentence and its wire copies: the earliest article's copy first."""
    def written(s: Sentence) -> tuple[str, str, int]:
        info = corpus.article(s.article_id)
        return (info.date if info and info.date else "", s.article_id, s.position)

    group = sorted(group, key=written)
    first = group[0]
    sources = tuple(a for a in dict.fromkeys(corpus.article(s.article_id) for s in group) if a is not None)
    if undated:
        return Entry(first.text, None, "undated", sources, _expressions(first.text, sources[0].lang))
    return Entry(first.text, first.when, _PRECISION.get(len(first.when or ""), "day"), sources)


def _order(when: str | None) -> str:
    """A date's place in a timeline: a month or a year after the days it holds ("2017-10" after "2017-10-31")."""
    if not when:
        return ""
    return when if len(when) == 10 else when + "~"  # "~" sorts after every digit and "-"


def _expressions(text: str, lang: str) -> tuple[str, ...]:
    """The time expressions of a sentence ("no sábado", "em julho do ano passado")."""
    return tuple(dict.fromkeys(m.text for m in sentence_dates(text, ANY_DAY, lang)))


def _within(when: str, since: str | None, until: str | None) -> bool:
    """Whether a date of any precision overlaps ``since``..``until`` (prefix-wise)."""
    if since is not None and when < since[: len(when)]:
        return False
    return not (until is not None and when[: len(until)] > until)


def date_range(since: str | None, until: str | None) -> tuple[str | None, str | None]:
    """Checked ``since``/``until`` bounds (YYYY, YYYY-MM or YYYY-MM-DD; blank is none).

    Raises ValueError on a bad date, or when ``until`` comes before ``since``.
    """
    since, until = _bound(since), _bound(until)
    if since is not None and until is not None:
        shared = min(len(since), len(until))
        if since[:shared] > until[:shared]:
            raise ValueError(f"the range ends before it starts: {since} is after {until}")
    return since, until


def _bound(value: str | None) -> str | None:
    """A checked ISO date bound (YYYY, YYYY-MM or YYYY-MM-DD), or None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    parts = value.split("-")
    ok = (
        len(parts) <= 3 and len(parts[0]) == 4 and all(p.isdigit() for p in parts)
        and all(len(p) == 2 for p in parts[1:])
        and (len(parts) < 2 or 1 <= int(parts[1]) <= 12) and (len(parts) < 3 or 1 <= int(parts[2]) <= 31)
    )
    if not ok:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


__all__ = ["Entry", "Timeline", "Topic", "date_range", "timeline"]
