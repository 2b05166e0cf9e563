"""English questions against their Portuguese twins: what translation costs.

``python -m benchmarks.translation_gap`` (from the repository root, venv active) answers every
answerable English question of ``../shared/bench/squad-pt/dev-en.jsonl`` that has a Portuguese
twin (same id) in ``dev.jsonl``, and the twins, over ``squad-pt/corpus``, and prints:

- P@1 of the English questions and of their twins, and the gap between them (judged by the
  scorer's own ``is_gold``, confident answers only, as ``score.py`` does);
- how many translations carry a spurious negation ("não", "nunca", "nem" where the English has
  no not/n't/never/no/nor/without/none/neither);
- how many translations lost a name of the question (a capitalised word past the first, an
  acronym, a number, or a quoted title) that neither the translation nor, for an exonym, an
  alias of it spells;
- with ``--show``, the questions on which the English and Portuguese twins disagree.

``--batch`` answers as ``ask --batch`` (the scorer) does. ``--news`` also scores the English
questions of ``../shared/eval/news_dev.jsonl`` over the
NEWSROOM corpus (``--newsroom``, default ``/tmp/newsroom``). ``--json FILE`` writes the numbers.
It only uses the public :class:`~bot.answering.Answerer` API, so it also measures an older
checkout: ``PYTHONPATH=OLD_CHECKOUT python -m benchmarks.translation_gap``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from benchmarks.corpora import SHARED, scorer
from bot.answering import Answerer
from bot.config import load_settings
from bot.language import fold

SQUAD = SHARED / "bench" / "squad-pt"
NEWS_DEV = SHARED / "eval" / "news_dev.jsonl"

#: What says "not" in an English question.
_EN_NEGATION = re.compile(r"\b(not|never|no|nor|without|none|neither|nobody|nothing|cannot)\b|n't\b", re.IGNORECASE)
#: What says "not" in a Portuguese translation.
_PT_NEGATION = re.compile(r"\b(não|nunca|nem|jamais)\b", re.IGNORECASE)
#: A name of an English question: a capitalised word not opening it, an acronym, a number.
_NAME = re.compile(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'-]*|\b\d[\d.,]*\b")
_QUOTED = re.compile(r"[\"“”]([^\"“”]{2,80})[\"“”]")
#: English function words that are capitalised only because they open a title or follow a colon.
_EN_SMALL = frozenset({"the", "a", "an", "of", "in", "on", "at", "to", "for", "and", "or", "but", "by", "with", "from",
                       "as", "is", "was", "i"})


@dataclass(slots=True)
class Item:
    id: str
    question: str
    gold: list[str]
    spans: list[str]


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def twins() -> tuple[list[Item], list[Item]]:
    """The answerable English questions with a Portuguese twin, and the twins, in the same order."""
    pt = {it["id"]: it for it in _read(SQUAD / "dev.jsonl")}
    english, portuguese = [], []
    for it in _read(SQUAD / "dev-en.jsonl"):
        twin = pt.get(it["id"])
        if not it.get("gold") or twin is None:
            continue
        english.append(Item(it["id"], it["question"], it["gold"], it.get("answer") or []))
        portuguese.append(Item(twin["id"], twin["question"], twin["gold"], twin.get("answer") or []))
    return english, portuguese


def spurious_negation(question: str, translated: str | None) -> bool:
    """A negation in the translation that the English question does not have."""
    return bool(translated) and bool(_PT_NEGATION.search(translated or "")) and not _EN_NEGATION.search(question)


def question_names(question: str) -> list[str]:
    """The names of an English question: capitalised words past the first, acronyms, numbers, quoted titles."""
    names = [m.group(1).strip() for m in _QUOTED.finditer(question)]
    for m in _NAME.finditer(question):
        word = re.sub(r"'s?$", "", m.group())
        if word.lower() not in _EN_SMALL and len(word) > 1:
            names.append(word)
    return names


def lost_names(question: str, translated: str | None, aliases: list[list[str]]) -> list[str]:
    """Names of the question that its translation lost.

    A name is kept when the translation spells it (accents and case aside), spells an alias of it,
    or has a capitalised word close to it ("Francis" / "Francisco", "Police" / "Polícia": the
    Portuguese form of the name); a number must appear as written; a quoted title must keep at
    least half its words. "Pope Francis" -> "papa francês" has lost the name.
    """
    if not translated:
        return []
    target = fold(translated)
    capitalised = [fold(w) for w in re.findall(r"\b[A-ZÀ-Ý][\w'-]*", translated)]
    lost = []
    for name in question_names(question):
        spellings = {fold(name)}
        for group in aliases:
            if any(fold(a) == fold(name) for a in group):
                spellings |= {fold(a) for a in group}
        if any(re.search(rf"(?<!\w){re.escape(s)}(?!\w)", target) for s in spellings):
            continue
        words = fold(name).split()
        if len(words) > 1:  # a quoted title
            if 2 * sum(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", target) is not None for w in words) >= len(words):
                continue
        elif not name[0].isdigit() and any(fuzz.ratio(fold(name), c) >= 75 for c in capitalised):
            continue
        lost.append(name)
    return lost


def answer(answerer: Answerer, items: list[Item]) -> tuple[list[bool], list[str | None]]:
    """P@1 hit and translation of each question."""
    is_gold = scorer().is_gold
    hits, translations = [], []
    for it in items:
        result = answerer.ask(it.question)
        confident = [a for a in result.answers if a.confident]
        hits.append(bool(confident) and is_gold(confident[0].text, it.gold, it.spans))
        translations.append(result.translated)
    return hits, translations


def translation_counts(items: list[Item], translations: list[str | None], aliases: list[list[str]]) -> dict[str, Any]:
    """Spurious negations and lost names over a set of translated questions."""
    negations = [it.id for it, t in zip(items, translations, strict=True) if spurious_negation(it.question, t)]
    lost = {it.id: lost_names(it.question, t, aliases) for it, t in zip(items, translations, strict=True)}
    lost = {k: v for k, v in lost.items() if v}
    return {
        "translated": sum(t is not None for t in translations),
        "spurious_negation": len(negations),
        "name_lost": len(lost),
        "names": sum(len(question_names(it.question)) for it, t in zip(items, translations, strict=True) if t),
        "names_lost": sum(len(v) for v in lost.values()),
        "_negation_ids": negations,
        "_lost": lost,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", action="store_true", help="print the twins that disagree and each flagged translation")
    ap.add_argument("--news", action="store_true", help="also news_dev's English questions over NEWSROOM")
    ap.add_argument("--newsroom", default="/tmp/newsroom", help="the NEWSROOM corpus folder")
    ap.add_argument("--json", help="write the numbers to this file")
    ap.add_argument("--batch", action="store_true",
                    help="answer as `ask --batch` (the scorer) does: the batch embedding budget, encoder loaded first")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    settings = load_settings()
    aliases = [list(g) for g in settings.aliases]
    english, portuguese = twins()
    started = time.perf_counter()
    if args.batch:
        budget = settings.answers.batch_semantic_budget_ms
        answers = dataclasses.replace(settings.answers, semantic_budget_ms=budget)
        settings = dataclasses.replace(settings, answers=answers)
    answerer = Answerer.from_folder(SQUAD / "corpus", settings=settings)
    if args.batch:
        answerer.corpus.semantic.warm_up()
    en_hits, en_tr = answer(answerer, english)
    pt_hits, _ = answer(answerer, portuguese)
    counts = translation_counts(english, en_tr, aliases)
    n = len(english)
    out: dict[str, Any] = {
        "twins": n,
        "p1_en": sum(en_hits) / n,
        "p1_pt": sum(pt_hits) / n,
        "gap": (sum(pt_hits) - sum(en_hits)) / n,
        "en_only": sum(e and not p for e, p in zip(en_hits, pt_hits, strict=True)),
        "pt_only": sum(p and not e for e, p in zip(en_hits, pt_hits, strict=True)),
        **{k: v for k, v in counts.items() if not k.startswith("_")},
    }
    print(f"squad-pt twins: {n} answerable English questions with a Portuguese twin")
    print(f"  P@1 English {out['p1_en']:.3f}  Portuguese {out['p1_pt']:.3f}  gap {out['gap']:+.3f} "
          f"(right only in English {out['en_only']}, only in Portuguese {out['pt_only']})")
    print(f"  translations {out['translated']}: spurious negation {out['spurious_negation']}, "
          f"name lost {out['name_lost']} ({out['names_lost']} of {out['names']} names)")
    if args.show:
        for it, e, p, t in zip(english, en_hits, pt_hits, en_tr, strict=True):
            if e != p:
                print(f"  {'EN-ONLY' if e else 'PT-ONLY'} {it.id} {it.question!r} -> {t!r}")
        for i in counts["_negation_ids"]:
            k = next(j for j, it in enumerate(english) if it.id == i)
            print(f"  NEGATION {i} {english[k].question!r} -> {en_tr[k]!r}")
        for i, names in counts["_lost"].items():
            k = next(j for j, it in enumerate(english) if it.id == i)
            print(f"  LOST {names} {english[k].question!r} -> {en_tr[k]!r}")
    if args.news:
        items = [
            Item(it["id"], it["question"], it.get("gold") or [], it.get("answer") or [])
            for it in _read(NEWS_DEV) if it.get("lang") == "en" and it.get("gold")
        ]
        news = Answerer.from_folder(args.newsroom, settings=settings)
        hits, tr = answer(news, items)
        ncounts = translation_counts(items, tr, aliases)
        out["news_en"] = {"questions": len(items), "p1": sum(hits) / len(items),
                          **{k: v for k, v in ncounts.items() if not k.startswith("_")}}
        print(f"news_dev English: {len(items)} answerable, P@1 {out['news_en']['p1']:.3f}; "
              f"spurious negation {ncounts['spurious_negation']}, name lost {ncounts['name_lost']}")
        if args.show:
            for it, h, t in zip(items, hits, tr, strict=True):
                if not h:
                    print(f"  MISS {it.id} {it.question!r} -> {t!r}")
            for i, names in ncounts["_lost"].items():
                k = next(j for j, it in enumerate(items) if it.id == i)
                print(f"  LOST {names} {items[k].question!r} -> {tr[k]!r}")
    print(f"seconds {time.perf_counter() - started:.1f}")
    out["items"] = [{"id": it.id, "question": it.question, "translated": t, "hit": e, "twin_hit": p}
                    for it, t, e, p in zip(english, en_tr, en_hits, pt_hits, strict=True)]
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
