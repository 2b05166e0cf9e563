"""Timelines over the bundled corpus: the events about a topic, in the order they happened."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.briefing import timeline
from tests.conftest import SEED_LAVROV, SEED_SHOIGU


def test_north_korea_over_the_seeds_in_event_order(seed_answerer: Answerer) -> None:
    result = timeline(seed_answerer.corpus, "Coreia do Norte")
    got = [(e.when, e.precision) for e in result.entries]
    assert got == [("2023-09", "month"), ("2023-10-13", "day"), ("2023-10-17", "day"), ("2023-10-18", "day")]
    texts = [e.text for e in result.entries]
    assert "trem blindado" in texts[0] and "convidou Putin" in texts[0]
    assert "entregas de material bélico" in texts[1]  # follows a sentence naming North Korea
    assert "não há provas" in texts[2]
    assert "chegou à Coreia do Norte" in texts[3]
    assert all(e.sources[0].id == SEED_LAVROV for e in result.entries)


def test_undated_article_listed_apart_in_its_order_never_dated(seed_answerer: Answerer) -> None:
    result = timeline(seed_answerer.corpus, "Coreia do Norte")
    assert {e.sources[0].id for e in result.undated} == {SEED_SHOIGU}
    assert all(e.when is None and e.precision == "undated" for e in result.undated)
    expressions = [x for e in result.undated for x in e.expressions]
    assert expressions.index("no sábado") < expressions.index("em julho do ano passado")
    assert "até maio" in expressions


def test_english_name_and_alias_find_the_same_events(seed_answerer: Answerer) -> None:
    pt = timeline(seed_answerer.corpus, "Coreia do Norte")
    en = timeline(seed_answerer.corpus, "North Korea")
    assert [e.text for e in en.entries] == [e.text for e in pt.entries]
    typo = timeline(seed_answerer.corpus, "Coreia do Nrte")
    assert [e.when for e in typo.entries] == [e.when for e in pt.entries]


def test_date_range_keeps_overlapping_events_and_drops_undated(seed_answerer: Answerer) -> None:
    result = timeline(seed_answerer.corpus, "Coreia do Norte", since="2023-10-14", until="2023-10")
    assert [e.when for e in result.entries] == ["2023-10-17", "2023-10-18"]
    assert result.undated == ()
    assert [e.when for e in timeline(seed_answerer.corpus, "Coreia do Norte", until="2023-09").entries] == ["2023-09"]


@pytest.mark.parametrize("bad", ["2023-13", "23-10", "yesterday", "2023-1-5"])
def test_bad_dates_are_refused(seed_answerer: Answerer, bad: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        timeline(seed_answerer.corpus, "Coreia do Norte", since=bad)


def test_unknown_topic_has_no_events(seed_answerer: Answerer) -> None:
    result = timeline(seed_answerer.corpus, "Copa do Mundo de futebol")
    assert result.entries == () and result.undated == ()
    with pytest.raises(ValueError):
        timeline(seed_answerer.corpus, "   ")


def test_wire_copies_merge_with_all_their_sources(tmp_path: Path, corpus: Path) -> None:
    shutil.copy(corpus / SEED_LAVROV, corpus / "copy-of-lavrov.txt")
    answerer = Answerer.from_folder(corpus, index_dir=tmp_path / "index")
    result = timeline(answerer.corpus, "Coreia do Norte")
    assert len(result.entries) == 4
    assert all({s.id for s in e.sources} == {SEED_LAVROV, "copy-of-lavrov.txt"} for e in result.entries)


def test_json_contract(seed_answerer: Answerer) -> None:
    data = timeline(seed_answerer.corpus, "Coreia do Norte").to_json()
    assert data["topic"] == "Coreia do Norte"
    first = data["entries"][0]
    assert set(first) == {"text", "when", "precision", "expressions", "sources"}
    assert first["sources"][0]["id"] == SEED_LAVROV
    assert data["undated"][0]["when"] is None


def test_a_range_that_ends_before_it_starts_is_refused(seed_answerer: Answerer) -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        timeline(seed_answerer.corpus, "Coreia do Norte", since="2023-11", until="2023-10-18")
    # Bounds of other precisions that overlap are a range: October 2023 within 2023.
    assert len(timeline(seed_answerer.corpus, "Coreia do Norte", since="2023", until="2023-10").entries) == 4


def test_a_month_or_year_comes_after_the_days_it_holds(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text(
        '---\ntitle: "Balanço do ano"\ndate: "2017-12-20"\nlang: "pt"\n---\n\n'
        "Neste ano, a Coreia do Norte testou 22 mísseis.\n\n"
        "Em outubro, a Coreia do Norte ameaçou Guam.\n\n"
        "A Coreia do Norte lançou um míssil em 3 de outubro de 2017.\n\n"
        "A Coreia do Norte lançou outro míssil em 28 de novembro de 2017.\n", encoding="utf-8")
    answerer = Answerer.from_folder(folder, index_dir=tmp_path / "index")
    result = timeline(answerer.corpus, "Coreia do Norte")
    assert [e.when for e in result.entries] == ["2017-10-03", "2017-10", "2017-11-28", "2017"]
