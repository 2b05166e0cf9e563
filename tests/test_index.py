"""The embedded tantivy sentence index: store, retrieve, update, roll back."""

import time
from pathlib import Path

import pytest

from bot.index import IndexBusyError, TantivyIndex, WeightedTerm, analyse, open_index
from bot.records import Sentence

LAVROV = "O ministro russo Serguei Lavrov chegou à Coreia do Norte nesta quarta-feira (18)."
CONTAINERS = "A Coreia do Norte forneceu mais de 1.000 contêineres de equipamento militar à Rússia."


def sentences(article_id: str, *texts: str) -> list[Sentence]:
    return [Sentence(article_id, i, t) for i, t in enumerate(texts)]


def test_analysers_fold_and_stem() -> None:
    assert analyse("Contêineres VISITOU", "pt") == ["contein", "visit"]
    assert analyse("Contêineres", None) == ["conteineres"]
    assert analyse("visited", "en") == ["visit"]


def test_search_update_and_reopen(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "ix")
    index.replace_article("a.txt", "pt", [Sentence("a.txt", 0, LAVROV, when="2023-10-18", dates=("2023-10-18",))])
    index.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS, "Outra frase."))
    assert index.size == 0, "nothing is visible before the commit"
    index.commit()
    assert index.size == 3

    hits = index.search([WeightedTerm("visita"), WeightedTerm("chegada"), WeightedTerm("Lavrov")], 5)
    assert hits[0].sentence.text == LAVROV
    assert hits[0].sentence.when == "2023-10-18" and hits[0].sentence.dates == ("2023-10-18",)
    assert index.search([WeightedTerm("contêiner")], 5)[0].sentence.text == CONTAINERS  # stemmed match
    assert index.document_frequency("Coreia") == 2
    assert index.vocabulary()["lavrov"] == 1
    assert [s.text for s in index.sentences("b.txt", 1, 1)] == ["Outra frase."]

    index.replace_article("b.txt", "pt", sentences("b.txt", "Texto novo."))
    index.remove_article("a.txt")
    index.commit()
    reopened = TantivyIndex(tmp_path / "ix")
    assert reopened.size == 1
    assert [s.text for s in reopened.sentences("b.txt")] == ["Texto novo."]


def test_rollback_keeps_committed_index(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "ix")
    index.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))
    index.commit()
    index.remove_article("a.txt")
    index.replace_article("c.txt", "pt", sentences("c.txt", CONTAINERS))
    index.rollback()
    index.commit()
    assert index.size == 1
    assert index.search([WeightedTerm("Lavrov")], 3)[0].sentence.text == LAVROV


def test_english_articles_use_the_english_stemmer(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "ix")
    index.replace_article("en.txt", "en", sentences("en.txt", "Lavrov visited Pyongyang on Wednesday."))
    index.commit()
    assert index.search([WeightedTerm("visits")], 3)[0].sentence.article_id == "en.txt"


def test_schema_version_change_rebuilds(tmp_path: Path) -> None:
    index = TantivyIndex(tmp_path / "ix")
    index.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))
    index.commit()
    (tmp_path / "ix" / "schema_version").write_text("0")
    assert TantivyIndex(tmp_path / "ix").size == 0


def test_clear_and_backend_registry(tmp_path: Path) -> None:
    index = open_index("embedded", tmp_path / "ix")
    index.replace_article("a.txt", "pt", sentences("a.txt", LAVROV, CONTAINERS))
    index.commit()
    index.clear()
    assert index.size == 0
    with pytest.raises(ValueError, match="unknown index backend 'elastic'"):
        open_index("elastic", tmp_path / "other")


def test_a_second_writer_waits_then_says_the_index_is_busy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.index._tantivy

    first, second = TantivyIndex(tmp_path / "ix"), TantivyIndex(tmp_path / "ix")
    first.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))  # holds the writer lock
    monkeypatch.setattr(bot.index._tantivy, "WRITER_WAIT", 0.5)
    with pytest.raises(IndexBusyError, match="another process is updating this index"):
        second.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS))
    first.commit()  # releases the lock: the second writer gets it now
    second.replace_article("b.txt", "pt", sentences("b.txt", CONTAINERS))
    second.commit()
    assert second.size == 2


def test_tantivy_reloads_only_when_told(tmp_path: Path) -> None:
    # The catalog and the sentences are read of one commit, at reload(). tantivy's default
    # reader also reloaded by itself, from a thread that watched meta.json and took the meta
    # lock file again, even in a folder being removed (a temporary folder then failed to go).
    reader, writer = TantivyIndex(tmp_path / "ix"), TantivyIndex(tmp_path / "ix")
    writer.replace_article("a.txt", "pt", sentences("a.txt", LAVROV))
    writer.commit()
    time.sleep(1.5)  # the watcher polled every 500 ms
    assert reader._index.searcher().num_docs == 0
    reader.reload()
    assert reader._index.searcher().num_docs == reader.size == len(sentences("a.txt", LAVROV))
