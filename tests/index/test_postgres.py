"""The PostgreSQL sentence index against a real server: the same answers as the embedded index,
one transaction per refresh, one writer at a time, migrations, notifications, the catalog in rows."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import psycopg
import pytest

from bot.catalog import Catalog, Entry
from bot.index import IndexBusyError, TantivyIndex, WeightedTerm, catalog_store
from bot.index._pgmigrate import migrations
from bot.index._postgres import PostgresIndex
from bot.records import ArticleInfo, Sentence, Skipped

LAVROV = "O ministro russo Serguei Lavrov chegou à Coreia do Norte nesta quarta-feira (18)."
CONTAINERS = "A Coreia do Norte forneceu mais de 1.000 contêineres de equipamento militar à Rússia."
ARTICLES = {
    "a.txt": ("pt", [LAVROV, "Lavrov disse que a visita fortalece a parceria com Pyongyang.", "Outra frase."]),
    "b.txt": ("pt", [CONTAINERS, "Os contêineres chegaram por trem à Rússia, disse a Casa Branca."]),
    "c.txt": ("en", ["Lavrov visited Pyongyang on Wednesday.", "North Korea sent containers to Russia."]),
    "d.txt": ("pt", ["A Coreia do Sul protestou.", "Seul convocou o embaixador russo na quinta-feira."]),
}


def sentences(article_id: str, *texts: str) -> list[Sentence]:
    return [Sentence(article_id, i, t, when="2023-10-18" if i == 0 else None, dates=("2023-10-18",) if i == 0 else ())
            for i, t in enumerate(texts)]


def fill(index) -> None:
    for article_id, (lang, texts) in ARTICLES.items():
        index.replace_article(article_id, lang, sentences(article_id, *texts))
    index.commit()


@pytest.fixture
def pg(pg_dsn: str) -> PostgresIndex:
    return PostgresIndex(pg_dsn, "test")


QUERIES = [
    [WeightedTerm("visita", 2.0), WeightedTerm("chegada"), WeightedTerm("Lavrov", 3.1)],
    [WeightedTerm("contêiner", 1.5), WeightedTerm("Rússia", 0.7)],
    [WeightedTerm("coreia"), WeightedTerm("norte"), WeightedTerm("visited", 0.4)],
    [WeightedTerm("embaixador"), WeightedTerm("russo", 1.2)],
    [WeightedTerm("palavra-inexistente")],
]


def test_scores_frequencies_and_vocabulary_match_the_embedded_index(pg: PostgresIndex, tmp_path: Path) -> None:
    embedded = TantivyIndex(tmp_path / "ix")
    fill(embedded)
    fill(pg)
    assert pg.size == embedded.size == 9
    for query in QUERIES:
        ours = [(h.sentence.article_id, h.sentence.position, round(h.score, 3)) for h in pg.search(query, 5)]
        theirs = [(h.sentence.article_id, h.sentence.position, round(h.score, 3)) for h in embedded.search(query, 5)]
        assert [o[:2] for o in ours] == [t[:2] for t in theirs], query
        for (_, _, a), (_, _, b) in zip(ours, theirs, strict=True):
            assert a == pytest.approx(b, rel=0.02), query  # tantivy stores lengths in one byte, we exactly
    for word in ("Coreia", "lavrov", "contêineres", "Rússia", "ausente", "Coreia do Norte"):
        assert pg.document_frequency(word) == embedded.document_frequency(word), word
    assert pg.vocabulary() == embedded.vocabulary()
    hit = pg.search([WeightedTerm("chegou")], 1)[0]
    assert hit.sentence == Sentence("a.txt", 0, LAVROV, when="2023-10-18", dates=("2023-10-18",))
    second = pg.search([WeightedTerm("fortalece")], 1)[0]
    assert second.before == LAVROV, "the sentence before comes with a hit"
    assert [s.text for s in pg.sentences("b.txt", 1, 1)] == [ARTICLES["b.txt"][1][1]]
    assert [s.position for s in pg.sentences("a.txt")] == [0, 1, 2]


def test_updates_are_invisible_until_commit_and_keep_statistics_right(pg: PostgresIndex, pg_dsn: str) -> None:
    fill(pg)
    reader = PostgresIndex(pg_dsn, "test")
    pg.replace_article("a.txt", "pt", sentences("a.txt", "Texto novo sobre Lavrov."))
    pg.remove_article("b.txt")
    assert reader.search([WeightedTerm("contêineres")], 3), "staged changes are not visible"
    pg.commit()
    reader.reload()
    assert reader.size == 5
    assert not reader.search([WeightedTerm("contêineres")], 3)
    assert reader.document_frequency("lavrov") == 2
    assert reader.vocabulary().get("conteineres") is None
    assert [s.text for s in reader.sentences("a.txt")] == ["Texto novo sobre Lavrov."]
    fresh = PostgresIndex(pg_dsn, "test")  # statistics rebuilt from scratch agree with the incremental ones
    assert fresh.vocabulary() == reader.vocabulary()


def test_rollback_and_a_failed_commit_keep_the_committed_rows(pg: PostgresIndex, pg_dsn: str) -> None:
    fill(pg)
    pg.remove_article("a.txt")
    pg.replace_article("e.txt", "pt", sentences("e.txt", "Zebedeu Quaresma defendeu três pênaltis."))
    pg.rollback()
    pg.commit()
    assert pg.size == 9 and not pg.search([WeightedTerm("Zebedeu")], 3)

    pg.replace_article("e.txt", "pt", sentences("e.txt", "Zebedeu Quaresma defendeu três pênaltis."))
    writer = pg._writer
    assert writer is not None
    with psycopg.connect(pg_dsn, autocommit=True) as admin:  # the connection dies before the commit
        admin.execute("SELECT pg_terminate_backend(%s)", (writer.info.backend_pid,))
    with pytest.raises(psycopg.OperationalError):
        pg.commit()
    assert pg.size == 9 and not pg.search([WeightedTerm("Zebedeu")], 3)
    pg.replace_article("e.txt", "pt", sentences("e.txt", "Zebedeu Quaresma defendeu três pênaltis."))
    pg.commit()
    assert pg.search([WeightedTerm("Zebedeu")], 3)[0].sentence.article_id == "e.txt"


def test_large_refresh_is_flushed_in_batches_inside_one_transaction(
    pg: PostgresIndex, pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.index._postgres as module

    monkeypatch.setattr(module, "FLUSH_SENTENCES", 5)
    reader = PostgresIndex(pg_dsn, "test")
    for n in range(12):
        pg.replace_article(f"n{n}.txt", "pt", sentences(f"n{n}.txt", f"Frase {n} sobre o assunto.", "Mais uma."))
    with psycopg.connect(pg_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM sentences").fetchone() == (0,)  # written, not committed
    assert pg.search([WeightedTerm("assunto")], 50) == []
    pg.commit()
    reader.reload()
    assert reader.size == 24 and len(reader.search([WeightedTerm("assunto")], 50)) == 12


def test_a_second_writer_waits_then_says_the_index_is_busy(pg: PostgresIndex, pg_dsn: str, monkeypatch) -> None:
    import bot.index._postgres as module

    other = PostgresIndex(pg_dsn, "test")
    pg.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))  # holds the writer lock
    monkeypatch.setattr(module, "WRITER_WAIT", 0.5)
    with pytest.raises(IndexBusyError, match="another process is updating this index"):
        other.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS))
    PostgresIndex(pg_dsn, "another corpus").replace_article("x", "pt", sentences("x", "x"))  # other corpora are free
    pg.commit()
    other.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS))
    other.commit()
    assert other.size == 2


def test_migrations_run_once_even_when_processes_start_together(pg_dsn: str) -> None:
    errors: list[BaseException] = []

    def start() -> None:
        try:
            PostgresIndex(pg_dsn, "test")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with psycopg.connect(pg_dsn) as conn:
        versions = [row[0] for row in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [version for version, _, _ in migrations()] and versions[0] == 1


def test_readers_are_notified_of_commits(pg: PostgresIndex, pg_dsn: str) -> None:
    reader = PostgresIndex(pg_dsn, "test")
    assert not reader.changed()
    fill(pg)
    deadline = time.monotonic() + 2
    while not reader.changed() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert reader.changed(), "LISTEN/NOTIFY told the reader within 2 s"
    reader.reload()
    assert not reader.changed() and reader.size == 9


def test_a_reader_never_writes(pg_dsn: str) -> None:
    reader = PostgresIndex(pg_dsn, "test", read_only=True)
    with pytest.raises(PermissionError, match=r"postgres\.read_only"):
        reader.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))


def test_clear_removes_the_corpus_but_not_others(pg: PostgresIndex, pg_dsn: str) -> None:
    fill(pg)
    other = PostgresIndex(pg_dsn, "other")
    fill(other)
    pg.clear()
    assert pg.size == 0 and pg.vocabulary() == {} and pg.search(QUERIES[0], 3) == []
    other.reload()
    assert other.size == 9 and other.search(QUERIES[0], 1)


def entry(article_id: str, title: str, size: int = 10) -> Entry:
    return Entry(ArticleInfo(article_id, title, "2023-10", "pt", source="Reuters"), (size, 123), 2, ("Lavrov",))


def test_catalog_rows_commit_with_the_sentences_and_follow_row_by_row(pg: PostgresIndex, pg_dsn: str) -> None:
    store = catalog_store(pg, Path("unused"), "unused")
    assert store.corpus == "test" and store.load() is None
    empty = Catalog("test")
    first = Catalog("test", {"a.txt": entry("a.txt", "Lavrov")}, {"bad.txt": ((0, 1), Skipped("bad.txt", "empty"))})
    with store.transaction():
        pg.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))
        pg.commit()
        store.save(first, empty, wait=True)
    reader_index = PostgresIndex(pg_dsn, "test")
    reader = reader_index.catalog_store()
    assert reader.load() == first

    second = Catalog("test", {"a.txt": entry("a.txt", "Lavrov 2", 11), "b.txt": entry("b.txt", "Shoigu")}, {})
    with pytest.raises(RuntimeError), store.transaction():
        pg.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS))
        pg.commit()
        store.save(second, first, wait=True)
        raise RuntimeError("the refresh failed after the catalog was written")
    assert reader_index.catalog_store().load() == first and PostgresIndex(pg_dsn, "test").size == 1

    with store.transaction():
        pg.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS))
        pg.commit()
        store.save(second, first, wait=True)
    deadline = time.monotonic() + 2
    while not reader.changed() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert reader.changed()
    followed = reader.follow(first)
    assert followed == second and not reader.changed()
    with psycopg.connect(pg_dsn) as conn:
        touched = conn.execute("SELECT id FROM catalog_changes ORDER BY generation, id").fetchall()
    assert touched == [("a.txt",), ("bad.txt",), ("a.txt",), ("b.txt",), ("bad.txt",)]


def test_a_catalog_of_another_pipeline_version_is_not_trusted(pg: PostgresIndex, pg_dsn: str, monkeypatch) -> None:
    import bot.index._pgcatalog

    store = catalog_store(pg, Path("unused"), "unused")
    saved = Catalog("test", {"a.txt": entry("a.txt", "Lavrov")}, {})
    with store.transaction():
        pg.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))
        pg.commit()
        store.save(saved, Catalog("test"), wait=True)
    assert PostgresIndex(pg_dsn, "test").catalog_store().load() == saved
    # New splitting or dating rules bump CATALOG_VERSION: the rows were made by the old ones.
    monkeypatch.setattr(bot.index._pgcatalog, "CATALOG_VERSION", bot.index._pgcatalog.CATALOG_VERSION + 1)
    assert PostgresIndex(pg_dsn, "test").catalog_store().load() is None


def test_readers_survive_the_server_dropping_their_connections(pg: PostgresIndex, pg_dsn: str) -> None:
    fill(pg)
    reader_index = PostgresIndex(pg_dsn, "test")
    reader = reader_index.catalog_store()
    reader.load()
    assert reader_index.search(QUERIES[0], 3)
    with psycopg.connect(pg_dsn, autocommit=True) as admin:  # a restart or failover, as the readers see it
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    pg.replace_article("e.txt", "pt", sentences("e.txt", "Zebedeu Quaresma defendeu três pênaltis."))
    pg.commit()
    store = pg.catalog_store()
    store.save(Catalog("test", {"e.txt": entry("e.txt", "Zebedeu")}), Catalog("test"), wait=True)
    deadline = time.monotonic() + 10
    while not reader.changed() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert reader.changed(), "the listener reconnected and caught up"
    assert "e.txt" in (reader.follow(Catalog("test")) or Catalog("test")).entries, "the catalog read reconnects"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                      " WHERE datname = current_database() AND pid <> pg_backend_pid()")
    assert reader_index.search([WeightedTerm("Zebedeu")], 3), "the search reconnects"
