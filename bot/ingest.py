"""Bring the index up to date with a corpus folder: only what changed is read again.

Files are read, cleaned, split and dated (``articles`` -> ``sentences``) in worker processes
(:mod:`bot.workers`) when there are many of them, then written to the index in one commit.
A bad file costs only that file: it is skipped with its reason, whether it fails to load, fails
to index, or crashes the worker reading it. A failure of the update itself (no space left on
the device, the index busy) rolls everything back and raises :class:`IndexUpdateError`, so the
previous index keeps answering.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import resource
import shutil
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.articles import (
    ARTICLE_SUFFIXES,
    display_id,
    file_signature,
    iter_article_files,
    load_article,
    name_problem,
    relative_id,
)
from bot.catalog import Catalog, Entry
from bot.index import IndexBusyError, IndexCorruptError, IndexUpdateError, SentenceIndex
from bot.language import STOPWORDS, fold
from bot.progress import ProgressCallback
from bot.records import ArticleInfo, Sentence, Skipped
from bot.sentences import article_sentences
from bot.workers import WorkerDied, WorkerPool, workers_available

log = logging.getLogger(__name__)

#: Below this many files, reading in-process beats starting worker processes.
PARALLEL_MIN_FILES = 200
#: Files per task sent to a worker process.
BATCH_FILES = 50
#: After this many files in a row crash the worker reading them, the rest are read in-process.
_MAX_CRASHES = 3

_NAME = re.compile(r"\b[A-ZÀ-Ý][\w’'-]+(?:\s+(?:(?:de|da|do|dos|das|of|the|al|bin)\s+)?[A-ZÀ-Ý][\w’'-]+)*")


_STOP = STOPWORDS["pt"] | STOPWORDS["en"] | {"segundo", "segunda", "para", "com", "como", "sobre"}


@dataclass(frozen=True, slots=True)
class Prepared:
    """One file read and split, ready to index (or the reason it was skipped)."""

    article_id: str
    signature: tuple[int, int]
    info: ArticleInfo | None
    lang: str
    sentences: tuple[Sentence, ...]
    names: tuple[str, ...]
    skipped: Skipped | None


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """What one refresh of the index changed."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    skipped: tuple[Skipped, ...]
    articles: int
    sentences: int
    seconds: float
    error: str | None = None  # why the update failed (nothing changed then), None when it succeeded

    @property
    def changed_anything(self) -> bool:
        """True when an article was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def _article_files(
    paths: Collection[Path], root: Path, on_skip: Callable[[Path, str], None]
) -> dict[str, Path] | None:
    """Article ids of the changed ``paths``; None when a folder changed (then the folder is walked)."""
    named: dict[str, Path] = {}
    for path in paths:
        article_id = relative_id(Path(path), root)
        if Path(path).is_dir() or not article_id.lower().endswith(ARTICLE_SUFFIXES) or article_id == str(path):
            return None
        if any(part.startswith((".", "#")) for part in article_id.split("/")):
            continue  # hidden: never part of the corpus
        problem = name_problem(article_id)
        if problem is not None:
            on_skip(Path(path), problem)
            continue
        named[article_id] = Path(path)
    return named


def names_of(sentences: Iterable[Sentence], limit: int = 8) -> tuple[str, ...]:
    """The capitalised names an article mentions most (for autocomplete), most frequent first."""
    counts: Counter[str] = Counter()
    for s in sentences:
        for match in _NAME.finditer(s.text):
            words = match.group().split()
            if match.start() == 0 and len(words) == 1:
                continue  # a capitalised first word is usually just the start of the sentence
            while words and fold(words[0]) in _STOP:
                words = words[1:]  # "Segundo Temer", "The Weeknd": the name is what follows
            name = " ".join(words)
            if 3 <= len(name) <= 60:
                counts[name] += 1
    return tuple(name for name, _ in counts.most_common(limit))


def _skipped(article_id: str, signature: tuple[int, int], reason: str) -> Prepared:
    return Prepared(article_id, signature, None, "und", (), (), Skipped(article_id, reason))


def prepare(
    path: Path, root: Path, boilerplate: Mapping[str, Any] | None, follow_external_symlinks: bool = False
) -> Prepared:
    """Read one file into indexable sentences; never raises."""
    article_id = relative_id(path, root)
    try:
        signature = file_signature(path)
    except OSError as exc:
        return _skipped(article_id, (0, 0), f"cannot stat: {exc}")
    try:
        article, skipped = load_article(path, root, boilerplate, follow_external_symlinks=follow_external_symlinks)
        if article is None:
            return Prepared(article_id, signature, None, "und", (), (), skipped or Skipped(article_id, "not loaded"))
        sentences = tuple(article_sentences(article))
    except Exception as exc:  # a bad file must never stop a load
        log.warning("%s: skipped (%s: %s)", article_id, type(exc).__name__, exc)
        return Prepared(article_id, signature, None, "und", (), (), Skipped(article_id, f"{type(exc).__name__}: {exc}"))
    if not sentences:
        return Prepared(article_id, signature, None, "und", (), (), Skipped(article_id, "no text"))
    info = ArticleInfo.of(article)
    return Prepared(article_id, signature, info, article.lang, sentences, names_of(sentences), skipped)


def prepare_batch(
    paths: Sequence[Path], root: Path, boilerplate: Mapping[str, Any] | None, follow_external_symlinks: bool = False
) -> list[Prepared]:
    """:func:`prepare` over several files (one task of a worker process)."""
    return [prepare(p, root, boilerplate, follow_external_symlinks) for p in paths]


_BATCH_TASK = f"{__name__}:prepare_batch"


def _stage(index: SentenceIndex, p: Prepared) -> bool:
    """Stage one article's sentences; False (the article left out) when this article cannot be indexed.

    An error that is not this article's (the disk, the index itself) still fails the whole update:
    removing the half-staged article then fails too.
    """
    try:
        index.replace_article(p.article_id, p.lang, p.sentences)
        return True
    except (ValueError, TypeError) as exc:  # a document refused (the index's own failures raise others)
        index.remove_article(p.article_id)
        log.warning("%s: skipped: could not be indexed (%s)", p.article_id, exc)
        return False


def _rollback(index: SentenceIndex) -> None:
    try:
        index.rollback()
    except Exception as exc:  # the writer may already be dead (disk full); nothing was committed
        log.debug("rollback failed: %s", exc)


def describe_failure(exc: BaseException, where: Path | None = None) -> str:
    """One line saying why an update failed, naming a full disk or a file size limit when that is the cause."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 6:
        chain.append(current)
        current = current.__cause__ or current.__context__
    codes = {getattr(e, "errno", None) for e in chain}
    said = " ".join(str(e) for e in chain).casefold()
    place = f" ({where})" if where is not None else ""
    full = bool(codes & {errno.ENOSPC, errno.EDQUOT}) or any(w in said for w in ("no space left", "storagefull"))
    if not full and errno.EFBIG not in codes and "file too large" not in said and where is not None:
        with contextlib.suppress(OSError):
            full = shutil.disk_usage(where).free < 1024 * 1024
    if full:
        return f"no space left on the device holding the index{place}; free some space and refresh again"
    # A writer thread that died of EFBIG says only that it was killed: a limit in force is the cause.
    killed = "writer was killed" in said and _file_size_limit() is not None
    if errno.EFBIG in codes or "file too large" in said or "filetoolarge" in said or killed:
        return f"a file of the index would grow past the file size limit{place} (ulimit -f); raise the limit"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"updating the index failed: {text}"[:300]


