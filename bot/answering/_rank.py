"""Ranking: candidates from the index, ordered by a fitted model over their features.

Retrieval is BM25 over the question's concepts; the sentence after each of the strongest hits
is added when the index did not return it (an answer in a pronoun sentence, "Ele disse...",
shares few words with the question). Every candidate's features (:mod:`._features`) are scored
by the lexical ranking model of ``bot/models/answering.json``; :func:`rerank_semantic` then
re-orders the leading candidates that have a cosine with the combined model.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import models
from bot.answering._confidence import article_support
from bot.answering._corpus import Corpus
from bot.answering._expand import Concept
from bot.answering._features import Asked, Scored, asked, candidate_features, finish
from bot.index import Hit, WeightedTerm
from bot.questions import Question
from bot.records import Sentence

__all__ = ["Scored", "rank", "rerank_semantic", "speaks_of"]

#: The strongest hits whose next sentence is added as a candidate when retrieval missed it.
CONTINUED = 3
#: The fewest leading candidates with a cosine that the combined model re-orders (it was fitted on
#: prefixes of eight; over two or three its z-scores mean little and the newsroom set fell in CV).
MIN_RERANKED = 4
#: The models file that ranking and confidence read.
MODELS = "answering"


def rank(
    corpus: Corpus, q: Question, concepts: list[Concept], candidates: int, phrasing: str,
    model: models.LinearModel | None = None,
) -> list[Scored]:
    """Candidates from the index, best first; ``phrasing`` is the question in the corpus language.

    ``model`` replaces the shipped lexical ranking model (the training harness ranks with its own).
    """
    if not concepts:
        return []
    query = [WeightedTerm(w, c.idf) for c in concepts for w in c.words]
    hits = corpus.index.search(query, candidates)
    if not hits:
        return []
    a = asked(corpus, q, concepts, phrasing)
    top_bm25 = hits[0].score or 1.0
    scored = [candidate_features(corpus, a, hit, top_bm25, timely(corpus, q, hit.sentence)) for hit in hits]
    support = article_support(corpus, concepts, scored)
    finish(scored, support)
    model = model or models.load(MODELS)["rank_lexical"]
    _score(scored, a, model)
    scored.sort(key=lambda x: x.score, reverse=True)
    added = continuations(corpus, a, scored[:CONTINUED], {(i.hit.sentence.article_id, i.hit.sentence.position)
                                                          for i in scored}, top_bm25)
    if added:
        finish(added, support)
        _score(added, a, model)
        scored = sorted([*scored, *added], key=lambda x: x.score, reverse=True)
        best = max(i.coverage for i in scored)
        for item in scored:
            item.features["coverage_gap"] = item.coverage - best
    for item in scored:
        item.features.update(a.features)
    return scored


def _score(items: Sequence[Scored], a: Asked, model: models.LinearModel) -> None:
    for item in items:
        item.score = model.logit({**a.features, **item.features})


def continuations(
    corpus: Corpus, a: Asked, strongest: Sequence[Scored], have: set[tuple[str, int]], top_bm25: float
) -> list[Scored]:
    """The sentence after each of the strongest candidates, when it is not a candidate already."""
    added = []
    for item in strongest:
        s = item.hit.sentence
        key = (s.article_id, s.position + 1)
        if key in have:
            continue
        following = corpus.index.sentences(s.article_id, s.position + 1, s.position + 1)
        if not following:
            continue
        have.add(key)
        hit = Hit(following[0], 0.0, s.text)
        added.append(candidate_features(corpus, a, hit, top_bm25, timely(corpus, a.q, hit.sentence), True))
    return added


def rerank_semantic(
    scored: list[Scored], cosines: Sequence[float | None], model: models.LinearModel | None = None,
    baseline: float | None = None,
) -> list[Scored]:
    """Re-order the leading candidates that have a cosine with the question by the combined model.

    ``cosines[i]`` belongs to ``scored[i]``. Only the unbroken prefix with cosines is re-ordered
    (a candidate without one cannot be compared with those that have one); the rest keep their
    lexical order after it. ``baseline``: the question's mean cosine with text that does not answer
    it (confidence reads each cosine above it).
    """
    for item, cosine in zip(scored, cosines, strict=False):
        item.cosine = cosine
    prefix = 0
    while prefix < len(scored) and scored[prefix].cosine is not None:
        prefix += 1
    if prefix == 0:
        return scored
    head = scored[:prefix]
    add_cosine_features(head, baseline)
    if prefix < MIN_RERANKED:
        return scored  # too few to compare: the lexical order stands (and the lexical confidence decides)
    model = model or models.load(MODELS)["rank_semantic"]
    add_lexical_features(head)
    for item in head:
        item.score = model.logit(item.features)
    head.sort(key=lambda x: x.score, reverse=True)
    return [*head, *scored[prefix:]]


def add_cosine_features(items: Sequence[Scored], baseline: float | None = None) -> None:
    """The cosine features of candidates that all have a cosine: its value, its gap to the best, its
    z-score among them (the cosine's scale varies with the question; its order within it less), and
    how far it is above the question's ``baseline`` (when there is one)."""
    values = [i.cosine for i in items if i.cosine is not None]
    if not values:
        return
    best = max(values)
    mean, spread = _spread(values)
    for item in items:
        if item.cosine is not None:
            item.features["cosine"] = item.cosine
            item.features["cosine_gap"] = item.cosine - best
            item.features["cosine_z"] = (item.cosine - mean) / spread
            if baseline is not None:
                item.features["cos_excess"] = item.cosine - baseline


def add_lexical_features(items: Sequence[Scored]) -> None:
    """The lexical score of each candidate and its z-score among ``items`` (what the combined model reads)."""
    mean, spread = _spread([i.score for i in items])
    for item in items:
        item.features["lexical"] = item.score
        item.features["lexical_z"] = (item.score - mean) / spread


def _spread(values: Sequence[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    spread = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5
    return mean, spread if spread > 1e-6 else 1.0


def timely(corpus: Corpus, q: Question, s: Sentence) -> bool:
    """Whether a sentence fits every date the question names (absolute, and relative to today)."""
    return all(speaks_of(corpus, s, t, False, q.future) for t in q.times) and all(
        speaks_of(corpus, s, t, True, q.future) for t in q.days
    )


def speaks_of(corpus: Corpus, s: Sentence, time: str, undated: bool, future: bool) -> bool:
    """Whether a sentence can tell what happened at ``time`` (YYYY, YYYY-MM or YYYY-MM-DD).

    An article cannot report what had not happened yet: unless the question asks about the
    future, the article must be written on or after ``time``. Then the sentence must name
    that time, or its article be written within a year of it. ``undated`` is the answer for
    an undated article whose sentence does not name the time ("today" cannot be checked
    against an undated encyclopedia, "in 2018" can: the sentence would say it).
    """
    named = any(d.startswith(time) or time.startswith(d) for d in s.dates)
    info = corpus.article(s.article_id)
    written = info.date if info else None
    if not written:
        return named or undated
    if not future and written < time[: len(written)]:
        return False
    return named or int(written[:4]) <= int(time[:4]) + 1
