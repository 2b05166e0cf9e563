"""Run every case through the answering pipeline and keep each candidate's features.

Candidates come from the product's own stages (analysis, expansion, retrieval, features:
``Answerer._candidates``), ordered by the hand-set lexical weights (:data:`HAND_RANKING`) so the
pool does not depend on the model being fitted. Hard negatives hide their gold articles through
:class:`HidingIndex`, which drops those articles' sentences from search results (and so from
support and continuations). The question's and the candidates' vectors come from the on-disk
cache (:mod:`.vectors`), encoded best-first for the leading candidates only, as the product's
budget would.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.answering import SEMANTIC_CANDIDATES, Answerer
from bot.answering._corpus import Corpus
from bot.answering._features import Scored
from bot.answering._semantic._baseline import baseline
from bot.config import load_settings
from bot.index import Hit, SentenceIndex, WeightedTerm
from bot.models import LinearModel
from bot.questions import analyse, clean_question

from .data import Case
from .vectors import VectorCache

log = logging.getLogger(__name__)

#: Today's hand-set ranking weights: they order the candidate pool (and are the "hand" baseline).
HAND_RANKING = LinearModel(
    features=("coverage", "bm25", "fit", "fit_typed", "phrase", "short", "furniture"),
    coef=(0.6, 0.25, 0.2, 0.15, 0.3, -0.05, -0.03),
    meta={"source": "hand-set weights"},
)
#: Candidates kept per case (the fitted rankers re-order these).
POOL = 40
#: Leading candidates (in hand-set order) that get a cosine: as many as the product gives one when
#: its budget allows (``ask --batch`` embeds them all within ``answers.batch_semantic_budget_ms``).
COSINES = SEMANTIC_CANDIDATES
#: Background sentences a question's baseline is measured against (one per article).
BACKGROUND = 128


class HidingIndex:
    """A sentence index that hides some articles from search (a harness-only wrapper)."""

    def __init__(self, inner: SentenceIndex) -> None:
        self._inner = inner
        self.hidden: frozenset[str] = frozenset()

    def search(self, terms: Sequence[WeightedTerm], limit: int) -> list[Hit]:
        if not self.hidden:
            return self._inner.search(terms, limit)
        hits = self._inner.search(terms, limit + 400)
        return [h for h in hits if h.sentence.article_id not in self.hidden][:limit]

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


@dataclass(slots=True)
class Record:
    """One case after the pipeline: its candidates (hand-set order), which are right, their vectors."""

    case: Case
    pool: list[Scored]
    labels: list[bool]
    passages: list[str]
    cosines: list[float | None] = field(default_factory=list)
    baseline: float | None = None  # the question's mean cosine with the background sentences


def open_corpus(folder: Path, index_dir: Path) -> tuple[Answerer, HidingIndex]:
    """An answerer over ``folder`` (index cached in ``index_dir``) whose index can hide articles."""
    settings = load_settings()
    import dataclasses

    settings = dataclasses.replace(settings, corpus=folder, index_dir=index_dir)
    corpus = Corpus.open(settings)
    corpus.refresh()
    hiding = HidingIndex(corpus.index)
    corpus.index = hiding  # type: ignore[assignment]
    return Answerer(corpus, rank_model=HAND_RANKING), hiding


def article_texts(answerer: Answerer, fold) -> dict[str, str]:
    """Article id -> its folded sentences, joined (to find the articles that hold a gold)."""
    corpus = answerer._corpus
    return {
        aid: "\n".join(fold(s.text) for s in corpus.article_sentences(aid, 0, None))
        for aid in corpus.catalog.entries
    }


def run_case(answerer: Answerer, hiding: HidingIndex, case: Case, is_gold) -> Record:
    """One case through the pipeline (no semantic step, no confidence: the harness does those)."""
    hiding.hidden = case.excluded
    try:
        q = analyse(clean_question(case.question))
        translated = answerer._expander.translation(q)
        scored = answerer._candidates(q, translated, answerer._settings.answers.candidates)[:POOL]
    finally:
        hiding.hidden = frozenset()
    corpus = answerer._corpus
    labels = [bool(case.golds) and is_gold(i.hit.sentence.text, case.golds, case.spans) for i in scored]
    # what the product encodes for each candidate (bot.answering._semantic.COMPOSITION)
    passages = [corpus.semantic.passage(item.hit.sentence, item.hit.before or "") for item in scored]
    return Record(case, scored, labels, passages)


def fingerprint(paths: Sequence[Path], cases: Sequence[Case]) -> str:
    """A digest of the code and data the features depend on (a change means re-extracting)."""
    digest = hashlib.sha1()
    for root in paths:
        for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".yaml") and p.is_file()):
            if "models" in path.parts:
                continue  # the fitted models do not change the features
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    for c in cases:
        digest.update(f"{c.set}|{c.kind}|{c.corpus}|{c.question}|{sorted(c.excluded)}".encode())
    return digest.hexdigest()[:16]


def extract(
    cases: Sequence[Case], answerers: dict[str, tuple[Answerer, HidingIndex]], is_gold, cache_file: Path
) -> list[Record]:
    """Every case's record, from ``cache_file`` when the code and cases are unchanged."""
    if cache_file.exists():
        with cache_file.open("rb") as f:
            return pickle.load(f)
    records = []
    started = time.monotonic()
    for n, case in enumerate(cases, 1):
        answerer, hiding = answerers[case.corpus]
        records.append(run_case(answerer, hiding, case, is_gold))
        if n % 250 == 0:
            log.info("features: %d/%d cases (%.0f s)", n, len(cases), time.monotonic() - started)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    for r in records:
        for item in r.pool:
            item.tokens = frozenset()  # only support needed them (already computed): a much smaller cache
    partial = cache_file.with_suffix(".part")
    with partial.open("wb") as f:
        pickle.dump(records, f)
    partial.replace(cache_file)  # atomic: an interrupted run leaves no half-written cache
    return records


