"""The embedded sentence index: tantivy, on disk (implements :class:`bot.index.SentenceIndex`).

Each sentence is indexed in three ways:

- ``pt`` / ``en``: stemmed words, in the field of its article's language (BM25 retrieval);
- ``exact``: folded, unstemmed words of every sentence (names, numbers, the vocabulary that
  typo correction matches against).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import tantivy

from bot.index._analysis import analyse, analyzer
from bot.index._types import Hit, IndexBusyError, WeightedTerm
from bot.records import Sentence

log = logging.getLogger(__name__)

#: Bump when the schema or analysers change: an index of another version is rebuilt.
SCHEMA_VERSION = 2
#: How long an update waits for another process that is writing the same index (seconds).
WRITER_WAIT = 60.0


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
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        version_file = path / "schema_version"
        fresh = not version_file.exists() or version_file.read_text().strip() != str(SCHEMA_VERSION)
        if fresh:
            for stale in path.iterdir():
                if stale.is_file() and stale.name != "catalog.json":
                    stale.unlink()
        self._schema = _schema()
        self._index = tantivy.Index(self._schema, path=str(path), reuse=not fresh)
        self._index.register_tokenizer("stem_pt", analyzer("pt"))
        self._index.register_tokenizer("stem_en", analyzer("en"))
        self._index.register_tokenizer("exact", analyzer(None))
        if fresh:
            version_file.write_text(str(SCHEMA_VERSION))
        self._writer: tantivy.IndexWriter | None = None
        self._lock = threading.Lock()
        self._vocabulary: dict[str, int] | None = None
        self._searcher = self._index.searcher()

    # -- updates ---------------------------------------------------------------------------

    def _open_writer(self) -> tantivy.IndexWriter:
        """The index writer; waits (up to ``WRITER_WAIT`` s) while another process holds it."""
        deadline = time.monotonic() + WRITER_WAIT
        while self._writer is None:
            try:
                self._writer = self._index.writer(heap_size=256_000_000, num_threads=2)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise IndexBusyError(
                        f"{self.path}: another process is updating this index; try again when it is done"
                    ) from exc
                time.sleep(0.2)
        return self._writer

    def replace_article(self, article_id: str, lang: str, sentences: Sequence[Sentence]) -> None:
        """Stage one article's sentences, replacing the ones it had."""
        writer = self._open_writer()
        writer.delete_documents_by_term("article", article_id)
        stem_field = "en" if lang == "en" else "pt"
        before = ""
        for s in sentences:
            writer.add_document(tantivy.Document.from_dict({
                stem_field: s.text, "exact": s.text, "article": article_id, "position": s.position,
                "text": s.text, "kind": s.kind, "when": s.when or "", "dates": " ".join(s.dates), "before": before,
            }, self._schema))
            before = s.text

    def remove_article(self, article_id: str) -> None:
        """Stage the removal of one article's sentences."""
        self._open_writer().delete_documents_by_term("article", article_id)

    def clear(self) -> None:
        """Remove every sentence (an index without its catalog cannot be trusted)."""
        self._open_writer().delete_all_documents()
        self.commit()

    def commit(self) -> None:
        """Make staged changes visible and release the writer (other processes may then write)."""
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        writer.commit()
        writer.wait_merging_threads()
        self.reload()

    def reload(self) -> None:
        """Search the latest commit, this process's or another's."""
        self._index.reload()
        with self._lock:
            self._searcher = self._index.searcher()
            self._vocabulary = None

    def rollback(self) -> None:
        """Drop staged changes."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.rollback()

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
        hits = searcher.search(query, limit=max(limit, 1), count=False).hits
        found = [self._sentence(searcher.doc(address)) for _, address in hits]
        return sorted(found, key=lambda s: s.position)

    def document_frequency(self, word: str) -> int:
        """In how many sentences the folded word occurs."""
        tokens = analyse(word, None)
        if not tokens:
            return 0
        return min(self._searcher.doc_freq("exact", t) for t in tokens)

    def vocabulary(self) -> dict[str, int]:
        """Every folded word and its document frequency (cached until the next commit)."""
        with self._lock:
            if self._vocabulary is None:
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
