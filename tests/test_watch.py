"""CorpusWatcher: file changes in the corpus folder trigger answerer.refresh(), in every mode."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import WatchSettings
from bot.watch import CorpusWatcher, PathFilter, describe_changes, is_ignored_name, scan_signatures

WAIT = 10.0  # generous: the machine is shared; the real pick-up time is measured in benchmarks/
ARTICLE = '---\ndate: "2023-10-18"\nlang: pt\n---\n\nO ministro chegou a Pyongyang nesta quarta-feira (18).\n'


@dataclass(frozen=True, slots=True)
class FakeReport:
    """The fields of bot.answering.RefreshReport that the watcher reads."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[object, ...] = ()
    articles: int = 0
    sentences: int = 0
    seconds: float = 0.0


class FakeAnswerer:
    """Counts refresh() calls and records the folder's file names at each call."""

    def __init__(self, folder: Path, fail_first: int = 0) -> None:
        self.folder = folder
        self.fail_first = fail_first
        self.calls = 0
        self.seen: list[set[str]] = []
        self.paths: list[object] = []
        self.event = threading.Event()

    def refresh(self, *, paths: object = None) -> FakeReport:
        # Record what was seen before counting the call: tests read seen[-1] once calls moves.
        self.seen.append({p.name for p in self.folder.rglob("*") if p.is_file()})
        self.paths.append(paths)
        self.calls += 1
        self.event.set()
        if self.calls <= self.fail_first:
            raise RuntimeError("index is broken")
        return FakeReport(articles=len(self.seen[-1]))

    def wait_for(self, condition: Callable[[FakeAnswerer], bool], timeout: float = WAIT) -> bool:
        """True once ``condition`` holds (checked after every refresh), False after ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition(self):
                return True
            self.event.wait(0.05)
            self.event.clear()
        return condition(self)


def saw(name: str, present: bool = True) -> Callable[[FakeAnswerer], bool]:
    """A condition: the last refresh saw ``name`` in the folder (or saw it gone)."""
    return lambda fake: bool(fake.seen) and (name in fake.seen[-1]) == present


def settle(seconds: float = 0.25) -> None:
    """Let the watcher arm itself (inotify registration, first poll scan) before changing files."""
    time.sleep(seconds)


@pytest.fixture(params=["watch", "poll"])
def mode(request: pytest.FixtureRequest) -> str:
    return request.param


def make_watcher(fake: FakeAnswerer, mode: str, **kwargs: object) -> CorpusWatcher:
    settings = WatchSettings(mode=mode, poll_seconds=0.1, debounce_ms=50)
    return CorpusWatcher(fake, fake.folder, settings, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "0001.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


@pytest.fixture
def started(corpus: Path, mode: str) -> Iterator[tuple[FakeAnswerer, CorpusWatcher]]:
    fake = FakeAnswerer(corpus)
    watcher = make_watcher(fake, mode)
    watcher.start()
    settle()
    yield fake, watcher
    watcher.stop()


def test_added_file_triggers_refresh(started: tuple[FakeAnswerer, CorpusWatcher]) -> None:
    fake, _ = started
    (fake.folder / "0002.txt").write_text(ARTICLE, encoding="utf-8")
    assert fake.wait_for(saw("0002.txt"))


def test_changed_file_triggers_refresh(started: tuple[FakeAnswerer, CorpusWatcher]) -> None:
    fake, _ = started
    with (fake.folder / "0001.txt").open("a", encoding="utf-8") as handle:
        handle.write("Mais uma frase sobre a visita.\n")
    assert fake.wait_for(lambda f: f.calls >= 1)
    assert "0001.txt" in fake.seen[-1]
    assert {Path(p).name for p in fake.paths[-1]} == {"0001.txt"}  # only the changed file is re-read


def test_deleted_file_triggers_refresh(started: tuple[FakeAnswerer, CorpusWatcher]) -> None:
    fake, _ = started
    (fake.folder / "0001.txt").unlink()
    assert fake.wait_for(saw("0001.txt", present=False))


def test_file_in_new_subfolder_triggers_refresh(started: tuple[FakeAnswerer, CorpusWatcher]) -> None:
    fake, _ = started
    sub = fake.folder / "news-pt"
    sub.mkdir()
    (sub / "0821.txt").write_text(ARTICLE, encoding="utf-8")
    assert fake.wait_for(saw("0821.txt"))


def test_burst_of_files_is_refreshed_without_losing_any(started: tuple[FakeAnswerer, CorpusWatcher]) -> None:
    fake, _ = started
    names = [f"{i:04d}.txt" for i in range(10, 40)]
    for name in names:
        (fake.folder / name).write_text(ARTICLE, encoding="utf-8")
    assert fake.wait_for(lambda f: bool(f.seen) and set(names) <= f.seen[-1])
    # Debounced: far fewer refreshes than files.
    assert fake.calls < len(names)


def test_hidden_and_temporary_files_are_ignored(started: tuple[FakeAnswerer, CorpusWatcher]) -> None:
    fake, _ = started
    for name in (".0001.txt.swp", "0001.txt~", "draft.tmp", ".hidden.txt", "4913", "#0001.txt#"):
        (fake.folder / name).write_text("x", encoding="utf-8")
    hidden = fake.folder / ".git"
    hidden.mkdir()
    (hidden / "index").write_text("x", encoding="utf-8")
    assert not fake.wait_for(lambda f: f.calls > 0, timeout=0.8)
    # A real article afterwards is still noticed.
    (fake.folder / "0002.md").write_text(ARTICLE, encoding="utf-8")
    assert fake.wait_for(saw("0002.md"))


def test_index_dir_inside_corpus_is_ignored(corpus: Path, mode: str) -> None:
    fake = FakeAnswerer(corpus)
    index_dir = corpus / "index"
    index_dir.mkdir()
    watcher = make_watcher(fake, mode, ignore=[index_dir])
    watcher.start()
    try:
        settle()
        (index_dir / "segment.store").write_bytes(b"\0" * 64)
        assert not fake.wait_for(lambda f: f.calls > 0, timeout=0.8)
        (corpus / "0002.txt").write_text(ARTICLE, encoding="utf-8")
        assert fake.wait_for(saw("0002.txt"))
    finally:
        watcher.stop()


def test_refresh_exception_is_logged_and_watching_continues(
    corpus: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    fake = FakeAnswerer(corpus, fail_first=1)
    reports: list[object] = []
    watcher = make_watcher(fake, mode, on_refresh=reports.append)
    caplog.set_level(logging.INFO, logger="bot.watch")
    watcher.start()
    try:
        settle()
        (corpus / "0002.txt").write_text(ARTICLE, encoding="utf-8")
        assert fake.wait_for(lambda f: f.calls >= 1)
        assert fake.wait_for(lambda f: watcher.failures == 1)
        settle()
        (corpus / "0003.txt").write_text(ARTICLE, encoding="utf-8")
        assert fake.wait_for(saw("0003.txt"))
        assert fake.wait_for(lambda f: len(reports) >= 1)
    finally:
        watcher.stop()
    assert watcher.running is False
    assert any("index is broken" in (r.exc_text or "") for r in caplog.records if r.levelno == logging.ERROR)
    assert any("corpus refreshed" in r.getMessage() for r in caplog.records if r.levelno == logging.INFO)


def test_stop_ends_the_thread_and_start_is_idempotent(corpus: Path, mode: str) -> None:
    fake = FakeAnswerer(corpus)
    watcher = make_watcher(fake, mode)
    watcher.start()
    first = watcher._thread
    watcher.start()
    assert watcher._thread is first
    assert watcher.running
    watcher.stop(timeout=WAIT)
    assert not watcher.running
    calls = fake.calls
    (corpus / "0002.txt").write_text(ARTICLE, encoding="utf-8")
    time.sleep(0.5)
    assert fake.calls == calls
    # It can be started again after a stop.
    watcher.start()
    try:
        settle()
        (corpus / "0003.txt").write_text(ARTICLE, encoding="utf-8")
        assert fake.wait_for(saw("0003.txt"))
    finally:
        watcher.stop()


def test_mode_off_starts_nothing(corpus: Path) -> None:
    fake = FakeAnswerer(corpus)
    watcher = make_watcher(fake, "off")
    watcher.start()
    assert not watcher.running
    (corpus / "0002.txt").write_text(ARTICLE, encoding="utf-8")
    assert not fake.wait_for(lambda f: f.calls > 0, timeout=0.5)
    watcher.stop()


def test_missing_folder_in_watch_mode_falls_back_to_polling(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    fake = FakeAnswerer(folder)
    watcher = make_watcher(fake, "watch")
    watcher.start()
    try:
        settle()
        folder.mkdir()
        (folder / "0001.txt").write_text(ARTICLE, encoding="utf-8")
        assert fake.wait_for(saw("0001.txt"))
    finally:
        watcher.stop()


async def test_async_run_refreshes_and_stops(corpus: Path, mode: str) -> None:
    fake = FakeAnswerer(corpus)
    watcher = make_watcher(fake, mode)
    task = asyncio.create_task(watcher.run())
    await asyncio.sleep(0.3)
    (corpus / "0002.txt").write_text(ARTICLE, encoding="utf-8")
    assert await asyncio.to_thread(fake.wait_for, saw("0002.txt"))
    watcher.stop()
    await asyncio.wait_for(task, WAIT)


async def test_async_run_survives_refresh_errors_and_cancels(corpus: Path, mode: str) -> None:
    fake = FakeAnswerer(corpus, fail_first=1)
    watcher = make_watcher(fake, mode)
    task = asyncio.create_task(watcher.run())
    await asyncio.sleep(0.3)
    (corpus / "0002.txt").write_text(ARTICLE, encoding="utf-8")
    assert await asyncio.to_thread(fake.wait_for, lambda f: watcher.failures == 1)
    await asyncio.sleep(0.3)
    (corpus / "0003.txt").write_text(ARTICLE, encoding="utf-8")
    assert await asyncio.to_thread(fake.wait_for, saw("0003.txt"))
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, WAIT)


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("0001.txt", False), ("artigo.md", False), ("news-pt", False),
        (".0001.txt.swp", True), ("0001.txt~", True), ("x.TMP", True), (".index", True),
        ("__pycache__", True), ("#a.txt#", True), ("4913", True), ("a.txt.part", True),
    ],
)
def test_is_ignored_name(name: str, ignored: bool) -> None:
    assert is_ignored_name(name) is ignored


def test_scan_signatures_and_changes(corpus: Path) -> None:
    (corpus / "sub").mkdir()
    (corpus / "sub" / "0002.txt").write_text("b", encoding="utf-8")
    (corpus / ".cache").mkdir()
    (corpus / ".cache" / "x.txt").write_text("c", encoding="utf-8")
    (corpus / "0001.txt~").write_text("backup", encoding="utf-8")
    before = scan_signatures(PathFilter(corpus))
    assert set(before) == {"0001.txt", "sub/0002.txt"}
    (corpus / "0001.txt").write_text(ARTICLE + "mais\n", encoding="utf-8")
    (corpus / "sub" / "0002.txt").unlink()
    (corpus / "0003.txt").write_text("c", encoding="utf-8")
    after = scan_signatures(PathFilter(corpus))
    assert describe_changes(before, after) == (1, 1, 1)
    assert scan_signatures(PathFilter(corpus / "missing")) == {}


def test_path_filter_ignores_paths_outside_and_inside_ignored(corpus: Path, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    path_filter = PathFilter(corpus, ignore=[index_dir])
    assert path_filter.matters(corpus / "news-pt" / "0001.txt")
    assert not path_filter.matters(corpus / "news-pt" / ".0001.txt.swp")
    assert not path_filter.matters(index_dir / "meta.json")
