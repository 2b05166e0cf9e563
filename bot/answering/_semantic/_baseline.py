"""A question's baseline: how close it comes to text that does not answer it.

The encoder's cosines are not on one scale across questions: a short, generic question sits
close to every sentence, a long specific one far from all but its answer. Its mean cosine with
a fixed sample of ordinary news sentences (``bot/models/background-<variant>.npy``, made by
``python -m benchmarks.quality`` from articles no visible question is about) measures that; the
candidate's cosine above it (``cos_excess``) tells a corpus that answers from one that merely
resembles the question. On the visible sets, answerable questions against the same questions
asked without their article (AUC of the best cosine): 0.92 raw, 0.96 above the baseline.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np

from bot.answering._semantic._encoder import DIM, VARIANT

log = logging.getLogger(__name__)

#: The file of background vectors in ``bot/models`` (float16, one normalised row per sentence).
BACKGROUND = f"background-{VARIANT}.npy"


@lru_cache(maxsize=1)
def background() -> np.ndarray | None:
    """The shipped background vectors (float32), or None when the file is missing or does not fit the encoder."""
    return read_background(resources.files("bot.models").joinpath(BACKGROUND))


def read_background(source: Traversable | Path) -> np.ndarray | None:
    """Background vectors from a ``.npy`` file, or None (logged once, with the reason) when it cannot
    be read or its vectors are not the encoder's length: confidence then reads the raw cosine."""
    try:
        with source.open("rb") as f:
            vectors = np.load(f, allow_pickle=False)
    except (OSError, ValueError) as exc:
        log.warning("no question baseline (%s: %s): confidence reads the raw cosine", source, exc)
        return None
    if vectors.ndim != 2 or vectors.shape[1] != DIM or not len(vectors):
        log.warning("no question baseline: %s holds vectors of shape %s, the encoder makes %d", source,
                    vectors.shape, DIM)
        return None
    return vectors.astype(np.float32)


def baseline(query: np.ndarray, vectors: np.ndarray | None = None) -> float | None:
    """The question's mean cosine with the background sentences (None without them)."""
    vectors = background() if vectors is None else vectors
    if vectors is None or query.shape[-1] != vectors.shape[1]:
        return None
    return float((vectors @ query).mean())
