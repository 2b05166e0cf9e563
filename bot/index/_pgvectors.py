"""Sentence vectors in the PostgreSQL index's database (a :class:`bot.index._vectors.VectorStore`).

With ``index_backend: postgres`` the vectors live beside the sentences (table ``vectors``,
``migrations/003_vectors.sql``), so every bot process on every machine shares what any of them
embedded. A row per (corpus, model variant, passage key, article tag), the vector as int8 bytes
(:func:`~bot.index._vectors.quantize`, 384 bytes for the shipped model). The scorer fetches the
vectors of a question's ~20-100 candidates by key (``key = ANY(...)``, the primary key) and
computes cosines in numpy; there is no nearest-neighbour search, so a ``bytea`` column serves as
well as pgvector's type would, and needs no extension.

``put`` buffers; :meth:`PostgresVectorStore.flush` writes the buffer in one statement
(``ON CONFLICT DO NOTHING``: another process may have stored the same text). Rows another
process flushed are seen by the next :meth:`~PostgresVectorStore.get` (there is nothing to
reload). A read-only process (``postgres.read_only``) stores vectors too: they are keyed by the
text they encode, so any process that computed one may share it. Where the database refuses
(a role without INSERT, a hot standby), one WARNING is logged and the vectors stay in memory.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import psycopg
from psycopg import errors

from bot.index._vectors import article_tag, buffer_rows, dequantize

if TYPE_CHECKING:
    from bot.index._postgres import PostgresIndex

log = logging.getLogger(__name__)

#: The embedding passes' advisory lock namespace (one pass per corpus at a time, between processes).
LOCK_EMBED = 0x42524603
#: What the database may answer a write with when this process may not write there.
_REFUSED = (errors.InsufficientPrivilege, errors.ReadOnlySqlTransaction)


def storage_note(conn: psycopg.Connection) -> str:
    """Why the vectors are in a ``bytea`` column, given what this server offers (for the log)."""
    row = conn.execute(
        "SELECT default_version, installed_version FROM pg_available_extensions WHERE name = 'vector'"
    ).fetchone()
    if row is None:
        return "the pgvector extension is not available on this server"
    return (f"pgvector {row[1] or row[0]} is {'installed' if row[1] else 'available'}, but not needed: "
            "vectors are fetched by key, never searched by similarity")


#: One primary-key probe per wanted key (not ``key = ANY(...)``: before the table's first ANALYZE
#: the planner took that for a scan of the whole corpus's rows, 20x slower).
_GET = """
SELECT k.key, v.vec FROM unnest(%s::bigint[]) AS k(key)
CROSS JOIN LATERAL (SELECT vec FROM vectors
                    WHERE corpus_id = %s::int AND variant = %s AND key = k.key LIMIT 1) AS v
