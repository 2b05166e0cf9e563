"""The benchmark's corpora and questions: where they live, how they are prepared, how answers are scored.

Corpora (all prepared on first use under ``benchmarks/data/``, which git ignores; reused after):

- ``seeds``: the bundled ``corpus/`` folder (2 articles);
- ``half``: the first half (by file name) of the news set, the ~100k-sentence point;
- ``news``: the news set, ``../shared/bench/news-pt.tar.gz`` (3,600 articles, ~190k sentences);
- ``1m`` / ``3m``: synthetic corpora of ~1M / ~3M sentences made from the news set by
  :mod:`benchmarks.synth` (the news articles themselves included, so questions stay answerable).

Questions come from ``../shared/eval/news_dev.jsonl`` and ``seed_questions.jsonl``, read as they
are. Answers are judged with ``fold``/``is_gold`` loaded at run time from ``../shared/eval/score.py``
so the benchmark's P@1 is exactly the scorer's.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import shutil
import tarfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

from benchmarks.synth import SynthParams, generate

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "benchmarks" / "data"
SHARED = REPO.parent / "shared"
NEWS_TARBALL = SHARED / "bench" / "news-pt.tar.gz"
EVAL = SHARED / "eval"
NEWS_FILES = 3600

#: Synthetic corpora: name -> target sentence count.
SYNTH_TARGETS = {"1m": 1_000_000, "3m": 3_000_000}
#: All corpus names in the order they are measured.
CORPUS_ORDER = ("seeds", "half", "news", "1m", "3m")


@dataclass(frozen=True, slots=True)
class Question:
    """One evaluation question; ``gold`` empty when the corpus does not answer it."""

    id: str
    set: str  # news_dev | seed
    lang: str
    text: str
    gold: tuple[str, ...]
    spans: tuple[str, ...]
    article: str | None


def news_corpus() -> Path:
    """The extracted news set (``benchmarks/data/news/news-pt/*.txt``); extracts it on first use."""
    root = DATA / "news"
    if len(list((root / "news-pt").glob("*.txt"))) >= NEWS_FILES:
        return root
    if not NEWS_TARBALL.exists():
        raise FileNotFoundError(f"{NEWS_TARBALL}: the news set is missing (expected beside the repository)")
    staging = DATA / "news.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    log.info("extracting %s", NEWS_TARBALL)
    with tarfile.open(NEWS_TARBALL) as tar:
        tar.extractall(staging, filter="data")
    shutil.rmtree(root, ignore_errors=True)
    staging.rename(root)
    return root


def newsroom_corpus() -> Path:
    """The seeds and the news set in one folder, as ``news_dev.jsonl`` is asked (made on first use).

    The news files are hard links to the extracted set where the file system allows (copies
    otherwise): symlinks out of a corpus folder are not read.
    """
    root = DATA / "newsroom"
    seeds = sorted((REPO / "corpus").glob("*.txt"))
    if len(list((root / "news-pt").glob("*.txt"))) >= NEWS_FILES and all((root / s.name).exists() for s in seeds):
        return root
    news = news_corpus()
    staging = DATA / "newsroom.partial"
    shutil.rmtree(staging, ignore_errors=True)

    def link_or_copy(source: str, target: str) -> None:
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    shutil.copytree(news, staging, copy_function=link_or_copy)
    for seed in seeds:
        shutil.copy2(seed, staging / seed.name)
    shutil.rmtree(root, ignore_errors=True)
    staging.rename(root)
    return root


def half_corpus() -> Path:
    """The first half of the news set's files (by name): the ~100k-sentence point."""
    news = news_corpus()
    root = DATA / "half"
    files = sorted((news / "news-pt").glob("*.txt"))
    chosen = files[: len(files) // 2]
    target = root / "news-pt"
    if target.is_dir() and sorted(p.name for p in target.glob("*.txt")) == [p.name for p in chosen]:
        return root
    shutil.rmtree(root, ignore_errors=True)
    target.mkdir(parents=True)
    for path in chosen:
        shutil.copy2(path, target / path.name)
    return root


def synth_corpus(name: str) -> Path:
    """A synthetic corpus (``1m`` / ``3m``), generated on first use."""
    out = DATA / f"synth-{name}"
    generate(news_corpus(), out, SynthParams(target_sentences=SYNTH_TARGETS[name]))
    return out


def prepare_corpus(name: str) -> Path:
    """The folder of the named corpus, prepared if needed."""
    makers: dict[str, Callable[[], Path]] = {
        "seeds": lambda: REPO / "corpus",
        "half": half_corpus,
        "news": news_corpus,
        "newsroom": newsroom_corpus,
    }
    if name in SYNTH_TARGETS:
        return synth_corpus(name)
    if name not in makers:
        raise ValueError(f"unknown corpus {name!r}; use one of {', '.join(CORPUS_ORDER)}")
    return makers[name]()


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_questions() -> list[Question]:
    """Every evaluation question (news_dev first, then the seed questions)."""
    questions = []
    for set_name, file in (("news_dev", "news_dev.jsonl"), ("seed", "seed_questions.jsonl")):
        for item in _read_jsonl(EVAL / file):
            questions.append(Question(
                id=item["id"], set=set_name, lang=item.get("lang") or "en", text=item["question"],
                gold=tuple(item.get("gold") or ()), spans=tuple(item.get("answer") or ()),
                article=item.get("article"),
            ))
    return questions


@cache
def scorer() -> ModuleType:
    """``../shared/eval/score.py`` loaded as a module (for ``fold`` and ``is_gold``)."""
    spec = importlib.util.spec_from_file_location("shared_eval_score", EVAL / "score.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {EVAL / 'score.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def accuracy_questions(
    corpus: str, questions: Sequence[Question], has_article: Callable[[str], bool]
) -> list[Question]:
    """The answerable questions whose answer is in this corpus.

    The seeds corpus is judged on the seed questions; every other corpus on the news_dev questions
    whose gold article it holds (all of them, except in ``half``).
    """
    wanted = "seed" if corpus == "seeds" else "news_dev"
    return [
        q for q in questions
        if q.set == wanted and q.gold and (q.article is None or has_article(q.article))
    ]


def judge(texts: Sequence[str], question: Question, k: int = 3) -> tuple[bool, bool]:
    """(P@1 hit, R@k hit) of ranked answer texts, by the scorer's rule."""
    is_gold = scorer().is_gold
    hits = [is_gold(t, list(question.gold), question.spans) for t in texts[:k]]
    return bool(hits and hits[0]), any(hits)
