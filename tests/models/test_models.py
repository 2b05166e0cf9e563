"""The shipped model file and the linear model that reads it."""

from __future__ import annotations

import math

import pytest

from bot import models
from bot.models import LinearModel, sigmoid


def test_logit_standardises_and_treats_a_missing_feature_as_its_mean() -> None:
    m = LinearModel(("a", "b"), (2.0, -1.0), intercept=0.5, mean=(1.0, 0.0), scale=(2.0, 1.0))
    assert m.logit({"a": 3.0, "b": 1.0}) == pytest.approx(0.5 + 2.0 * 1.0 - 1.0)
    assert m.logit({"b": 1.0}) == pytest.approx(0.5 - 1.0)  # "a" missing: at its mean, adds nothing
    assert m.probability({}) == pytest.approx(sigmoid(0.5))


def test_round_trip_through_json(tmp_path) -> None:
    m = LinearModel(("x",), (1.5,), intercept=-0.2, mean=(0.1,), scale=(0.3,), meta={"gates": {"x": 0.2}})
    path = tmp_path / "m.json"
    models.save(path, {"one": m}, ["a report line"])
    text = path.read_text()
    assert "a report line" in text
    assert LinearModel.from_json(__import__("json").loads(text)["one"]) == m


def test_a_model_needs_one_coefficient_per_feature() -> None:
    with pytest.raises(ValueError, match="one coefficient"):
        LinearModel(("a", "b"), (1.0,))


def test_sigmoid_is_safe_far_out() -> None:
    assert sigmoid(1000) == 1.0 and sigmoid(-1000) == 0.0
    assert sigmoid(0) == 0.5 and math.isclose(sigmoid(2) + sigmoid(-2), 1.0)


def test_the_shipped_file_has_every_model_answering_reads() -> None:
    shipped = models.load("answering")
    assert {"rank_lexical", "rank_semantic", "confidence_lexical", "confidence_semantic"} <= set(shipped)
    for model in shipped.values():
        assert model.features and len(model.coef) == len(model.features)
