"""The cross-validation report: every configuration fitted per fold (GroupKFold by article), scored
on the held-out fold, and the final models fitted on everything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from bot.models import LinearModel

from . import fit
from .extract import HAND_RANKING, Record

SETS = ("seeds", "news", "squad-pt", "squad-en")


@dataclass(slots=True)
class Report:
    lines: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def add(self, line: str = "", summary: bool = False) -> None:
        self.lines.append(line)
        if summary:
            self.summary.append(line)


@dataclass(slots=True)
class Variant:
    name: str
    fitted_rank: bool = True
    pairwise: bool = False
    semantic: bool = False
    cosine_only: bool = False
    confidence: Sequence[str] = fit.CONF_LEXICAL
    gates: dict[str, float] | None = None
    hand: bool = False  # today's hand-set ranking and confidence
    budget: int | None = None  # cosines for the first N lexical candidates only (on-demand encoding)
    needs_encoder: bool = False


def variants(with_encoder: bool, quick: bool = False) -> list[Variant]:
    """The configurations compared; ``quick`` leaves out the fitted lexical rankers and the gate."""
    found = [
        Variant("hand-set (today)", fitted_rank=False, hand=True),
        Variant("hand-set rank, fitted confidence", fitted_rank=False),
        Variant("lexical (fitted, pointwise)"),
        Variant("lexical (fitted, pairwise)", pairwise=True),
        Variant("hand-set rank, entity+event gate", fitted_rank=False, gates={"entity_event": 0.5}),
    ]
    if quick:
        found = found[:2]
    if with_encoder:
        found += [
            Variant("semantic only", fitted_rank=False, cosine_only=True, confidence=fit.CONF_COSINE,
                    needs_encoder=True),
            Variant("combined", fitted_rank=False, semantic=True, confidence=fit.CONF_SEMANTIC, needs_encoder=True),
            Variant("combined, cosines for 2 only", fitted_rank=False, semantic=True, confidence=fit.CONF_SEMANTIC,
                    budget=2, needs_encoder=True),
        ]
    return found


def run_variant(v: Variant, train: Sequence[Record], test: Sequence[Record]) -> tuple[list[fit.Answered],
                                                                                     np.ndarray, dict]:
    """Fit ``v`` on ``train``; the test cases answered, their probabilities, and the fitted models."""
    w = fit.weights(train)
    if not v.fitted_rank:
        lexical = HAND_RANKING
    elif v.pairwise:
        lexical = fit.fit_pairwise_ranker(train, w)
    else:
        lexical = fit.fit_lexical_ranker(train, w)
    semantic = fit.fit_semantic_ranker(train, w, lexical) if v.semantic else None
    fitted = {"rank_lexical": lexical}
    if semantic is not None:
        fitted["rank_semantic"] = semantic

    def answer(records: Sequence[Record]) -> list[fit.Answered]:
        if v.semantic:
            return fit.answer_all(records, lexical, semantic, False, v.budget)
        if v.cosine_only:
            return fit.answer_all(records, lexical, None, True)
        return fit.answer_all(records, lexical, None, False)

    train_answers = answer(train)
    test_answers = answer(test)
    if v.hand:
        conf = fit.HAND_CONFIDENCE
        conf = LinearModel(conf.features, conf.coef, conf.intercept, meta={**conf.meta, "threshold": 0.58})
    else:
        conf = fit.fit_confidence(train_answers, w, v.confidence, v.gates)
    fitted["confidence"] = conf
    fallback = None
    if v.semantic:  # answers the combined model did not rank (too few cosines) go to the lexical model
        fallback = fit.fit_confidence(fit.answer_all(train, lexical, None, False), w, fit.CONF_LEXICAL, v.gates)
    conf, fallback = fit.shift_to(conf, 0.5), fit.shift_to(fallback, 0.5) if fallback else None
    p = np.array([fit.probability(conf, a, fallback) for a in test_answers])
    return test_answers, p, fitted


def metrics(answers: Sequence[fit.Answered], p: np.ndarray, threshold: float) -> dict[str, float]:
    out: dict[str, float] = {}
    accepted = p >= threshold
    for s in SETS:
        idx = [k for k, a in enumerate(answers) if a.record.case.set == s and a.record.case.kind == "answerable"]
        if idx:
            out[f"{s} rank"] = float(np.mean([answers[k].correct for k in idx]))
            out[f"{s} P@1"] = float(np.mean([answers[k].correct and accepted[k] for k in idx]))
        for kind in ("negative", "hard_negative"):
            idx = [k for k, a in enumerate(answers) if a.record.case.set == s and a.record.case.kind == kind]
            if idx:
                out[f"{s} {kind}"] = float(np.mean([not accepted[k] for k in idx]))
    for corpus in ("seeds", "newsroom", "squad"):
        idx = [k for k, a in enumerate(answers) if a.record.case.corpus == corpus and a.record.case.kind == "off_topic"]
        if idx:
            out[f"off-topic@{corpus}"] = float(np.mean([not accepted[k] for k in idx]))
    hard = [k for k, a in enumerate(answers) if a.record.case.kind == "hard_negative"]
    neg = [k for k, a in enumerate(answers) if a.record.case.kind in ("hard_negative", "off_topic", "negative")]
    out["hard negatives"] = float(np.mean([not accepted[k] for k in hard])) if hard else 1.0
    out["all negatives"] = float(np.mean([not accepted[k] for k in neg])) if neg else 1.0
    return out


def cross_validate(
    v: Variant, records: Sequence[Record], folds: int
) -> tuple[dict[str, float], list[fit.Answered], np.ndarray]:
    from sklearn.model_selection import GroupKFold

    groups = [r.case.group for r in records]
    answers: list[fit.Answered | None] = [None] * len(records)
    accepted = np.zeros(len(records), dtype=bool)
    for train_idx, test_idx in GroupKFold(n_splits=folds).split(np.zeros(len(records)), groups=groups):
        train = [records[i] for i in train_idx]
        test = [records[i] for i in test_idx]
        test_answers, p, _ = run_variant(v, train, test)
        for k, i in enumerate(test_idx):
            answers[i] = test_answers[k]
            accepted[i] = p[k] >= 0.5
    done = [a for a in answers if a is not None]
    return metrics(done, accepted.astype(float), 0.5), done, accepted


def stages(answers: Sequence[fit.Answered], accepted: np.ndarray) -> dict[str, dict[str, int]]:
    """Where each answerable question was lost (retrieval, ranking, confidence) and how many negatives got
    a confident answer, by set."""
    out: dict[str, dict[str, int]] = {}
    for a, ok in zip(answers, accepted, strict=True):
        row = out.setdefault(a.record.case.set, {})
        kind = a.record.case.kind
        if kind == "answerable":
            if not any(a.record.labels):
                stage = "retrieval"
            elif not a.correct:
                stage = "ranking"
            elif not ok:
                stage = "confidence"
            else:
                stage = "right"
        else:
            stage = f"{kind} answered" if ok else f"{kind} rejected"
        row[stage] = row.get(stage, 0) + 1
    return out


COLUMNS = (
    ("seeds P@1", "seeds"), ("news rank", "news rk"), ("news P@1", "news"), ("squad-pt P@1", "sq-pt"),
    ("squad-en P@1", "sq-en"), ("squad-pt rank", "pt rk"), ("squad-en rank", "en rk"),
    ("news negative", "news neg"), ("squad-pt negative", "pt neg"), ("squad-en negative", "en neg"),
    ("hard negatives", "hard"), ("off-topic@newsroom", "off@news"), ("off-topic@squad", "off@sq"),
    ("off-topic@seeds", "off@seed"), ("all negatives", "all neg"),
)


def table(rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    head = f"| {'configuration':34} | " + " | ".join(f"{short:>8}" for _, short in COLUMNS) + " |"
    sep = "|" + "-" * 36 + "|" + "|".join("-" * 9 + ":" for _ in COLUMNS) + "|"
    body = [
        f"| {name:34} | " + " | ".join(f"{m.get(key, float('nan')):8.3f}" for key, _ in COLUMNS) + " |"
        for name, m in rows
    ]
    return [head, sep, *body]


def evaluate(
    records: Sequence[Record], folds: int, with_encoder: bool, report: Report, quick: bool = False
) -> dict[str, LinearModel]:
    """Cross-validate every configuration, print the table, and fit the shipped models on everything."""
    counts: dict[str, int] = {}
    for r in records:
        key = f"{r.case.set}/{r.case.kind}@{r.case.corpus}"
        counts[key] = counts.get(key, 0) + 1
    report.add("cases: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    in_pool = [any(r.labels) for r in records if r.case.kind == "answerable"]
    report.add(f"answerable cases with a gold sentence among the candidates: {np.mean(in_pool):.3f}")
    report.add("")
    report.add(f"Cross-validated by article ({folds} folds, GroupKFold; held-out-fold figures). 'rank': the top"
               " candidate is right; 'P@1': right and confident (what the scorer counts); negatives: share"
               " rejected.", summary=True)
    rows = []
    lost = {}
    for v in variants(with_encoder, quick):
        found, answers, accepted = cross_validate(v, records, folds)
        rows.append((v.name, found))
        lost[v.name] = stages(answers, accepted)
    for line in table(rows):
        report.add(line, summary=True)
    report.add("")
    report.add("Misses by stage (held-out folds):")
    for name, by_set in lost.items():
        report.add(f"  {name}:")
        for set_name, counts in by_set.items():
            report.add(f"    {set_name}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    # the shipped models: fitted on everything, each piece as the CV chose it
    w = fit.weights(records)
    found = dict(rows)
    ranker = _choose_ranker(found)
    report.add("")
    report.add(f"shipped lexical ranking: {ranker} (the fitted rankers are kept only where they beat the hand-set"
               " weights on every set in CV)", summary=True)
    if ranker == "pairwise":
        lexical = fit.fit_pairwise_ranker(records, w)
    elif ranker == "pointwise":
        lexical = fit.fit_lexical_ranker(records, w)
    else:
        lexical = HAND_RANKING
    gate = {"entity_event": 0.5} if _better(found.get("hand-set rank, entity+event gate"),
                                            found.get("hand-set rank, fitted confidence")) else None
    report.add(f"entity+event: {'a gate' if gate else 'a feature (the gate lost P@1 in CV)'}", summary=True)
    lexical_answers = fit.answer_all(records, lexical, None, False)
    hand_row, fitted_row = found.get("hand-set (today)"), found.get("hand-set rank, fitted confidence")
    if ranker == "hand" and not (_better(fitted_row, hand_row) and fitted_row["seeds P@1"] >= hand_row["seeds P@1"]):
        hand = fit.HAND_CONFIDENCE
        conf_lexical = LinearModel(hand.features, hand.coef, hand.intercept, meta={**hand.meta, "threshold": 0.58})
        report.add("lexical confidence: hand-set (the fitted one did not do better in CV)", summary=True)
    else:
        conf_lexical = fit.fit_confidence(lexical_answers, w, fit.CONF_LEXICAL, gate)
        report.add("lexical confidence: fitted", summary=True)
    final = {"rank_lexical": lexical, "confidence_lexical": fit.shift_to(conf_lexical)}
    if with_encoder:
        semantic = fit.fit_semantic_ranker(records, w, lexical)
        answers = fit.answer_all(records, lexical, semantic, False)
        final["rank_semantic"] = semantic
        final["confidence_semantic"] = fit.shift_to(fit.fit_confidence(answers, w, fit.CONF_SEMANTIC, gate))
    else:
        final["rank_semantic"] = LinearModel(("lexical",), (1.0,), meta={"source": "no encoder: lexical order"})
        final["confidence_semantic"] = final["confidence_lexical"]
    report.add("")
    fitted_rows = []
    for name, key in (("lexical", "confidence_lexical"), ("combined", "confidence_semantic")):
        if key not in final or (name == "combined" and not with_encoder):
            continue
        answers = fit.answer_all(records, lexical, final.get("rank_semantic") if name == "combined" else None, False)
        p = np.array([fit.probability(final[key], a, final["confidence_lexical"]) for a in answers])
        fitted_rows.append((f"{name} (fitted on all: in-sample)", metrics(answers, p, fit.DEFAULT_THRESHOLD)))
    report.add("Fitted on everything (in-sample, for comparison only):", summary=True)
    for line in table(fitted_rows):
        report.add(line, summary=True)
    for name, model in final.items():
        report.add(f"{name}: " + ", ".join(f"{f}={c:+.2f}" for f, c in zip(model.features, model.coef, strict=True))
                   + f" (gates {model.meta.get('gates', {})})")
    return final


def _mean_p1(m: dict[str, float]) -> float:
    return float(np.mean([m[f"{s} P@1"] for s in SETS if f"{s} P@1" in m]))


def _better(a: dict[str, float] | None, b: dict[str, float] | None) -> bool:
    """Whether configuration ``a`` did better than ``b`` in CV: mean P@1 plus the negatives rejected."""
    if not a or not b:
        return False
    return _mean_p1(a) + a["all negatives"] > _mean_p1(b) + b["all negatives"]


def _choose_ranker(found: dict[str, dict[str, float]]) -> str:
    """hand, pointwise or pairwise: a fitted ranker only when its top answer is right as often as the
    hand-set one's on every set (within 0.005) and more often on average."""
    hand = found["hand-set (today)"]
    best, choice = float(np.mean([hand[f"{s} rank"] for s in SETS if f"{s} rank" in hand])), "hand"
    for name, key in (("lexical (fitted, pointwise)", "pointwise"), ("lexical (fitted, pairwise)", "pairwise")):
        m = found.get(name)
        if not m:
            continue
        sets = [s for s in SETS if f"{s} rank" in m]
        if all(m[f"{s} rank"] >= hand[f"{s} rank"] - 0.005 for s in sets):
            mean = float(np.mean([m[f"{s} rank"] for s in sets]))
            if mean > best:
                best, choice = mean, key
    return choice
