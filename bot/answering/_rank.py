"""Lexical ranking: candidates from the index, reranked by what of the question they carry.

A candidate's score combines how much of the question it covers (rarer words count more,
inflections and misspellings match, the article's title and the previous sentence count half),
its BM25 score, the question's phrasing it shares, and whether it carries the kind of answer
asked for (:mod:`bot.answer_types`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer_types import TYPED_ANSWERS, fits
from bot.answering._confidence import article_support
from bot.answering._corpus import Corpus
from bot.answering._expand import Concept
from bot.answering._terms import PREFIX, prefix, sentence_terms, shared_share, word_pairs
from bot.index import Hit, WeightedTerm, analyse
from bot.questions import Question
from bot.records import Sentence

#: How much the question's phrasing (word pairs) found in a sentence adds to its rank.
_PHRASE_WEIGHT = 0.3


@dataclass(slots=True)
class Scored:
    """A candidate sentence with what ranking and confidence found out about it."""

    hit: Hit
    coverage: float
    score: float
    timely: bool = True  # consistent with every date the question names
    tokens: frozenset[str] = frozenset()
    support: float = 0.0  # how much of the question its article speaks of


def rank(corpus: Corpus, q: Question, concepts: list[Concept], candidates: int, phrasing: str) -> list[Scored]:
    """Candidates from the index, reranked; ``phrasing`` is the question in the corpus language."""
    if not concepts:
        return []
    query = [WeightedTerm(w, c.idf) for c in concepts for w in c.words]
    hits = corpus.index.search(query, candidates)
    if not hits:
        return []
    top_bm25 = hits[0].score or 1.0
    fit_weight = 0.35 if q.asks in TYPED_ANSWERS else 0.2
    time_weight = max(c.idf for c in concepts) if q.times else 0.0
    total_idf = sum(c.idf for c in concepts) + time_weight * len(q.times)
    prefixes = [{prefix(t) for t in c.terms if len(t) >= PREFIX} for c in concepts]
    scored = []
    for hit in hits:
        s = hit.sentence
        tokens = sentence_terms(s.text, corpus.lang_of(s.article_id))
        token_prefixes = {prefix(t) for t in tokens if len(t) >= PREFIX}
        title = corpus.title_terms(s.article_id)
        before: set[str] | None = None
        covered = 0.0
        for c, wanted in zip(concepts, prefixes, strict=True):
            if c.terms & tokens:
                covered += 0.85 * c.idf if c.fuzzy else c.idf
            elif wanted & token_prefixes:
                covered += 0.8 * c.idf  # same word, another inflection the stemmer missed
            elif c.terms & title:
                covered += 0.5 * c.idf  # the article's title says it
            else:
                if before is None:  # the sentence before, analysed once and only when needed
                    before = sentence_terms(hit.before, corpus.lang_of(s.article_id)) if hit.before else set()
                if c.terms & before:
                    covered += 0.5 * c.idf  # the sentence before says it ("Ele disse...")
        timely = all(speaks_of(corpus, s, t, False, q.future) for t in q.times) and all(
            speaks_of(corpus, s, t, True, q.future) for t in q.days
        )
        if timely:
            covered += time_weight * len(q.times)
        scored.append(Scored(hit, covered / total_idf, 0.0, timely, frozenset(tokens)))
    support = article_support(corpus, concepts, scored)
    pairs = word_pairs(phrasing)
    asked = {*analyse(q.text, None), *analyse(phrasing, None), *(w for c in concepts for w in c.words)}
    for item in scored:
        s = item.hit.sentence
        item.support = support[s.article_id]
        if s.kind == "byline":
            item.coverage = max(item.coverage, item.support)  # a byline speaks for its whole article
        item.score = (
            0.6 * item.coverage + 0.25 * (item.hit.score / top_bm25) + fit_weight * fits(q, s, asked)
            + _PHRASE_WEIGHT * shared_share(pairs, word_pairs(s.text))
        )
        if len(s.text.split()) < 6:
            item.score -= 0.05
        if s.kind in ("headline", "standfirst", "caption"):
            item.score -= 0.03
    scored.sort(key=lambda x: x.score, reverse=True)
    return scored


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
