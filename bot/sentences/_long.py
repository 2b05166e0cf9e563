"""Over-long sentences: a sentence over :data:`MAX_SENTENCE_CHARS` is cut at inner boundaries."""

from __future__ import annotations

import bisect
import re

#: A sentence longer than this is split further at weaker boundaries (see _split_long): a quote
#: this long is a defect (a reader cannot take it in, and it is rarely one sentence of the source).
MAX_SENTENCE_CHARS = 400
# No piece of an over-long sentence is shorter than this, nor than this share of the sentence (a
# fragment of a few words is no quote).
_MIN_PIECE_CHARS = 40
_MIN_PIECE_SHARE = 0.25
# Inner boundaries of an over-long sentence and what a cut there costs (in characters of the
# pieces' length score, see _split_long): a sentence end inside a long quotation is free, then a
# semicolon, a colon before a capital, a comma before a conjunction or relative word (", que",
# ", enquanto", ", which"), a spaced dash, any other comma; a cut inside brackets or quotes costs more.
_SOFT_END_COST = 0
_ENCLOSED_COST = 150
_CLAUSE_WORDS = (
    "que|onde|quando|enquanto|porque|pois|porém|mas|embora|segundo|conforme|como|além|após|sendo|cujo|cuja"
    "|cujos|cujas|o que|a qual|o qual|os quais|as quais|inclusive|e|ou|nem"
    "|and|but|or|which|while|who|where|when|although|because|whose"
)
_LONG_BOUNDARIES = (
    (re.compile(r";(?= )"), 40),
    (re.compile(r":(?= [\"“«'‘(]?[A-ZÀ-Ý0-9])"), 60),
    (re.compile(rf",(?= (?:{_CLAUSE_WORDS}) )"), 70),
    (re.compile(r"(?= [–—-] )"), 90),
    (re.compile(r",(?= )"), 120),
)
_OPENING = {"(": ")", "[": "]", "“": "”", "«": "»"}


_ENCLOSURE_RE = re.compile(r'[()\[\]“”«»"]')


def _enclosed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The bracketed and quoted stretches of ``text[start:end]`` (outermost; unclosed ones ignored)."""
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight: int | None = None
    for m in _ENCLOSURE_RE.finditer(text, start, end):
        ch, i = m.group(), m.start()
        if ch in _OPENING:
            stack.append((_OPENING[ch], i))
        elif stack and ch == stack[-1][0]:
            _, opened = stack.pop()
            if not stack:
                spans.append((opened, i))
        elif ch == '"':
            if straight is None:
                straight = i
            else:
                spans.append((straight, i))
                straight = None
    return spans


def _split_long(text: str, start: int, end: int, soft: list[int]) -> list[tuple[int, int]]:
    """Pieces of the over-long sentence ``text[start:end]``, cut at some of its inner boundaries.

    The cuts are chosen for, in order: no piece over :data:`MAX_SENTENCE_CHARS` (or as little over
    as the boundaries allow), as few pieces as possible, then the largest sum of squared piece
    lengths (the sentence stays together as much as it can: one long piece and a short tail beat two
    halves) less the cost of each cut (a semicolon is a better place than a comma). No piece is
    shorter than ``_MIN_PIECE_CHARS`` or a quarter of the sentence (of 800 characters at most).
    """
    costs: dict[int, int] = {p: _SOFT_END_COST for p in soft if start < p < end}
    inside = _enclosed(text, start, end)
    for pattern, cost in _LONG_BOUNDARIES:
        for m in pattern.finditer(text, start, end):
            point = m.end()
            if point not in costs:
                costs[point] = cost + (_ENCLOSED_COST if any(a < point < b for a, b in inside) else 0)
    length = end - start
    shortest = max(_MIN_PIECE_CHARS, int(_MIN_PIECE_SHARE * min(length, 2 * MAX_SENTENCE_CHARS)))
    points = sorted(p for p in costs if p - start >= shortest and end - p > shortest)
    if not points:
        return [(start, end)]
    # nodes: 0 = the sentence start, 1..n = cuts at points (the space there), n + 1 = the end;
    # best[j] = (overflow, pieces, -score, previous node) for the text up to node j.
    spans = [start - 1, *points, end]
    best: list[tuple[int, int, float, int] | None] = [(0, 0, 0.0, -1)] + [None] * (len(spans) - 1)
    for j in range(1, len(spans)):
        cut_cost = costs.get(spans[j], 0) if j < len(spans) - 1 else 0
        # From the nearest previous cut that leaves a piece of at least ``shortest`` backwards;
        # pieces over the limit are worth trying only while none within it was found.
        for i in range(bisect.bisect_right(spans, spans[j] - shortest - 1, 0, j) - 1, -1, -1):
            piece = spans[j] - spans[i] - 1
            current = best[j]
            if piece > MAX_SENTENCE_CHARS and current is not None and current[0] == 0:
                break
            prev = best[i]
            if prev is None:
                continue
            candidate = (
                prev[0] + max(0, piece - MAX_SENTENCE_CHARS),
                prev[1] + 1,
                prev[2] - piece * piece / length + cut_cost,
                i,
            )
            if current is None or candidate[:3] < current[:3]:
                best[j] = candidate
    pieces: list[tuple[int, int]] = []
    j = len(spans) - 1
    while j > 0:
        node = best[j]
        assert node is not None
        pieces.append((spans[node[3]] + 1, spans[j]))
        j = node[3]
    return pieces[::-1]
