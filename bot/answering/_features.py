"""Features: what ranking and confidence know about a question and each candidate sentence.

Every number the fitted models (:mod:`bot.models`) read is computed here, by name, so the
training harness (``benchmarks/quality``) and answering see the same values:

* per candidate (:func:`candidate_features`): how much of the question the sentence covers by
  itself, through its article's title and through the sentence before it; what it adds beyond
  the question's words (a headline that restates the question adds little); whether it carries
  the kind of answer asked for; its BM25 score; its kind (headline, standfirst, byline...);
  whether it was retrieved or added as the continuation of a strong hit;
* per question (:func:`question_features`): how many content words it has and how rare they are;
* per answer (:func:`bot.answering._confidence.answer_features`): the top candidate's features
  with its margin over the next one, and whether it names the question's entity *and* its event.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.answer_types import TYPED_ANSWERS, fits
from bot.answering._corpus import Corpus
from bot.answering._expand import Concept
from bot.answering._terms import PREFIX, prefix, sentence_terms, shared_share, word_pairs
from bot.dates import ANY_DAY, sentence_dates
from bot.index import Hit, analyse
from bot.language import fold
from bot.questions import Question, content_words

#: Proper names, acronyms and numbers of a question (not its capitalised first word): its entities.
_PROPER = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-ZÀ-Ý][\w'-]*|\b\w*\d\w*")
#: Words that open a sentence whose subject is named in the sentence before ("Ele disse...").
_ANAPHORS = frozenset({
    "ele", "ela", "eles", "elas", "este", "esta", "estes", "estas", "esse", "essa", "esses", "essas", "isso",
    "isto", "seu", "sua", "seus", "suas", "he", "she", "they", "it", "this", "these", "his", "her", "their", "its",
})
#: What a candidate adds beyond the question is counted up to this many content words.
_ADDS_CAP = 12
#: A date this many characters or more from the question's event in a sentence is not its date.
_EVENT_DATE_REACH = 40
_WORD = re.compile(r"[^\W_]+")


@dataclass(slots=True)
class Scored:
    """A candidate sentence with what ranking and confidence found out about it."""

    hit: Hit
    coverage: float
    score: float
    timely: bool = True  # consistent with every date the question names
    tokens: frozenset[str] = frozenset()
    support: float = 0.0  # how much of the question its article speaks of
    features: dict[str, float] = field(default_factory=dict)
    cosine: float | None = None  # the question's cosine with the sentence (None: not computed)
    confidence: float = 0.0  # the probability that it answers the question (set for the top candidates)


@dataclass(slots=True)
class Asked:
    """What is computed once per question for its candidates."""

    q: Question
    concepts: list[Concept]
    prefixes: list[set[str]]
    names: list[bool]  # which concepts are entities (names, acronyms, numbers), the rest events/topics
    words: set[str]  # folded words of the question and its translation: what the answer need not repeat
    pairs: set[tuple[str, str]]  # the question's word pairs in the corpus language
    total: float  # the sum of the concepts' weights, with the dates it names
    time_weight: float
    rarity_scale: float  # log(1 + N): idf divided by it is a corpus-independent rarity in 0..1
    features: dict[str, float] = field(default_factory=dict)


def asked(corpus: Corpus, q: Question, concepts: list[Concept], phrasing: str) -> Asked:
    """The per-question context; ``phrasing`` is the question in the corpus language."""
    time_weight = max((c.idf for c in concepts), default=0.0) if q.times else 0.0
    total = sum(c.idf for c in concepts) + time_weight * len(q.times)
    proper = {fold(m.group()) for text in {q.text, phrasing} for m in _PROPER.finditer(text)}
    proper = {w for p in proper for w in content_words(p)}
    names = [bool(c.words & proper) or c.word.isdigit() for c in concepts]
    words = {*analyse(q.text, None), *analyse(phrasing, None), *(w for c in concepts for w in c.words)}
    a = Asked(
        q=q, concepts=concepts, prefixes=[{prefix(t) for t in c.terms if len(t) >= PREFIX} for c in concepts],
        names=names, words=words, pairs=word_pairs(phrasing), total=total or 1.0, time_weight=time_weight,
        rarity_scale=math.log(1 + max(corpus.index.size, 1)),
    )
    a.features = question_features(a)
    return a


def question_features(a: Asked) -> dict[str, float]:
    """How long and how specific the question is: content words, their rarity, its entities."""
    n = len(a.concepts)
    rarity = [min(c.idf / a.rarity_scale, 1.0) for c in a.concepts] or [0.0]
    return {
        "q_words": min(n, 10) / 10,
        "q_rarity": sum(rarity) / len(rarity),
        "q_max_rarity": max(rarity),
        "q_weight": min(sum(c.idf for c in a.concepts) / a.rarity_scale, 6.0) / 6,
        "q_has_entity": float(any(a.names)),
        "q_dated": float(bool(a.q.times)),
        "q_typed": float(a.q.asks in TYPED_ANSWERS),
    }


def candidate_features(
    corpus: Corpus, a: Asked, hit: Hit, top_bm25: float, timely: bool, continuation: bool = False
) -> Scored:
    """One candidate's features (``support`` is filled in later, from all candidates of its article)."""
    s = hit.sentence
    lang = corpus.lang_of(s.article_id)
    tokens = sentence_terms(s.text, lang)
    token_prefixes = {prefix(t) for t in tokens if len(t) >= PREFIX}
    title = corpus.title_terms(s.article_id)
    before = sentence_terms(hit.before, lang) if hit.before else set()
    total = a.total
    covered = direct = via_title = via_before = 0.0
    entity = entity_total = event = event_total = 0.0
    for c, wanted, is_name in zip(a.concepts, a.prefixes, a.names, strict=True):
        if c.terms & tokens:
            level = 0.85 if c.fuzzy else 1.0
        elif wanted & token_prefixes:
            level = 0.8  # same word, another inflection the stemmer missed
        else:
            level = 0.0
        in_title = bool(c.terms & title)
        in_before = bool(c.terms & before)
        direct += level * c.idf
        if level:
            covered += level * c.idf
        elif in_title:
            covered += 0.5 * c.idf  # the article's title says it
            via_title += c.idf
        elif in_before:
            covered += 0.5 * c.idf  # the sentence before says it ("Ele disse...")
            via_before += c.idf
        if is_name:
            entity_total += c.idf
            entity += c.idf if (level or in_title or in_before) else 0.0
        else:
            event_total += c.idf
            event += c.idf * max(level, 0.8 if in_before else 0.0)
    if timely:
        covered += a.time_weight * len(a.q.times)
    words = s.text.split()
    first = fold(words[0]).strip("\"'“”«»(") if words else ""
    anaphor = float(first in _ANAPHORS)
    novel = [w for w in content_words(s.text) if not _matches(w, a)]
    adds = min(len(novel), _ADDS_CAP) / _ADDS_CAP
    coverage = covered / total
    fit = fits(a.q, s, a.words)
    typed = a.q.asks in TYPED_ANSWERS
    event_date = _event_date(a, s.text, lang) if a.q.asks == "when" and event_total else 0.0
    furniture = s.kind in ("headline", "standfirst", "caption")
    features = {
        "coverage": coverage,
        "direct": direct / total,
        "title_cov": via_title / total,
        "before_cov": via_before / total,
        "carried": anaphor * via_before / total,
        "anaphor": anaphor,
        "bm25": hit.score / top_bm25 if top_bm25 else 0.0,
        "fit": fit,
        "fit_typed": fit if typed else 0.0,
        "phrase": shared_share(a.pairs, word_pairs(s.text)),
        "short": float(len(words) < 6),
        "furniture": float(furniture),
        "byline": float(s.kind == "byline"),
        "adds": adds,
        "restate": (direct / total) * (1 - adds),
        "continuation": float(continuation),
        "lead": float(s.position <= 1),
        "entity": entity / entity_total if entity_total else 1.0,
        "event": event / event_total if event_total else 1.0,
        "timely": float(timely),
        "event_date": event_date,
    }
    return Scored(hit, coverage, 0.0, timely, frozenset(tokens), features=features)