def _file_size_limit() -> int | None:
    """The largest file this process may write (``ulimit -f``), None when unlimited."""
    soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def prepare_all(
    paths: Sequence[Path],
    root: Path,
    boilerplate: Mapping[str, Any] | None,
    progress: ProgressCallback | None = None,
    follow_external_symlinks: bool = False,
) -> Iterator[Prepared]:
    """Prepare many files, in worker processes when there are enough of them; never raises for a file.

    ``progress(done, total, "reading files")`` is called as files are read (every 100) and at the
    end. Results come in the order of ``paths``. A batch whose worker died is read again file by
    file, each in a fresh worker; a file that kills its worker too is skipped with that reason.
    """
    total = len(paths)
    workers = min(os.cpu_count() or 1, 4)
    done = 0

    def report(count: int) -> None:
        nonlocal done
        before, done = done, done + count
        if progress and (done // 100 > before // 100 or done == total):
            progress(done, total, "reading files")

    if total < PARALLEL_MIN_FILES or workers < 2 or not workers_available():
        for path in paths:
            yield prepare(path, root, boilerplate, follow_external_symlinks)
            report(1)
        return
    chunks = [paths[i : i + BATCH_FILES] for i in range(0, total, BATCH_FILES)]
    arguments = [(chunk, root, boilerplate, follow_external_symlinks) for chunk in chunks]
    try:
        pool = WorkerPool(workers)
    except WorkerDied as exc:
        log.warning("%s; reading the files in this process", exc)
        for path in paths:
            yield prepare(path, root, boilerplate, follow_external_symlinks)
            report(1)
        return
    with pool:
        for chunk, (ok, value) in zip(chunks, pool.imap_outcomes(_BATCH_TASK, arguments), strict=True):
            if not ok:
                log.warning("a worker process failed reading %d files (%s); reading them one by one", len(chunk), value)
                value = list(_prepare_one_by_one(chunk, root, boilerplate, follow_external_symlinks))
            yield from value
            report(len(chunk))


def _prepare_one_by_one(
    paths: Sequence[Path], root: Path, boilerplate: Mapping[str, Any] | None, follow_external_symlinks: bool
) -> Iterator[Prepared]:
    """One file at a time, in a worker of their own, so that a file crashing it costs only that file."""
    crashes = 0
    pool: WorkerPool | None = None
    try:
        for path in paths:
            if pool is None and crashes < _MAX_CRASHES:
                try:
                    pool = WorkerPool(1)
                except WorkerDied as exc:
                    log.warning("%s; reading the files in this process", exc)
                    crashes = _MAX_CRASHES
            if pool is None:  # the workers themselves are failing: read the rest here
                yield prepare(path, root, boilerplate, follow_external_symlinks)
                continue
            try:
                [prepared] = pool.call(_BATCH_TASK, [path], root, boilerplate, follow_external_symlinks)
            except WorkerDied as exc:
                crashes += 1
                pool.close()
                pool = None
                article_id = relative_id(path, root)
                log.warning("%s: skipped: reading it crashed its worker process (%s)", article_id, exc)
                yield _skipped(article_id, file_signature(path), f"reading it crashed the worker process ({exc})")
                continue
            except RuntimeError:  # the worker could not run the task at all: read it here
                prepared = prepare(path, root, boilerplate, follow_external_symlinks)
            crashes = 0
            yield prepared
    finally:
        if pool is not None:
            pool.close()


def update_index(
    index: SentenceIndex,
    catalog: Catalog,
    root: Path,
    boilerplate: Mapping[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    paths: Collection[Path] | None = None,
    *,
    follow_external_symlinks: bool = False,
) -> RefreshReport:
    """Re-read what changed in ``root`` since ``catalog`` was made; update index and catalog.

    ``paths``, when given, are the only files that may have changed (a watcher knows them):
    the folder is then not walked, which keeps a one-file change cheap in a large corpus.
    Raises ``FileNotFoundError`` when ``root`` is not a folder, :class:`IndexCorruptError` when
    the index turns out to be damaged, and :class:`IndexUpdateError` (one line saying why) when
    the update fails otherwise. Every failure rolls the index back, and the catalog is only
    changed after a successful commit.
    """
    start = time.perf_counter()
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    root = Path(os.path.abspath(root))  # watchers name files by absolute paths
    unwalked: list[Skipped] = []

    def walk_skip(path: Path, reason: str) -> None:
        unwalked.append(Skipped(display_id(path, root), reason))

    known = set(catalog.entries) | set(catalog.skipped)
    named = _article_files(paths, root, walk_skip) if paths is not None else None
    if named is None:
        found = iter_article_files(root, walk_skip, follow_external_symlinks=follow_external_symlinks)
        current = {relative_id(p, root): p for p in found}
        removed = sorted(known - set(current))
    else:
        current = {article_id: p for article_id, p in named.items() if p.is_file()}
        removed = sorted(a for a in named if a not in current and a in known)
    to_read: list[Path] = []
    for article_id, path in current.items():
        try:
            signature = file_signature(path)
        except OSError:
            signature = None
        if signature is None or catalog.signature_of(article_id) != signature:
            to_read.append(path)

    added: list[str] = []
    changed: list[str] = []
    entries: dict[str, Entry | None] = {}
    skipped: dict[str, tuple[tuple[int, int], Skipped]] = {}
    try:
        for p in prepare_all(to_read, root, boilerplate, progress, follow_external_symlinks):
            was_indexed = p.article_id in catalog.entries
            if p.info is not None and not _stage(index, p):
                p = _skipped(p.article_id, p.signature, "could not be indexed (see the log)")
            if p.info is None:
                if was_indexed:
                    index.remove_article(p.article_id)
                    entries[p.article_id] = None
                    changed.append(p.article_id)
            else:
                entries[p.article_id] = Entry(p.info, p.signature, len(p.sentences), p.names)
                (changed if was_indexed else added).append(p.article_id)
            if p.skipped is not None:
                skipped[p.article_id] = (p.signature, p.skipped)
        for article_id in removed:
            if article_id in catalog.entries:
                index.remove_article(article_id)
        report_commit = progress is not None and bool(to_read or removed)
        if report_commit:
            progress(0, 1, "writing the index")
        index.commit()
        if report_commit:
            progress(1, 1, "writing the index")
    except BaseException as exc:
        _rollback(index)
        if isinstance(exc, Exception) and not isinstance(exc, IndexBusyError | IndexCorruptError):
            raise IndexUpdateError(describe_failure(exc, getattr(index, "path", None))) from exc
        raise

    for article_id in removed:
        catalog.entries.pop(article_id, None)
        catalog.skipped.pop(article_id, None)
    for article_id, entry in entries.items():
        catalog.skipped.pop(article_id, None)
        if entry is None:
            catalog.entries.pop(article_id, None)
        else:
            catalog.entries[article_id] = entry
    catalog.skipped.update(skipped)
    report = RefreshReport(
        added=tuple(added),
        changed=tuple(changed),
        removed=tuple(removed),
        skipped=(*(skip for _, (_, skip) in sorted(catalog.skipped.items())), *unwalked),
        articles=len(catalog.entries),
        sentences=catalog.sentence_count,
        seconds=time.perf_counter() - start,
    )
    if report.changed_anything:
        log.info(
            "index updated: %d added, %d changed, %d removed (%d articles, %d sentences) in %.2fs",
            len(added), len(changed), len(removed), report.articles, report.sentences, report.seconds,
        )
    return report
