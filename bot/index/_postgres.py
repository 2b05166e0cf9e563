"""The PostgreSQL sentence index (implements :class:`bot.index.SentenceIndex`), shared by machines.

Sentences, their terms and the catalog live in tables (``migrations/*.sql``, applied at start),
so bot processes on several machines answer from one corpus that one indexing job keeps current:

- Terms are made in Python by :mod:`bot.index._analysis` (the analysers of the embedded index):
  Portuguese or English stems of a sentence in its article's language, and the folded unstemmed
  words (``exact``: names, numbers, the vocabulary typo correction matches against). Search is
  BM25 computed in SQL from the stored statistics (document frequencies, sentence lengths,
  average lengths), with tantivy's constants and query shape, so scores, ``document_frequency``
  and ``vocabulary`` match the embedded backend.
- One transaction per refresh: staged articles are written as they come (``COPY``), under a
  per-corpus advisory lock (one writer at a time; a second waits, then :class:`IndexBusyError`),
  and become visible together at :meth:`PostgresIndex.commit`, which also bumps the corpus's
  generation and sends ``NOTIFY briefing_index``. A writer that dies mid-refresh leaves nothing:
  the server rolls its transaction back and releases the lock.
- Readers ``LISTEN`` on a connection of their own (a background thread); :meth:`changed` tells
  the answering layer that another process committed, and the catalog follows row by row.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import psycopg

from bot.index._analysis import analyse
from bot.index._pglisten import APP, CHANNEL, Listener
from bot.index._pgmigrate import migrate
from bot.index._types import Hit, IndexBusyError, WeightedTerm
from bot.records import Sentence

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.index._pgcatalog import PostgresCatalogStore
    from bot.index._pgvectors import PostgresVectorStore

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long an update waits for another process that is writing the same corpus (seconds).
WRITER_WAIT = 60.0
#: The writers' advisory lock namespace (the first key of ``pg_advisory_xact_lock(int, int)``).
_LOCK_WRITER = 0x42524601
#: Staged sentences written to the server at once (bounded memory in the largest refresh).
FLUSH_SENTENCES = 2000
#: tantivy's BM25 constants.
K1, B = 1.2, 0.75
#: Fields: the stemmed field of each language, and the folded unstemmed one.
FIELDS = {"pt": 0, "en": 1}
EXACT = 2
#: Query clauses per word: (field, analyser language, share of the word's weight), as in the tantivy backend.
_CLAUSES = ((0, "pt", 1.0), (1, "en", 1.0), (EXACT, None, 0.5))


def dsn_of(settings: Settings) -> str:
    """The configured DSN: ``postgres.dsn``, else ``DATABASE_URL``."""
    import os

    dsn = settings.postgres.dsn or os.environ.get("DATABASE_URL")
    if not dsn:
        raise ValueError("index_backend is postgres but neither postgres.dsn nor DATABASE_URL is set")
    return dsn


class PostgresIndex:
    """Sentences of one corpus in a PostgreSQL database (implements :class:`SentenceIndex`)."""

    def __init__(self, dsn: str, corpus: str, read_only: bool = False) -> None:
        self.dsn = dsn
        self.corpus = corpus
        self.read_only = read_only
        self._local = threading.local()
        self._connections: list[psycopg.Connection] = []
        self._connections_lock = threading.Lock()
        with self._connect(autocommit=True) as conn:
            migrate(conn)
            row = conn.execute(
                "INSERT INTO corpora (name) VALUES (%s) ON CONFLICT (name) DO UPDATE SET name = excluded.name"
                " RETURNING id", (corpus,),
            ).fetchone()
            assert row is not None
            self.corpus_id: int = row[0]
        # writing
        self._writer: psycopg.Connection | None = None
        self._bulk = False  # writing the corpus's first build into an unattached partition
        self._vacuum_after_commit = False
        self._deferred = 0
        self._generation: int | None = None  # the generation this transaction commits
        self._pending: dict[str, tuple[str, Sequence[Sentence]]] = {}
        self._pending_count = 0
        self._removals: set[str] = set()
        self._df_delta: Counter[int] = Counter()
        self._stats_delta = [0, 0, 0, 0]  # sentences, tokens pt, en, exact
        self._term_ids: dict[tuple[int, str], int] | None = None
        self._after_commit: list[Callable[[], None]] = []
        # reading
        self._stats_lock = threading.Lock()
        self._stats: tuple[int, int] = (0, 0)  # (generation, sentences)
        self._vocabulary: tuple[int, dict[str, int]] | None = None
        self._df_cache: dict[str, int] = {}
        self._listener: Listener | None = None
        self._start_listener()
        self.reload()

    # -- connections -----------------------------------------------------------------------

    def _connect(self, autocommit: bool) -> psycopg.Connection:
        return psycopg.connect(self.dsn, autocommit=autocommit, application_name=APP)

    def _reader(self) -> psycopg.Connection:
        """This thread's autocommit connection (one per thread: questions run in several)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._connect(autocommit=True)
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    def _read(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of one read-only statement; a dropped connection is reopened once."""
        return self.reading(lambda conn: conn.execute(query, params).fetchall())

    def reading(self, work: Callable[[psycopg.Connection], T]) -> T:
        """``work(connection)`` on this thread's connection; when the server dropped it (a restart,
        a failover), once more on a new one."""
        try:
            return work(self._reader())
        except psycopg.OperationalError:
            dead = self._local.conn
            self._local.conn = None
            with self._connections_lock, contextlib.suppress(ValueError):
                self._connections.remove(dead)
            return work(self._reader())

    def catalog_store(self) -> PostgresCatalogStore:
        """The catalog of this corpus, in the same database (rows written in the index's transaction)."""
        from bot.index._pgcatalog import PostgresCatalogStore

        return PostgresCatalogStore(self)

    def vector_store(self, dim: int, variant: str) -> PostgresVectorStore:
        """The sentence vectors of this corpus (model ``variant``, ``dim`` long), in the same database."""
        from bot.index._pgvectors import PostgresVectorStore

        return PostgresVectorStore(self, dim, variant)

    def close(self) -> None:
        """Close every connection and stop listening."""
        if self._listener is not None:
            self._listener.close()
        self.rollback()
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()

    # -- following other processes ---------------------------------------------------------

    def _start_listener(self) -> None:
        self._listener = Listener(self.dsn, self.corpus_id)
        weakref.finalize(self, self._listener.close)  # a dropped index stops listening

    def _saw(self, generation: int) -> None:
        assert self._listener is not None
        self._listener.saw(generation)

    @property
    def generation(self) -> int:
        """The generation this process reads (what :meth:`reload` last saw)."""
        return self._stats[0]

    @property
    def notified(self) -> int:
        """The newest generation another process is known to have committed."""
        return self._listener.notified if self._listener is not None else 0

    def changed(self) -> bool:
        """Whether a commit newer than the one this process reads has been announced."""
        return self.notified > self._stats[0]

    # -- updates ---------------------------------------------------------------------------

    def _begin(self) -> psycopg.Connection:
        """The writer's transaction, holding the corpus's writer lock (waits up to ``WRITER_WAIT`` s)."""
        if self._writer is not None:
            return self._writer
        if self.read_only:
            raise PermissionError(
                f"corpus {self.corpus!r}: this process is a reader (postgres.read_only); "
                "run the indexing job where the corpus folder is"
            )
        conn = self._connect(autocommit=False)
        deadline = time.monotonic() + WRITER_WAIT
        while True:
            (got,) = conn.execute(
                "SELECT pg_try_advisory_xact_lock(%s, %s)", (_LOCK_WRITER, self.corpus_id)
            ).fetchone()  # type: ignore[misc]
            if got:
                break
            conn.rollback()
            if time.monotonic() > deadline:
                conn.close()
                raise IndexBusyError(f"corpus {self.corpus!r}: another process is updating this index; "
                                     "try again when it is done")
            time.sleep(0.2)
        self._writer = conn
        # A corpus without a postings partition is being built for the first time: fill a new
        # table without indexes (several times faster) and index and attach it at the commit.
        (exists,) = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (self._partition,)).fetchone()  # type: ignore[misc]
        self._bulk = not exists
        if self._bulk:
            conn.execute(f"CREATE TABLE {self._partition} (LIKE postings INCLUDING DEFAULTS,"
                         f" CHECK (corpus_id = {self.corpus_id}))")
        return conn

    @property
    def _partition(self) -> str:
        return f"postings_{self.corpus_id}"

    def _attach_partition(self, conn: psycopg.Connection) -> None:
        """Index the freshly filled partition in one pass and attach it (its indexes join the parent's)."""
        table = self._partition
        conn.execute(f"CREATE INDEX {table}_by_term ON {table} (term_id) INCLUDE (sentence_id, tf, length)")
        conn.execute(f"CREATE INDEX {table}_by_sentence ON {table} (sentence_id)")
        conn.execute(f"ALTER TABLE postings ATTACH PARTITION {table} FOR VALUES IN ({self.corpus_id})")
        conn.execute(f"ANALYZE {table}")
        self._bulk = False
        self._vacuum_after_commit = True

    def replace_article(self, article_id: str, lang: str, sentences: Sequence[Sentence]) -> None:
        """Stage one article's sentences, replacing the ones it had."""
        self._begin()
        self._removals.add(article_id)
        old = self._pending.pop(article_id, None)
        if old is not None:
            self._pending_count -= len(old[1])
        self._pending[article_id] = ("en" if lang == "en" else "pt", tuple(sentences))
        self._pending_count += len(sentences)
        if self._pending_count >= FLUSH_SENTENCES:
            self._flush()

    def remove_article(self, article_id: str) -> None:
        """Stage the removal of one article's sentences."""
        self._begin()
        old = self._pending.pop(article_id, None)
        if old is not None:
            self._pending_count -= len(old[1])
        self._removals.add(article_id)

    def _flush(self) -> None:
        """Write what is staged into the open transaction (deletions first, then new rows by COPY)."""
        conn = self._begin()
        if self._removals:
            gone = conn.execute(
                "DELETE FROM sentences WHERE corpus_id = %s AND article_id = ANY(%s) RETURNING id, field, length",
                (self.corpus_id, list(self._removals)),
            ).fetchall()
            if gone:
                for _, field, length in gone:
                    self._stats_delta[0] -= 1
                    self._stats_delta[1 + field] -= length
                    self._stats_delta[3] -= length
                terms = conn.execute(
                    f"DELETE FROM {self._partition} WHERE sentence_id = ANY(%s) RETURNING term_id",
                    ([g[0] for g in gone],),
                ).fetchall()
                for (term_id,) in terms:
                    self._df_delta[term_id] -= 1
            self._removals.clear()
        if not self._pending:
            return
        rows: list[tuple[str, Sentence, int, Counter[str], Counter[str], int]] = []
        for article_id, (lang, sentences) in self._pending.items():
            field = FIELDS[lang]
            for s in sentences:
                exact = Counter(analyse(s.text, None))
                stems = Counter(analyse(s.text, lang))
                rows.append((article_id, s, field, stems, exact, sum(exact.values())))
        self._pending.clear()
        self._pending_count = 0
        ids = self._term_ids_for(conn, rows)
        sentence_ids = [row[0] for row in conn.execute(
            "SELECT nextval('sentences_id_seq') FROM generate_series(1, %s)", (len(rows),)
        )]
        postings: list[str] = []
        with conn.cursor().copy(
            'COPY sentences (id, corpus_id, article_id, position, text, kind, "when", dates, field, length)'
            " FROM STDIN"
        ) as copy:
            for sentence_id, (article_id, s, field, stems, exact, length) in zip(sentence_ids, rows, strict=True):
                copy.write_row((sentence_id, self.corpus_id, article_id, s.position, s.text, s.kind, s.when,
                                list(s.dates), field, min(length, 32767)))
                short = min(length, 32767)
                for term_field, counts in ((field, stems), (EXACT, exact)):
                    for term, tf in counts.items():
                        term_id = ids[(term_field, term)]
                        postings.append(f"{self.corpus_id}\t{term_id}\t{sentence_id}\t{min(tf, 32767)}\t{short}\n")
                        self._df_delta[term_id] += 1
                self._stats_delta[0] += 1
                self._stats_delta[1 + field] += length
                self._stats_delta[3] += length
        if not self._bulk:
            postings.sort(key=_term_of)  # the index's pages are then visited in order
        with conn.cursor().copy(
            f"COPY {self._partition} (corpus_id, term_id, sentence_id, tf, length) FROM STDIN"
        ) as copy:
            for start in range(0, len(postings), 20_000):
                copy.write("".join(postings[start : start + 20_000]))

    def _term_ids_for(self, conn: psycopg.Connection, rows: Sequence[tuple[Any, ...]]) -> dict[tuple[int, str], int]:
        """Term ids for every term of ``rows``, creating the new ones."""
        if self._term_ids is None:
            self._term_ids = {
                (field, term): term_id for term_id, field, term in conn.execute(
                    "SELECT id, field, term FROM terms WHERE corpus_id = %s", (self.corpus_id,)
                )
            }
        ids = self._term_ids
        missing = {(field, t) for _, _, field, stems, _, _ in rows for t in stems if (field, t) not in ids}
        missing |= {(EXACT, t) for *_, exact, _ in rows for t in exact if (EXACT, t) not in ids}
        if missing:
            fields, words = zip(*sorted(missing), strict=True)
            for term_id, field, term in conn.execute(
                "INSERT INTO terms (corpus_id, field, term) SELECT %s, f, t FROM unnest(%s::smallint[], %s::text[])"
                " AS u(f, t) ON CONFLICT (corpus_id, field, term) DO UPDATE SET df = terms.df"
                " RETURNING id, field, term", (self.corpus_id, list(fields), list(words)),
            ):
                ids[(field, term)] = term_id
        return ids

    def _stage_generation(self) -> int:
        """The generation this transaction commits (bumped once per transaction)."""
        if self._generation is None:
            conn = self._begin()
            (self._generation,) = conn.execute(
                "UPDATE corpora SET generation = generation + 1 WHERE id = %s RETURNING generation",
                (self.corpus_id,),
            ).fetchone()  # type: ignore[misc]
        return self._generation

    def write(
        self, work: Callable[[psycopg.Connection, int], None], committed: Callable[[int], None] | None = None
    ) -> None:
        """Run ``work(connection, generation)`` inside the current update (the catalog's rows);
        ``committed(generation)`` once it is committed.

        Inside :meth:`transaction` it commits with the index; otherwise at once.
        """
        conn = self._begin()
        generation = self._stage_generation()
        work(conn, generation)
        if committed is not None:
            self._after_commit.append(lambda: committed(generation))
        if not self._deferred:
            self._commit_now()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction for everything inside: :meth:`commit` only prepares, the exit commits.

        A refresh stages the index and then the catalog rows (:meth:`write`); readers see both
        at once or neither. An exception rolls everything back.
        """
        self._deferred += 1
        try:
            yield
        except BaseException:
            self._deferred -= 1
            self.rollback()
            raise
        self._deferred -= 1
        if not self._deferred:
            self._commit_now()

    def commit(self) -> None:
        """Make staged changes visible, atomically (inside :meth:`transaction`: at its end)."""
        if self._writer is None:
            return
        try:
            self._prepare_commit()
        except BaseException:
            self.rollback()
            raise
        if not self._deferred:
            self._commit_now()

    def _prepare_commit(self) -> None:
        conn = self._begin()
        self._flush()
        generation = self._stage_generation()
        n, pt, en, exact = self._stats_delta
        if any(self._stats_delta):
            conn.execute(
                "UPDATE corpora SET sentences = sentences + %s, tokens_pt = tokens_pt + %s,"
                " tokens_en = tokens_en + %s, tokens_exact = tokens_exact + %s WHERE id = %s",
                (n, pt, en, exact, self.corpus_id),
            )
        changed = [(term_id, delta) for term_id, delta in self._df_delta.items() if delta]
        if changed:
            term_ids, deltas = zip(*changed, strict=True)
            conn.execute(
                "UPDATE terms SET df = terms.df + d.delta, generation = %s"
                " FROM unnest(%s::int[], %s::int[]) AS d(id, delta) WHERE terms.id = d.id",
                (generation, list(term_ids), list(deltas)),
            )
        self._stats_delta = [0, 0, 0, 0]
        self._df_delta.clear()
        if self._bulk:
            self._attach_partition(conn)

    def _commit_now(self) -> None:
        conn = self._writer
        if conn is None:
            return
        try:
            self._prepare_commit()
            generation = self._stage_generation()
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, f"{self.corpus_id}:{generation}"))
            conn.commit()
        except BaseException:
            self.rollback()
            raise
        self._writer = None
        self._generation = None
        conn.close()
        if self._vacuum_after_commit:
            self._vacuum_after_commit = False
            self._vacuum()
        self.reload()
        done, self._after_commit = self._after_commit, []
        for callback in done:
            callback()

    def _vacuum(self) -> None:
        """Mark a freshly built partition all-visible, so searches read its index alone (index-only scans)."""
        try:
            with self._connect(autocommit=True) as conn:
                conn.execute(f"VACUUM (ANALYZE) {self._partition}")
        except psycopg.Error as exc:  # autovacuum does it later; searches are only slower until then
            log.warning("VACUUM of %s failed (%s)", self._partition, exc)

    def rollback(self) -> None:
        """Drop staged changes; the committed rows keep answering."""
        conn, self._writer = self._writer, None
        self._generation = None
        self._after_commit = []
        self._vacuum_after_commit = False
        self._pending.clear()
        self._pending_count = 0
        self._removals.clear()
        self._df_delta.clear()
        self._stats_delta = [0, 0, 0, 0]
        self._term_ids = None  # ids created in the dropped transaction are gone
        if conn is not None:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
            conn.close()

    def clear(self) -> None:
        """Remove every sentence and catalog row of this corpus, at once."""
        conn = self._begin()
        generation = self._stage_generation()
        conn.execute(f"DELETE FROM {self._partition}")
        for table in ("sentences", "articles", "skipped_files", "catalog_changes"):
            conn.execute(f"DELETE FROM {table} WHERE corpus_id = %s", (self.corpus_id,))
        # term rows stay (another writer may hold their ids), with no sentences
        conn.execute("UPDATE terms SET df = 0, generation = %s WHERE corpus_id = %s AND df <> 0",
                     (generation, self.corpus_id))
        conn.execute("UPDATE corpora SET sentences = 0, tokens_pt = 0, tokens_en = 0, tokens_exact = 0"
                     " WHERE id = %s", (self.corpus_id,))
        self._pending.clear()
        self._pending_count = 0
        self._removals.clear()
        self._df_delta.clear()
        self._stats_delta = [0, 0, 0, 0]
        if not self._deferred:
            self._commit_now()

    def reload(self) -> None:
        """Read the latest commit's statistics (this process's or another's)."""
        row = self._read("SELECT generation, sentences FROM corpora WHERE id = %s", (self.corpus_id,))
        generation, sentences = row[0] if row else (0, 0)
        with self._stats_lock:
            if generation != self._stats[0]:
                self._df_cache = {}
            self._stats = (generation, sentences)
        self._saw(generation)

    # -- reading ---------------------------------------------------------------------------

    def search(self, terms: Sequence[WeightedTerm], limit: int) -> list[Hit]:
        """The best ``limit`` sentences for the weighted words, best first (BM25, as tantivy scores it)."""
        clauses: dict[tuple[int, str], float] = {}
        for term in terms:
            for field, lang, share in _CLAUSES:
                for token in analyse(term.text, lang):
                    key = (field, token)
                    clauses[key] = max(clauses.get(key, 0.0), term.weight * share)
        if not clauses or limit <= 0:
            return []
        fields, words, weights = zip(*((f, t, w) for (f, t), w in clauses.items()), strict=True)
        rows = self._read(_SEARCH, {
            "corpus": self.corpus_id, "fields": list(fields), "terms": list(words), "weights": list(weights),
            "limit": limit, "k1": K1, "b": B,
        })
        return [
            Hit(Sentence(article, position, text, kind, when, tuple(dates)), float(score), before or "")
            for article, position, text, kind, when, dates, before, score in rows
        ]

    def sentences(self, article_id: str, first: int = 0, last: int | None = None) -> list[Sentence]:
        """Sentences of one article with ``first <= position <= last``, in order."""
        rows = self._read(
            'SELECT article_id, position, text, kind, "when", dates FROM sentences'
            " WHERE corpus_id = %s AND article_id = %s AND position BETWEEN %s AND %s ORDER BY position",
            (self.corpus_id, article_id, max(first, 0), last if last is not None else 2**31 - 1),
        )
        return [Sentence(a, p, t, k, w, tuple(d)) for a, p, t, k, w, d in rows]

    def document_frequency(self, word: str) -> int:
        """In how many sentences the folded word occurs."""
        tokens = analyse(word, None)
        if not tokens:
            return 0
        key = " ".join(tokens)
        cached = self._df_cache.get(key)
        if cached is None:
            rows = self._read(
                "SELECT count(*), coalesce(min(df), 0) FROM terms WHERE corpus_id = %s AND field = %s"
                " AND term = ANY(%s)", (self.corpus_id, EXACT, list(set(tokens))),
            )
            found, least = rows[0]
            cached = least if found == len(set(tokens)) else 0
            if len(self._df_cache) > 100_000:
                self._df_cache = {}
            self._df_cache[key] = cached
        return cached

    def vocabulary(self) -> dict[str, int]:
        """Every folded word and its document frequency (kept until the next commit, then updated)."""
        with self._stats_lock:
            generation = self._stats[0]
            held = self._vocabulary
        if held is not None and held[0] == generation:
            return held[1]
        if held is None:
            words = dict(self._read(
                "SELECT term, df FROM terms WHERE corpus_id = %s AND field = %s AND df > 0", (self.corpus_id, EXACT)
            ))
        else:  # only the words whose frequency changed since
            words = dict(held[1])
            for term, df in self._read(
                "SELECT term, df FROM terms WHERE corpus_id = %s AND field = %s AND generation > %s",
                (self.corpus_id, EXACT, held[0]),
            ):
                if df > 0:
                    words[term] = df
                else:
                    words.pop(term, None)
        with self._stats_lock:
            self._vocabulary = (generation, words)
        return words

    @property
    def size(self) -> int:
        """The number of sentences indexed."""
        return self._stats[1]


