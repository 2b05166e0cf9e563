"""Sentence splitting for Portuguese and English news, and Article -> Sentence records.

The splitter normalises whitespace, finds candidate sentence ends and keeps or drops each with a
few rules (:mod:`bot.sentences._ends`); it sets apart inline related links and link labels
(:mod:`bot.sentences._links`), splits dated lists into their items (:mod:`bot.sentences._items`)
and cuts sentences over :data:`MAX_SENTENCE_CHARS` at their strongest inner boundaries
(:mod:`bot.sentences._long`). Splits happen only at spaces.

Invariant: joined with single spaces, the sentences and the furniture left out of them
(:func:`segment_text`, in order) give back the whitespace-normalised input exactly: nothing is lost
or invented; only related links and link labels are not sentences.

Speed: the 3,600-article news set (24 MB of body text, ~180k sentences) splits at about 200k
sentences/s on one core (100k+ on a loaded machine; ``python -m benchmarks.sentence_quality``).
pysbd 0.3.4 (which has no Portuguese rules; its English ones were used) managed about 2.4k
sentences/s on the same text, some 80x slower, which is why it is not used.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, replace

from bot.dates import article_anchor, main_date, sentence_dates
from bot.records import Article, Sentence
from bot.sentences._ends import (
    _CANDIDATE_RE,
    _QUOTE_RE,
    _SOFT,
    _SPLIT,
    _byline_end,
    _decide,
    _normalise,
    _quote_spans,
)
from bot.sentences._items import _ITEM_BULLETS, DATED_ITEM_RE, _dated_item_points
from bot.sentences._links import _LABEL_PREFIXES, _furniture_spans
from bot.sentences._long import MAX_SENTENCE_CHARS, _split_long

__all__ = ["DATED_ITEM_RE", "MAX_SENTENCE_CHARS", "Segment", "article_sentences", "segment_text", "split_sentences"]

log = logging.getLogger(__name__)

_NOTHING: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a text: a sentence of the article, or furniture (a related link, a link label)."""

    text: str
    furniture: bool = False


def _split_points(text: str, caseless: bool) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    """(split points, soft points, furniture spans) of ``text`` (whitespace-normalised).

    Points are indexes of spaces; soft points are sentence ends inside quotations, which split only
    an over-long sentence. The text of a furniture span is never split; the spaces around it are.
    """
    spans = _quote_spans(text) if _QUOTE_RE.search(text) else []
    opens = [s for s, _ in spans]
    points: list[int] = []
    soft: list[int] = []
    label_starts: list[int] = []  # where a sentence may start with a link label
    byline = _byline_end(text, 0)
    if byline is not None:
        points.append(byline)
    listed = text[:1] in _ITEM_BULLETS and DATED_ITEM_RE.match(text) is not None
    for m in _CANDIDATE_RE.finditer(text):
        end = m.end()
        after = text[end + 1 : end + 3]
        if after in _LABEL_PREFIXES:
            label_starts.append(end + 1)
        strength = _decide(text, m, spans, opens, caseless)
        if strength == _SPLIT:
            points.append(end)
            byline = _byline_end(text, end + 1)
            if byline is not None:
                points.append(byline)
            if not listed and after[:1] in _ITEM_BULLETS:
                listed = DATED_ITEM_RE.match(text, end + 1) is not None
        elif strength == _SOFT:
            soft.append(end)
    furniture = _furniture_spans(text, label_starts)
    # A dated list shows itself by an item after a sentence end; then items that follow an item
    # without a full stop ("... Quinto teste nuclear – 1.o de dezembro de 2016: ...") split too.
    items = _dated_item_points(text) if listed else []
    if furniture:
        edges = [p for a, b in furniture for p in (a - 1, b) if 0 < p < len(text)]
        points = sorted(
            {p for p in (*points, *items) if not any(a <= p < b for a, b in furniture)}.union(edges)
        )
        soft = [p for p in soft if not any(a <= p < b for a, b in furniture)]
    elif items:
        points = sorted(set(points).union(items))
    return points, soft, furniture