"""
_HAVE = """
SELECT k.key FROM unnest(%s::bigint[]) AS k(key)
WHERE EXISTS (SELECT 1 FROM vectors WHERE corpus_id = %s::int AND variant = %s AND key = k.key AND tag = %s::bigint)
"""


class PostgresVectorStore:
    """The vectors of one corpus and model variant, in rows of the index's database."""

    def __init__(self, index: PostgresIndex, dim: int, variant: str) -> None:
        self._index = index
        self._dim = dim
        self.variant = variant
        self._pending: dict[tuple[int, int], np.ndarray] = {}  # (key, tag) -> int8 row, not yet written
        self._pending_keys: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._refused: str | None = None  # why the database would not store them: they stay in memory
        note = index.reading(storage_note)
        log.info("sentence vectors (%s) are stored in PostgreSQL, table vectors (int8 in bytea): %s",
                 variant, note)

    @property
    def _scope(self) -> tuple[int, str]:
        return (self._index.corpus_id, self.variant)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def pending(self) -> int:
        """Vectors put but not yet written to the database."""
        return len(self._pending)

    # -- reading ---------------------------------------------------------------------------

    def get(self, keys: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        out = np.zeros((len(keys), self._dim), dtype=np.int8)
        found = np.zeros(len(keys), dtype=bool)
        pending = self._pending_keys
        wanted: dict[int, list[int]] = {}
        for i, key in enumerate(keys):
            row = pending.get(key)
            if row is not None:
                out[i], found[i] = row, True
            else:
                wanted.setdefault(int(key), []).append(i)
        if wanted:
            params = (list(wanted), *self._scope)  # binary results: bytea as bytes, not hex text
            rows = self._index.reading(lambda conn: conn.cursor(binary=True).execute(_GET, params).fetchall())
            for key, vec in rows:
                if len(vec) == self._dim:  # another dimension: not this model's (never used)
                    at = wanted[key]
                    out[at] = np.frombuffer(vec, dtype=np.int8)
                    found[at] = True
        return dequantize(out), found

    def missing(self, article_id: str, keys: Sequence[int]) -> np.ndarray:
        tag = article_tag(article_id)
        pending = self._pending
        missing = np.array([(key, tag) not in pending for key in keys], dtype=bool)
        todo = [int(keys[i]) for i in np.flatnonzero(missing)]
        if todo:
            stored = {key for (key,) in self._index._read(_HAVE, (todo, *self._scope, tag))}
            if stored:
                missing &= np.array([key not in stored for key in keys], dtype=bool)
        return missing

    def __len__(self) -> int:
        rows = self._index._read("SELECT count(*) FROM vectors WHERE corpus_id = %s AND variant = %s", self._scope)
        return int(rows[0][0]) + len(self._pending)

    def reload(self) -> bool:
        """Nothing to pick up: :meth:`get` reads the rows other processes wrote as they are committed."""
        return False

    # -- writing ---------------------------------------------------------------------------

    def put(self, article_ids: Sequence[str], keys: Sequence[int], vectors: np.ndarray) -> None:
        with self._lock:
            buffer_rows(self._pending, self._pending_keys, article_ids, keys, vectors)

    def flush(self) -> None:
        """Write the buffered vectors in one statement (rows already there are kept)."""
        if not self._pending or self._refused:
            return
        with self._flush_lock:
            with self._lock:
                pending = dict(self._pending)
            if not pending:
                return
            pairs = list(pending)
            keys = [k for k, _ in pairs]
            tags = [t for _, t in pairs]
            vecs = [row.tobytes() for row in pending.values()]
            corpus_id, variant = self._scope
            try:
                self._index.reading(lambda conn: conn.execute(
                    "INSERT INTO vectors (corpus_id, variant, key, tag, vec)"
                    " SELECT %s, %s, k, t, v FROM unnest(%s::bigint[], %s::bigint[], %s::bytea[]) AS u(k, t, v)"
                    " ON CONFLICT DO NOTHING", (corpus_id, variant, keys, tags, vecs),
                ))
            except _REFUSED as exc:
                self._refuse(exc)
                return
            except psycopg.OperationalError as exc:  # the server is away: the next flush tries again
                log.warning("could not store %d sentence vectors in the database (%s); will try again",
                            len(pending), exc)
                return
            with self._lock:
                for pair in pairs:
                    self._pending.pop(pair, None)
                self._pending_keys = {key: row for (key, _tag), row in self._pending.items()}

    def _refuse(self, exc: psycopg.Error) -> None:
        if self._refused is None:
            self._refused = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            log.warning("the database refuses to store sentence vectors (%s); this process keeps the ones it "
                        "computes in memory", self._refused)

    def drop(self, articles: Mapping[str, Collection[int]]) -> int:
        if not articles:
            return 0
        tags = [article_tag(a) for a in articles]
        kept = [(int(k), article_tag(a)) for a, keys in articles.items() for k in keys]
        wanted = set(tags)
        keep = set(kept)
        gone = self._drop_pending(lambda pair: pair[1] in wanted and pair not in keep)
        return gone + self._delete(
            "DELETE FROM vectors v WHERE corpus_id = %s AND variant = %s AND tag = ANY(%s) AND NOT EXISTS"
            " (SELECT 1 FROM unnest(%s::bigint[], %s::bigint[]) AS k(key, tag) WHERE k.key = v.key AND k.tag = v.tag)",
            (*self._scope, tags, [k for k, _ in kept], [t for _, t in kept]),
        )

    def retain(self, live: Mapping[str, Collection[int]]) -> int:
        kept = [(int(k), article_tag(a)) for a, keys in live.items() for k in keys]
        keep = set(kept)
        gone = self._drop_pending(lambda pair: pair not in keep)
        return gone + self._delete(
            "DELETE FROM vectors v WHERE corpus_id = %s AND variant = %s AND NOT EXISTS"
            " (SELECT 1 FROM unnest(%s::bigint[], %s::bigint[]) AS k(key, tag) WHERE k.key = v.key AND k.tag = v.tag)",
            (*self._scope, [k for k, _ in kept], [t for _, t in kept]),
        )

    def _drop_pending(self, dead) -> int:
        with self._lock:
            doomed = [pair for pair in self._pending if dead(pair)]
            for pair in doomed:
                del self._pending[pair]
            if doomed:
                self._pending_keys = {key: row for (key, _tag), row in self._pending.items()}
        return len(doomed)

    def _delete(self, query: str, params: Sequence[object]) -> int:
        if self._refused:
            return 0
        try:
            return self._index.reading(lambda conn: conn.execute(query, params).rowcount)
        except _REFUSED as exc:
            self._refuse(exc)
            return 0

    # -- one embedding pass at a time ------------------------------------------------------

    @contextlib.contextmanager
    def pass_lock(self, wait: bool) -> Iterator[bool]:
        """One embedding pass per corpus at a time, between processes and machines (yields False if busy).

        A session advisory lock on a connection of its own: a process that dies releases it.
        """
        with self._index._connect(autocommit=True) as conn:
            if wait:
                conn.execute("SELECT pg_advisory_lock(%s, %s)", (LOCK_EMBED, self._index.corpus_id))
            else:
                (got,) = conn.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (LOCK_EMBED, self._index.corpus_id)
                ).fetchone()  # type: ignore[misc]
                if not got:
                    yield False
                    return
            yield True  # closing the connection releases the lock
