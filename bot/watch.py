"""Live corpus updates: notice files added, changed or deleted and re-index only those.

:class:`CorpusWatcher` sits beside an :class:`~bot.answering.Answerer` and calls its ``refresh()``
when the corpus folder changes, so a new or edited article is answerable a moment after it lands,
without a restart. The answerer re-indexes only what changed; the watcher only decides *when*.

Modes (``config/bot.yaml`` -> ``watch.mode``):

``watch``
    filesystem events through ``watchfiles`` (inotify on Linux). Bursts of events (an editor
    saving, ``cp -r`` of many files) are grouped: the refresh runs once the folder has been quiet
    for ``debounce_ms``. If events are unavailable (folder missing, inotify watch limit reached)
    the watcher logs a warning and falls back to polling.
``poll``
    every ``poll_seconds``, stat the folder's files and compare ``(size, mtime_ns)`` signatures
    with the last look; refresh only when they differ. A stat walk of 3,600 files costs a few
    milliseconds, far less than even a no-op ``refresh()``, which also re-reads the corpus listing
    and takes the index lock.
``off``
    nothing; ``/reload`` or ``briefing-bot index`` still refresh by hand.

Hidden files and folders, editor swap/backup files, temporary files and the index folder never
trigger a refresh. An exception from ``refresh()`` is logged (one line for an
:class:`~bot.index.IndexUpdateError` such as a full disk) and watching goes on: the answerer
keeps serving its old index.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import watchfiles

from bot.config import WatchSettings
from bot.index import IndexUpdateError

if TYPE_CHECKING:
    from bot.answering import RefreshReport

log = logging.getLogger(__name__)

#: File name endings written by editors, downloaders and atomic-save helpers, never articles.
TEMP_SUFFIXES: tuple[str, ...] = (
    "~", ".tmp", ".temp", ".swp", ".swo", ".swx", ".swn", ".bak", ".part", ".partial", ".crdownload",
    ".download", ".lock", ".pyc",
)
#: Folder names that never hold articles.
IGNORED_DIRS: frozenset[str] = frozenset({"__pycache__", "node_modules", "lost+found"})
#: vim probes a folder's writability by creating and deleting a file with this name.
_VIM_PROBE = "4913"
#: How long one wait inside watchfiles may last before the stop flag is checked again (ms).
_RUST_TIMEOUT_MS = 1000

Signatures = dict[str, tuple[int, int]]


class Refreshable(Protocol):
    """What the watcher needs of an answerer."""

    def refresh(self, *, paths: Collection[Path] | None = None) -> RefreshReport:
        """Re-read the corpus folder (or only ``paths``) and re-index what changed."""
        ...


def is_ignored_name(name: str) -> bool:
    """True for a file or folder name that must not trigger a refresh (hidden, temporary, swap)."""
    if not name or name.startswith((".", "#")) or name in IGNORED_DIRS or name == _VIM_PROBE:
        return True
    lowered = name.lower()
    return lowered.endswith(TEMP_SUFFIXES)


class PathFilter:
    """Decides which paths under the corpus folder matter, for both events and polling."""

    def __init__(self, folder: Path, ignore: Iterable[Path] = ()) -> None:
        self.folder = folder.resolve()
        self.ignore = tuple(p.resolve() for p in ignore)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        """The ``watchfiles`` filter signature: True keeps the change."""
        return self.matters(Path(path))

    def is_ignored_path(self, path: Path) -> bool:
        """True when ``path`` (resolved) is one of the ignored paths or lies inside one."""
        return any(path == p or p in path.parents for p in self.ignore)

    def matters(self, path: Path) -> bool:
        """True when a change at ``path`` may change the corpus."""
        resolved = path.resolve()
        if self.is_ignored_path(resolved):
            return False
        try:
            parts = resolved.relative_to(self.folder).parts
        except ValueError:
            parts = (resolved.name,)
        return not any(is_ignored_name(part) for part in parts)


def scan_signatures(path_filter: PathFilter) -> Signatures:
    """``relative path -> (size, mtime_ns)`` for every file under the filter's folder that matters.

    A missing folder scans as empty (so its later creation is noticed). Files that vanish
    mid-scan are skipped.
    """
    root = path_filter.folder
    found: Signatures = {}
    stack = [root]
    while stack:
        current = stack.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if is_ignored_name(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=True):
                    path = Path(entry.path)
                    if not path_filter.is_ignored_path(path.resolve()):
                        stack.append(path)
                elif entry.is_file(follow_symlinks=True):
                    stat = entry.stat(follow_symlinks=True)
                    key = os.path.relpath(entry.path, root).replace(os.sep, "/")
                    found[key] = (stat.st_size, stat.st_mtime_ns)
            except OSError:
                continue
    return found


def describe_changes(before: Signatures, after: Signatures) -> tuple[int, int, int]:
    """How many files were added, changed and removed between two scans."""
    added = sum(1 for p in after if p not in before)
    removed = sum(1 for p in before if p not in after)
    changed = sum(1 for p, sig in after.items() if p in before and before[p] != sig)
    return added, changed, removed


class CorpusWatcher:
    """Calls ``answerer.refresh()`` when files in ``folder`` are added, changed or deleted.

    Use :meth:`start`/:meth:`stop` for a background daemon thread (CLI ``chat``, scripts), or
    ``await watcher.run()`` inside an event loop (the Discord bot); ``run()`` returns when
    :meth:`stop` is called or its task is cancelled. ``on_refresh`` receives every report
    (called from the watching thread, or from the event loop for :meth:`run`). ``ignore``
    lists extra paths (the index folder) whose changes are never acted on.
    """

    def __init__(
        self,
        answerer: Refreshable,
        folder: Path,
        settings: WatchSettings,
        on_refresh: Callable[[RefreshReport], None] | None = None,
        *,
        ignore: Iterable[Path] = (),
    ) -> None:
        self.answerer = answerer
        self.folder = Path(folder)
        self.settings = settings
        self.on_refresh = on_refresh
        self.filter = PathFilter(self.folder, ignore)
        self.refreshes = 0
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    # -- public API -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start watching in a background daemon thread; does nothing if already running or off."""
        with self._lock:
            if self.settings.mode == "off":
                log.info("corpus watching is off (watch.mode: off)")
                return
            if self.running:
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run_thread, name="corpus-watcher", daemon=True)
            self._thread.start()
            log.info("watching %s for changes (mode %s)", self.folder, self.settings.mode)

    def stop(self, timeout: float = 5) -> None:
        """Ask the watcher to stop and wait up to ``timeout`` seconds for its thread to end."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("corpus watcher did not stop within %.1f s", timeout)

    async def run(self) -> None:
        """Watch inside the running event loop until :meth:`stop` or cancellation.

        Refreshes run in a worker thread (``asyncio.to_thread``) so the loop keeps serving.
        """
        if self.settings.mode == "off":
            log.info("corpus watching is off (watch.mode: off)")
            return
        self._stop.clear()
        log.info("watching %s for changes (mode %s)", self.folder, self.settings.mode)
        await self._watch()

    async def _watch(self) -> None:
        if self.settings.mode == "watch" and await self._await_events():
            return
        await self._await_polls()

    def _run_thread(self) -> None:
        """The background thread: the same watching, in an event loop of its own."""
        try:
            asyncio.run(self._watch())
        except Exception:  # the thread must not die silently
            log.exception("corpus watcher stopped after an unexpected error")

    def _settle(self, current: Signatures) -> Signatures:
        """Wait until two scans ``debounce_ms`` apart agree, so a burst is picked up once."""
        delay = self.settings.debounce_ms / 1000
        deadline = time.monotonic() + max(2.0, 4 * delay)
        while delay > 0 and time.monotonic() < deadline and not self._stop.is_set():
            self._stop.wait(delay)
            again = scan_signatures(self.filter)
            if again == current:
                break
            current = again
        return current

    async def _await_events(self) -> bool:
        try:
            async for changes in watchfiles.awatch(
                self.filter.folder, watch_filter=self.filter, stop_event=self._stop, **self._watch_options()
            ):
                if self._stop.is_set():
                    break
                log.debug("corpus events: %s", changes)
                await asyncio.to_thread(self._refresh, {Path(path) for _, path in changes})
        except (OSError, RuntimeError) as exc:
            if self._stop.is_set():
                return True
            log.warning("filesystem events unavailable for %s (%s); polling instead", self.folder, exc)
            return False
        return True

    async def _await_polls(self) -> None:
        last = await asyncio.to_thread(scan_signatures, self.filter)
        while not self._stop.is_set():
            await asyncio.sleep(self.settings.poll_seconds)
            if self._stop.is_set():
                return
            current = await asyncio.to_thread(scan_signatures, self.filter)
            if current == last:
                continue
            # _settle blocks while it waits, so it runs in the worker thread too.
            current = await asyncio.to_thread(self._settle, current)
            changed = self._changed_paths(last, current)
            last = current
            await asyncio.to_thread(self._refresh, changed)

    # -- shared -----------------------------------------------------------------------------------

    def _watch_options(self) -> dict[str, int]:
        # watchfiles yields once no new event came for `step` ms, or after `debounce` ms at most.
        step = max(50, self.settings.debounce_ms)
        return {"step": step, "debounce": max(1600, 4 * step), "rust_timeout": _RUST_TIMEOUT_MS}

    def _changed_paths(self, before: Signatures, after: Signatures) -> set[Path]:
        """The files whose signature differs between two scans (added, changed or removed)."""
        names = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
        return {self.filter.folder / name for name in names}

    def _refresh(self, paths: Collection[Path] | None = None) -> RefreshReport | None:
        """Run one refresh of ``paths`` (None: the whole folder); log it; never raise (the old index stays)."""
        try:
            report = self.answerer.refresh(paths=paths)
        except IndexUpdateError as exc:  # expected trouble (a full disk, a busy index): one line
            self.failures += 1
            log.warning("refreshing the index after a corpus change failed (%s); the previous index stays", exc)
            return None
        except Exception:
            self.failures += 1
            log.exception("refreshing the index after a corpus change failed; the previous index stays")
            return None
        self.refreshes += 1
        log.info(
            "corpus refreshed: +%d ~%d -%d, %d skipped (%d articles, %d sentences, %.2f s)",
            len(report.added), len(report.changed), len(report.removed), len(report.skipped),
            report.articles, report.sentences, report.seconds,
        )
        if self.on_refresh is not None:
            try:
                self.on_refresh(report)
            except Exception:
                log.exception("the on_refresh callback failed")
        return report
