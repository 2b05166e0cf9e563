"""Confidence: whether the best candidates answer the question, or the corpus does not.

A fitted logistic model (``bot/models/answering.json``) turns an answer's features into the
probability that it answers the question: how much of the question the sentence and its article
cover, its margin over the next candidate, whether it names the question's entity and its event,
how long and specific the question is, and, when the encoder gave one, the question's cosine with
the sentence, its margin over the next and how far it is above the question's baseline
(:mod:`bot.answering._semantic._baseline`). The model was fitted on realistic negatives (each
visible question asked without the article that answers it, and questions of other sets asked of
a corpus that cannot answer them), cross-validated by article. A candidate that does not fit a
date the question names is never confident; the model file may add gates (a feature's minimum).

Its intercept is shifted so that the fitted operating point is ``answers.min_confidence``'s default
(0.58): raising that key makes answers rarer, lowering it makes them more frequent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot import models
from bot.answering._corpus import Corpus
from bot.answering._expand import Concept

if TYPE_CHECKING:
    from bot.answering._features import Scored

#: The models file (shared with ranking).
MODELS = "answering"
#: How many leading candidates get a confidence (the answers shown come from them).
ASSESSED = 12


def article_support(corpus: Corpus, concepts: Sequence[Concept], scored: Sequence[Scored]) -> dict[str, float]:
    """How much of the question each candidate's article speaks of, by article id.

    An article that holds the answer usually speaks of everything the question names, in
    one sentence or another; an off-topic question matches scattered words in scattered
    articles. Support is the share of the question (rarer words weigh more) said somewhere
    among the article's candidate sentences or in its title.
    """
    total = sum(c.idf for c in concepts) or 1.0
    said: dict[str, set[str]] = {}
    for item in scored:
        said.setdefault(item.hit.sentence.article_id, set()).update(item.tokens)
    support: dict[str, float] = {}
    for article_id, found in said.items():
        found |= corpus.title_terms(article_id)
        support[article_id] = sum(c.idf for c in concepts if c.terms & found) / total
    return support


def answer_features(scored: Sequence[Scored]) -> None:
    """Add to the leading candidates what confidence reads beyond their own features: their ranking
    score, and the margin of the best over the next (score and cosine), shared by the question's answers."""
    if not scored:
        return
    top = scored[0]
    rest = [i for i in scored[1:ASSESSED] if i.hit.sentence.text != top.hit.sentence.text]
    margin = top.score - rest[0].score if rest else 1.0
    cosines = [i.cosine for i in rest if i.cosine is not None]
    for item in scored[:ASSESSED]:
        f = item.features
        f["rank"] = item.score  # the ranking model's score (the combined one's when it ranked the candidate)
        f["margin"] = min(margin, 5.0)
        if top.cosine is not None and cosines:
            f["cos_margin"] = top.cosine - max(cosines)
        else:
            f.pop("cos_margin", None)  # no other cosine to compare with: the model reads its mean
        f["entity_event"] = min(f.get("entity", 1.0), f.get("event", 1.0))
        excess = f.get("cos_excess")
        if excess is not None:  # a cosine well above the baseline counts more, and more so with the words
            f["excess_sq"] = excess * abs(excess)
            f["coverage_x_excess"] = f.get("coverage", 0.0) * excess
            f["entity_x_excess"] = f.get("entity", 1.0) * excess


def assess(scored: Sequence[Scored]) -> None:
    """Set ``confidence`` on the leading candidates (the probability that each answers)."""
    answer_features(scored)
    loaded = models.load(MODELS)
    for item in scored[:ASSESSED]:
        model = loaded[confidence_model(item)]
        item.confidence = model.probability(item.features) if passes_gates(item, model) else 0.0


def confidence_model(item: Scored) -> str:
    """Which confidence model reads a candidate: the semantic one when the combined model ranked it."""
    return "confidence_semantic" if "lexical_z" in item.features else "confidence_lexical"


def passes_gates(item: Scored, model: models.LinearModel) -> bool:
    """Whether a candidate clears the model's gates (a minimum value of some features)."""
    return all(item.features.get(name, 0.0) >= low for name, low in model.meta.get("gates", {}).items())


def is_confident(item: Scored, min_confidence: float) -> bool:
    """Whether a candidate may be shown as an answer rather than a close match."""
    return item.timely and item.confidence >= min_confidence
