"""Sentence vectors in the PostgreSQL index's database, against a real server: the store's protocol,
several processes sharing it, a role that may not write, and answering on the seeds with it."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import psycopg
import pytest

from bot.index._pgvectors import PostgresVectorStore
from bot.index._postgres import PostgresIndex
from bot.index._vectors import FileVectorStore, article_tag
from tests.conftest import SEED_LAVROV, SEED_SHOIGU, write_config

DIM = 32


def unit(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def rows(dsn: str, where: str = "TRUE") -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(f"SELECT count(*) FROM vectors WHERE {where}").fetchone()[0]  # type: ignore[index]


@pytest.fixture
def pg(pg_dsn: str) -> PostgresIndex:
    return PostgresIndex(pg_dsn, "test")


def test_put_get_flush_and_a_second_store_sees_what_was_flushed(
    pg: PostgresIndex, pg_dsn: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, "bot.index._pgvectors"):
        store = pg.vector_store(DIM, "test")
    assert "PostgreSQL" in caplog.text and "pgvector" in caplog.text  # which storage, and why
    other = PostgresVectorStore(PostgresIndex(pg_dsn, "test"), DIM, "test")  # another process's view
    vectors = unit(5)
    store.put(["a"] * 5, [10, 11, 12, 13, 14], vectors)
    got, found = store.get([12, 99, 10])
    assert found.tolist() == [True, False, True]
    assert np.allclose(got[0], vectors[2], atol=0.02) and not got[1].any()
    assert not other.get([12])[1].any() and len(other) == 0  # buffered, not yet in the database
    assert rows(pg_dsn) == 0
    store.flush()
    assert store.pending == 0 and rows(pg_dsn) == 5
    seen, found = other.get([14, 12, 12, 99])  # at once, no reload needed
    assert found.tolist() == [True, True, True, False]
    assert np.allclose(seen[:3], vectors[[4, 2, 2]], atol=0.02)
    assert other.reload() is False and len(other) == 5
    # The same int8 rows as the file store keeps.
    files = FileVectorStore(tmp_path / "v", DIM, "test")
    files.put(["a"] * 5, [10, 11, 12, 13, 14], vectors)
    assert np.array_equal(files.get([10, 11, 12, 13, 14])[0], other.get([10, 11, 12, 13, 14])[0])
    # Flushing what is already there (another process computed the same text) keeps one row.
    other.put(["a"], [10], vectors[:1])
    other.flush()
    assert rows(pg_dsn) == 5


def test_missing_is_per_article_and_copies_across_articles_are_rows(pg: PostgresIndex, pg_dsn: str) -> None:
    store = pg.vector_store(DIM, "test")
    store.put(["a", "a"], [1, 2], unit(2))
    assert store.missing("a", [1, 2, 3]).tolist() == [False, False, True]
    assert store.missing("b", [1, 2]).tolist() == [True, True]  # a wire copy in another article
    store.flush()
    assert store.missing("a", [1, 2, 3]).tolist() == [False, False, True]
    assert store.missing("b", [1, 2]).tolist() == [True, True]
    store.put(["b"], [1], store.get([1])[0])
    store.flush()
    assert store.missing("b", [1, 2]).tolist() == [False, True]
    assert len(store) == 3 == rows(pg_dsn)
    assert rows(pg_dsn, f"tag = {article_tag('b')}") == 1


def test_drop_and_retain_in_the_database_and_the_buffer(pg: PostgresIndex, pg_dsn: str) -> None:
    store = pg.vector_store(DIM, "test")
    store.put(["a", "a", "a", "b", "b"], [1, 2, 3, 4, 5], unit(5))
    store.flush()
    store.put(["a", "c"], [6, 7], unit(2, seed=1))  # still buffered
    assert store.drop({"a": [2]}) == 3  # 1, 3 and the buffered 6 go; 2 stays; b and c untouched
    assert store.get([1, 2, 3, 4, 5, 6, 7])[1].tolist() == [False, True, False, True, True, False, True]
    assert store.drop({"b": []}) == 2
    assert store.drop({}) == 0
    store.flush()
    assert len(store) == 2 == rows(pg_dsn)
    assert store.retain({"c": [7]}) == 1  # a.txt's key 2 is no longer live
    assert store.get([2, 7])[1].tolist() == [False, True]
    assert rows(pg_dsn) == 1


def test_corpora_and_variants_do_not_see_each_other(pg: PostgresIndex, pg_dsn: str) -> None:
    store = pg.vector_store(DIM, "test")
    store.put(["a"], [1], unit(1))
    store.flush()
    elsewhere = PostgresIndex(pg_dsn, "another").vector_store(DIM, "test")
    other_model = pg.vector_store(DIM, "other")
    assert not elsewhere.get([1])[1].any() and not other_model.get([1])[1].any()
    assert elsewhere.retain({}) == 0 and other_model.retain({}) == 0
    assert store.get([1])[1].all()


def test_a_role_that_may_not_write_keeps_its_vectors_in_memory_with_one_warning(
    pg: PostgresIndex, pg_server, pg_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    role = "reader_" + pg_dsn.rsplit("dbname=", 1)[1]  # roles belong to the server: one per test database
    with psycopg.connect(pg_dsn, autocommit=True) as admin:  # a reader's role: it may read everything
        admin.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{pg_server.password}'")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
        admin.execute(f"GRANT INSERT, UPDATE ON corpora TO {role}")
        # What opening the index needs (it migrates, IF NOT EXISTS, and registers the corpus):
        admin.execute(f"GRANT CREATE ON SCHEMA public TO {role}")
        admin.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
    reader = PostgresIndex(pg_dsn.replace("user=briefing", f"user={role}"), "test", read_only=True)
    store = reader.vector_store(DIM, "test")
    vectors = unit(3)
    with caplog.at_level(logging.WARNING, "bot.index._pgvectors"):
        store.put(["a"] * 2, [1, 2], vectors[:2])
        store.flush()
        store.put(["a"], [3], vectors[2:])
        store.flush()
        assert store.drop({"a": [1, 2, 3]}) == 0
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert "refuses" in caplog.text
    assert store.get([1, 2, 3])[1].all() and store.pending == 3  # kept, in memory
    assert rows(pg_dsn) == 0


def test_a_read_only_process_may_share_the_vectors_it_computes(pg: PostgresIndex, pg_dsn: str) -> None:
    store = PostgresIndex(pg_dsn, "test", read_only=True).vector_store(DIM, "test")
    store.put(["a"], [1], unit(1))
    store.flush()
    assert pg.vector_store(DIM, "test").get([1])[1].all()


def test_one_embedding_pass_per_corpus_at_a_time(pg: PostgresIndex, pg_dsn: str) -> None:
    first = pg.vector_store(DIM, "test")
    second = PostgresIndex(pg_dsn, "test").vector_store(DIM, "test")
    with first.pass_lock(wait=False) as ours:
        assert ours
        with second.pass_lock(wait=False) as theirs:
            assert not theirs
        with PostgresIndex(pg_dsn, "another").vector_store(DIM, "test").pass_lock(wait=False) as free:
            assert free  # another corpus embeds at the same time
    with second.pass_lock(wait=False) as theirs:
        assert theirs  # released when the first pass ended


def test_threads_share_one_store(pg: PostgresIndex, pg_dsn: str) -> None:
    store = pg.vector_store(DIM, "test")
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(5):
                key = n * 100 + i
                store.put([f"t{n}"], [key], unit(1, seed=key))
                assert store.get([key])[1].all()
                store.flush()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert rows(pg_dsn) == 20 and len(store) == 20


# -- answering on the seeds ---------------------------------------------------------------------


@pytest.fixture
def pg_config(pg_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_config(tmp_path / "config", index_backend="postgres", postgres={"dsn": pg_dsn})
    monkeypatch.setenv("BRIEFING_CONFIG", str(folder))
    return folder


def test_seed_vectors_land_in_the_database_and_follow_article_changes(
    pg_config: Path, pg_dsn: str, corpus: Path, tmp_path: Path
) -> None:
    from tests.answering.test_semantic import SlowEngine, all_hits, fake_scorer, keys_of, open_corpus

    index_dir = tmp_path / "index"
    seeds = open_corpus(corpus, index_dir)
    scorer = fake_scorer(seeds)
    assert isinstance(scorer.store, PostgresVectorStore) and scorer.folder is None
    report = scorer.embed()
    assert report.embedded == report.sentences == 22
    assert rows(pg_dsn) == 22 == len(scorer.store)
    assert not list(index_dir.rglob("vectors-*"))  # nothing beside the index on this machine

    # Another process (a new corpus and scorer over the same database) answers from them at once.
    hits = all_hits(seeds)
    again = fake_scorer(open_corpus(corpus, index_dir), SlowEngine())
    assert all(s is not None for s in again.cosines("Lavrov", hits, budget_ms=0))

    # A changed article drops the vectors whose text changed; a deleted one drops all of its own.
    old = set(keys_of(scorer, SEED_LAVROV))
    path = corpus / SEED_LAVROV
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Na sexta-feira, o governo", "Na quinta-feira, o governo"), encoding="utf-8")
    assert seeds.refresh().changed == (SEED_LAVROV,)
    gone = old - set(keys_of(scorer, SEED_LAVROV))
    assert gone and not scorer.store.get(sorted(gone))[1].any()
    assert rows(pg_dsn) == 22 - len(gone)
    shoigu = keys_of(scorer, SEED_SHOIGU)
    (corpus / SEED_SHOIGU).unlink()
    assert seeds.refresh().removed == (SEED_SHOIGU,)
    assert rows(pg_dsn, f"tag = {article_tag(SEED_SHOIGU)}") == 0
    assert rows(pg_dsn) == 22 - len(gone) - len(shoigu)
    assert not list(index_dir.rglob("vectors-*"))


def test_question_time_vectors_are_flushed_to_the_database(pg_config: Path, pg_dsn: str, corpus: Path,
                                                           tmp_path: Path) -> None:
    from tests.answering.test_semantic import all_hits, fake_scorer, open_corpus

    seeds = open_corpus(corpus, tmp_path / "index")
    scorer = fake_scorer(seeds)
    hits = all_hits(seeds)[:5]
    assert all(s is not None for s in scorer.cosines("Lavrov", hits, budget_ms=60_000))
    assert rows(pg_dsn) == 0  # buffered ...
    scorer._flush_quietly()  # ... and written at exit (or by the background embedder's flush)
    assert rows(pg_dsn) == 5
    assert not (tmp_path / "index").exists() or not list((tmp_path / "index").rglob("vectors-*"))
