"""The benchmark, one command: ``python -m benchmarks.run [--quick] [--sizes ...] [--with-3m] [--out FILE]``.

For each corpus (see :mod:`benchmarks.corpora`) it starts fresh processes (:mod:`benchmarks.probe`)
to measure the cold index build, the warm start, memory, query latency per question language,
accuracy and the pick-up time of a new article, and the same queries against the fuzzy
full-scan and plain BM25 baselines over the same sentences. It prints tables (with a pass/fail
column for the targets) and writes everything as JSON (default ``benchmarks/results/run.json``).

The machine is shared and noisy, so latencies are repeated (``--rounds``) and reported as the
median of the per-round medians with their min/median/max spread, and compared as ratios to the
baselines measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.corpora import CORPUS_ORDER, DATA, REPO, prepare_corpus

log = logging.getLogger("benchmarks.run")

DEFAULT_SIZES = ("seeds", "half", "news", "1m")
QUICK_SIZES = ("seeds", "news")
#: Corpora that are big enough for the full-scan baseline to take seconds per query.
LARGE = ("1m", "3m")
#: The corpus on which the pick-up time, fuzzy accuracy and the small-corpus targets are taken.
REFERENCE = "news"
PROBE_TIMEOUT_S = 3 * 3600


@dataclass(frozen=True, slots=True)
class Target:
    """One goal from the brief and whether this run met it."""

    corpus: str
    what: str
    value: float | None
    limit: float
    unit: str

    @property
    def passed(self) -> bool | None:
        """True/False, or None when the value was not measured."""
        return None if self.value is None else self.value <= self.limit


def run_probe(task: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Run one probe task in a fresh Python process; its JSON result (or an ``error``)."""
    command = [sys.executable, "-m", "benchmarks.probe", task, json.dumps(spec)]
    log.info("%s %s ...", task, spec["name"])
    start = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=PROBE_TIMEOUT_S)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        log.error("%s %s failed (exit %s):\n%s", task, spec["name"], proc.returncode, proc.stderr[-3000:])
        return {"error": proc.stderr[-3000:] or f"exit {proc.returncode}"}
    result = json.loads(lines[-1])
    result["wall_seconds"] = round(time.perf_counter() - start, 1)
    result["load_average"] = round(os.getloadavg()[0], 2)  # the machine is shared: how busy it was
    return result


def specs_for(name: str, corpus: Path, args: argparse.Namespace) -> dict[str, Any]:
    """The probe parameters for one corpus."""
    large = name in LARGE
    return {
        "name": name,
        "corpus": str(corpus),
        "index_dir": str(DATA / "index" / name),
        "rounds": args.rounds,
        "queries_per_lang": args.queries,
        "fuzzy_queries_per_lang": 1 if name == "3m" else 2 if (large or args.quick) else 3,
        "fuzzy_accuracy": name == REFERENCE and not args.quick,
        "pickup": name == REFERENCE or (large and not args.quick),
    }


