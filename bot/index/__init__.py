"""The sentence index: store sentences, retrieve candidates for a question, update in place.

:class:`SentenceIndex` is the small interface the answering layer uses; the embedded
implementation is :class:`TantivyIndex` (tantivy, on disk, a Portuguese and an English stemmer),
the shared one ``PostgresIndex`` (``bot.index._postgres``: a PostgreSQL database that bot
processes on several machines use together). Each registers in :data:`BACKENDS`;
``index_backend`` in ``config/bot.yaml`` chooses one (see ``docs/scaling.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.catalog import CatalogStore, JsonCatalogStore
from bot.index._analysis import STEM_LANGUAGES, analyse, analyzer
from bot.index._tantivy import TantivyIndex
from bot.index._types import Hit, IndexBusyError, IndexCorruptError, IndexUpdateError, SentenceIndex, WeightedTerm

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "BACKENDS", "STEM_LANGUAGES", "Hit", "IndexBusyError", "IndexCorruptError", "IndexUpdateError", "SentenceIndex",
    "TantivyIndex", "WeightedTerm", "analyse", "analyzer", "catalog_store", "open_index",
]


def _open_postgres(path: Path, settings: Settings | None) -> SentenceIndex:
    from bot.index._postgres import open_postgres  # psycopg is imported only by those who use it

    if settings is None:
        raise ValueError("the postgres index backend needs the settings (postgres.dsn)")
    return open_postgres(path, settings)


#: Index implementations by the name ``index_backend`` takes in ``config/bot.yaml``: each takes
#: the index folder (``index_dir``/corpus) and the settings. Another adapter implementing
#: :class:`SentenceIndex` registers here (and in ``bot.config.INDEX_BACKENDS``); nothing else changes.
BACKENDS: dict[str, Callable[[Path, Settings | None], SentenceIndex]] = {
    "embedded": lambda path, settings: TantivyIndex(path),
    "postgres": _open_postgres,
}


def open_index(backend: str, path: Path, settings: Settings | None = None) -> SentenceIndex:
    """The configured sentence index, stored at ``path`` (or where ``settings`` say)."""
    try:
        factory = BACKENDS[backend]
    except KeyError:
        raise ValueError(f"unknown index backend {backend!r}; use one of: {', '.join(BACKENDS)}") from None
    return factory(path, settings)


def catalog_store(index: SentenceIndex, path: Path, corpus: str) -> CatalogStore:
    """Where the catalog of ``index`` lives: in its database when it has one, else a JSON file at ``path``."""
    from_index = getattr(index, "catalog_store", None)
    return from_index() if callable(from_index) else JsonCatalogStore(path, corpus)
