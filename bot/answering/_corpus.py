"""The corpus as answering sees it: the index, its catalog, and what is derived from them.

:class:`Corpus` keeps the index up to date with the corpus folder (``refresh``), follows what
another process commits to the same index, and answers the lookups the answering stages need
(an article's metadata and language, its title's terms, word frequencies, the vocabulary).

The corpus folder is the source of truth. An index found damaged, when it is opened or while a
question is searched, is moved aside (``<index>.broken``) and rebuilt from the corpus, with one
WARNING line. A refresh that fails (no space left on the device) changes nothing: the previous
index keeps answering.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import threading
import time
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.answering._semantic import SemanticScorer
from bot.answering._terms import terms
from bot.catalog import Catalog, CatalogStore
from bot.config import Settings
from bot.index import (
    Hit,
    IndexCorruptError,
    IndexUpdateError,
    SentenceIndex,
    WeightedTerm,
    analyse,
    catalog_store,
    open_index,
)
from bot.ingest import RefreshReport, update_index
from bot.language import fold
from bot.progress import ProgressCallback
from bot.records import ArticleInfo, Sentence
from bot.suggest import Suggester

log = logging.getLogger(__name__)

#: A damaged index is rebuilt at most this often (seconds); damage found again sooner is raised.
REPAIR_INTERVAL = 60.0


def _open_or_replace(settings: Settings, folder: Path) -> SentenceIndex:
    """The index at ``folder``; a damaged one is moved aside and replaced by an empty one."""
    try:
        return open_index(settings.index_backend, folder, settings)
    except IndexCorruptError as exc:
        return _replace(settings, folder, exc)


def _replace(settings: Settings, folder: Path, error: Exception) -> SentenceIndex:
    aside = quarantine(folder)
    where = f"moved to {aside}" if aside is not None else "deleted"
    log.warning("the index is damaged (%s); %s, rebuilding it from the corpus", error, where)
    index = open_index(settings.index_backend, folder, settings)
    if aside is not None and aside.is_dir():
        _rescue_vectors(aside, folder)
    return index


def _rescue_vectors(aside: Path, folder: Path) -> None:
    """Move the sentence vectors back from a quarantined index folder: they are keyed by the text
    they encode, so they stay right, and embedding a newsroom corpus again takes hours."""
    for vectors in aside.glob("vectors-*"):
        target = folder / vectors.name
        if vectors.is_dir() and not os.path.lexists(target):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                os.replace(vectors, target)
            except OSError as exc:
                log.warning("could not keep the sentence vectors of the damaged index (%s)", exc)


def quarantine(folder: Path) -> Path | None:
    """Move a damaged index folder (or the file in its place) aside to ``<name>.broken``; where it went.

    One quarantined copy is kept per index (an older one is deleted). When it cannot be moved,
    it is deleted; None when nothing was there.
    """
    if not os.path.lexists(folder):
        return None
    aside = folder.with_name(folder.name + ".broken")
    try:
        if os.path.lexists(aside):
            _remove(aside)
        os.replace(folder, aside)
        return aside
    except OSError as exc:
        log.warning("cannot move %s aside (%s); deleting it", folder, exc)
        _remove(folder)
        return None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


class SelfRepairingIndex:
    """The corpus's sentence index: a read that finds it damaged rebuilds it, then is tried again.

    Implements :class:`~bot.index.SentenceIndex` over the index it holds (swapped for a rebuilt
    one by :meth:`Corpus.repair`), so the answering stages use it like any index.
    """

    def __init__(self, corpus: Corpus, index: SentenceIndex) -> None:
        self._corpus = corpus
        self.current = index
        self.generation = 0  # how many times the index was rebuilt

    def swap(self, index: SentenceIndex) -> None:
        """Answer from ``index`` from now on."""
        self.current = index
        self.generation += 1

    @property
    def path(self) -> Path | None:
        """Where the index lives (for messages)."""
        return getattr(self.current, "path", None)

    def _read(self, name: str, *args: Any) -> Any:
        generation = self.generation
        try:
            return getattr(self.current, name)(*args)
        except IndexCorruptError as exc:
            self._corpus.repair(exc, generation)
            return getattr(self.current, name)(*args)

    # -- reads: repaired on damage ---------------------------------------------------------

    def search(self, terms: Sequence[WeightedTerm], limit: int) -> list[Hit]:
        """The best ``limit`` sentences for a bag of weighted words, best first."""
        return self._read("search", terms, limit)

    def sentences(self, article_id: str, first: int = 0, last: int | None = None) -> list[Sentence]:
        """Sentences of one article with ``first <= position <= last``, in order."""
        return self._read("sentences", article_id, first, last)

    def document_frequency(self, word: str) -> int:
        """In how many sentences the folded word occurs."""
        return self._read("document_frequency", word)

    def vocabulary(self) -> dict[str, int]:
        """Every folded word of the index and its document frequency."""
        return self._read("vocabulary")

    def reload(self) -> None:
        """See what another process committed since this one last looked."""
        self._read("reload")

    @property
    def size(self) -> int:
        """The number of sentences indexed."""
        return self.current.size

    # -- writes: a refresh that finds damage repairs the index itself ------------------------

    def replace_article(self, article_id: str, lang: str, sentences: Sequence[Sentence]) -> None:
        """Stage the sentences of one article, replacing any it had."""
        self.current.replace_article(article_id, lang, sentences)

    def remove_article(self, article_id: str) -> None:
        """Stage the removal of every sentence of one article."""
        self.current.remove_article(article_id)

    def clear(self) -> None:
        """Remove every sentence, at once."""
        self.current.clear()

    def commit(self) -> None:
        """Make staged changes visible, atomically."""
        self.current.commit()

    def rollback(self) -> None:
        """Drop staged changes; the committed index keeps answering."""
        self.current.rollback()


class Corpus:
    """One corpus folder's index and catalog, kept current."""

    def __init__(
        self, index: SentenceIndex, catalog: Catalog, settings: Settings, folder: Path, store: CatalogStore
    ) -> None:
        self.index = SelfRepairingIndex(self, index)
        self.catalog = catalog
        self.settings = settings
        self.folder = folder
        self._store = store
        self._refresh_lock = threading.RLock()  # re-entered by a repair found during a refresh
        self._derived: dict[str, Any] = {}
        self._last_repair: float | None = None
        self.last_report: RefreshReport | None = None
        self._derive()
        self.semantic = SemanticScorer(self)  # sentence vectors beside the index; follow refreshes

    @classmethod
    def open(cls, settings: Settings) -> Corpus:
        """The index of ``settings.corpus`` as last committed (not yet refreshed).

        A damaged index is moved aside and replaced by an empty one (the first refresh fills it).
        Raises ``FileNotFoundError`` when the corpus folder does not exist (a reader of a shared
        index, ``postgres.read_only``, needs none).
        """
        folder = Path(settings.corpus)
        reader = settings.index_backend == "postgres" and settings.postgres.read_only
        if not folder.is_dir() and not reader:
            raise FileNotFoundError(f"corpus folder not found: {folder}")
        index_folder = settings.index_folder
        index = _open_or_replace(settings, index_folder)
        store = catalog_store(index, index_folder / "catalog.json", str(folder.resolve()))
        catalog = store.load() if index.size else None
        if catalog is None:
            catalog = Catalog(corpus=store.corpus)
            if index.size and not store.read_only:
                log.info("index at %s has no matching catalog: rebuilding", index_folder)
                try:
                    index.clear()
                except IndexCorruptError as exc:
                    index = _replace(settings, index_folder, exc)
        return cls(index, catalog, settings, folder, store)

    # -- keeping current -------------------------------------------------------------------

    def refresh(
        self, progress: ProgressCallback | None = None, paths: Collection[Path] | None = None
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
                self._install(catalog, report)
                return report
            draft = Catalog(catalog.corpus, dict(catalog.entries), dict(catalog.skipped))
            try:
                with store.transaction():  # the index and the catalog commit together where the store can
                    report = update_index(
                        self.index, draft, self.folder, self.settings.boilerplate, progress, paths,
                        follow_external_symlinks=self.settings.follow_external_symlinks,
                    )
                    self._save(draft, catalog, report, progress)
            except IndexCorruptError as exc:
                return self.repair(exc, progress=progress)
            self._install(draft, report)
            return report

    def load(self, progress: ProgressCallback | None = None) -> RefreshReport:
        """The first refresh, at start: when it fails but an index was built before, that one answers.

        The failure is logged as one WARNING line and kept in the report's ``error``; with no
        previous index to answer from, :class:`~bot.index.IndexUpdateError` is raised.
        """
        try:
            return self.refresh(progress)
        except IndexUpdateError as exc:
            if not self.catalog.entries:
                raise
            log.warning("%s; answering from the previous index (%d articles)", exc, len(self.catalog.entries))
            catalog = self.catalog
            report = RefreshReport(
                (), (), (), tuple(skip for _, (_, skip) in sorted(catalog.skipped.items())),
                len(catalog.entries), catalog.sentence_count, 0.0, error=str(exc),
            )
            self._derive()
            self.last_report = report
            self.semantic.corpus_changed(report)
            return report

    def repair(
        self, error: Exception, generation: int | None = None, progress: ProgressCallback | None = None
    ) -> RefreshReport:
        """Rebuild a damaged index from the corpus folder (the damaged one is moved aside).

        ``generation`` is the index generation the caller found damaged: when another thread
        has rebuilt it meanwhile, nothing is done. Damage found again within
        :data:`REPAIR_INTERVAL` seconds of a rebuild is raised instead of rebuilding again.
        Questions asked meanwhile keep using the old index until the new one is ready.
        """
        with self._refresh_lock:
            if generation is not None and generation != self.index.generation:
                return self.last_report  # type: ignore[return-value]  # set by the rebuild
            now = time.monotonic()
            if self._last_repair is not None and now - self._last_repair < REPAIR_INTERVAL:
                raise error
            self._last_repair = now
            fresh = _replace(self.settings, self.settings.index_folder, error)
            previous, draft = self.catalog, Catalog(corpus=self.catalog.corpus)
            try:
                with self._store.transaction():
                    report = update_index(
                        fresh, draft, self.folder, self.settings.boilerplate, progress,
                        follow_external_symlinks=self.settings.follow_external_symlinks,
                    )
                    self._store.save(draft, previous, wait=True)
            except IndexCorruptError as again:
                raise IndexUpdateError(f"rebuilding the damaged index failed: {again}") from again
            self.index.swap(fresh)
            self._install(draft, report)
            log.info("index rebuilt: %d articles, %d sentences", report.articles, report.sentences)
            return report

    def _save(
        self, draft: Catalog, previous: Catalog, report: RefreshReport, progress: ProgressCallback | None
    ) -> None:
        """Record a committed update's catalog (the first one waited for, the others in the background)."""
        store = self._store
        if not (report.changed_anything or store.missing()):
            return
        wait = self.last_report is None
        if progress and wait:
            progress(0, 1, "saving the catalog")
        store.save(draft, previous, wait=wait)
        if progress and wait:
            progress(1, 1, "saving the catalog")

    def _install(self, catalog: Catalog, report: RefreshReport) -> None:
        """Make a committed update's catalog current."""
        self.catalog = catalog
        if report.changed_anything or self.last_report is None:
            self._derive()
        self.last_report = report
        self.semantic.corpus_changed(report)

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
