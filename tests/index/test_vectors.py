"""The sentence vector stores: keys, persistence, article drops, collection, several processes."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.index._vectors import FileVectorStore, MemoryVectorStore, article_tag, passage_key

DIM = 32


def unit(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    return MemoryVectorStore(DIM) if request.param == "memory" else FileVectorStore(tmp_path / "v", DIM, "test")


def test_keys_depend_on_text_and_variant() -> None:
    assert passage_key("Lavrov chegou.", "enpt") == passage_key("Lavrov chegou.", "enpt")
    assert passage_key("Lavrov chegou.", "enpt") != passage_key("Lavrov chegou!", "enpt")
    assert passage_key("Lavrov chegou.", "enpt") != passage_key("Lavrov chegou.", "original")
    assert -(2**63) <= passage_key("x", "enpt") < 2**63  # fits a database bigint
    assert article_tag("a.txt") != article_tag("b.txt")


def test_put_then_get_returns_the_vectors_within_int8_precision(store) -> None:
    vectors = unit(5)
    store.put(["a"] * 5, [10, 11, 12, 13, 14], vectors)
    got, found = store.get([12, 99, 10])
    assert found.tolist() == [True, False, True]
    assert np.allclose(got[0], vectors[2], atol=0.02)
    assert abs(float(got[0] @ vectors[2]) - 1) < 1e-3  # cosines barely move
    assert not got[1].any()
    assert len(store) == 5


def test_missing_is_per_article(store) -> None:
    store.put(["a", "a"], [1, 2], unit(2))
    assert store.missing("a", [1, 2, 3]).tolist() == [False, False, True]
    assert store.missing("b", [1]).tolist() == [True]  # the same text in another article: not its own yet
    assert store.get([1])[1].tolist() == [True]  # ... but its vector can be had


def test_drop_keeps_the_listed_keys_of_an_article_and_other_articles(store) -> None:
    store.put(["a", "a", "a", "b"], [1, 2, 3, 1], unit(4))
    store.flush()
    assert store.drop({"a": [2]}) == 2
    assert store.missing("a", [1, 2, 3]).tolist() == [True, False, True]
    assert store.missing("b", [1]).tolist() == [False]  # b's copy of the same text stays
    assert store.get([1, 3])[1].tolist() == [True, False]
    assert store.drop({"b": []}) == 1
    assert len(store) == 1


def test_retain_drops_everything_not_listed(store) -> None:
    store.put(["a", "a", "b", "c"], [1, 2, 3, 4], unit(4))
    store.flush()
    store.put(["c"], [5], unit(1, seed=1))  # not yet flushed: collected too
    assert store.retain({"a": [1], "b": [3, 30]}) == 3
    assert len(store) == 2
    assert store.get([1, 2, 3, 4, 5])[1].tolist() == [True, False, True, False, False]


def test_vectors_survive_reopening(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    first = FileVectorStore(folder, DIM, "test")
    vectors = unit(3)
    first.put(["a", "a", "b"], [1, 2, 3], vectors)
    assert FileVectorStore(folder, DIM, "test").get([1])[1].tolist() == [False]  # not flushed yet
    first.flush()
    again = FileVectorStore(folder, DIM, "test")
    got, found = again.get([1, 2, 3])
    assert found.all() and np.allclose(got, vectors, atol=0.02)
    assert again.missing("b", [3]).tolist() == [False]


def test_another_process_sees_flushed_vectors_and_drops(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    reader = FileVectorStore(folder, DIM, "test")
    code = (
        "import numpy as np, sys; from bot.index._vectors import FileVectorStore as S;"
        f"s = S(sys.argv[1], {DIM}, 'test'); v = np.eye({DIM}, dtype=np.float32)[:4];"
        "s.put(['a'] * 4, [1, 2, 3, 4], v); s.flush(); s.drop({'a': [1, 2, 3]})"
    )
    subprocess.run([sys.executable, "-c", code, str(folder)], check=True, timeout=60)
    assert reader.get([1])[1].tolist() == [False]  # a reader looks again only when asked
    assert reader.reload()
    assert reader.get([1, 2, 3, 4])[1].tolist() == [True, True, True, False]
    assert not reader.reload()  # nothing new


def test_two_writers_keep_each_others_vectors(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    one, two = FileVectorStore(folder, DIM, "test"), FileVectorStore(folder, DIM, "test")
    one.put(["a"], [1], unit(1))
    two.put(["b"], [2], unit(1, seed=2))
    one.flush()
    two.flush()  # merges with what `one` wrote instead of replacing it
    assert FileVectorStore(folder, DIM, "test").get([1, 2])[1].all()


def test_many_flushes_keep_few_segments_and_no_stray_files(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    store = FileVectorStore(folder, DIM, "test")
    for i in range(64):
        store.put(["a"] * 4, [4 * i + j for j in range(4)], unit(4, seed=i))
        store.flush()
    assert len(store) == 256
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest["segments"]) <= 7  # a binary counter: log2(64) + 1
    listed = {s["name"] for s in manifest["segments"]} | {s["dead"] for s in manifest["segments"] if s["dead"]}
    assert {p.name for p in folder.glob("seg-*")} == listed
    assert store.get(list(range(256)))[1].all()


def test_mostly_dropped_segments_are_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / "v"
    store = FileVectorStore(folder, DIM, "test")
    store.put(["a"] * 10 + ["b"] * 2, list(range(12)), unit(12))
    store.flush()
    size = store.disk_bytes()
    store.drop({"a": []})
    assert len(store) == 2
    assert store.disk_bytes() < size / 2


def test_unreadable_or_foreign_manifest_starts_afresh(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "v"
    store = FileVectorStore(folder, DIM, "test")
    store.put(["a"], [1], unit(1))
    store.flush()
    assert FileVectorStore(folder, DIM, "other-model").get([1])[1].tolist() == [False]
    (folder / "manifest.json").write_text("{not json")
    with caplog.at_level(logging.WARNING):
        fresh = FileVectorStore(folder, DIM, "test")
    assert len(fresh) == 0 and "unreadable" in caplog.text
    fresh.put(["a"], [1], unit(1))
    fresh.flush()  # writes a good manifest again
    assert FileVectorStore(folder, DIM, "test").get([1])[1].tolist() == [True]


def test_size_on_disk_is_about_400_bytes_a_vector(tmp_path: Path) -> None:
    store = FileVectorStore(tmp_path / "v", 384, "test")
    v = np.random.default_rng(0).standard_normal((1000, 384)).astype(np.float32)
    store.put(["a"] * 1000, list(range(1000)), v / np.linalg.norm(v, axis=1, keepdims=True))
    store.flush()
    assert 400_000 <= store.disk_bytes() < 420_000
