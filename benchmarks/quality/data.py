"""The visible question sets, their corpora, and the cases the models are fitted on.

A *case* is one question asked of one corpus, with what the right answer is (gold sentences, or
none) and the group it belongs to for cross-validation (the article that answers it). Four kinds:

* ``answerable``: a visible question with gold sentences, over its own corpus;
* ``negative``: a visible question the set marks unanswerable, over its own corpus;
* ``hard_negative``: an answerable question asked of its corpus *without* the articles that hold
  its gold sentences (they are dropped from search results and support, see :mod:`.extract`);
* ``off_topic``: a question of another set asked of a corpus that cannot answer it (squad-pt
  questions over the newsroom and the seeds, news and seed questions over squad-pt), of every length.

Negatives are grouped with their source question, so a fold never trains on a question's
negatives while it tests the question (or the other way round).
"""

from __future__ import annotations

import importlib.util
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

#: Question sets: name -> (questions file under shared/, corpus name).
SETS = {
    "seeds": ("eval/seed_questions.jsonl", "seeds"),
    "news": ("eval/news_dev.jsonl", "newsroom"),
    "squad-pt": ("bench/squad-pt/dev.jsonl", "squad"),
    "squad-en": ("bench/squad-pt/dev-en.jsonl", "squad"),
}


@dataclass(slots=True)
class Case:
    """One question asked of one corpus, with its answer and its cross-validation group."""

    set: str  # the question set the question comes from
    kind: str  # answerable | negative | hard_negative | off_topic
    question: str
    corpus: str  # seeds | newsroom | squad
    group: str
    golds: tuple[str, ...] = ()
    spans: tuple[str, ...] = ()
    excluded: frozenset[str] = field(default_factory=frozenset)  # articles hidden from this case
    id: str = ""


def corpus_folders(shared: Path, repo: Path, newsroom: Path) -> dict[str, Path]:
    """Where each corpus lives."""
    return {"seeds": repo / "corpus", "newsroom": newsroom, "squad": shared / "bench/squad-pt/corpus"}


def scorer(shared: Path) -> ModuleType:
    """``../shared/eval/score.py`` as a module (its ``fold`` and ``is_gold`` decide what is right)."""
    spec = importlib.util.spec_from_file_location("briefing_score", shared / "eval/score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_set(shared: Path, name: str) -> list[dict]:
    path, _ = SETS[name]
    return [json.loads(line) for line in (shared / path).read_text(encoding="utf-8").splitlines() if line.strip()]


def gold_articles(golds: tuple[str, ...], texts: dict[str, str], fold) -> frozenset[str]:
    """The articles whose folded text holds one of the golds (a gold may be in several: wire copy)."""
    wanted = [fold(g) for g in golds]
    return frozenset(aid for aid, text in texts.items() if any(g in text for g in wanted))


def build_cases(
    shared: Path, article_texts: dict[str, dict[str, str]], fold, off_topic: int = 400, seed: int = 13
) -> list[Case]:
    """Every case of the visible sets: answerable, negatives, hard negatives and off-topic questions.

    ``article_texts``: corpus name -> article id -> the article's folded text (to find which articles
    hold a gold sentence). ``off_topic``: how many squad-pt questions (Portuguese and English) are
    asked of the newsroom and of the seeds, sampled evenly over question lengths.
    """
    rng = random.Random(seed)
    cases: list[Case] = []
    by_set: dict[str, list[Case]] = {}
    for name, (_, corpus) in SETS.items():
        own: list[Case] = []
        for item in load_set(shared, name):
            golds = tuple(item.get("gold") or ())
            spans = tuple(item.get("answer") or ())
            if golds:
                holders = gold_articles(golds, article_texts[corpus], fold)
                group = f"{corpus}:{item.get('article') or min(holders, default=item['id'])}"
                own.append(Case(name, "answerable", item["question"], corpus, group, golds, spans, id=item["id"]))
                if holders:
                    own.append(Case(name, "hard_negative", item["question"], corpus, group, excluded=holders,
                                    id=item["id"]))
            else:
                own.append(Case(name, "negative", item["question"], corpus, f"{name}:neg:{item['id']}", id=item["id"]))
        by_set[name] = own
        cases.extend(own)
    # Off-topic: questions asked of a corpus that cannot answer them, grouped with their source.
    def sources(name: str) -> list[Case]:
        return [c for c in by_set[name] if c.kind in ("answerable", "negative")]

    def off(source: Case, corpus: str) -> Case:
        return Case(source.set, "off_topic", source.question, corpus, source.group, id=source.id)

    seeds_ids = set(article_texts["seeds"])
    news_not_seeds = [c for c in sources("news") if not any(a in c.group for a in seeds_ids)]
    squad = sources("squad-pt") + sources("squad-en")
    sample = _by_length(squad, off_topic, rng)
    cases += [off(c, "newsroom") for c in sample]
    cases += [off(c, "seeds") for c in _by_length(squad, off_topic // 2, rng)]
    cases += [off(c, "seeds") for c in news_not_seeds]
    cases += [off(c, "squad") for c in sources("news") + sources("seeds")]
    return cases


def _by_length(cases: list[Case], n: int, rng: random.Random) -> list[Case]:
    """``n`` cases sampled evenly over question length (short questions are as many as long ones)."""
    buckets: dict[int, list[Case]] = {}
    for c in cases:
        buckets.setdefault(min(len(c.question.split()) // 3, 5), []).append(c)
    for bucket in buckets.values():
        rng.shuffle(bucket)
    picked: list[Case] = []
    while len(picked) < n and any(buckets.values()):
        for key in sorted(buckets):
            if buckets[key] and len(picked) < n:
                picked.append(buckets[key].pop())
    return picked
