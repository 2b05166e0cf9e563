"""The sentence index: store sentences, retrieve candidates for a question, update in place.

:class:`SentenceIndex` is the small interface the answering layer uses; the embedded
implementation is :class:`TantivyIndex` (tantivy, on disk, a Portuguese and an English stemmer).
Another store (a search server, a database) implements the same interface and registers in
:data:`BACKENDS`; ``index_backend`` in ``config/bot.yaml`` chooses one (see ``docs/scaling.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.index._analysis import STEM_LANGUAGES, analyse, analyzer
from bot.index._tantivy import TantivyIndex
from bot.index._types import Hit, IndexBusyError, IndexCorruptError, IndexUpdateError, SentenceIndex, WeightedTerm

__all__ = [
    "BACKENDS", "STEM_LANGUAGES", "Hit", "IndexBusyError", "IndexCorruptError", "IndexUpdateError", "SentenceIndex",
    "TantivyIndex", "WeightedTerm", "analyse", "analyzer", "open_index",
]

#: Index implementations by the name ``index_backend`` takes in ``config/bot.yaml``. A search
#: server adapter implementing :class:`SentenceIndex` registers here (and in
#: ``bot.config.INDEX_BACKENDS``); nothing else changes.
BACKENDS: dict[str, Callable[[Path], SentenceIndex]] = {"embedded": TantivyIndex}


def open_index(backend: str, path: Path) -> SentenceIndex:
    """The configured sentence index, stored at ``path``."""
    try:
        factory = BACKENDS[backend]
    except KeyError:
        raise ValueError(f"unknown index backend {backend!r}; use one of: {', '.join(BACKENDS)}") from None
    return factory(path)
