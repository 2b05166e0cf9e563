"""The progress reporter: a bar on a terminal, log lines elsewhere, one per stage; fed by ingest."""

import io
import logging
import time
from pathlib import Path

import pytest

from bot.progress import Progress


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logger() -> tuple[logging.Logger, Records]:
    records = Records()
    log = logging.getLogger("test.progress")
    log.setLevel(logging.INFO)
    log.addHandler(records)
    yield log, records
    log.removeHandler(records)


def test_log_lines_when_not_on_a_terminal(logger) -> None:
    log, records = logger
    with Progress(io.StringIO(), interval=0.05, logger=log) as progress:
        progress(0, 200, "reading files")
        progress(100, 200, "reading files")
        time.sleep(0.15)  # the next line comes from the ticker, the interval after the last one
        progress(200, 200, "reading files")
        progress(0, 1, "writing the index")
        time.sleep(0.15)  # a long blocking step: the ticker keeps saying it is still working
        progress(1, 1, "writing the index")
    lines = records.lines
    assert lines[0] == "reading files: 200 to do"
    assert any(line.startswith("reading files: 100/200 (50%)") and "left" in line for line in lines)
    assert any(line.startswith("reading files: 200/200 done in") for line in lines)
    assert "writing the index..." in lines
    assert any(line.startswith("writing the index: still working") for line in lines)
    assert lines[-1].startswith("writing the index: done in")


def test_a_bar_with_counts_on_a_terminal(logger) -> None:
    log, records = logger
    stream = io.StringIO()
    with Progress(stream, terminal=True, logger=log) as progress:
        for done in range(0, 301, 100):
            progress(done, 300, "reading files")
        progress(0, 1, "saving the catalog")
        progress(1, 1, "saving the catalog")
    text = stream.getvalue()
    assert "reading files" in text and "300/300" in text and "100%" in text
    assert "saving the catalog" in text
    assert not records.lines  # the bar replaces the log lines


def test_disabled_reports_nothing(logger) -> None:
    log, records = logger
    stream = io.StringIO()
    with Progress(stream, terminal=True, logger=log, enabled=False) as progress:
        progress(1, 2, "reading files")
    assert stream.getvalue() == "" and not records.lines


def test_ingest_feeds_every_stage(tmp_path: Path, corpus: Path) -> None:
    from bot.answering import Answerer

    calls: list[tuple[int, int, str]] = []
    Answerer.from_folder(corpus, index_dir=tmp_path / "index", progress=lambda *args: calls.append(args))
    stages = [stage for _, _, stage in calls]
    assert stages[0] == "reading files" and (2, 2, "reading files") in calls
    assert (0, 1, "writing the index") in calls and (1, 1, "writing the index") in calls
    assert (0, 1, "saving the catalog") in calls and calls[-1] == (1, 1, "saving the catalog")
    assert stages.index("writing the index") < stages.index("saving the catalog")