def _event_date(a: Asked, text: str, lang: str) -> float:
    """How close a date of the sentence stands to the question's event (1 next to it, 0 none near).

    News sentences date what was said ("disse nesta quinta-feira (1o) que as tarifas...") as often
    as what happened ("...entra em vigor nesta sexta-feira (23)"): a "when" answer's date goes
    with the event asked about, its verb or event noun, not with the sentence.
    """
    mentions = sentence_dates(text, ANY_DAY)
    if not mentions:
        return 0.0
    events = [(c.terms, wanted) for c, wanted, is_name in zip(a.concepts, a.prefixes, a.names, strict=True)
              if not is_name]
    gap = _EVENT_DATE_REACH
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if len(word) < 4 or any(m.start <= match.start() < m.end for m in mentions):
            continue
        stems = {t for t in analyse(word, lang) if len(t) >= 4} | {word}
        p = prefix(word) if len(word) >= PREFIX else None
        if any(stems & found or (p is not None and p in wanted) for found, wanted in events):
            gap = min(gap, *(max(m.start - match.end(), match.start() - m.end, 0) for m in mentions))
    return 1.0 - gap / _EVENT_DATE_REACH


def _matches(word: str, a: Asked) -> bool:
    """Whether a folded word of a sentence is one of the question's words (any inflection)."""
    if word in a.words:
        return True
    p = prefix(word) if len(word) >= PREFIX else None
    return any(word in c.terms or (p is not None and p in wanted) for c, wanted in zip(a.concepts, a.prefixes,
                                                                                      strict=True))


def finish(items: Sequence[Scored], support: dict[str, float]) -> None:
    """Add what depends on all candidates: the article's support, and the gap to the best coverage."""
    for item in items:
        s = item.hit.sentence
        item.support = support.get(s.article_id, 0.0)
        if s.kind == "byline":
            item.coverage = max(item.coverage, item.support)  # a byline speaks for its whole article
            item.features["coverage"] = item.coverage
        item.features["support"] = item.support
    best = max((i.coverage for i in items), default=0.0)
    for item in items:
        item.features["coverage_gap"] = item.coverage - best
