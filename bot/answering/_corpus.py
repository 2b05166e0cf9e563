"""The corpus as answering sees it: the index, its catalog, and what is derived from them.

:class:`Corpus` keeps the index up to date with the corpus folder (``refresh``), follows what
another process commits to the same index, and answers the lookups the answering stages need
(an article's metadata and language, its title's terms, word frequencies, the vocabulary).
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.answering._terms import terms
from bot.catalog import Catalog
from bot.config import Settings
from bot.index import SentenceIndex, analyse, open_index
from bot.ingest import RefreshReport, update_index
from bot.language import fold
from bot.records import ArticleInfo, Sentence
from bot.suggest import Suggester

log = logging.getLogger(__name__)


def _stamp(path: Path | None) -> int | None:
    """A file's modification time (ns), None when it does not exist."""
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None


def corpus_key(corpus: Path) -> str:
    """The name of a corpus folder's index folder: readable, and unique per absolute path."""
    resolved = str(corpus.resolve())
    name = re.sub(r"[^\w.-]+", "-", corpus.resolve().name) or "corpus"
    return f"{name}-{hashlib.sha1(resolved.encode()).hexdigest()[:10]}"


class Corpus:
    """One corpus folder's index and catalog, kept current."""

    def __init__(
        self, index: SentenceIndex, catalog: Catalog, settings: Settings, folder: Path, catalog_path: Path | None
    ) -> None:
        self.index = index
        self.catalog = catalog
        self.settings = settings
        self.folder = folder
        self._catalog_path = catalog_path
        self._refresh_lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._saved: Catalog | None = None
        self._disk_stamp = _stamp(catalog_path)
        self._derived: dict[str, Any] = {}
        self.last_report: RefreshReport | None = None
        self._derive()

    @classmethod
    def open(cls, settings: Settings) -> Corpus:
        """The index of ``settings.corpus`` as last committed (not yet refreshed).

        Raises ``FileNotFoundError`` when the corpus folder does not exist.
        """
        folder = Path(settings.corpus)
        if not folder.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {folder}")
        index_folder = Path(settings.index_dir) / corpus_key(folder)
        index = open_index(settings.index_backend, index_folder)
        catalog_path = index_folder / "catalog.json"
        catalog = Catalog.load(catalog_path, str(folder.resolve())) if index.size else None
        if catalog is None:
            catalog = Catalog(corpus=str(folder.resolve()))
            if index.size:
                log.info("index at %s has no matching catalog: rebuilding", index_folder)
                index.clear()
        return cls(index, catalog, settings, folder, catalog_path)

    # -- keeping current -------------------------------------------------------------------

    def refresh(
        self, progress: Callable[[int, int], None] | None = None, paths: Collection[Path] | None = None
    ) -> RefreshReport:
        """Re-read changed, added and removed files; on failure the old index keeps answering.

        ``paths`` limits the look to those files (a watcher knows what changed); by default the
        whole corpus folder is compared with the index.
        """
        with self._refresh_lock:
            catalog = self.catalog
            draft = Catalog(catalog.corpus, dict(catalog.entries), dict(catalog.skipped))
            report = update_index(
                self.index, draft, self.folder, self.settings.boilerplate, progress, paths,
                follow_external_symlinks=self.settings.follow_external_symlinks,
            )
            self.catalog = draft
            path = self._catalog_path
            if path is not None and (report.changed_anything or not path.exists()):
                self._save_catalog(path, wait=self.last_report is None)
            if report.changed_anything or self.last_report is None:
                self._derive()
            self.last_report = report
            return report

    def _save_catalog(self, path: Path, wait: bool) -> None:
        """Write the catalog; after the first load, in the background (at scale it takes a second).

        The index is already committed, and a catalog that lags behind it heals itself: an article
        it lacks is re-read (replacing its sentences), one it keeps after deletion is removed. The
        thread is not a daemon, so the process waits for the last write before it exits.
        """
        def write() -> None:
            with self._save_lock:
                catalog = self.catalog  # the newest by the time the lock is ours
                if catalog is self._saved:
                    return
                path.parent.mkdir(parents=True, exist_ok=True)
                catalog.save(path)
                self._saved = catalog
                self._disk_stamp = _stamp(path)

        saver = threading.Thread(target=write, name="catalog-save")
        saver.start()
        if wait:
            saver.join()

    def follow_disk(self) -> None:
        """Pick up what another process (a second shard, ``briefing-bot index``) committed.

        Its catalog write is the signal: one stat per question. Skipped while this process is
        refreshing (its own commit is on the way).
        """
        path = self._catalog_path
        stamp = _stamp(path)
        if path is None or stamp == self._disk_stamp or not self._refresh_lock.acquire(blocking=False):
            return
        try:
            catalog = Catalog.load(path, self.catalog.corpus)
            if catalog is not None:
                self.index.reload()
                self.catalog = catalog
                self._derive()
                log.info("picked up the index another process updated (%d articles)", len(catalog.entries))
            self._disk_stamp = stamp
        finally:
            self._refresh_lock.release()

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