def measure(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build, serve and baseline measurements of one corpus."""
    start = time.perf_counter()
    corpus = prepare_corpus(name)
    prepared = time.perf_counter() - start
    spec = specs_for(name, corpus, args)
    shown = corpus.relative_to(REPO) if corpus.is_relative_to(REPO) else corpus
    result: dict[str, Any] = {"corpus": str(shown)}
    result["prepare_seconds"] = round(prepared, 1)
    result["build"] = run_probe("build", spec)
    if "error" not in result["build"]:
        result["serve"] = run_probe("serve", spec)
    if not args.no_baselines:
        result["baselines"] = run_probe("baselines", spec)
    return result


# -- derived numbers ------------------------------------------------------------------------------


def _get(data: dict[str, Any], *path: str) -> Any:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else round(a / b, 4)


def ratios(corpora: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Our latency and accuracy relative to the baselines, and the scaling ratios."""
    out: dict[str, Any] = {}
    for name, data in corpora.items():
        row: dict[str, Any] = {}
        for lang in ("pt", "en"):
            ours = _get(data, "serve", f"latency_{lang}", "p50_ms")
            for who in ("bm25", "fuzzy"):
                theirs = _get(data, "baselines", f"{who}_latency_{lang}", "p50_ms")
                row[f"p50_{lang}_vs_{who}"] = _ratio(ours, theirs)
        ours_p1 = _get(data, "serve", "accuracy", "p_at_1")
        row["p_at_1_vs_bm25"] = _ratio(ours_p1, _get(data, "baselines", "bm25_accuracy", "p_at_1"))
        row["p_at_1_vs_fuzzy"] = _ratio(ours_p1, _get(data, "baselines", "fuzzy_accuracy", "p_at_1"))
        out[name] = row
    small = corpora.get("half")
    for big in LARGE:
        if small and big in corpora:
            scale: dict[str, Any] = {}
            for lang in ("pt", "en"):
                for who, path in (("ours", ("serve", f"latency_{lang}")),
                                  ("bm25", ("baselines", f"bm25_latency_{lang}")),
                                  ("fuzzy", ("baselines", f"fuzzy_latency_{lang}"))):
                    big_p50 = _get(corpora[big], *path, "p50_ms")
                    scale[f"{who}_{lang}"] = _ratio(big_p50, _get(small, *path, "p50_ms"))
            out[f"{big}_vs_half_p50"] = scale
    return out


def _peak_mb(data: dict[str, Any]) -> float | None:
    values = [_get(data, task, "tree_rss_mb") for task in ("build", "serve")]
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _worst_pickup(data: dict[str, Any]) -> float | None:
    values = [_get(data, "serve", "pickup", "watch", key) for key in ("added_s", "changed_s")]
    if not values or any(v is None for v in values):
        return None
    return max(values)


def targets(corpora: dict[str, dict[str, Any]], scaling: dict[str, Any]) -> list[Target]:
    """The brief's goals, checked against this run."""
    found: list[Target] = []
    news = corpora.get(REFERENCE)
    if news:
        found += [
            Target(REFERENCE, "cold build", _get(news, "build", "seconds"), 30, "s"),
            Target(REFERENCE, "warm start", _get(news, "serve", "warm_start_seconds"), 1, "s"),
            Target(REFERENCE, "peak RSS (process tree)", _peak_mb(news), 1024, "MB"),
            Target(REFERENCE, "p50 Portuguese", _get(news, "serve", "latency_pt", "p50_ms"), 10, "ms"),
            Target(REFERENCE, "p50 English", _get(news, "serve", "latency_en", "p50_ms"), 40, "ms"),
            Target(REFERENCE, "pick-up (watch; added/changed)", _worst_pickup(news), 2, "s"),
        ]
    for big in LARGE:
        data = corpora.get(big)
        if not data:
            continue

        def scale(key: str, big: str = big) -> float | None:
            return _get(scaling, f"{big}_vs_half_p50", key)

        found += [
            Target(big, "p50 Portuguese", _get(data, "serve", "latency_pt", "p50_ms"), 25, "ms"),
            Target(big, "peak RSS (process tree)", _peak_mb(data), 2048 if big == "1m" else 6144, "MB"),
            Target(big, "p50 ratio vs half, Portuguese", scale("ours_pt"), 4, "x"),
            Target(big, "p50 ratio vs half, English", scale("ours_en"), 4, "x"),
            Target(big, "pick-up (watch; added/changed)", _worst_pickup(data), 2, "s"),
        ]
    return found


# -- printing -------------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        size = abs(value)
        digits = 4 if size < 0.01 else 3 if size < 1 else 2 if size < 10 else 1 if size < 1000 else 0
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width text table."""
    cells = [list(header)] + [[_fmt(c) if not isinstance(c, str) else c for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(cells[0], widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for raw, row in zip(rows, cells[1:], strict=True):
        lines.append("  ".join(
            c.ljust(w) if isinstance(r, str) else c.rjust(w) for r, c, w in zip(raw, row, widths, strict=True)
        ))
    return "\n".join(lines)


def _spread(data: dict[str, Any], *path: str) -> str:
    spread = _get(data, *path, "p50_spread_ms")
    return "-" if not spread else "/".join(f"{v:.1f}" for v in spread)


def report(corpora: dict[str, dict[str, Any]], scaling: dict[str, Any], goals: list[Target]) -> str:
    """Every table of the run, as text."""
    names = list(corpora)
    g: Callable[..., Any] = _get
    parts = [table(
        "Index build and memory",
        ["corpus", "articles", "sentences", "build s", "sent/s", "index MB", "warm s", "no-op refresh ms",
         "RSS build MB", "RSS serve MB", "BM25 build s"],
        [[n, g(d, "build", "articles"), g(d, "build", "sentences"), g(d, "build", "seconds"),
          g(d, "build", "sentences_per_second"), g(d, "build", "index_mb"),
          g(d, "serve", "warm_start_seconds"),
          g(d, "serve", "noop_refresh_ms"), g(d, "build", "tree_rss_mb"), g(d, "serve", "tree_rss_mb"),
          g(d, "baselines", "bm25_build_seconds")] for n, d in corpora.items()],
    )]
    rows = []
    for n in names:
        d = corpora[n]
        for lang in ("pt", "en"):
            rows.append([
                f"{n} {lang}", g(d, "serve", f"latency_{lang}", "p50_ms"),
                _spread(d, "serve", f"latency_{lang}"), g(d, "serve", f"latency_{lang}", "p95_ms"),
                g(d, "baselines", f"bm25_latency_{lang}", "p50_ms"),
                g(d, "baselines", f"fuzzy_latency_{lang}", "p50_ms"),
                g(scaling, n, f"p50_{lang}_vs_bm25"), g(scaling, n, f"p50_{lang}_vs_fuzzy"),
            ])
    parts.append(table(
        "Query latency, ms (p50 = median of per-round medians; spread = min/median/max of round medians)",
        ["corpus", "p50", "spread", "p95", "BM25 p50", "fuzzy p50", "ours/BM25", "ours/fuzzy"], rows,
    ))
    parts.append(table(
        "Accuracy on answerable questions (scorer's is_gold; ours counts confident answers only)",
        ["corpus", "questions", "P@1", "R@3", "BM25 P@1", "fuzzy P@1", "ours/BM25", "ours/fuzzy"],
        [[n, g(d, "serve", "accuracy", "questions"), g(d, "serve", "accuracy", "p_at_1"),
          g(d, "serve", "accuracy", "r_at_3"), g(d, "baselines", "bm25_accuracy", "p_at_1"),
          g(d, "baselines", "fuzzy_accuracy", "p_at_1"), g(scaling, n, "p_at_1_vs_bm25"),
          g(scaling, n, "p_at_1_vs_fuzzy")] for n, d in corpora.items()],
    ))
    pick_rows = []
    for n, d in corpora.items():
        for how in ("refresh", "watch", "poll"):
            p = g(d, "serve", "pickup", how)
            if p:
                pick_rows.append([f"{n} {how}", p.get("added_s"), p.get("changed_s"), p.get("removed_s"),
                                  p.get("old_text_gone")])
    if pick_rows:
        parts.append(table("Pick-up: seconds from the file landing to ask() reflecting it",
                           ["corpus / via", "added", "changed", "removed", "old text gone"], pick_rows))
    for big in LARGE:
        scale = scaling.get(f"{big}_vs_half_p50")
        if scale:
            parts.append(table(
                f"Scaling: p50 at {big} / p50 at half (the full scan grows with the sentence count)",
                ["who", "pt", "en"],
                [[who, scale.get(f"{who}_pt"), scale.get(f"{who}_en")] for who in ("ours", "bm25", "fuzzy")],
            ))
    parts.append(table(
        "Targets", ["corpus", "what", "measured", "target", "pass"],
        [[t.corpus, t.what, t.value, f"<= {t.limit:g} {t.unit}", "-" if t.passed is None else t.passed]
         for t in goals],
    ))
    return "\n\n".join(parts)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="briefing-bot benchmark: speed, memory, accuracy, baselines")
    parser.add_argument("--quick", action="store_true", help="seeds + news only, few queries (smoke test)")
    parser.add_argument("--sizes", help=f"comma-separated corpora from {','.join(CORPUS_ORDER)} "
                                        f"(default {','.join(DEFAULT_SIZES)})")
    parser.add_argument("--with-3m", action="store_true", help="add the ~3M-sentence synthetic corpus")
    parser.add_argument("--rounds", type=int, help="latency rounds (default 3, quick 2)")
    parser.add_argument("--queries", type=int, help="questions per language for latency (default all)")
    parser.add_argument("--no-baselines", action="store_true", help="skip the baselines")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "run.json")
    args = parser.parse_args(argv)
    sizes = args.sizes.split(",") if args.sizes else list(QUICK_SIZES if args.quick else DEFAULT_SIZES)
    if args.with_3m and "3m" not in sizes:
        sizes.append("3m")
    unknown = [s for s in sizes if s not in CORPUS_ORDER]
    if unknown:
        parser.error(f"unknown corpus {', '.join(unknown)}; use {','.join(CORPUS_ORDER)}")
    args.sizes = [s for s in CORPUS_ORDER if s in sizes]
    args.rounds = args.rounds or (2 if args.quick else 3)
    args.queries = args.queries or (10 if args.quick else None)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the tables; write the JSON."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s", datefmt="%X")
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    start = time.perf_counter()
    corpora = {name: measure(name, args) for name in args.sizes}
    scaling = ratios(corpora)
    goals = targets(corpora, scaling)
    text = report(corpora, scaling, goals)
    sys.stdout.write(text + "\n")
    out = {
        "started": started,
        "seconds": round(time.perf_counter() - start, 1),
        "machine": {
            "cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
        },
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "corpora": corpora,
        "ratios": scaling,
        "targets": [{**asdict(t), "passed": t.passed} for t in goals],
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2), encoding="utf-8")
    log.info("wrote %s (%.0f s)", args.out, out["seconds"])
    return 1 if any(t.passed is False for t in goals) and os.environ.get("BENCH_STRICT") else 0


if __name__ == "__main__":
    raise SystemExit(main())
