"""Progress of long work: a bar with counts and ETA on a terminal, a log line every few seconds elsewhere.

A :class:`Progress` is the ``progress(done, total, stage)`` callback that :mod:`bot.ingest` (and
anything else that works through many items) calls::

    with Progress() as progress:
        Answerer.from_settings(settings, progress=progress)

Each distinct ``stage`` ("reading files", "writing the index", ...) gets its own bar (its last
word names the items counted: "files"); a new stage closes the one before. ``total`` is the
number of items (0 when unknown). A stage that blocks in one long call (a commit) reports
``(0, 1)`` before and ``(1, 1)`` after: its bar keeps counting the seconds in between. On a
terminal the bar is tqdm's; elsewhere (Docker logs, pipes, CI) an INFO line is logged when a
stage starts, every ``interval`` seconds while it runs, and when it ends.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from typing import IO, Any, Protocol

log = logging.getLogger("bot.progress")

#: Seconds between log lines when not on a terminal.
LOG_INTERVAL = 5.0
DEFAULT_STAGE = "reading files"


class ProgressCallback(Protocol):
    """What long-running functions call: ``progress(done, total, stage)``."""

    def __call__(self, done: int, total: int, stage: str = DEFAULT_STAGE, /) -> None: ...


def _seconds(value: float) -> str:
    value = max(0, round(value))
    return f"{value // 60}m{value % 60:02d}s" if value >= 60 else f"{value}s"


class Progress:
    """A reporter for ``progress(done, total, stage)`` calls; thread-safe; use it as a context manager.

    ``terminal`` forces the bar (True) or the log lines (False); by default the bar is used when
    ``stream`` is a terminal. ``enabled=False`` makes every call a no-op.
    """

    def __init__(self, stream: IO[str] | None = None, *, terminal: bool | None = None,
                 interval: float = LOG_INTERVAL, logger: logging.Logger = log, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if terminal is None:
            isatty = getattr(self.stream, "isatty", None)
            terminal = bool(isatty and isatty())
        self.terminal = terminal
        self.interval = interval
        self.logger = logger
        self.enabled = enabled
        self._lock = threading.RLock()
        self._stage: str | None = None
        self._done = 0
        self._total = 0
        self._started = 0.0
        self._last_log = 0.0
        self._bar: Any = None
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    # -- the callback ----------------------------------------------------------------------------

    def __call__(self, done: int, total: int, stage: str = DEFAULT_STAGE, /) -> None:
        if not self.enabled:
            return
        with self._lock:
            if stage != self._stage:
                self._finish()
                self._begin(stage, total)
            self._done, self._total = done, total
            if self._bar is not None:
                if total and self._bar.total != total:
                    self._bar.total = total
                self._bar.n = done
                self._bar.refresh()
            elif time.monotonic() - self._last_log >= self.interval:
                self._log_line()
            if total and done >= total:
                self._finish()

    # -- stages ----------------------------------------------------------------------------------

    def _begin(self, stage: str, total: int) -> None:
        self._stage = stage
        self._started = self._last_log = time.monotonic()
        self._done, self._total = 0, total
        if self.terminal:
            from tqdm import tqdm

            self._bar = tqdm(total=total or None, desc=stage, file=self.stream, unit=" " + stage.split()[-1],
                             dynamic_ncols=True, leave=True, mininterval=0.2,
                             bar_format=None if total > 1 else "{desc}: {elapsed}")
        else:
            self.logger.info("%s%s", stage, f": {total} to do" if total > 1 else "...")
        self._start_ticker()

    def _finish(self) -> None:
        """Close the current stage (its final state stays on screen / in the log)."""
        if self._stage is None:
            return
        seconds = time.monotonic() - self._started
        if self._bar is not None:
            if self._total:
                self._bar.n = max(self._bar.n, self._done)
            self._bar.close()
            self._bar = None
        elif self._total > 1:
            self.logger.info("%s: %d/%d done in %s", self._stage, self._done, self._total, _seconds(seconds))
        else:
            self.logger.info("%s: done in %s", self._stage, _seconds(seconds))
        self._stage = None

    def _log_line(self) -> None:
        self._last_log = time.monotonic()
        elapsed = self._last_log - self._started
        if self._total > 1:
            share = self._done / self._total
            eta = elapsed * (1 - share) / share if share > 0 else None
            self.logger.info("%s: %d/%d (%.0f%%), %s elapsed%s", self._stage, self._done, self._total, 100 * share,
                             _seconds(elapsed), f", about {_seconds(eta)} left" if eta is not None else "")
        else:
            self.logger.info("%s: still working (%s)", self._stage, _seconds(elapsed))

    # -- the ticker: keeps the elapsed time moving while a stage blocks -----------------------------

    def _start_ticker(self) -> None:
        if self._ticker is not None:
            return
        self._stop.clear()
        self._ticker = threading.Thread(target=self._tick, name="progress-ticker", daemon=True)
        self._ticker.start()

    def _tick(self) -> None:
        period = 0.5 if self.terminal else min(self.interval, 1.0)
        while not self._stop.wait(period):
            with self._lock:
                if self._stage is None:
                    continue
                if self._bar is not None:
                    self._bar.refresh()
                elif time.monotonic() - self._last_log >= self.interval:
                    self._log_line()

    def close(self) -> None:
        """End the current stage and stop the ticker."""
        with self._lock:
            self._finish()
        self._stop.set()
        ticker, self._ticker = self._ticker, None
        if ticker is not None and ticker is not threading.current_thread():
            ticker.join(timeout=2)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