def _term_of(line: str) -> int:
    return int(line.split("\t", 2)[1])


#: BM25 over the stored statistics, in one statement (one snapshot): the query's terms with their
#: weights -> idf and length normalisation per field -> the sum over the sentences' postings.
#: MATERIALIZED: the per-term factors are computed once per term, not once per posting, and the
#: planner then sums the postings in a hash table (half the time of sorting them).
_SEARCH = """
WITH c AS MATERIALIZED (
    SELECT greatest(sentences, 1)::float8 AS n,
           greatest(tokens_pt, 1)::float8 / greatest(sentences, 1) AS avg_pt,
           greatest(tokens_en, 1)::float8 / greatest(sentences, 1) AS avg_en,
           greatest(tokens_exact, 1)::float8 / greatest(sentences, 1) AS avg_exact
    FROM corpora WHERE id = %(corpus)s
), q AS MATERIALIZED (
    SELECT t.id AS term_id,
           u.weight * ln(1 + (c.n - t.df + 0.5) / (t.df + 0.5)) * (1 + %(k1)s) AS w,
           %(k1)s * (1 - %(b)s) AS k_base,
           %(k1)s * %(b)s / CASE t.field WHEN 0 THEN c.avg_pt WHEN 1 THEN c.avg_en ELSE c.avg_exact END AS k_len
    FROM unnest(%(fields)s::smallint[], %(terms)s::text[], %(weights)s::float8[]) AS u(field, term, weight)
    JOIN terms t ON t.corpus_id = %(corpus)s AND t.field = u.field AND t.term = u.term AND t.df > 0
    CROSS JOIN c
), top AS (
    SELECT p.sentence_id, sum(q.w * p.tf / (p.tf + q.k_base + q.k_len * p.length)) AS score
    FROM q JOIN postings p ON p.corpus_id = %(corpus)s AND p.term_id = q.term_id
    GROUP BY p.sentence_id
    ORDER BY score DESC, p.sentence_id
    LIMIT %(limit)s
)
SELECT s.article_id, s.position, s.text, s.kind, s."when", s.dates, b.text, top.score
FROM top
JOIN sentences s ON s.id = top.sentence_id
LEFT JOIN sentences b ON b.corpus_id = s.corpus_id AND b.article_id = s.article_id AND b.position = s.position - 1
ORDER BY top.score DESC, top.sentence_id
"""


def open_postgres(path: Path, settings: Settings) -> PostgresIndex:
    """The PostgreSQL index of ``settings.corpus`` (``path`` is unused: nothing is kept on disk)."""
    del path
    name = settings.postgres.corpus or Path(settings.corpus).resolve().name or "corpus"
    return PostgresIndex(dsn_of(settings), name, settings.postgres.read_only)
