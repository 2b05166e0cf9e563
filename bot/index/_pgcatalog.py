"""The catalog as rows of the PostgreSQL index's database (a :class:`bot.catalog.CatalogStore`).

One row per article file (``articles``) and per skipped file (``skipped_files``), written in the
index's refresh transaction, so a reader sees sentences and catalog of the same commit. Each
commit lists the files it touched (``catalog_changes``): a reader told of a commit (LISTEN/NOTIFY)
fetches only those rows, not the whole catalog.
"""

from __future__ import annotations

import contextlib
import logging

import psycopg

from bot.catalog import CATALOG_VERSION, Catalog, Entry
from bot.index._postgres import PostgresIndex
from bot.records import ArticleInfo, Skipped

log = logging.getLogger(__name__)

#: Commits whose change lists are kept; a reader further behind reloads the whole catalog.
KEEP_CHANGES = 1000

_ARTICLE_COLUMNS = "id, title, date, lang, url, author, source, section, size, mtime_ns, sentences, names"


class PostgresCatalogStore:
    """Catalog rows beside the sentences of one :class:`PostgresIndex` corpus."""

    def __init__(self, index: PostgresIndex) -> None:
        self._index = index
        self.corpus = index.corpus
        self.read_only = index.read_only
        self._generation = -1  # the commit the catalog held by this process reflects

    # -- reading ---------------------------------------------------------------------------

    def load(self) -> Catalog | None:
        """The whole catalog as last committed; None when the corpus has no article rows, or was indexed by
        another version of the pipeline (its sentences must then be read again)."""
        catalog, generation = self._read_all()
        self._generation = generation
        if self._index.reading(self._version_on) != CATALOG_VERSION:
            return None
        return catalog if catalog.entries else None

    def _version_on(self, conn: psycopg.Connection) -> int:
        row = conn.execute("SELECT catalog_version FROM corpora WHERE id = %s", (self._index.corpus_id,)).fetchone()
        return row[0] if row else 0

    def _read_all(self) -> tuple[Catalog, int]:
        return self._index.reading(self._read_all_on)

    def _read_all_on(self, conn: psycopg.Connection) -> tuple[Catalog, int]:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            generation = self._current_generation(conn)
            entries = {
                row[0]: _entry(row) for row in conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE corpus_id = %s", (self._index.corpus_id,)
                )
            }
            skipped = {
                key: ((size, mtime), Skipped(key, reason)) for key, size, mtime, reason in conn.execute(
                    "SELECT id, size, mtime_ns, reason FROM skipped_files WHERE corpus_id = %s",
                    (self._index.corpus_id,),
                )
            }
        return Catalog(self.corpus, entries, skipped), generation

    def _current_generation(self, conn: psycopg.Connection) -> int:
        row = conn.execute("SELECT generation FROM corpora WHERE id = %s", (self._index.corpus_id,)).fetchone()
        return row[0] if row else 0

    def changed(self) -> bool:
        """Whether a newer commit was announced (no query: the index's listener counts them)."""
        return self._index.notified > self._generation

    def follow(self, current: Catalog) -> Catalog | None:
        """``current`` updated with the rows of the files the commits since touched."""
        catalog, generation = self._index.reading(lambda conn: self._follow_on(conn, current))
        self._generation = generation
        return catalog

    def _follow_on(self, conn: psycopg.Connection, current: Catalog) -> tuple[Catalog, int]:
        corpus_id = self._index.corpus_id
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            generation = self._current_generation(conn)
            touched = None
            if self._generation >= 0 and generation - self._generation <= KEEP_CHANGES:
                touched = [row[0] for row in conn.execute(
                    "SELECT DISTINCT id FROM catalog_changes WHERE corpus_id = %s AND generation > %s",
                    (corpus_id, self._generation),
                )]
            if touched is not None:
                entries = dict(current.entries)
                skipped = dict(current.skipped)
                for key in touched:
                    entries.pop(key, None)
                    skipped.pop(key, None)
                for row in conn.execute(
                    f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE corpus_id = %s AND id = ANY(%s)",
                    (corpus_id, touched),
                ):
                    entries[row[0]] = _entry(row)
                for key, size, mtime, reason in conn.execute(
                    "SELECT id, size, mtime_ns, reason FROM skipped_files WHERE corpus_id = %s AND id = ANY(%s)",
                    (corpus_id, touched),
                ):
                    skipped[key] = ((size, mtime), Skipped(key, reason))
        if touched is None:
            return self._read_all_on(conn)
        return Catalog(self.corpus, entries, skipped), generation

    # -- writing ---------------------------------------------------------------------------

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """The index's transaction: sentences and catalog rows commit together."""
        return self._index.transaction()

    def missing(self) -> bool:
        """Never: the rows are written with the index, so there is no separate file to create."""
        return False

    def save(self, catalog: Catalog, previous: Catalog, wait: bool) -> None:
        """Write the rows that differ from ``previous`` (in the index's transaction when one is open)."""
        del wait
        changed = [k for k in catalog.entries.keys() | previous.entries.keys()
                   if catalog.entries.get(k) != previous.entries.get(k)]
        changed_skips = [k for k in catalog.skipped.keys() | previous.skipped.keys()
                         if catalog.skipped.get(k) != previous.skipped.get(k)]
        touched = sorted(set(changed) | set(changed_skips))
        if not touched:
            return
        corpus_id = self._index.corpus_id

        def work(conn: psycopg.Connection, generation: int) -> None:
            conn.execute("UPDATE corpora SET catalog_version = %s WHERE id = %s", (CATALOG_VERSION, corpus_id))
            conn.execute("DELETE FROM articles WHERE corpus_id = %s AND id = ANY(%s)", (corpus_id, changed))
            conn.execute("DELETE FROM skipped_files WHERE corpus_id = %s AND id = ANY(%s)",
                         (corpus_id, changed_skips))
            with conn.cursor().copy(
                f"COPY articles (corpus_id, generation, {_ARTICLE_COLUMNS}) FROM STDIN"
            ) as copy:
                for key in changed:
                    e = catalog.entries.get(key)
                    if e is not None:
                        i = e.info
                        copy.write_row((corpus_id, generation, key, i.title, i.date, i.lang, i.url, i.author,
                                        i.source, i.section, e.signature[0], e.signature[1], e.sentences,
                                        list(e.names)))
            with conn.cursor().copy(
                "COPY skipped_files (corpus_id, generation, id, size, mtime_ns, reason) FROM STDIN"
            ) as copy:
                for key in changed_skips:
                    found = catalog.skipped.get(key)
                    if found is not None:
                        (size, mtime), skip = found
                        copy.write_row((corpus_id, generation, key, size, mtime, skip.reason))
            with conn.cursor().copy("COPY catalog_changes (corpus_id, generation, id) FROM STDIN") as copy:
                for key in touched:
                    copy.write_row((corpus_id, generation, key))
            conn.execute("DELETE FROM catalog_changes WHERE corpus_id = %s AND generation < %s",
                         (corpus_id, generation - KEEP_CHANGES))

        def saved(generation: int) -> None:
            self._generation = generation

        self._index.write(work, saved)


def _entry(row: tuple) -> Entry:
    key, title, date, lang, url, author, source, section, size, mtime, sentences, names = row
    info = ArticleInfo(key, title, date, lang, url, author, source, section)
    return Entry(info, (size, mtime), sentences, tuple(names))
