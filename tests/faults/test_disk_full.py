"""A refresh that cannot write (the disk is full, a file size limit) changes nothing: the old
index keeps answering, and the failure is one clear line.

Tested on a real small filesystem (a tmpfs mounted for the test, when running as root and
``mount`` is allowed) and with RLIMIT_FSIZE in a subprocess (anywhere); never with mocks.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.cli import main
from bot.config import WatchSettings
from bot.index import IndexUpdateError
from bot.ingest import describe_failure
from bot.watch import CorpusWatcher
from tests.conftest import REPO

QUESTION = "When did Lavrov visit Pyongyang?"
BIG_ARTICLE = " ".join(
    f"A frase número {i} conta que o ministro Zoltan Quebrantahuesos visitou a cidade {i}." for i in range(4000)
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs, mounted for this test (skipped where mounting is not allowed)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; the filler file (delete it to free the space)."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (65536, 1):
            try:
                while handle.write(b"\0" * size):
                    pass
            except OSError:
                pass
    return filler


def config_for(tmp_path: Path, corpus: Path, index_dir: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "bot.yaml").write_text(f"corpus: {corpus}\nindex_dir: {index_dir}\n", encoding="utf-8")
    return folder


def test_a_full_disk_keeps_the_old_index_answering(
    small_disk: Path, corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = ["--config", str(config_for(tmp_path, corpus, small_disk / "index"))]
    assert main([*config, "index"]) == 0
    capsys.readouterr()
    filler = fill(small_disk)
    (corpus / "novo.txt").write_text(BIG_ARTICLE, encoding="utf-8")

    assert main([*config, "index"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "no space left on the device" in errors[0]

    assert main([*config, "ask", "--json", QUESTION]) == 0  # the old index answers while the disk is full
    captured = capsys.readouterr()
    assert json.loads(captured.out)["confident"] and "Traceback" not in captured.err

    filler.unlink()  # space again: the change lands
    assert main([*config, "index"]) == 0
    assert "1 added" in capsys.readouterr().out


def test_a_running_bot_keeps_answering_when_the_disk_fills(
    small_disk: Path, corpus: Path, caplog: pytest.LogCaptureFixture
) -> None:
    answerer = Answerer.from_folder(corpus, index_dir=small_disk / "index")
    filler = fill(small_disk)
    (corpus / "novo.txt").write_text(BIG_ARTICLE, encoding="utf-8")
    with pytest.raises(IndexUpdateError, match="no space left on the device"):
        answerer.refresh()
    assert answerer.article_count == 2 and answerer.ask(QUESTION).confident

    watcher = CorpusWatcher(answerer, corpus, WatchSettings(mode="poll"))
    with caplog.at_level(logging.WARNING, logger="bot"):
        assert watcher._refresh() is None  # what the watcher does when a file lands
    lines = [r for r in caplog.records if r.name == "bot.watch"]
    assert len(lines) == 1 and lines[0].exc_info is None and "no space left" in lines[0].getMessage()
    assert answerer.ask(QUESTION).confident

    filler.unlink()
    assert answerer.refresh().added == ("novo.txt",)
    assert any("Quebrantahuesos" in a.text for a in answerer.search("Zoltan Quebrantahuesos"))


def _limit_file_size() -> None:  # runs in the child, before it execs Python
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_a_writer_killed_under_a_file_size_limit_names_the_limit(tmp_path: Path) -> None:
    # tantivy's writer thread that dies of EFBIG says only that it was killed.
    killed = IndexUpdateError("An index writer was killed.. A worker thread encountered an error or panicked.")
    assert describe_failure(killed, tmp_path).startswith("updating the index failed: An index writer was killed")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (2**40, hard))
    try:
        said = describe_failure(killed, tmp_path)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    assert said == f"a file of the index would grow past the file size limit ({tmp_path}) (ulimit -f); raise the limit"


def test_a_file_size_limit_fails_the_refresh_not_the_answers(corpus: Path, tmp_path: Path) -> None:
    config = config_for(tmp_path, corpus, tmp_path / "index")
    Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    (corpus / "novo.txt").write_text(BIG_ARTICLE, encoding="utf-8")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(config), *argv], cwd=REPO, capture_output=True,
            text=True, timeout=300, preexec_fn=_limit_file_size,
        )

    indexed = run("index")
    assert indexed.returncode == 1 and "Traceback" not in indexed.stderr
    assert [line for line in indexed.stderr.splitlines() if line.startswith("error:")] == [
        line for line in indexed.stderr.splitlines() if "file size limit" in line and line.startswith("error:")
    ] != []
    asked = run("ask", "--json", QUESTION)
    assert asked.returncode == 0, asked.stderr[-2000:]
    assert json.loads(asked.stdout)["confident"]
    assert Answerer.from_folder(corpus, index_dir=tmp_path / "index").last_report.added == ("novo.txt",)
