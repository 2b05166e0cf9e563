"""Worker processes that read files in parallel and never outlive the process that started them.

Why not :class:`concurrent.futures.ProcessPoolExecutor`: with the ``forkserver`` and ``spawn``
start methods it runs the parent's ``__main__`` again in every worker (a script calling
``Answerer.from_folder`` without an ``if __name__ == "__main__":`` guard then crashes), and a
``kill -9`` of the parent leaves its forkserver, resource tracker and workers running, and a
``pymp-*`` folder behind. ``fork`` is not an option in a process with threads.

Here a worker is ``python -m bot.workers PARENT_PID``, started with :mod:`subprocess`. It reads
pickled tasks (a function named ``module:name`` and its arguments) from its stdin and writes the
results to its stdout, so it imports nothing of the parent's ``__main__`` and creates no files.
It ends when its parent does: ``PR_SET_PDEATHSIG`` (Linux) kills it at once, and everywhere it
stops at the end of its stdin or when its parent process id changes. Log records at WARNING and
above travel back with each result and are logged by the parent, through its own handlers.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

_HEADER = struct.Struct("!Q")
_PR_SET_PDEATHSIG = 1
#: The folder holding the ``bot`` package: workers must import the same code as their parent.
_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


class WorkerDied(RuntimeError):
    """A worker process ended before it answered (killed, out of memory, a crash in native code)."""


def _write(stream: IO[bytes], payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def workers_available() -> bool:
    """True when worker processes can be started here (a Python executable to run them with)."""
    return bool(sys.executable) and os.path.exists(sys.executable)


class _Worker:
    """One worker process and its pipes; ready (it said so) once constructed."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (_PACKAGE_PARENT, env.get("PYTHONPATH"))))
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.workers", str(os.getpid()),
                 str(logging.getLogger("bot").getEffectiveLevel())],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
            )
        except OSError as exc:
            raise WorkerDied(f"cannot start a worker process: {exc}") from exc
        assert self.process.stdout is not None
        try:
            ready = _read(self.process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self.close(wait=1.0)
            raise WorkerDied(f"a worker process did not start (exit code {self.process.poll()})") from exc
        if ready != ("ready", self.process.pid):
            self.close(wait=1.0)
            raise WorkerDied(f"a worker process said {ready!r} instead of being ready")

    def call(self, function: str, args: tuple[Any, ...]) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            _write(self.process.stdin, (function, args))
            status, value, records = _read(self.process.stdout)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            code = self.process.poll()
            raise WorkerDied(f"worker process {self.process.pid} ended (exit code {code})") from exc
        for record in records:
            logging.getLogger(record["name"]).handle(logging.makeLogRecord(record))
        if status == "error":
            raise RuntimeError(f"in worker process {self.process.pid}: {value}")
        return value

    def close(self, wait: float = 5.0) -> None:
        with contextlib.suppress(OSError):
            if self.process.stdin is not None:
                self.process.stdin.close()  # the worker's signal to stop
        try:
            self.process.wait(wait)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


class WorkerPool:
    """A few worker processes; :meth:`imap_outcomes` runs a function over many argument tuples.

    Raises :class:`WorkerDied` when the workers cannot be started (then read in-process).
    Use as a context manager, in one thread: leaving it stops the workers. (``PR_SET_PDEATHSIG``
    fires when the *thread* that started a worker ends, so workers are only started by the
    thread that made the pool.) A worker that dies is not replaced: its call raises
    :class:`WorkerDied`, the others carry on, and the caller decides what to retry.
    """

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        try:
            for _ in range(self.size):
                worker = _Worker()
                self._all.append(worker)
                self._idle.put(worker)
        except WorkerDied:
            self.close()
            raise

    def _take(self) -> _Worker:
        while True:
            with self._lock:
                if not self._all:
                    raise WorkerDied("every worker process has ended")
            try:
                return self._idle.get(timeout=0.2)
            except queue.Empty:
                continue

    def call(self, function: str, *args: Any) -> Any:
        """Run ``function`` (``"module:name"``) with ``args`` in an idle worker; its result."""
        worker = self._take()
        try:
            result = worker.call(function, args)
        except WorkerDied:
            with self._lock:
                self._all.remove(worker)
            worker.close(wait=1.0)
            raise
        self._idle.put(worker)
        return result

    def imap_outcomes(
        self, function: str, arguments: Iterable[tuple[Any, ...]]
    ) -> Iterator[tuple[bool, Any]]:
        """``(True, result)`` or ``(False, exception)`` for each tuple of ``arguments``, in order."""
        def outcome(args: tuple[Any, ...]) -> tuple[bool, Any]:
            try:
                return True, self.call(function, *args)
            except (WorkerDied, RuntimeError) as exc:
                return False, exc

        with ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="worker-feed") as feeders:
            yield from feeders.map(outcome, arguments)

    def close(self) -> None:
        """Stop every worker (they finish the task at hand first)."""
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            worker.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------- the worker side


def _die_with_parent(parent: int) -> None:
    """Make this process end as soon as ``parent`` does."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)

    def watch() -> None:  # where PR_SET_PDEATHSIG does not exist (and if the parent thread ended)
        while True:
            threading.Event().wait(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _Collect(logging.Handler):
    """Keeps the records of one task, to send them to the parent with its result."""

    def __init__(self, level: int) -> None:
        super().__init__(max(level, logging.WARNING))
        self.records: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        data = dict(record.__dict__)
        data["msg"] = record.getMessage()
        data["args"] = None
        data["exc_text"] = logging.Formatter().formatException(record.exc_info) if record.exc_info else None
        data["exc_info"] = None
        self.records.append(data)


def _resolve(name: str, cache: dict[str, Callable[..., Any]]) -> Callable[..., Any]:
    function = cache.get(name)
    if function is None:
        module, _, attribute = name.partition(":")
        function = cache[name] = getattr(importlib.import_module(module), attribute)
    return function


def serve(parent: int, level: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The worker loop: read a task, run it, write its result, until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    collect = _Collect(level)
    root = logging.getLogger()
    root.addHandler(collect)
    root.setLevel(collect.level)
    functions: dict[str, Callable[..., Any]] = {}
    _write(stdout, ("ready", os.getpid()))
    while True:
        try:
            name, args = _read(stdin)
        except EOFError:
            return
        collect.records = []
        try:
            reply: tuple[str, Any, list[dict[str, Any]]] = ("ok", _resolve(name, functions)(*args), collect.records)
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}", collect.records)
        try:
            _write(stdout, reply)
        except BrokenPipeError:
            return


def main(argv: Sequence[str]) -> None:
    """``python -m bot.workers PARENT_PID [LOG_LEVEL]``."""
    parent = int(argv[0])
    level = int(argv[1]) if len(argv) > 1 else logging.WARNING
    stdout = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the result stream
    serve(parent, level, sys.stdin.buffer, stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