def _cut(text: str) -> tuple[list[str], frozenset[int]]:
    """Cut ``text`` into pieces (whitespace normalised); returns them and the indexes of furniture."""
    normal = _normalise(text)
    if not normal:
        return [], _NOTHING
    # A text without any capital (lower-cased copy, chat) splits before lowercase words too.
    points, soft, furniture = _split_points(normal, caseless=normal.islower())
    points.append(len(normal))
    pieces: list[str] = []
    start = 0
    if not furniture:  # the common case, kept lean: this loop runs once per sentence
        for point in points:
            if point > start:
                if point - start > MAX_SENTENCE_CHARS:
                    pieces.extend(normal[a:b] for a, b in _split_long(normal, start, point, soft))
                else:
                    pieces.append(normal[start:point])
                start = point + 1
        return pieces, _NOTHING
    starts = {a for a, _ in furniture}
    marked: list[int] = []
    for point in points:
        if point <= start:
            continue
        if start in starts:
            marked.append(len(pieces))
            pieces.append(normal[start:point])
        elif point - start > MAX_SENTENCE_CHARS:
            pieces.extend(normal[a:b] for a, b in _split_long(normal, start, point, soft))
        else:
            pieces.append(normal[start:point])
        start = point + 1
    return pieces, frozenset(marked)


def segment_text(text: str, lang: str = "pt") -> list[Segment]:
    """Cut news text into its sentences and its inline link furniture, in order.

    Invariant: ``" ".join(s.text for s in segment_text(t)) == " ".join(t.split())``: nothing is lost
    or invented; splits happen only at spaces. :func:`split_sentences` is this without the furniture.
    """
    pieces, furniture = _cut(text)
    return [Segment(piece, i in furniture) for i, piece in enumerate(pieces)]


def split_sentences(text: str, lang: str = "pt") -> list[str]:
    """Split news text into sentences, each quoted exactly as written (whitespace normalised).

    Inline related links and link labels ("+ <headline>", "Leia também: <headline>", "Leia mais.")
    are left out; everything else is kept: joined with single spaces, the sentences and the left-out
    furniture (:func:`segment_text`) give back the whitespace-normalised input exactly. Sentences
    over :data:`MAX_SENTENCE_CHARS` are cut at their strongest inner boundaries (a sentence end
    inside a long quotation, a semicolon, a colon, a comma or a spaced dash). ``lang`` is accepted
    for callers that know it; the rules cover Portuguese and English at once.
    """
    pieces, furniture = _cut(text)
    if furniture:
        return [piece for i, piece in enumerate(pieces) if i not in furniture]
    return pieces


def article_sentences(article: Article) -> list[Sentence]:
    """Split every block of ``article`` into numbered :class:`Sentence` records with their dates.

    Positions run 0.. across the whole article in block order; each sentence carries its block's
    kind. Dates are resolved against the article date, pinned to a day when the text names it.
    Related-link furniture is not a sentence. In a dated list ("– 12 de julho de 2000: ..."), the
    sentences that follow an item's first one inside the same item speak of the item's date.
    """
    anchor = article_anchor(article.date, (b.text for b in article.blocks))
    records: list[Sentence] = []
    dropped = 0
    for block in article.blocks:
        item_dates: dict[int, str | None] = {}  # position of an item's first sentence -> its date
        pieces, furniture = _cut(block.text)
        dropped += len(furniture)
        for i, text in enumerate(pieces):
            if i in furniture:
                continue
            mentions = sentence_dates(text, anchor, article.lang)
            head = DATED_ITEM_RE.match(text) if text[0] in _ITEM_BULLETS else None
            if head is not None:
                item_dates[len(records)] = next((x.value for x in mentions if x.start < head.end()), None)
            records.append(
                Sentence(
                    article_id=article.id,
                    position=len(records),
                    text=text,
                    kind=block.kind,
                    when=main_date(mentions),
                    dates=tuple(dict.fromkeys(x.value for x in mentions)),
                )
            )
        if item_dates:
            _date_list_items(records, item_dates)
    log.debug("%s: %d sentences, %d furniture pieces left out", article.id, len(records), dropped)
    return records


def _date_list_items(records: list[Sentence], item_dates: dict[int, str | None]) -> None:
    """Give the undated sentences inside an item of a dated list the item's date.

    ``item_dates`` maps the position of each item's first sentence to the date it opens with. An
    item runs to the next item; the last one's tail is left alone (the list may end there and the
    article go on), and so is the rest of an item after a sentence with a date of its own.
    """
    heads = sorted(item_dates)
    for head, next_head in itertools.pairwise(heads):
        value = item_dates[head]
        if value is None:
            continue
        for index in range(head + 1, next_head):
            if records[index].dates:
                break
            records[index] = replace(records[index], when=value, dates=(value,))
