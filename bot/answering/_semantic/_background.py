"""Embedding ahead of questions: a pass over the corpus (``index --embed``) and the background embedder."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.answering._semantic._scorer import SemanticScorer

log = logging.getLogger(__name__)

#: The background embedder saves its work this often, and logs progress this often.
FLUSH_SECONDS = 30.0
LOG_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class EmbedReport:
    """What one pass over the corpus embedded."""

    articles: int  # looked at
    sentences: int  # looked at
    embedded: int  # passed through the encoder
    copied: int  # already stored under another article (wire copies): copied, not embedded
    dropped: int  # stale vectors collected
    seconds: float
    finished: bool  # False when stopped early


@contextlib.contextmanager
def pass_lock(folder: Path | None, wait: bool) -> Iterator[bool]:
    """One embedding pass per vector folder at a time, between processes (yields False if busy)."""
    if folder is None:
        yield True
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "embedding.lock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def embed_corpus(
    scorer: SemanticScorer,
    articles: Collection[str] | None = None,
    *,
    background: bool = False,
    stop: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    collect: bool = False,
) -> EmbedReport:
    """Embed the sentences that have no stored vector yet, newest articles first (resumable:
    what is stored is skipped), flushing to disk every ``FLUSH_SECONDS``.

    ``articles``: only those (default: the whole corpus, and stale vectors of its articles are
    dropped). ``collect``: also drop the vectors of articles the corpus no longer has.
    ``progress(done, total)`` is called after each batch.
    """
    started = time.monotonic()
    store, corpus = scorer.store, scorer._corpus
    infos = corpus.articles()
    if articles is not None:
        wanted = set(articles)
        infos = [i for i in infos if i.id in wanted]
    plan: list[str] = []
    live: dict[str, list[int]] = {}
    total = sentences = 0
    for info in infos:
        _, _, keys = scorer.article_passages(info.id)
        sentences += len(keys)
        live[info.id] = keys
        missing = int(store.missing(info.id, keys).sum())
        if missing:
            plan.append(info.id)
            total += missing
    dropped = 0
    if articles is None:
        dropped = store.retain(live) if collect else store.drop(live)
        if dropped:
            log.info("dropped %d stale sentence vectors", dropped)
    done = embedded = copied = 0
    flushed = time.monotonic()
    batch: list[tuple[str, int, str]] = []

    def run_batch() -> None:
        nonlocal done, embedded
        vectors = scorer.encoder.passages([text for _, _, text in batch], background=background)
        if vectors is None:
            raise RuntimeError("the encoder is not available")
        store.put([a for a, _, _ in batch], [k for _, k, _ in batch], vectors)
        done += len(batch)
        embedded += len(batch)
        batch.clear()
        if progress is not None:
            progress(done, total)

    finished = True
    for article_id in plan:
        if stop is not None and stop.is_set():
            finished = False
            break
        _, texts, keys = scorer.article_passages(article_id)  # again: it may have changed meanwhile
        missing = np.flatnonzero(store.missing(article_id, keys))
        vectors, found = store.get([keys[i] for i in missing])
        if found.any():
            store.put([article_id] * int(found.sum()), [keys[i] for i in missing[found]], vectors[found])
            copied += int(found.sum())
            done += int(found.sum())
        for i in missing[~found]:
            batch.append((article_id, keys[i], texts[i]))
            if len(batch) >= scorer.BATCH:
                run_batch()
        if time.monotonic() - flushed > FLUSH_SECONDS:
            store.flush()
            flushed = time.monotonic()
    if batch and finished:
        run_batch()
    store.flush()
    return EmbedReport(len(infos), sentences, embedded, copied, dropped, time.monotonic() - started, finished)


class BackgroundEmbedder:
    """Embeds what has no stored vector in a thread, on one core, yielding to questions.

    It starts with a pass over the whole corpus (newest articles first), then embeds the
    articles each refresh adds or changes. Only one process embeds a vector folder at a time;
    another waits and picks up what that one stored. Progress goes to the log.
    """

    RETRY_SECONDS = 30.0

    def __init__(self, scorer: SemanticScorer) -> None:
        self._scorer = scorer
        self._cond = threading.Condition()
        self._wanted: set[str] | None = None  # None: the whole corpus
        self._has_work = True
        self._working = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sentence-embedder", daemon=True)
        self.last_report: EmbedReport | None = None

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def request(self, articles: Collection[str] | None) -> None:
        """Embed these articles next (None: look at the whole corpus)."""
        with self._cond:
            if articles is None or (self._has_work and self._wanted is None):
                self._wanted = None
            else:
                self._wanted = (self._wanted if self._has_work else set()) | set(articles)
            self._has_work = True
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until there is nothing left to embed; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._has_work and not self._working, timeout)

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop after the current batch, saving what was embedded."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        scorer = self._scorer
        scorer.encoder.one_thread()
        while not self._stop.is_set():
            with self._cond:
                self._cond.wait_for(lambda: self._has_work or self._stop.is_set())
                if self._stop.is_set():
                    break
                wanted, self._wanted, self._has_work, self._working = self._wanted, set(), False, True
            try:
                self._pass(wanted)
            except Exception:  # the bot goes on answering; questions still embed on demand
                log.exception("background sentence embedding failed")
            finally:
                with self._cond:
                    self._working = False
                    self._cond.notify_all()
        with contextlib.suppress(OSError):
            scorer.store.flush()

    def _pass(self, wanted: set[str] | None) -> None:
        scorer = self._scorer
        with scorer.pass_lock(wait=False) as ours:
            if not ours:
                log.info("another process is embedding %s; looking again in %.0f s", scorer.folder or "this corpus",
                         self.RETRY_SECONDS)
                self._stop.wait(self.RETRY_SECONDS)
                scorer.store.reload()
                self.request(wanted)
                return
            scorer.store.reload()
            report = embed_corpus(
                scorer, wanted, background=True, stop=self._stop, progress=_LogProgress("background embedding"),
            )
        self.last_report = report
        if report.embedded or report.copied or wanted is None:
            log.info("sentence vectors: %d embedded, %d copied, %d stored in all (%.0f s)",
                     report.embedded, report.copied, len(scorer.store), report.seconds)


class _LogProgress:
    """``progress(done, total)`` as a log line every ``LOG_SECONDS``, with the rate and an ETA."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._started = self._logged = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._logged < LOG_SECONDS and done < total:
            return
        self._logged = now
        rate = done / max(now - self._started, 1e-9)
        eta = (total - done) / rate if rate else 0.0
        log.info("%s: %d/%d sentences (%.0f%%, %.1f/s, %s left)", self._what, done, total,
                 100 * done / max(total, 1), rate, _duration(eta))


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
