"""Fit the answering models and print their cross-validation report (by article).

From the repository root, with the ``[fit]`` extra installed (scikit-learn)::

    python -m benchmarks.quality                          # features (cached), CV report, bot/models/answering.json
    python -m benchmarks.quality --no-write               # the report only
    python -m benchmarks.quality --cache /work/cache/fit  # where indexes, features and vectors are kept

Inputs are read from ``--shared`` (``../shared``: the question sets, the squad-pt corpus, the scorer)
and ``--newsroom`` (the seeds + the extracted news set; by default made under
``benchmarks/data/newsroom`` from ``../shared``). The first run builds the newsroom index
(~3 min), runs every case through the pipeline (~5 min) and encodes the question and the leading
candidates of each case (cached by text: only new texts are encoded on later runs).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks.corpora import prepare_corpus
from bot import models
from bot.answering._semantic import encoder
from bot.answering._semantic._baseline import BACKGROUND

from . import data, extract
from .report import Report, evaluate
from .vectors import VectorCache

log = logging.getLogger("benchmarks.quality")
REPO = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.quality", description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO / "../shared")
    ap.add_argument("--newsroom", type=Path, default=None,
                    help="the seeds + the news set in one folder (default: made under benchmarks/data/newsroom)")
    ap.add_argument("--cache", type=Path, default=REPO / "benchmarks/data/quality")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--off-topic", type=int, default=400, help="squad-pt questions asked of the newsroom")
    ap.add_argument("--no-encoder", action="store_true", help="lexical only (no cosines)")
    ap.add_argument("--no-write", action="store_true", help="do not write bot/models/answering.json")
    ap.add_argument("--reuse-features", action="store_true",
                    help="reuse the newest extracted features even if the code changed (to iterate on fitting)")
    ap.add_argument("--cached-vectors", action="store_true",
                    help="use only the vectors already cached (no encoding; the rest count as over budget)")
    ap.add_argument("--quick", action="store_true",
                    help="fewer configurations (no fitted lexical rankers, no gate): the hand-set ranking ships")
    ap.add_argument("--embed-only", action="store_true", help="extract features and encode, then stop")
    ap.add_argument("--out", type=Path, default=REPO / "bot/models/answering.json")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    started = time.monotonic()

    score = data.scorer(args.shared)
    newsroom = args.newsroom or prepare_corpus("newsroom")
    folders = data.corpus_folders(args.shared.resolve(), REPO, newsroom)
    answerers = {name: extract.open_corpus(folder, args.cache / "index") for name, folder in folders.items()}
    texts = {name: extract.article_texts(a, score.fold) for name, (a, _) in answerers.items()}
    cases = data.build_cases(args.shared, texts, score.fold, args.off_topic)
    log.info("%d cases", len(cases))
    key = extract.fingerprint([REPO / "bot", REPO / "config"], cases)
    cache_file = args.cache / f"features-{key}.pkl"
    if args.reuse_features and not cache_file.exists():
        older = sorted(args.cache.glob("features-*.pkl"), key=lambda p: p.stat().st_mtime)
        if older:
            cache_file = older[-1]
            log.warning("reusing %s: the features may not match the current code", cache_file.name)
    records = extract.extract(cases, answerers, score.is_gold, cache_file)
    with_encoder = not args.no_encoder and encoder("auto").available
    background = None
    if with_encoder:
        cache = VectorCache(args.cache / "vectors.sqlite", encoder("auto"))
        texts = extract.background_passages(answerers["newsroom"][0], cases)
        found = cache.passages(texts) if not args.cached_vectors else cache.stored("p", texts)
        background = np.stack([found[t] for t in texts if t in found]).astype(np.float16)
        log.info("question baseline: %d background sentences", len(background))
        extract.add_cosines(records, cache, encode=not args.cached_vectors, background=background.astype(np.float32))
    else:
        for r in records:
            r.cosines = [None] * len(r.pool)
    log.info("features ready (%.0f s)", time.monotonic() - started)
    if args.embed_only:
        return 0

    report = Report()
    final = evaluate(records, args.folds, with_encoder, report, args.quick)
    print("\n".join(report.lines))
    if not args.no_write:
        models.save(args.out, final, report.summary)
        print(f"\nwrote {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")
        if background is not None:
            np.save(args.out.parent / BACKGROUND, background, allow_pickle=False)
            print(f"wrote {BACKGROUND} ({len(background)} background sentence vectors)")
    print(f"seconds={time.monotonic() - started:.0f}")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
