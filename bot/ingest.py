"""Bring the index up to date with a corpus folder: only what changed is read again.

Files are read, cleaned, split and dated (``articles`` -> ``sentences``) in worker processes
when there are many of them, then written to the index in one commit. A failure before the
commit rolls everything back, so the previous index keeps answering.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import time
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.articles import ARTICLE_SUFFIXES, file_signature, iter_article_files, load_article, relative_id
from bot.catalog import Catalog, Entry
from bot.index import SentenceIndex
from bot.language import STOPWORDS, fold
from bot.progress import ProgressCallback
from bot.records import ArticleInfo, Sentence, Skipped
from bot.sentences import article_sentences

log = logging.getLogger(__name__)

#: Below this many files, reading in-process beats starting worker processes.
PARALLEL_MIN_FILES = 200

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

    @property
    def changed_anything(self) -> bool:
        """True when an article was added, changed or removed."""
        return bool(self.added or self.changed or self.removed)


def _article_files(paths: Collection[Path], root: Path) -> dict[str, Path] | None:
    """Article ids of the changed ``paths``; None when a folder changed (then the folder is walked)."""
    named: dict[str, Path] = {}
    for path in paths:
        article_id = relative_id(Path(path), root)
        if Path(path).is_dir() or not article_id.lower().endswith(ARTICLE_SUFFIXES) or article_id == str(path):
            return None
        if any(part.startswith((".", "#")) for part in article_id.split("/")):
            continue  # hidden: never part of the corpus
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


def prepare(path: Path, root: Path, boilerplate: Mapping[str, Any] | None) -> Prepared:
    """Read one file into indexable sentences; never raises."""
    article_id = relative_id(path, root)
    try:
        signature = file_signature(path)
    except OSError as exc:
        return Prepared(article_id, (0, 0), None, "und", (), (), Skipped(article_id, f"cannot stat: {exc}"))
    try:
        article, skipped = load_article(path, root, boilerplate)
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


def _prepare_batch(paths: Sequence[Path], root: Path, boilerplate: Mapping[str, Any] | None) -> list[Prepared]:
    return [prepare(p, root, boilerplate) for p in paths]


def prepare_all(
    paths: Sequence[Path],
    root: Path,
    boilerplate: Mapping[str, Any] | None,
    progress: ProgressCallback | None = None,
) -> Iterator[Prepared]:
    """Prepare many files, in worker processes when there are enough of them.

    ``progress(done, total, "reading files")`` is called as files are read (every batch) and at the end.
    """
    total = len(paths)
    workers = min(os.cpu_count() or 1, 4)
    if total < PARALLEL_MIN_FILES or workers < 2:
        for done, path in enumerate(paths, 1):
            yield prepare(path, root, boilerplate)
            if progress and (done % 100 == 0 or done == total):
                progress(done, total, "reading files")
        return
    batch = 50
    chunks = [paths[i : i + batch] for i in range(0, total, batch)]
    done = 0
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for prepared in pool.map(_prepare_batch, chunks, [root] * len(chunks), [boilerplate] * len(chunks)):
            yield from prepared
            done += len(prepared)
            if progress:
                progress(done, total, "reading files")


def update_index(
    index: SentenceIndex,
    catalog: Catalog,
    root: Path,
    boilerplate: Mapping[str, Any] | None = None,
    progress: ProgressCallback | None = None,
    paths: Collection[Path] | None = None,
) -> RefreshReport:
    """Re-read what changed in ``root`` since ``catalog`` was made; update index and catalog.

    ``paths``, when given, are the only files that may have changed (a watcher knows them):
    the folder is then not walked, which keeps a one-file change cheap in a large corpus.
    Raises ``FileNotFoundError`` when ``root`` is not a folder. Any other exception rolls the
    index back (the catalog is only changed after a successful commit).
    """
    start = time.perf_counter()
    if not root.is_dir():
        raise FileNotFoundError(f"corpus folder not found: {root}")
    root = Path(os.path.abspath(root))  # watchers name files by absolute paths
    unwalked: list[Skipped] = []

    def walk_skip(path: Path, reason: str) -> None:
        unwalked.append(Skipped(relative_id(path, root), reason))

    known = set(catalog.entries) | set(catalog.skipped)
    named = _article_files(paths, root) if paths is not None else None
    if named is None:
        current = {relative_id(p, root): p for p in iter_article_files(root, walk_skip)}
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
        for p in prepare_all(to_read, root, boilerplate, progress):
            was_indexed = p.article_id in catalog.entries
            if p.info is None:
                if was_indexed:
                    index.remove_article(p.article_id)
                    entries[p.article_id] = None
                    changed.append(p.article_id)
            else:
                index.replace_article(p.article_id, p.lang, p.sentences)
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
    except BaseException:
        index.rollback()
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
