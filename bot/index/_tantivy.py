"""The embedded sentence index: tantivy, on disk (implements :class:`bot.index.SentenceIndex`).

Each sentence is indexed in three ways:

- ``pt`` / ``en``: stemmed words, in the field of its article's language (BM25 retrieval);
- ``exact``: folded, unstemmed words of every sentence (names, numbers, the vocabulary that
  typo correction matches against).

Damage to the files (a segment deleted, truncated or zeroed, ``meta.json`` garbage, the folder
replaced by a file) raises :class:`IndexCorruptError`, whether it is found when the index is
opened or while it is searched; the answering layer then rebuilds the index from the corpus.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import tantivy

from bot.index._analysis import analyse, analyzer
from bot.index._types import Hit, IndexBusyError, IndexCorruptError, IndexUpdateError, WeightedTerm
from bot.records import Sentence

log = logging.getLogger(__name__)

#: Bump when the schema or analysers change: an index of another version is rebuilt.
SCHEMA_VERSION = 2
#: How long an update waits for another process that is writing the same index (seconds).
WRITER_WAIT = 60.0


#: Words in tantivy's errors about damaged files (a bad argument raises ValueError too: not damage).
_DAMAGE = ("corrupt", "failed to open", "io error", "ioerror", "filedoesnotexist", "deserializ", "footer", "checksum")


def is_damage(exc: BaseException) -> bool:
    """True when ``exc`` (raised by tantivy while reading) says the index files are damaged.

    A panic in tantivy's reader (``pyo3_runtime.PanicException``: an index out of bounds, an
    invalid integer encoding) is always damage: the files do not hold what their headers say.
    """
    if type(exc).__name__ == "PanicException":
        return True
    return isinstance(exc, ValueError) and any(word in str(exc).casefold() for word in _DAMAGE)


#: Words in tantivy's errors saying the writer itself failed (the disk, a limit), not one document.
_WRITER_FAILED = (
    "killed", "storagefull", "no space", "io error", "ioerror", "io::error", "os error", "quota", "too large",
    "failed to open file for write",
)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("pt", tokenizer_name="stem_pt", index_option="freq")
    builder.add_text_field("en", tokenizer_name="stem_en", index_option="freq")
    builder.add_text_field("exact", tokenizer_name="exact", index_option="freq")
    builder.add_text_field("article", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("position", stored=True, indexed=True, fast=True)
    builder.add_text_field("text", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("kind", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("when", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("dates", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("before", stored=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


class TantivyIndex:
    """The embedded on-disk sentence index (implements :class:`SentenceIndex`)."""

    def __init__(self, path: Path) -> None:
        """Open the index at ``path`` (created when missing).

        Raises :class:`IndexCorruptError` when what is there cannot be opened, and
        :class:`IndexUpdateError` when a new index cannot be written (no space left, say).
        """
        self.path = path
        if path.exists() and not path.is_dir():
            raise IndexCorruptError(f"{path}: the index folder is not a folder")
        version_file = path / "schema_version"
        try:
            path.mkdir(parents=True, exist_ok=True)
            fresh = _read_version(version_file) != str(SCHEMA_VERSION)
            if fresh:
                for stale in path.iterdir():
                    if stale.is_file() and stale.name != "catalog.json":
                        stale.unlink()
        except IsADirectoryError as exc:
            raise IndexCorruptError(f"{path}: {exc.filename} is a folder") from exc
        except OSError as exc:
            raise IndexUpdateError(f"cannot create the index in {path}: {exc.strerror or exc}") from exc
        self._schema = _schema()
        try:
            self._index = tantivy.Index(self._schema, path=str(path), reuse=not fresh)
            self._index.register_tokenizer("stem_pt", analyzer("pt"))
            self._index.register_tokenizer("stem_en", analyzer("en"))
            self._index.register_tokenizer("exact", analyzer(None))
            # Searchers move on only at reload(), when the catalog of the same commit is read too.
            # tantivy's default reader polls meta.json in a thread of its own and takes the meta
            # lock file to reload; that thread also raced whoever removed the folder.
            self._index.config_reader(reload_policy="Manual")
            self._searcher = self._index.searcher()
            self._searcher.num_docs  # noqa: B018 -- reads the segments' metadata: damage shows here
        except ValueError as exc:  # nothing but the files can be wrong here
            raise IndexCorruptError(f"{path}: {_one_line(exc)}") from exc
        except BaseException as exc:
            if is_damage(exc):
                raise IndexCorruptError(f"{path}: {_one_line(exc)}") from exc
            raise
        if fresh:
            try:
                version_file.write_text(str(SCHEMA_VERSION))
            except OSError as exc:
                raise IndexUpdateError(f"cannot create the index in {path}: {exc.strerror or exc}") from exc
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._vocabulary: dict[str, int] | None = None

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Tell a failed writer (:class:`IndexUpdateError`) from a document it refused (ValueError).

        A failed writer is dropped at once: it holds the index's writer lock until it is freed,
        and an exception's traceback must not keep it alive (the next refresh needs the lock).
        Callers therefore never keep the writer in a local variable.
        """
        try:
            yield
        except ValueError as exc:
            said = str(exc).casefold()
            if "corrupt" in said or any(word in said for word in _WRITER_FAILED):
                self._writer = None
                error = IndexCorruptError if "corrupt" in said else IndexUpdateError
                raise error(f"{self.path}: {_one_line(exc)}") from exc
            raise

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn tantivy's errors about damaged files into :class:`IndexCorruptError`."""
        try:
            yield
        except BaseException as exc:
            if is_damage(exc):
                raise IndexCorruptError(f"{self.path}: {_one_line(exc)}") from exc
            raise

    # -- updates ---------------------------------------------------------------------------

    def _open_writer(self) -> tantivy.IndexWriter:
        """The index writer; waits (up to ``WRITER_WAIT`` s) while another process holds it."""
        deadline = time.monotonic() + WRITER_WAIT
        while self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=256_000_000, num_threads=2)
            except ValueError as exc:
                if is_damage(exc):
                    raise IndexCorruptError(f"{self.path}: {_one_line(exc)}") from exc
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusyError(
                        f"{self.path}: another process is updating this index; try again when it is done"
                    ) from exc
                time.sleep(0.2)
        return self._writer

    def replace_article(self, article_id: str, lang: str, sentences: Sequence[Sentence]) -> None:
        """Stage one article's sentences, replacing the ones it had.

        Raises ValueError when tantivy refuses one of its documents (the article is then half
        staged: remove it), :class:`IndexUpdateError` when the writer itself failed.
        """
        self._open_writer()
        stem_field = "en" if lang == "en" else "pt"
        before = ""
        with self._writing():
            self._current_writer().delete_documents_by_term("article", article_id)
            for s in sentences:
                self._current_writer().add_document(tantivy.Document.from_dict({
                    stem_field: s.text, "exact": s.text, "article": article_id, "position": s.position,
                    "text": s.text, "kind": s.kind, "when": s.when or "", "dates": " ".join(s.dates),
                    "before": before,
                }, self._schema))
                before = s.text

    def remove_article(self, article_id: str) -> None:
        self._open_writer()
        with self._writing():
            self._current_writer().delete_documents_by_term("article", article_id)

    def clear(self) -> None:
        """Remove every sentence (an index without its catalog cannot be trusted)."""
        self._open_writer()
        with self._writing():
            self._current_writer().delete_all_documents()
        self.commit()

    def _current_writer(self) -> tantivy.IndexWriter:
        writer = self._writer
        if writer is None:
            raise IndexUpdateError(f"{self.path}: the index writer failed earlier in this update")
        return writer

    def commit(self) -> None:
        """Make staged changes visible and release the writer (other processes may then write)."""
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        try:
            with self._writing():
                writer.commit()
                writer.wait_merging_threads()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
            del writer  # the traceback keeps this frame: the writer (and its lock) must not stay with it
            raise
        self.reload()

    def reload(self) -> None:
        """Search the latest commit, this process's or another's."""
        with self._reading():
            self._index.reload()
            searcher = self._index.searcher()
        with self._lock:
            self._searcher = searcher
            self._vocabulary = None

    def rollback(self) -> None:
        """Drop staged changes."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            try:
                writer.rollback()
            finally:
                del writer  # a failed writer must not keep the lock alive in a traceback

    # -- reading ---------------------------------------------------------------------------

    def _query(self, terms: Sequence[WeightedTerm]) -> tantivy.Query:
        clauses: dict[tuple[str, str], float] = {}
        for term in terms:
            for field, lang, share in (("pt", "pt", 1.0), ("en", "en", 1.0), ("exact", None, 0.5)):
                for token in analyse(term.text, lang):
                    key = (field, token)
                    clauses[key] = max(clauses.get(key, 0.0), term.weight * share)
        subqueries = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(
                tantivy.Query.term_query(self._schema, field, token), weight))
            for (field, token), weight in clauses.items()
        ]
        return tantivy.Query.boolean_query(subqueries) if subqueries else tantivy.Query.empty_query()

    def search(self, terms: Sequence[WeightedTerm], limit: int) -> list[Hit]:
        """The best ``limit`` sentences for the weighted words, best first."""
        searcher = self._searcher
        with self._reading():
            result = searcher.search(self._query(terms), limit=limit, count=False)
            hits = []
            for score, address in result.hits:
                doc = searcher.doc(address)
                hits.append(Hit(self._sentence(doc), score, doc.get_first("before") or ""))
        return hits

    def sentences(self, article_id: str, first: int = 0, last: int | None = None) -> list[Sentence]:
        """Sentences of one article with ``first <= position <= last``, in order."""
        searcher = self._searcher
        query = tantivy.Query.term_query(self._schema, "article", article_id)
        if first > 0 or last is not None:
            span = tantivy.Query.range_query(
                self._schema, "position", tantivy.FieldType.Unsigned, max(first, 0), last if last is not None else 2**62
            )
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, span)])
        limit = (last - first + 1) if last is not None else 100_000
        with self._reading():
            hits = searcher.search(query, limit=max(limit, 1), count=False).hits
            found = [self._sentence(searcher.doc(address)) for _, address in hits]
        return sorted(found, key=lambda s: s.position)

    def document_frequency(self, word: str) -> int:
        """In how many sentences the folded word occurs."""
        tokens = analyse(word, None)
        if not tokens:
            return 0
        with self._reading():
            return min(self._searcher.doc_freq("exact", t) for t in tokens)

    def vocabulary(self) -> dict[str, int]:
        """Every folded word and its document frequency (cached until the next commit)."""
        with self._lock:
            if self._vocabulary is None:
                with self._reading():
                    self._vocabulary = dict(self._searcher.terms_with_prefix("exact", ""))
            return self._vocabulary

    @property
    def size(self) -> int:
        """The number of sentences indexed."""
        return self._searcher.num_docs

    @staticmethod
    def _sentence(doc: tantivy.Document) -> Sentence:
        when = doc.get_first("when") or None
        dates = doc.get_first("dates") or ""
        return Sentence(
            article_id=doc.get_first("article"),
            position=int(doc.get_first("position")),
            text=doc.get_first("text"),
            kind=doc.get_first("kind") or "body",
            when=when,
            dates=tuple(dates.split()) if dates else (),
        )


def _read_version(version_file: Path) -> str | None:
    """The schema version an index folder was written with (None when unknown: rebuilt then)."""
    try:
        return version_file.read_bytes().decode("ascii").strip()
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        return None
