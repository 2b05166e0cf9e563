"""Fitted models shipped with the package: small JSON files of logistic-regression coefficients.

``benchmarks/quality`` fits them on the visible question sets (cross-validated by article) and
writes them here; answering only reads them. Each file holds one or more named linear models::

    {"ranking": {"features": [...], "mean": [...], "scale": [...], "coef": [...], "intercept": 0.0}, ...}

A model scores a feature mapping as ``intercept + sum(coef * (x - mean) / scale)`` (the logit);
a missing feature counts as its mean (contributes nothing).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic-regression model over named features."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float = 0.0
    mean: tuple[float, ...] = ()
    scale: tuple[float, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.features)
        if len(self.coef) != n or (self.mean and len(self.mean) != n) or (self.scale and len(self.scale) != n):
            raise ValueError("a linear model needs one coefficient (and mean, scale) per feature")

    def logit(self, values: Mapping[str, float]) -> float:
        """The model's linear score of one feature mapping."""
        mean = self.mean or (0.0,) * len(self.features)
        scale = self.scale or (1.0,) * len(self.features)
        total = self.intercept
        for name, c, m, s in zip(self.features, self.coef, mean, scale, strict=True):
            total += c * (values.get(name, m) - m) / (s or 1.0)
        return total

    def probability(self, values: Mapping[str, float]) -> float:
        """The model's probability (0..1) for one feature mapping."""
        return sigmoid(self.logit(values))

    def to_json(self) -> dict[str, Any]:
        """The model as stored in a model file."""
        return {
            "features": list(self.features), "coef": list(self.coef), "intercept": self.intercept,
            "mean": list(self.mean), "scale": list(self.scale), "meta": self.meta,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LinearModel:
        """A model from its stored form."""
        return cls(
            features=tuple(data["features"]), coef=tuple(float(c) for c in data["coef"]),
            intercept=float(data.get("intercept", 0.0)), mean=tuple(float(m) for m in data.get("mean", ())),
            scale=tuple(float(s) for s in data.get("scale", ())), meta=dict(data.get("meta", {})),
        )


def sigmoid(x: float) -> float:
    """The logistic function, safe for large arguments."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@lru_cache(maxsize=8)
def load(file: str) -> dict[str, LinearModel]:
    """The models of one shipped file (``"answering"`` -> ``bot/models/answering.json``)."""
    text = resources.files(__package__).joinpath(f"{file}.json").read_text(encoding="utf-8")
    return {name: LinearModel.from_json(data) for name, data in json.loads(text).items() if name != "report"}


def save(path: Any, models: Mapping[str, LinearModel], report: Sequence[str] = ()) -> None:
    """Write models (and the CV report lines they were chosen by) to a model file."""
    data: dict[str, Any] = {name: m.to_json() for name, m in models.items()}
    if report:
        data["report"] = list(report)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, ensure_ascii=False)
        f.write("\n")
