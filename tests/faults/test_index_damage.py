"""A damaged index repairs itself: the corpus is the source of truth.

Every kind of damage below once crashed every later command. Now the damage is found when the
index is opened or while a question is searched, logged as one WARNING line, the damaged folder
is moved aside and the index rebuilt from the corpus.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.config import index_folder
from bot.index import IndexCorruptError, TantivyIndex
from tests.conftest import CORPUS

QUESTION = "When did Lavrov visit Pyongyang?"
LAVROV = "chegou à Coreia do Norte"

Damage = Callable[[Path], None]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A corpus copy and an index over it, built once: each test damages a copy of the index."""
    base = tmp_path_factory.mktemp("built")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    Answerer.from_folder(corpus, index_dir=base / "index")
    return corpus, base / "index"


def segment(folder: Path, ext: str) -> Path:
    files = sorted(folder.glob(f"*.{ext}"), key=lambda p: p.stat().st_size, reverse=True)
    assert files, f"no .{ext} file in {folder}"
    return files[0]


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero(path: Path) -> None:
    path.write_bytes(b"\0" * path.stat().st_size)


def rewrite_catalog(change: Callable[[dict], object]) -> Damage:
    def damage(folder: Path) -> None:
        data = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
        result = change(data)
        (folder / "catalog.json").write_text(json.dumps(data if result is None else result), encoding="utf-8")
    return damage


def replace_by_folder(name: str) -> Damage:
    def damage(folder: Path) -> None:
        (folder / name).unlink()
        (folder / name).mkdir()
    return damage


def entries_of(data: dict) -> dict:
    return data["entries"]


DAMAGE: dict[str, Damage] = {
    "catalog garbage": lambda f: (f / "catalog.json").write_bytes(b"\x00garbage{"),
    "catalog truncated": lambda f: truncate(f / "catalog.json"),
    "catalog is a list": rewrite_catalog(lambda d: [1, 2, 3]),
    "catalog entries are a list": rewrite_catalog(lambda d: d.update(entries=[1])),
    "catalog entry not a mapping": rewrite_catalog(lambda d: d.update(entries={k: 3 for k in entries_of(d)})),
    "catalog info with unknown fields": rewrite_catalog(
        lambda d: d.update(entries={k: {**v, "info": {"bogus": 1}} for k, v in entries_of(d).items()})),
    "catalog signature garbage": rewrite_catalog(
        lambda d: d.update(entries={k: {**v, "signature": "x"} for k, v in entries_of(d).items()})),
    "catalog sentences negative": rewrite_catalog(
        lambda d: d.update(entries={k: {**v, "sentences": -4} for k, v in entries_of(d).items()})),
    "catalog title not text": rewrite_catalog(
        lambda d: d.update(entries={k: {**v, "info": {**v["info"], "title": 7}} for k, v in entries_of(d).items()})),
    "catalog skipped garbage": rewrite_catalog(lambda d: d.update(skipped={"a.txt": 1})),
    "catalog is a folder": replace_by_folder("catalog.json"),
    "catalog deleted": lambda f: (f / "catalog.json").unlink(),
    "meta.json garbage": lambda f: (f / "meta.json").write_text("garbage"),
    "meta.json empty": lambda f: (f / "meta.json").write_text(""),
    "meta.json wrong shape": lambda f: (f / "meta.json").write_text("{}"),
    "meta.json deleted": lambda f: (f / "meta.json").unlink(),
    ".managed.json garbage": lambda f: (f / ".managed.json").write_text("garbage"),
    ".managed.json deleted": lambda f: (f / ".managed.json").unlink(),
    "schema_version garbage": lambda f: (f / "schema_version").write_bytes(b"\xff\xfe garbage"),
    "schema_version is a folder": replace_by_folder("schema_version"),
    "index folder replaced by a file": lambda f: (shutil.rmtree(f), f.write_text("not an index")),
    "writer lock is a folder": replace_by_folder(".tantivy-writer.lock"),
    **{
        f".{ext} {how}": (lambda e, h: lambda f: h(segment(f, e)))(ext, how_fn)
        for ext in ("idx", "term", "store", "pos", "fast", "fieldnorm")
        for how, how_fn in (("deleted", Path.unlink), ("truncated", truncate), ("zeroed", zero))
    },
}


