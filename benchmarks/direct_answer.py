"""Direct answers as a span task: exact match and token F1 against the visible squad-pt answer spans.

    python -m benchmarks.direct_answer            # squad-pt dev (Portuguese) and dev-en (English)
    python -m benchmarks.direct_answer --show 20  # also print misses

Over the questions whose top quote is right (the scorer's ``is_gold``), the direct answer the bot
prints above the quotes is compared with the gold spans (the best of them), SQuAD-style: folded,
punctuation and articles dropped. Reported by question type, beside a trivial baseline that
takes the sentence's first capitalised name (who, where, role) or its first number (when, how
many, how much, how long). Coverage is the share of those questions that get a direct answer; EM
and F1 count a question without one as 0 ("EM of answered" does not: the bot abstains rather than
guess, e.g. a date whose sentence does not report the event asked about).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import string
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from benchmarks.corpora import SHARED, scorer
from bot.answering import Answerer
from bot.config import load_settings
from bot.language import fold

SQUAD = SHARED / "bench" / "squad-pt"
TYPES = ("when", "who", "where", "how_many", "how_much", "how_long", "role")
_ARTICLES = {"o", "a", "os", "as", "um", "uma", "the", "an"}
_FIRST_NAME = re.compile(r"(?<!^)\b[A-ZÀ-Ý][\w-]*(?:\s+[A-ZÀ-Ý][\w-]*)*")
_FIRST_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def tokens(text: str) -> list[str]:
    """SQuAD-style answer tokens: folded, without punctuation or articles."""
    folded = fold(text).translate(str.maketrans(string.punctuation + "“”«»’‘", " " * (len(string.punctuation) + 6)))
    return [t for t in folded.split() if t not in _ARTICLES]


def em_f1(predicted: str | None, golds: list[str]) -> tuple[float, float]:
    """Exact match and token F1 of a prediction against its best gold span."""
    if not predicted:
        return 0.0, 0.0
    best_em = best_f1 = 0.0
    mine = tokens(predicted)
    for gold in golds:
        theirs = tokens(gold)
        best_em = max(best_em, float(mine == theirs))
        common = sum((Counter(mine) & Counter(theirs)).values())
        if common:
            p, r = common / len(mine), common / len(theirs)
            best_f1 = max(best_f1, 2 * p * r / (p + r))
    return best_em, best_f1


def baseline(asks: str, text: str, lang: str) -> str | None:
    """The trivial answer: the sentence's first capitalised name (who, where), else its first number."""
    pattern = _FIRST_NAME if asks in ("who", "where", "role") else _FIRST_NUMBER
    match = pattern.search(text)
    return match.group() if match else None


def evaluate(answerer: Answerer, path: Path, show: int) -> dict[str, dict[str, float]]:
    """Per-type EM/F1 (ours and baseline) over the questions of ``path`` whose top quote is right."""
    is_gold = scorer().is_gold
    rows: dict[str, list[tuple[float, float, float, float, bool]]] = defaultdict(list)
    shown = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if not item.get("gold") or not item.get("answer"):
            continue
        result = answerer.ask(item["question"])
        if not result.confident or result.asks not in TYPES:
            continue
        top = result.answers[0]
        if not is_gold(top.text, item["gold"], item["answer"]):
            continue
        ours = result.direct.text if result.direct else None
        em, f1 = em_f1(ours, item["answer"])
        b_em, b_f1 = em_f1(baseline(result.asks, top.text, top.article.lang), item["answer"])
        rows[result.asks].append((em, f1, b_em, b_f1, ours is not None))
        if show and shown < show and em < 1:
            shown += 1
            print(f"  {result.asks:<8} {item['question']!r}\n    ours={ours!r} gold={item['answer']!r}")
    report: dict[str, dict[str, float]] = {}
    for asks in (*TYPES, "all"):
        picked = [r for k, v in rows.items() for r in v] if asks == "all" else rows.get(asks, [])
        if not picked:
            continue
        n = len(picked)
        report[asks] = {
            "n": n, "coverage": sum(r[4] for r in picked) / n,
            "em": sum(r[0] for r in picked) / n, "f1": sum(r[1] for r in picked) / n,
            "em_answered": sum(r[0] for r in picked if r[4]) / max(1, sum(r[4] for r in picked)),
            "baseline_em": sum(r[2] for r in picked) / n, "baseline_f1": sum(r[3] for r in picked) / n,
        }
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print this many misses per set")
    args = parser.parse_args(argv)
    base = load_settings()  # an offline evaluation: the batch embedding budget, as `ask --batch` uses
    settings = dataclasses.replace(
        base, answers=dataclasses.replace(base.answers, semantic_budget_ms=base.answers.batch_semantic_budget_ms)
    )
    with tempfile.TemporaryDirectory() as index_dir:
        answerer = Answerer.from_folder(SQUAD / "corpus", index_dir=index_dir, settings=settings)
        answerer.corpus.semantic.warm_up()
        for name in ("dev.jsonl", "dev-en.jsonl"):
            report = evaluate(answerer, SQUAD / name, args.show)
            print(f"\n{name} (questions whose top quote is right)")
            print(f"{'type':<9} {'n':>4} {'answered':>8} {'EM':>6} {'F1':>6} {'EM of answered':>15} "
                  f"{'base EM':>8} {'base F1':>8}")
            for asks, r in report.items():
                print(f"{asks:<9} {r['n']:>4} {r['coverage']:>8.2f} {r['em']:>6.3f} {r['f1']:>6.3f} "
                      f"{r['em_answered']:>15.3f} {r['baseline_em']:>8.3f} {r['baseline_f1']:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
