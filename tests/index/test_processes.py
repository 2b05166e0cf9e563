"""Bot processes on "two machines" (separate working folders) over one PostgreSQL database.

Real processes (``python -m bot chat`` / ``index``) and a real server: a writer indexes its own
corpus folder, a reader (``postgres.read_only``, an empty corpus folder of its own) answers from
the database and learns of each commit by LISTEN/NOTIFY.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from bot.index._postgres import _LOCK_WRITER
from tests.conftest import CORPUS, REPO, write_config

LAVROV = "When did Lavrov visit Pyongyang?"
ZEBEDEU = "Quantos pênaltis o goleiro Zebedeu Quaresma defendeu?"


@dataclass
class Machine:
    """A working folder with its own corpus, config and index folder, as on a machine of its own."""

    root: Path
    env: dict[str, str]

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    def command(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", *args], cwd=self.root, env=self.env, text=True, start_new_session=True,
            **kwargs,
        )

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=self.root, env=self.env, text=True,
                              capture_output=True, timeout=timeout)


def machine(root: Path, dsn: str, password: str, *, reader: bool, seeds: bool) -> Machine:
    root.mkdir(parents=True)
    if seeds:
        shutil.copytree(CORPUS, root / "corpus")
    else:
        (root / "corpus").mkdir()
    config = write_config(
        root / "config", corpus=str(root / "corpus"), index_dir=str(root / ".index"), index_backend="postgres",
        postgres={"dsn": dsn, "corpus": "newsdesk", "read_only": reader},
        watch={"mode": "off" if reader else "watch"},
    )
    env = {**os.environ, "BRIEFING_CONFIG": str(config), "PGPASSWORD": password, "PYTHONPATH": str(REPO)}
    return Machine(root, env)


class Chat:
    """A running ``python -m bot chat``: questions in on stdin, answers read from stdout."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float) -> str:
        """The first line containing ``text`` (fails after ``timeout`` s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                break
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r} within {timeout} s")

    def ask(self, question: str, settle: float = 0.4) -> str:
        """Everything printed in answer to ``question`` (read until the output settles)."""
        while not self.lines.empty():
            self.lines.get_nowait()
        assert self.process.stdin is not None
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        out = [self.lines.get(timeout=30)]
        while True:
            try:
                out.append(self.lines.get(timeout=settle))
            except queue.Empty:
                return "".join(out)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


def start_chat(m: Machine) -> Chat:
    chat = Chat(m.command("chat", stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL))
    chat.wait_for("Ask a question", timeout=120)
    return chat


@pytest.fixture
def machines(tmp_path: Path, pg_server, pg_dsn: str) -> Iterator[tuple[Machine, Machine]]:
    writer = machine(tmp_path / "machine-a", pg_dsn, pg_server.password, reader=False, seeds=True)
    reader = machine(tmp_path / "machine-b", pg_dsn, pg_server.password, reader=True, seeds=False)
    yield writer, reader


def generation(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT generation FROM corpora WHERE name = 'newsdesk'").fetchone()
    return row[0] if row else 0


def test_an_article_added_on_one_machine_is_answerable_on_the_other_within_2_s(
    machines: tuple[Machine, Machine], pg_dsn: str
) -> None:
    writer_machine, reader_machine = machines
    writer = start_chat(writer_machine)  # builds the index from its folder, then watches it
    reader = start_chat(reader_machine)  # no articles of its own: everything comes from the database
    try:
        assert "chegou à Coreia do Norte" in reader.ask(LAVROV)
        assert "Zebedeu" not in reader.ask(ZEBEDEU)
        before = generation(pg_dsn)
        committed: list[float] = []

        def watch_commit() -> None:  # when the writer's commit lands in the database
            while not committed and time.monotonic() - landed < 30:
                if generation(pg_dsn) > before:
                    committed.append(time.monotonic())
                time.sleep(0.01)

        landed = time.monotonic()
        (writer_machine.corpus / "novo.txt").write_text(
            "---\ndate: 2024-02-01\n---\n\nO goleiro Zebedeu Quaresma defendeu três pênaltis na final.\n",
            encoding="utf-8",
        )
        watcher = threading.Thread(target=watch_commit)
        watcher.start()
        while time.monotonic() - landed < 30 and "Zebedeu" not in reader.ask(ZEBEDEU, settle=0.05):
            pass
        answered = time.monotonic()
        watcher.join()
        assert committed, "the writer never committed the new article"
        print(f"pick-up: committed {committed[0] - landed:.2f} s after the file landed, "
              f"answered on the other machine {answered - committed[0]:.2f} s after the commit")
        # The writer's own pick-up (watcher debounce + refresh) is timed by benchmarks/run.py; here:
        # from the commit on one machine to the answer on the other.
        assert answered - committed[0] < 2.0, f"answerable {answered - committed[0]:.2f} s after the commit"
        assert answered - landed < 10.0
    finally:
        writer.stop()
        reader.stop()


def _holding_writer_lock(dsn: str) -> tuple[int, bool] | None:
    """(pid, has written rows) of the connection holding the corpus's writer lock, if any."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT a.pid, a.backend_xid IS NOT NULL FROM pg_locks l JOIN pg_stat_activity a USING (pid)"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::oid",
            (_LOCK_WRITER,),
        ).fetchone()
    return row


