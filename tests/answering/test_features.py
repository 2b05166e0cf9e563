"""Ranking features: what a candidate adds beyond the question, pronoun sentences, entity and event."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Answerer
from bot.answering._features import asked, candidate_features
from bot.index import Hit
from bot.questions import analyse
from bot.records import Sentence

ARTICLE = """---
title: "Visita oficial"
date: 2023-10-18
lang: pt
---

O chanceler Mirabeau Quental chegou a Valdorna nesta quarta-feira para uma visita oficial.

Ele ficou hospedado num palácio à beira do lago durante toda a estadia, cercado de seguranças.

O governo local preparou um desfile militar.
"""


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    base = tmp_path_factory.mktemp("features")
    folder = base / "corpus"
    folder.mkdir()
    (folder / "visita.md").write_text(ARTICLE, encoding="utf-8")
    return Answerer.from_folder(folder, index_dir=base / "index", settings=None)


def _features(answerer: Answerer, question: str, text: str, before: str = "", kind: str = "body"):
    corpus = answerer._corpus
    q = analyse(question)
    concepts = answerer._expander.concepts(q, None)
    a = asked(corpus, q, concepts, q.text)
    hit = Hit(Sentence("visita.md", 5, text, kind), 1.0, before)
    return candidate_features(corpus, a, hit, 1.0, True).features


def test_a_restatement_adds_little_and_an_answer_adds_more(answerer: Answerer) -> None:
    question = "Quando Mirabeau Quental chegou a Valdorna?"
    echo = _features(answerer, question, "Mirabeau Quental chegou a Valdorna", kind="headline")
    answer = _features(answerer, question, "Mirabeau Quental chegou a Valdorna na quarta-feira com sete assessores")
    assert echo["adds"] < answer["adds"]
    assert echo["restate"] > answer["restate"]
    assert echo["furniture"] == 1.0 and answer["furniture"] == 0.0


def test_a_pronoun_sentence_carries_the_names_of_the_sentence_before(answerer: Answerer) -> None:
    question = "Onde Mirabeau Quental ficou hospedado?"
    before = "O chanceler Mirabeau Quental chegou a Valdorna nesta quarta-feira."
    f = _features(answerer, question, "Ele ficou hospedado num palácio à beira do lago.", before)
    assert f["anaphor"] == 1.0
    assert f["before_cov"] > 0 and f["carried"] == f["before_cov"]
    assert f["entity"] == 1.0  # the name is in the sentence before
    plain = _features(answerer, question, "Ele ficou hospedado num palácio à beira do lago.")
    assert plain["entity"] == 0.0 and plain["carried"] == 0.0


def test_entity_and_event_are_told_apart(answerer: Answerer) -> None:
    question = "Quando Mirabeau Quental chegou a Valdorna?"
    other_event = _features(answerer, question, "Mirabeau Quental discursou em Valdorna sobre o comércio.")
    other_person = _features(answerer, question, "O embaixador Teodoro Lins chegou ontem.")
    assert other_event["entity"] == 1.0 and other_event["event"] < 1.0
    assert other_person["entity"] == 0.0 and other_person["event"] == 1.0


def test_a_when_answer_has_its_date_next_to_the_event(answerer: Answerer) -> None:
    question = "Quando o desfile militar de Valdorna foi cancelado?"
    said = _features(answerer, question, "O prefeito disse nesta quinta-feira (8) a jornalistas que o governo local"
                                         " de Valdorna preparou um desfile que acabou cancelado.")
    done = _features(answerer, question, "O desfile de Valdorna foi cancelado nesta sexta-feira (9), informou o"
                                         " prefeito a jornalistas.")
    undated = _features(answerer, question, "O desfile de Valdorna foi cancelado, informou o prefeito.")
    assert done["event_date"] > 0.8 and said["event_date"] == 0.0 and undated["event_date"] == 0.0
    assert _features(answerer, "Onde o desfile de Valdorna foi cancelado?", "O desfile de Valdorna foi cancelado"
                     " nesta sexta-feira (9).")["event_date"] == 0.0  # only "when" asks for a date


def test_the_sentence_after_a_strong_hit_is_a_candidate(answerer: Answerer) -> None:
    # "Ele ficou hospedado num palácio..." shares no word with the question: retrieval alone misses it
    found = [a.text for a in answerer.search("chanceler Mirabeau Quental Valdorna visita", limit=10)]
    assert any(text.startswith("Ele ficou hospedado") for text in found)


def test_question_features_count_words_and_rarity(answerer: Answerer, tmp_path: Path) -> None:
    corpus = answerer._corpus
    short = analyse("Quando Mirabeau chegou?")
    long = analyse("Quando o chanceler Mirabeau Quental chegou a Valdorna para a visita oficial?")
    fs = asked(corpus, short, answerer._expander.concepts(short, None), short.text).features
    fl = asked(corpus, long, answerer._expander.concepts(long, None), long.text).features
    assert fs["q_words"] < fl["q_words"]
    assert fs["q_has_entity"] == fl["q_has_entity"] == 1.0
    assert 0 < fs["q_rarity"] <= 1
