"""Latency of the briefing tools (timeline, who-is) on the newsroom corpus, beside a question.

    python -m benchmarks.briefing                 # seeds + news set (news extracted on first use)
    python -m benchmarks.briefing --names 100     # more sampled names

Topics are names the corpus itself mentions (each article's most mentioned names, from the
catalog), sampled with a fixed seed, so the mix is what users would look up: mostly people and
places in one or a few articles, some as broad as a president. Each name is run through
``timeline`` and ``who``; the baseline, in the same run and process, is ``ask("Who is NAME?")``.
Reported: p50 / p95 / max in milliseconds and each p50 as a ratio to the baseline's.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.corpora import REPO, news_corpus
from benchmarks.probe import percentile
from bot.answering import Answerer
from bot.briefing import timeline, who


def newsroom(folder: Path) -> Path:
    """Seeds + news set in one folder (the NEWSROOM corpus of the README)."""
    root = folder / "newsroom"
    if not root.exists():
        shutil.copytree(news_corpus(), root)
        for seed in (REPO / "corpus").glob("*.txt"):
            shutil.copy2(seed, root / seed.name)
    return root


def sample_names(answerer: Answerer, count: int, seed: int = 0) -> list[str]:
    """``count`` distinct names the catalog lists, sampled with ``seed``."""
    names = sorted({n for e in answerer.corpus.catalog.entries.values() for n in e.names if len(n) >= 4})
    return random.Random(seed).sample(names, min(count, len(names)))


def timed(call: Callable[[str], object], names: list[str]) -> list[float]:
    """Milliseconds per call, one per name."""
    found = []
    for name in names:
        started = time.perf_counter()
        call(name)
        found.append(1000 * (time.perf_counter() - started))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=60, help="names sampled (default 60)")
    parser.add_argument("--index-dir", type=Path, help="reuse an index folder (default: a fresh temporary one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index_dir or Path(scratch) / "index"
        answerer = Answerer.from_folder(newsroom(Path(scratch)), index_dir=index_dir)
        names = sample_names(answerer, args.names)
        for name in names[:5]:  # warm the caches every measurement shares (vocabulary, titles)
            answerer.ask(f"Who is {name}?")
        rows = {
            "ask (baseline)": timed(lambda n: answerer.ask(f"Who is {n}?"), names),
            "timeline": timed(lambda n: timeline(answerer.corpus, n), names),
            "timeline 2017": timed(lambda n: timeline(answerer.corpus, n, "2017-01", "2017-12"), names),
            "who": timed(lambda n: who(answerer.corpus, n), names),
        }
    base = percentile(rows["ask (baseline)"], 0.5)
    print(f"{len(names)} names sampled from the catalog of {answerer.article_count} articles "
          f"({answerer.sentence_count} sentences)")
    print(f"{'':<16} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p50 / ask':>10}")
    for label, values in rows.items():
        p50 = percentile(values, 0.5)
        print(f"{label:<16} {p50:>8.1f} {percentile(values, 0.95):>8.1f} {max(values):>8.1f} {p50 / base:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
