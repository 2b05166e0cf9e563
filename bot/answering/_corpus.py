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

import hashlib
import logging
import math
import os
import re
import shutil
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.answering._terms import terms
from bot.catalog import Catalog
from bot.config import Settings
from bot.index import Hit, IndexCorruptError, IndexUpdateError, SentenceIndex, WeightedTerm, analyse, open_index
from bot.ingest import RefreshReport, update_index
from bot.language import fold
from bot.records import ArticleInfo, Sentence
from bot.suggest import Suggester

log = logging.getLogger(__name__)

#: A damaged index is rebuilt at most this often (seconds); damage found again sooner is raised.
REPAIR_INTERVAL = 60.0


def _stamp(path: Path | None) -> int | None:
    """A file's modification time (ns), None when it does not exist."""
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None


def _open_or_replace(backend: str, folder: Path) -> SentenceIndex:
    """The index at ``folder``; a damaged one is moved aside and replaced by an empty one."""
    try:
        return open_index(backend, folder)
    except IndexCorruptError as exc:
        return _replace(backend, folder, exc)


def _replace(backend: str, folder: Path, error: Exception) -> SentenceIndex:
    aside = quarantine(folder)
    where = f"moved to {aside}" if aside is not None else "deleted"
    log.warning("the index is damaged (%s); %s, rebuilding it from the corpus", error, where)
    return open_index(backend, folder)


def corpus_key(corpus: Path) -> str:
    """The name of a corpus folder's index folder: readable, and unique per absolute path."""
    resolved = str(corpus.resolve())
    name = re.sub(r"[^\w.-]+", "-", corpus.resolve().name) or "corpus"
    return f"{name}-{hashlib.sha1(resolved.encode()).hexdigest()[:10]}"


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
        self, index: SentenceIndex, catalog: Catalog, settings: Settings, folder: Path, catalog_path: Path | None
    ) -> None:
        self.index = SelfRepairingIndex(self, index)
        self.catalog = catalog
        self.settings = settings
        self.folder = folder
        self._catalog_path = catalog_path
        self._refresh_lock = threading.RLock()  # re-entered by a repair found during a refresh
        self._save_lock = threading.Lock()
        self._saved: Catalog | None = None
        self._disk_stamp = _stamp(catalog_path)
        self._derived: dict[str, Any] = {}
        self._last_repair: float | None = None
        self.last_report: RefreshReport | None = None
        self._derive()

    @classmethod
    def open(cls, settings: Settings) -> Corpus:
        """The index of ``settings.corpus`` as last committed (not yet refreshed).

        A damaged index is moved aside and replaced by an empty one (the first refresh fills
        it). Raises ``FileNotFoundError`` when the corpus folder does not exist.
        """
        folder = Path(settings.corpus)
        if not folder.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {folder}")
        index_folder = Path(settings.index_dir) / corpus_key(folder)
        index = _open_or_replace(settings.index_backend, index_folder)
        catalog_path = index_folder / "catalog.json"
        catalog = Catalog.load(catalog_path, str(folder.resolve())) if index.size else None
        if catalog is None:
            catalog = Catalog(corpus=str(folder.resolve()))
            if index.size:
                log.info("index at %s has no matching catalog: rebuilding", index_folder)
                try:
                    index.clear()
                except IndexCorruptError as exc:
                    index = _replace(settings.index_backend, index_folder, exc)
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
            try:
                report = update_index(
                    self.index, draft, self.folder, self.settings.boilerplate, progress, paths,
                    follow_external_symlinks=self.settings.follow_external_symlinks,
                )
            except IndexCorruptError as exc:
                return self.repair(exc, progress=progress)
            self._install(draft, report)
            return report

    def load(self, progress: Callable[[int, int], None] | None = None) -> RefreshReport:
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
            return report

    def repair(
        self, error: Exception, generation: int | None = None, progress: Callable[[int, int], None] | None = None
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
            index_folder = Path(self.settings.index_dir) / corpus_key(self.folder)
            fresh = _replace(self.settings.index_backend, index_folder, error)
            draft = Catalog(corpus=self.catalog.corpus)
            try:
                report = update_index(
                    fresh, draft, self.folder, self.settings.boilerplate, progress,
                    follow_external_symlinks=self.settings.follow_external_symlinks,
                )
            except IndexCorruptError as again:
                raise IndexUpdateError(f"rebuilding the damaged index failed: {again}") from again
            self.index.swap(fresh)
            self._saved = None
            self._install(draft, report, wait=True)
            log.info("index rebuilt: %d articles, %d sentences", report.articles, report.sentences)
            return report

    def _install(self, draft: Catalog, report: RefreshReport, wait: bool | None = None) -> None:
        """Make a committed update's catalog current (and save it)."""
        self.catalog = draft
        path = self._catalog_path
        if path is not None and (report.changed_anything or not path.exists()):
            self._save_catalog(path, wait=self.last_report is None if wait is None else wait)
        if report.changed_anything or self.last_report is None:
            self._derive()
        self.last_report = report

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
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    catalog.save(path)
                except OSError as exc:  # the index is committed: a lagging catalog heals at the next refresh
                    log.warning("could not save the index catalog %s (%s); it is written again at the next change",
                                path, exc.strerror or exc)
                    return
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
