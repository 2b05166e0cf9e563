"""The training harness: hidden articles, case sampling, thresholds and the shipped operating point."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from benchmarks.quality import data, fit
from benchmarks.quality.extract import open_corpus
from bot.index import WeightedTerm
from bot.models import LinearModel
from tests.conftest import CORPUS, SEED_LAVROV


def test_hiding_index_drops_the_hidden_articles_from_search(tmp_path: Path) -> None:
    answerer, hiding = open_corpus(CORPUS, tmp_path / "index")
    query = [WeightedTerm("lavrov"), WeightedTerm("coreia")]
    assert any(h.sentence.article_id == SEED_LAVROV for h in hiding.search(query, 20))
    hiding.hidden = frozenset({SEED_LAVROV})
    hits = hiding.search(query, 20)
    assert hits and all(h.sentence.article_id != SEED_LAVROV for h in hits)
    assert hiding.size == answerer._corpus.index.size  # everything else passes through


def test_gold_articles_finds_every_copy() -> None:
    texts = {"a": "o ministro chegou ontem", "b": "outra coisa", "c": "copia: o ministro chegou ontem"}
    assert data.gold_articles(("O Ministro chegou",), texts, str.lower) == {"a", "c"}


def test_off_topic_sample_spreads_over_question_lengths() -> None:
    cases = [
        data.Case("s", "answerable", " ".join(["w"] * n), "squad", f"g{n}") for n in range(1, 19) for _ in range(5)
    ]
    picked = data._by_length(cases, 12, random.Random(1))
    lengths = {min(len(c.question.split()) // 3, 5) for c in picked}
    assert len(picked) == 12 and lengths == {0, 1, 2, 3, 4, 5}


def _answered(kind: str, correct: bool, set_: str = "s") -> fit.Answered:
    case = data.Case(set_, kind, "q", "c", "g")
    return fit.Answered(fit.Record(case, [], [], []), [], correct)


def test_threshold_keeps_right_answers_and_rejects_negatives() -> None:
    answers = [_answered("answerable", True)] * 4 + [_answered("off_topic", False)] * 4
    p = np.array([0.9, 0.8, 0.85, 0.7, 0.3, 0.2, 0.4, 0.1])
    t = fit.choose_threshold(p, answers, np.ones(len(answers)))
    assert 0.4 < t <= 0.7


def test_shift_to_moves_the_operating_point_without_changing_decisions() -> None:
    m = LinearModel(("x",), (1.0,), intercept=0.0, meta={"threshold": 0.3})
    shifted = fit.shift_to(m, 0.58)
    for x in np.linspace(-3, 3, 25):
        assert (m.probability({"x": x}) >= 0.3) == (shifted.probability({"x": x}) >= 0.58)
    assert shifted.meta["fitted_threshold"] == 0.3


@pytest.mark.parametrize("kind", ["hard_negative", "off_topic"])
def test_weights_let_small_sets_count(kind: str) -> None:
    records = [fit.Record(data.Case("big", kind, "q", "c", "g"), [], [], []) for _ in range(1200)]
    records += [fit.Record(data.Case("small", kind, "q", "c", "g"), [], [], []) for _ in range(30)]
    w = fit.weights(records)
    assert w[-1] == 1.0 and w[0] == pytest.approx(0.5)
