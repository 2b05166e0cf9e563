"""The combined re-ordering: only the prefix with cosines, only when it is long enough."""

from __future__ import annotations

from bot.answering._confidence import answer_features, confidence_model
from bot.answering._features import Scored
from bot.answering._rank import MIN_RERANKED, rerank_semantic
from bot.index import Hit
from bot.models import LinearModel
from bot.records import Sentence

BY_COSINE = LinearModel(("cosine_z",), (1.0,))


def _scored(n: int) -> list[Scored]:
    items = []
    for k in range(n):
        item = Scored(Hit(Sentence("a.txt", k, f"sentence {k}"), 1.0), 0.5, float(n - k))
        items.append(item)
    return items


def test_the_prefix_with_cosines_is_reordered_and_the_rest_keeps_its_place() -> None:
    items = _scored(7)
    cosines = [0.1, 0.2, 0.3, 0.9, 0.0, None, 0.99]  # the last one is cut off by the None
    ordered = rerank_semantic(items, cosines, BY_COSINE)
    assert [i.hit.sentence.position for i in ordered] == [3, 2, 1, 0, 4, 5, 6]
    assert all("lexical_z" in i.features for i in ordered[:5])
    assert confidence_model(ordered[0]) == "confidence_semantic"
    assert confidence_model(ordered[5]) == "confidence_lexical"


def test_too_few_cosines_leave_the_lexical_order_and_the_lexical_confidence() -> None:
    items = _scored(6)
    cosines = [0.1, 0.9] + [None] * 4
    assert MIN_RERANKED > 2
    ordered = rerank_semantic(items, cosines, BY_COSINE)
    assert [i.hit.sentence.position for i in ordered] == list(range(6))
    assert ordered[1].cosine == 0.9 and ordered[2].cosine is None
    assert confidence_model(ordered[0]) == "confidence_lexical"


def test_answer_features_give_the_margins_of_the_best() -> None:
    items = _scored(3)
    for item, cosine in zip(items, (0.8, 0.5, 0.6), strict=True):
        item.cosine = cosine
        item.features.update({"entity": 1.0, "event": 0.5})
    answer_features(items)
    top = items[0].features
    assert top["rank"] == 3.0 and items[1].features["rank"] == 2.0  # the ranking score is a confidence feature
    assert top["margin"] == 1.0 and abs(top["cos_margin"] - 0.2) < 1e-9
    assert top["entity_event"] == 0.5
    lone = _scored(2)
    lone[0].cosine = 0.7
    answer_features(lone)
    assert "cos_margin" not in lone[0].features  # nothing to compare with: the model reads its mean


def test_confidence_reads_each_cosine_above_the_questions_baseline() -> None:
    items = _scored(4)
    ordered = rerank_semantic(items, [0.9, 0.8, 0.7, 0.6], BY_COSINE, baseline=0.75)
    assert [round(i.features["cos_excess"], 6) for i in ordered] == [0.15, 0.05, -0.05, -0.15]
    assert [i.features["cosine"] for i in ordered] == [0.9, 0.8, 0.7, 0.6]  # the raw cosine is kept
    plain = rerank_semantic(_scored(4), [0.9, 0.8, 0.7, 0.6], BY_COSINE)
    assert all("cos_excess" not in i.features for i in plain)  # no baseline: the model reads its mean


def test_confidence_reads_the_cosine_above_the_baseline_with_the_words() -> None:
    items = rerank_semantic(_scored(4), [0.9, 0.8, 0.7, 0.6], BY_COSINE, baseline=0.7)
    for item in items:
        item.features.update({"coverage": 0.5, "entity": 1.0})
    answer_features(items)
    top = items[0].features
    assert abs(top["excess_sq"] - 0.04) < 1e-9 and items[3].features["excess_sq"] < 0  # signed: below the baseline
    assert abs(top["coverage_x_excess"] - 0.1) < 1e-9 and abs(top["entity_x_excess"] - 0.2) < 1e-9
    plain = rerank_semantic(_scored(4), [0.9, 0.8, 0.7, 0.6], BY_COSINE)
    answer_features(plain)
    assert not {"excess_sq", "coverage_x_excess", "entity_x_excess"} & set(plain[0].features)
