"""Confidence: whether the best candidate answers the question, or the corpus does not.

An answer is confident only when its sentence covers the question well *and* its article speaks
of everything the question names (its *support*), and every date the question names fits it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.answering._corpus import Corpus
from bot.answering._expand import Concept

if TYPE_CHECKING:
    from bot.answering._rank import Scored

#: Confidence weighs the article's support of the question this much, the sentence's own coverage the rest.
SUPPORT_SHARE = 0.7
#: Below this coverage a sentence is never a confident answer, however well its article fits.
MIN_COVERAGE = 0.4


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


def confidence(item: Scored) -> float:
    """How sure we are that a candidate answers its question (0..1)."""
    return (1 - SUPPORT_SHARE) * item.coverage + SUPPORT_SHARE * item.support


def is_confident(item: Scored, min_confidence: float) -> bool:
    """Whether a candidate may be shown as an answer rather than a close match."""
    return item.timely and item.coverage >= MIN_COVERAGE and confidence(item) >= min_confidence
