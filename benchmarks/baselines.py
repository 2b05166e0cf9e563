"""The two baselines the bot is measured against, over exactly the sentences the bot indexes.

- :class:`FuzzyBaseline`: the naive fuzzy bot, ``rapidfuzz.process.extract(question, sentences,
  scorer=fuzz.WRatio, limit=3)`` over every sentence (a full scan per question);
- :class:`Bm25Baseline`: plain BM25, a tantivy index with the default tokenizer over the same
  sentence texts, queried with the question's words as they are (no translation, no stemming,
  no aliases, no rerank).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path

import tantivy
from rapidfuzz import fuzz, process

log = logging.getLogger(__name__)

_QUERY_WORD = re.compile(r"\w+", re.UNICODE)


def load_sentences(corpus: Path) -> tuple[list[str], set[str]]:
    """Every sentence text the bot would index from ``corpus``, and the article ids.

    Uses the bot's own reading path (``bot.articles`` -> ``bot.sentences``, through
    ``bot.ingest.prepare_all``, which runs it in worker processes for big folders), so the
    baselines search the very sentences the index holds.
    """
    from bot.articles import iter_article_files
    from bot.ingest import prepare_all

    paths = sorted(iter_article_files(corpus))
    texts: list[str] = []
    articles: set[str] = set()
    for prepared in prepare_all(paths, corpus, None):
        if prepared.info is None:
            continue
        articles.add(prepared.article_id)
        texts.extend(s.text for s in prepared.sentences)
    return texts, articles


class FuzzyBaseline:
    """Full-scan fuzzy matching of the question against every sentence."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.sentences = list(sentences)

    def search(self, question: str, limit: int = 3) -> list[str]:
        """The ``limit`` sentences most similar to the question (WRatio), best first."""
        found = process.extract(question, self.sentences, scorer=fuzz.WRatio, limit=limit)
        return [text for text, _score, _row in found]


class Bm25Baseline:
    """BM25 over the sentence texts with tantivy's default tokenizer, in memory."""

    def __init__(self, sentences: Sequence[str], path: Path | None = None) -> None:
        start = time.perf_counter()
        self.sentences = list(sentences)
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("text", tokenizer_name="default")
        builder.add_unsigned_field("row", stored=True)
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema, path=str(path) if path else None)
        writer = self.index.writer(heap_size=256_000_000, num_threads=2)
        for row, text in enumerate(self.sentences):
            writer.add_document(tantivy.Document(text=text, row=row))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.build_seconds = time.perf_counter() - start

    def query(self, question: str) -> tantivy.Query:
        """The question's words, OR-ed (query syntax characters dropped, so nothing needs escaping)."""
        words = [w.lower() for w in _QUERY_WORD.findall(question)]
        if not words:
            return tantivy.Query.empty_query()
        return self.index.parse_query(" ".join(words), ["text"])

    def search(self, question: str, limit: int = 3) -> list[str]:
        """The ``limit`` best BM25 sentences, best first."""
        hits = self.searcher.search(self.query(question), limit=limit, count=False).hits
        return [self.sentences[self.searcher.doc(address)["row"][0]] for _score, address in hits]
