"""Worker processes: they die with their parent, a dead worker costs nothing, scripts need no guard.

These tests start real processes (``python -m bot index``, a script) and kill them with
SIGKILL, as an operator or the OOM killer would. Linux only (they read /proc).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.ingest import PARALLEL_MIN_FILES
from tests.conftest import CORPUS, REPO

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")

FILES = max(PARALLEL_MIN_FILES * 2, 400)  # enough for the worker processes to be used


def write_corpus(folder: Path, count: int) -> Path:
    """``count`` small, distinct articles (plus the two seeds)."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in CORPUS.iterdir():
        (folder / seed.name).write_bytes(seed.read_bytes())
    for i in range(count):
        (folder / f"art{i:04d}.txt").write_text(
            f"---\ntitle: Jogo {i}\ndate: 2021-05-{i % 28 + 1:02d}\n---\n\n"
            f"O jogador Fulano{i} marcou {i % 7 + 1} gols na partida de domingo em Pelotas. "
            f"A torcida do clube {i} comemorou até a madrugada. O técnico Beltrano{i} elogiou o time.\n",
            encoding="utf-8",
        )
    return folder


def config_for(tmp_path: Path, corpus: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "bot.yaml").write_text(f"corpus: {corpus}\nindex_dir: {tmp_path / 'index'}\n", encoding="utf-8")
    return folder


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting to be reaped counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return {p for p in found if alive(p)}


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture
def started() -> Iterator[list[int]]:
    """Pids this test started; any still running at the end are killed (they are ours)."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def wait_for_workers(process: subprocess.Popen[bytes], count: int, timeout: float = 90) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        below = descendants(process.pid)
        if len(below) >= count:
            return below
        if process.poll() is not None:
            raise AssertionError(f"the command ended (exit {process.returncode}) before its workers were seen")
        time.sleep(0.01)
    raise AssertionError(f"no {count} worker processes within {timeout} s")


def test_kill_9_leaves_no_process_or_folder_behind(tmp_path: Path, started: list[int]) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(private_tmp)}
    command = [sys.executable, "-m", "bot", "--config", str(config_for(tmp_path, corpus)), "index"]
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started.append(process.pid)
    below = wait_for_workers(process, 2)
    started.extend(below)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(alive(p) for p in below):
        time.sleep(0.05)
    survivors = {p: cmdline(p) for p in below if alive(p)}
    assert not survivors, f"still running after the parent was killed: {survivors}"
    assert not list(private_tmp.iterdir()), "files left in the temporary folder"


def test_a_killed_worker_costs_no_file(tmp_path: Path, started: list[int]) -> None:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    command = [sys.executable, "-m", "bot", "--config", str(config_for(tmp_path, corpus)), "index"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started.append(process.pid)
    workers = wait_for_workers(process, 2)
    started.extend(workers)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)  # the OOM killer, say
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    assert f"articles: {FILES + 2} " in out.decode()
    assert b"Traceback" not in err


GUARDLESS_SCRIPT = """\
import sys
from bot.answering import Answerer

answerer = Answerer.from_folder(sys.argv[1], index_dir=sys.argv[2])
print("articles", answerer.article_count, answerer.ask("When did Lavrov visit Pyongyang?").confident)
"""


def test_a_script_without_a_main_guard_can_build_an_index(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", PARALLEL_MIN_FILES + 50)
    script = tmp_path / "no_guard.py"
    script.write_text(GUARDLESS_SCRIPT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(REPO), os.environ.get("PYTHONPATH"))))}
    done = subprocess.run(
        [sys.executable, str(script), str(corpus), str(tmp_path / "index")], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["articles", str(PARALLEL_MIN_FILES + 52), "True"]


def test_warnings_from_worker_processes_reach_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    corpus = write_corpus(tmp_path / "corpus", PARALLEL_MIN_FILES + 10)
    (corpus / "vazio.txt").write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="bot"):
        answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.article_count == PARALLEL_MIN_FILES + 12
    messages = [r.getMessage() for r in caplog.records if r.name == "bot.articles"]
    assert any("vazio.txt: skipped: empty file" in m for m in messages), messages


def test_workers_that_cannot_start_mean_reading_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = write_corpus(tmp_path / "corpus", PARALLEL_MIN_FILES + 10)
    monkeypatch.setattr(sys, "executable", "/bin/false")  # a "Python" that exits at once
    with caplog.at_level(logging.WARNING, logger="bot"):
        answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    assert answerer.article_count == PARALLEL_MIN_FILES + 12 and not answerer.last_report.skipped
    assert any("did not start" in r.getMessage() for r in caplog.records)