def damaged_copy(built: tuple[Path, Path], tmp_path: Path, damage: Damage) -> tuple[Path, Path]:
    corpus, index = built
    copy = tmp_path / "index"
    shutil.copytree(index, copy)
    damage(index_folder(copy, corpus))
    return corpus, copy


@pytest.mark.parametrize("name", list(DAMAGE))
def test_damage_found_at_open_is_repaired(
    name: str, built: tuple[Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, index = damaged_copy(built, tmp_path, DAMAGE[name])
    with caplog.at_level(logging.WARNING, logger="bot"):
        answerer = Answerer.from_folder(corpus, index_dir=index)
        result = answerer.ask(QUESTION)
    assert answerer.article_count == 2 and answerer.sentence_count == 22
    assert result.confident and LAVROV in result.answers[0].text
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(problems) <= 1, [r.getMessage() for r in problems]  # one line, when there is anything to say
    assert all(r.levelno < logging.ERROR and r.exc_info is None for r in problems)
    again = Answerer.from_folder(corpus, index_dir=index)  # and the repair holds
    assert again.last_report is not None and not again.last_report.changed_anything


@pytest.mark.parametrize("ext", ["store", "idx", "term"])
def test_damage_found_while_searching_is_repaired(
    ext: str, built: tuple[Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corpus, index = damaged_copy(built, tmp_path, lambda f: None)
    answerer = Answerer.from_folder(corpus, index_dir=index)
    for path in index_folder(index, corpus).glob(f"*.{ext}"):  # overwritten in place under the open index
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(b"\0" * (size - 16))
    with caplog.at_level(logging.WARNING, logger="bot"):
        result = answerer.ask(QUESTION)
    assert result.confident and LAVROV in result.answers[0].text
    assert [r.getMessage() for r in caplog.records if "damaged" in r.getMessage()], caplog.text
    folder = index_folder(index, corpus)
    assert folder.with_name(folder.name + ".broken").is_dir()  # kept aside for a look
    assert answerer.ask("Quem é Shoigu?").answers


def test_damage_another_process_commits_is_repaired(built: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, index = damaged_copy(built, tmp_path, lambda f: None)
    answerer = Answerer.from_folder(corpus, index_dir=index)
    folder = index_folder(index, corpus)
    (folder / "meta.json").write_text("garbage")  # what a crashed writer elsewhere might leave
    stamp = (folder / "catalog.json").stat().st_mtime_ns + 1_000_000
    os.utime(folder / "catalog.json", ns=(stamp, stamp))  # the signal that another process committed
    assert answerer.ask(QUESTION).confident


def test_damage_found_again_at_once_is_raised_not_rebuilt_in_a_loop(built: tuple[Path, Path], tmp_path: Path) -> None:
    corpus, index = damaged_copy(built, tmp_path, lambda f: None)
    answerer = Answerer.from_folder(corpus, index_dir=index)

    def zero_store() -> None:
        for path in index_folder(index, corpus).glob("*.store"):
            with open(path, "r+b") as handle:
                handle.write(b"\0" * (path.stat().st_size - 16))

    zero_store()
    assert answerer.ask(QUESTION).confident  # repaired once
    zero_store()
    with pytest.raises(IndexCorruptError):
        answerer.ask(QUESTION)


def test_the_backend_names_damage(tmp_path: Path) -> None:
    (tmp_path / "ix").write_text("a file")
    with pytest.raises(IndexCorruptError, match="not a folder"):
        TantivyIndex(tmp_path / "ix")
    (tmp_path / "iy").mkdir()
    TantivyIndex(tmp_path / "iy")
    (tmp_path / "iy" / "meta.json").write_text("{")
    with pytest.raises(IndexCorruptError, match=r"meta\.json"):
        TantivyIndex(tmp_path / "iy")
