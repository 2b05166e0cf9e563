"""The corpus as answering sees it: the index, its catalog, and what is derived from them.

:class:`Corpus` keeps the index up to date with the corpus folder (``refresh``), follows what
another process commits to the same index, and answers the lookups the answering stages need
(an article's metadata and language, its title's terms, word frequencies, the vocabulary).
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.answering._semantic import SemanticScorer
from bot.answering._terms import terms
from bot.catalog import Catalog, CatalogStore
from bot.config import Settings
from bot.index import SentenceIndex, analyse, catalog_store, open_index
from bot.ingest import RefreshReport, update_index
from bot.language import fold
from bot.records import ArticleInfo, Sentence
from bot.suggest import Suggester

log = logging.getLogger(__name__)




class Corpus:
    """One corpus folder's index and catalog, kept current."""

    def __init__(
        self, index: SentenceIndex, catalog: Catalog, settings: Settings, folder: Path, store: CatalogStore
    ) -> None:
        self.index = index
        self.catalog = catalog
        self.settings = settings
        self.folder = folder
        self._store = store
        self._refresh_lock = threading.Lock()
        self._derived: dict[str, Any] = {}
        self.last_report: RefreshReport | None = None
        self._derive()
        self.semantic = SemanticScorer(self)  # sentence vectors beside the index; follow refreshes

    @classmethod
    def open(cls, settings: Settings) -> Corpus:
        """The index of ``settings.corpus`` as last committed (not yet refreshed).

        Raises ``FileNotFoundError`` when the corpus folder does not exist (a reader of a shared
        index, ``postgres.read_only``, needs none).
        """
        folder = Path(settings.corpus)
        reader = settings.index_backend == "postgres" and settings.postgres.read_only
        if not folder.is_dir() and not reader:
            raise FileNotFoundError(f"corpus folder not found: {folder}")
        index_folder = settings.index_folder
        index = open_index(settings.index_backend, index_folder, settings)
        store = catalog_store(index, index_folder / "catalog.json", str(folder.resolve()))
        catalog = store.load() if index.size else None
        if catalog is None:
            catalog = Catalog(corpus=store.corpus)
            if index.size and not store.read_only:
                log.info("index at %s has no matching catalog: rebuilding", index_folder)
                index.clear()
        return cls(index, catalog, settings, folder, store)

    # -- keeping current -------------------------------------------------------------------

    def refresh(
        self, progress: Callable[[int, int], None] | None = None, paths: Collection[Path] | None = None
    ) -> RefreshReport:
        """Re-read changed, added and removed files; on failure the old index keeps answering.

        ``paths`` limits the look to those files (a watcher knows what changed); by default the
        whole corpus folder is compared with the index.
        A reader of a shared index (``postgres.read_only``) never reads its folder: it only picks
        up what the writer committed.
        """
        with self._refresh_lock:
            store = self._store
            if store.changed():
                self._follow()  # build on what another process committed, not on an older catalog
            catalog = self.catalog
            if store.read_only:
                report = RefreshReport((), (), (), tuple(s for _, s in catalog.skipped.values()),
                                       len(catalog.entries), catalog.sentence_count, 0.0)
            else:
                draft = Catalog(catalog.corpus, dict(catalog.entries), dict(catalog.skipped))
                with store.transaction():  # the index and the catalog commit together where the store can
                    report = update_index(self.index, draft, self.folder, self.settings.boilerplate, progress, paths)
                    if report.changed_anything or store.missing():
                        wait = self.last_report is None
                        if progress and wait:
                            progress(0, 1, "saving the catalog")
                        store.save(draft, catalog, wait=wait)
                        if progress and wait:
                            progress(1, 1, "saving the catalog")
                self.catalog = draft
            if report.changed_anything or self.last_report is None:
                self._derive()
            self.last_report = report
            self.semantic.corpus_changed(report)
            return report

    def follow_disk(self) -> None:
        """Pick up what another process (a second shard, ``briefing-bot index``) committed.

        The store says when there is something to pick up: the embedded index's catalog file
        changed (one stat per question), or the database announced a commit (LISTEN/NOTIFY).
        Skipped while this process is refreshing (its own commit is on the way).
        """
        if not self._store.changed() or not self._refresh_lock.acquire(blocking=False):
            return
        try:
            self._follow()
        finally:
            self._refresh_lock.release()

    def _follow(self) -> None:
        catalog = self._store.follow(self.catalog)
        if catalog is not None:
            self.index.reload()
            self.catalog, old = catalog, self.catalog
            self._derive()
            self.semantic.catalog_replaced(old, catalog)
            log.info("picked up the index another process updated (%d articles)", len(catalog.entries))

    def _derive(self) -> None:
        """Recompute what depends on the catalog: its language now, the rest when next asked."""
        langs = Counter(e.info.lang for e in self.catalog.entries.values())
        self._derived = {"lang": langs.most_common(1)[0][0] if langs else "pt", "langs": langs}

    # -- what the catalog says -------------------------------------------------------------

    @property
    def lang(self) -> str:
        """The language most articles are written in."""
        return self._derived["lang"]

    @property
    def langs(self) -> Counter[str]:
        """How many articles are written in each language."""
        return self._derived["langs"]

    def article(self, article_id: str) -> ArticleInfo | None:
        """One article's metadata."""
        entry = self.catalog.entries.get(article_id)
        return entry.info if entry else None

    def articles(self, filter: str | None = None) -> list[ArticleInfo]:
        """Articles, newest first; ``filter`` matches title, source or id (fuzzy, accents ignored)."""
        infos = [e.info for e in self.catalog.entries.values()]
        if filter and filter.strip():
            wanted = fold(filter.strip())
            infos = [
                i for i in infos
                if fuzz.partial_ratio(wanted, fold(f"{i.title} {i.source or ''} {i.id}")) >= 85
            ]
        return sorted(infos, key=lambda i: (i.date or "", i.id), reverse=True)

    def article_sentences(self, article_id: str, first: int = 0, last: int | None = None) -> list[Sentence]:
        """Sentences of one article with ``first <= position <= last`` (none for an unknown article)."""
        if article_id not in self.catalog.entries:
            return []
        return self.index.sentences(article_id, first, last)

    def lang_of(self, article_id: str) -> str:
        """The language an article is written in (the corpus's when unknown)."""
        info = self.article(article_id)
        return info.lang if info and info.lang in ("pt", "en") else self.lang

    def title_terms(self, article_id: str) -> frozenset[str]:
        """The index terms of an article's title (cached until the next refresh)."""
        cache: dict[str, frozenset[str]] = self._derived.setdefault("titles", {})
        found = cache.get(article_id)
        if found is None:
            info = self.article(article_id)
            found = frozenset(terms(info.title)) if info and info.title else frozenset()
            cache[article_id] = found
        return found

    def suggester(self) -> Suggester:
        """Autocomplete over the names the corpus mentions and its headlines (built when first asked)."""
        suggester = self._derived.get("suggester")
        if suggester is None:
            entries = list(self.catalog.entries.values())
            names: Counter[str] = Counter()
            for e in entries:
                names.update(e.names)
            suggester = Suggester(names, (e.info.title for e in entries))
            self._derived["suggester"] = suggester
        return suggester

    # -- what the index says ---------------------------------------------------------------

    def idf(self, df: int) -> float:
        """How rare a word in ``df`` sentences is: log(1 + N / (df + 1))."""
        n = max(self.index.size, 1)
        return math.log(1 + n / (df + 1))

    def document_frequency(self, word: str) -> int:
        """In how many sentences a word occurs, as written or in another inflection."""
        exact = self.index.document_frequency(word)
        if exact:
            return exact
        return max((self.index.document_frequency(t) for t in analyse(word, self.lang)), default=0)

    def vocabulary_by_letter(self) -> tuple[dict[str, int], dict[str, list[str]]]:
        """The index vocabulary (word -> sentences) and its words of 3+ letters by first letter."""
        vocabulary = self.index.vocabulary()
        buckets = self._derived.get("buckets")
        if buckets is None or self._derived.get("buckets_of") is not vocabulary:
            buckets = {}
            for term in vocabulary:
                if len(term) >= 3 and not term.isdigit():
                    buckets.setdefault(term[0], []).append(term)
            self._derived["buckets"] = buckets
            self._derived["buckets_of"] = vocabulary
        return vocabulary, buckets