def background_passages(answerer: Answerer, cases: Sequence[Case], count: int = BACKGROUND, seed: int = 7) -> list[str]:
    """What the product encodes for ``count`` ordinary body sentences of articles no case is about
    (one per article, a seeded sample): the sentences a question's baseline is measured against
    (:mod:`bot.answering._semantic._baseline`)."""
    corpus = answerer._corpus
    about = {c.group.split(":", 1)[1] for c in cases} | {a for c in cases for a in c.excluded}
    free = sorted(aid for aid in corpus.catalog.entries if aid not in about)
    rng = random.Random(seed)
    rng.shuffle(free)
    texts: list[str] = []
    for aid in free:
        sentences = [s for s in corpus.article_sentences(aid, 0, None) if s.kind == "body" and 60 <= len(s.text) <= 300]
        if len(sentences) < 3:
            continue
        k = rng.randrange(1, len(sentences))
        texts.append(corpus.semantic.passage(sentences[k], sentences[k - 1].text))
        if len(texts) == count:
            break
    return texts


def add_cosines(
    records: Sequence[Record], vectors: VectorCache, encode: bool = True, background: np.ndarray | None = None
) -> None:
    """The question's cosine with each record's leading candidates (None for the rest), and its
    baseline against the ``background`` vectors.

    ``encode=False`` uses only the vectors already cached (a candidate without one gets None, as
    when the product's budget runs out).
    """
    wanted: list[tuple[Record, int]] = []
    for r in records:
        wanted.extend((r, i) for i in range(min(COSINES, len(r.pool))))
    # best-first across all records: every case's first candidates before anyone's tenth
    wanted.sort(key=lambda ri: ri[1])
    questions = [r.case.question for r in records]
    texts = [r.passages[i] for r, i in wanted]
    if encode:
        queries = vectors.queries(questions, progress=True)
        passages = vectors.passages(texts, progress=True)
    else:
        queries = vectors.stored("q", questions)
        passages = vectors.stored("p", texts)
    for r in records:
        r.cosines = [None] * len(r.pool)
        q = queries.get(r.case.question)
        r.baseline = baseline(q, background) if q is not None and background is not None else None
    for r, i in wanted:
        q = queries.get(r.case.question)
        p = passages.get(r.passages[i])
        if q is not None and p is not None:
            r.cosines[i] = float(p @ q)