def test_a_writer_killed_mid_refresh_leaves_the_other_machine_answering_the_previous_state(
    machines: tuple[Machine, Machine], pg_dsn: str
) -> None:
    writer_machine, reader_machine = machines
    assert writer_machine.run("index").returncode == 0
    reader = start_chat(reader_machine)
    try:
        assert "chegou à Coreia do Norte" in reader.ask(LAVROV)
        (writer_machine.corpus / "000_a7028091738e38a3.txt").unlink()  # the refresh also removes an article
        for n in range(400):
            (writer_machine.corpus / f"jogo-{n:03}.txt").write_text(
                f"---\ndate: 2024-02-{n % 28 + 1:02}\n---\n\n"
                + "".join(f"No jogo {n}, o goleiro Zebedeu Quaresma defendeu {k + 2} pênaltis na rodada {k}. "
                          for k in range(12)),
                encoding="utf-8",
            )
        before = generation(pg_dsn)
        job = writer_machine.command("index", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            holder = None
            while time.monotonic() < deadline and job.poll() is None:
                holder = _holding_writer_lock(pg_dsn)
                if holder and holder[1]:
                    break  # inside the refresh transaction, rows already written
                time.sleep(0.01)
            assert holder and holder[1] and job.poll() is None, "the writer was not caught mid-refresh"
            os.kill(job.pid, signal.SIGKILL)
            job.wait(10)
        finally:
            if job.poll() is None:
                os.killpg(job.pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(job.pid, signal.SIGKILL)  # its reading workers too
        deadline = time.monotonic() + 10
        while _holding_writer_lock(pg_dsn) and time.monotonic() < deadline:
            time.sleep(0.05)  # the server notices the dead client and rolls its transaction back
        assert _holding_writer_lock(pg_dsn) is None
        assert generation(pg_dsn) == before
        with psycopg.connect(pg_dsn) as conn:
            assert conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)
            assert conn.execute("SELECT count(*) FROM sentences WHERE text LIKE '%%Zebedeu%%'").fetchone() == (0,)
        assert "chegou à Coreia do Norte" in reader.ask(LAVROV), "the previous state keeps answering"
        assert "Zebedeu" not in reader.ask(ZEBEDEU)

        again = writer_machine.run("index")  # the next run is not blocked by the dead one, and lands it all
        assert again.returncode == 0, again.stderr
        assert "401 added" not in again.stdout and "400 added, 0 changed, 1 removed" in again.stdout
        deadline = time.monotonic() + 2
        while "Zebedeu" not in (out := reader.ask(ZEBEDEU, settle=0.05)) and time.monotonic() < deadline:
            pass
        assert "Zebedeu" in out
        assert "chegou à Coreia do Norte" not in reader.ask(LAVROV)
    finally:
        reader.stop()
