"""The index backends side by side: ``python -m benchmarks.backends [--corpus news] [--rounds 3]``.

For the embedded tantivy index and the PostgreSQL index, in the same run and over the same corpus:

- **cold build**: a fresh process building a fresh index (``benchmarks.probe build``);
- **question latency** p50/p95 per question language, and accuracy (``benchmarks.probe serve``);
- **cross-process pick-up**: a writer process adds an article and commits (``refresh()``); a
  second process over the same index (embedded: the same index folder, which it follows by the
  catalog file's mtime; PostgreSQL: ``postgres.read_only``, which follows LISTEN/NOTIFY) is asked
  until it answers from the new article. Reported: seconds from the commit returning in the
  writer to the reader's answer (median and worst of ``--pickups`` articles).

``--vectors`` measures only the sentence vector stores (no corpus): ``get`` of 100 stored keys (a
question's candidates) over ``--vector-rows`` stored vectors, the PostgreSQL store
(``bot/index/_pgvectors.py``, a round trip per call) against the file store (memory-mapped
segments), interleaved in the same run; and the time to write them (``put`` + ``flush``).

PostgreSQL runs on a throwaway local server (``tests/pgserver.py``: Debian's ``postgresql``
package) unless ``--dsn`` names one (the password then comes from ``PGPASSWORD``). The tables are
printed and written to ``benchmarks/results/backends.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpora import DATA, REPO, prepare_corpus
from benchmarks.probe import invented_name, pickup_article
from benchmarks.run import _get, run_probe, table

log = logging.getLogger("benchmarks.backends")



def database(dsn: str | None, name: str) -> tuple[str, Any]:
    """``dsn``, or a fresh database ``name`` on a throwaway local server (returned too, to stop it;
    None when ``dsn`` was given). ``PGPASSWORD`` is set for this process and its children."""
    if dsn is not None:
        return dsn, None
    from tests.pgserver import PgServer

    server = PgServer().start()
    os.environ["PGPASSWORD"] = server.password
    return server.create_database(name), server

def config_for(backend: str, dsn: str | None, folder: Path, read_only: bool = False) -> Path:
    """A config folder selecting ``backend`` (a copy of the repository's, ``bot.yaml`` changed)."""
    from tests.conftest import write_config

    changes: dict[str, Any] = {"index_backend": backend, "watch": {"mode": "off"}}
    if backend == "postgres":
        changes["postgres"] = {"dsn": dsn, "read_only": read_only}
    return write_config(folder, **changes)


def reader_loop(spec: dict[str, Any]) -> None:
    """The second process: answers each question read from stdin with one JSON line of answer texts."""
    from bot.answering import Answerer

    answerer = Answerer.from_folder(spec["corpus"], index_dir=spec["index_dir"])
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        texts = [a.text for a in answerer.ask(line.strip()).answers]
        print(json.dumps({"texts": texts}), flush=True)


def measure_pickup(spec: dict[str, Any], reader_config: Path, pickups: int) -> dict[str, Any]:
    """Seconds from a commit in this process to an answer from it in another process."""
    from bot.answering import Answerer
    from bot.config import load_settings

    writer = Answerer.from_folder(spec["corpus"], index_dir=spec["index_dir"], settings=load_settings())
    env = {**os.environ, "BRIEFING_CONFIG": str(reader_config)}
    reader = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.backends", "--reader", json.dumps(spec)], cwd=REPO, env=env,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert reader.stdin is not None and reader.stdout is not None
    rng = random.Random(time.time_ns())
    seconds: list[float] = []
    paths = []
    try:
        assert json.loads(reader.stdout.readline()).get("ready")
        for n in range(pickups):
            name = invented_name(rng)
            text, question = pickup_article(name)
            path = Path(spec["corpus"]) / f"zz-bench-backends-{os.getpid()}-{n}.txt"
            paths.append(path)
            path.write_text(text, encoding="utf-8")
            writer.refresh(paths=[path])
            committed = time.perf_counter()
            while time.perf_counter() - committed < 30:
                reader.stdin.write(question + "\n")
                reader.stdin.flush()
                texts = json.loads(reader.stdout.readline())["texts"]
                if any(name.lower() in t.lower() for t in texts):
                    seconds.append(time.perf_counter() - committed)
                    break
            time.sleep(0.2)
    finally:
        reader.stdin.close()
        reader.wait(30)
        for path in paths:
            path.unlink(missing_ok=True)
        writer.refresh()
    return {
        "pickups": len(seconds), "tried": pickups,
        "median_s": round(statistics.median(seconds), 3) if seconds else None,
        "max_s": round(max(seconds), 3) if seconds else None,
    }


def measure(backend: str, corpus: Path, args: argparse.Namespace, dsn: str | None) -> dict[str, Any]:
    """Build, serve and pick-up numbers of one backend."""
    folder = DATA / "backends" / backend
    config = config_for(backend, dsn, folder / "config")
    reader_config = config_for(backend, dsn, folder / "reader-config", read_only=True)
    spec = {
        "name": args.corpus, "corpus": str(corpus), "index_dir": str(folder / "index"), "rounds": args.rounds,
        "queries_per_lang": args.queries, "pickup": False,
    }
    os.environ["BRIEFING_CONFIG"] = str(config)
    result: dict[str, Any] = {"build": run_probe("build", spec)}
    if "error" not in result["build"]:
        result["serve"] = run_probe("serve", spec)
        result["cross_process_pickup"] = measure_pickup(spec, reader_config, args.pickups)
    return result


def database_mb(dsn: str) -> float:
    """The database's size on disk (the index's counterpart of the embedded index folder)."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        (size,) = conn.execute("SELECT pg_database_size(current_database())").fetchone()  # type: ignore[misc]
    return round(size / 2**20, 1)


def measure_vector_get(dsn: str, rows: int, calls: int, keys: int = 100, dim: int = 384) -> dict[str, Any]:
    """Milliseconds per ``get`` of ``keys`` stored keys over ``rows`` vectors: PostgreSQL vs the file store."""
    import tempfile

    import numpy as np

    from bot.index._postgres import PostgresIndex
    from bot.index._vectors import FileVectorStore

    rng = np.random.default_rng(7)
    stored = rng.integers(-(2**62), 2**62, rows)
    vectors = rng.standard_normal((rows, dim)).astype(np.float32)
    articles = [f"article-{i // 20:05d}.txt" for i in range(rows)]  # 20 sentences an article
    index = PostgresIndex(dsn, "bench-vectors")
    with tempfile.TemporaryDirectory(prefix="vectors-", dir=DATA if DATA.is_dir() else None) as tmp:
        stores = {"postgres": index.vector_store(dim, "bench"), "file": FileVectorStore(Path(tmp), dim, "bench")}
        write_s = {}
        for name, store in stores.items():
            store.retain({})
            started = time.perf_counter()
            for start in range(0, rows, 2000):  # as embedding does: batches put, flushed now and then
                store.put(articles[start:start + 2000], stored[start:start + 2000].tolist(),
                          vectors[start:start + 2000])
                store.flush()
            write_s[name] = round(time.perf_counter() - started, 2)
        samples: dict[str, list[float]] = {name: [] for name in stores}
        for _ in range(calls):
            wanted = rng.choice(stored, keys, replace=False).tolist()
            for name, store in stores.items():  # interleaved: the same load on both
                started = time.perf_counter()
                _, found = store.get(wanted)
                samples[name].append((time.perf_counter() - started) * 1000)
                assert found.all()
    index.close()
    ms = {name: round(statistics.median(values), 3) for name, values in samples.items()}
    p95 = {name: round(sorted(values)[int(0.95 * (len(values) - 1))], 3) for name, values in samples.items()}
    return {
        "rows": rows, "keys_per_get": keys, "calls": calls, "dim": dim,
        "get_p50_ms": ms, "get_p95_ms": p95, "write_seconds": write_s,
        "get_ratio_postgres_to_file": round(ms["postgres"] / ms["file"], 1) if ms["file"] else None,
    }


def vector_report(result: dict[str, Any]) -> str:
    """The vector store table."""
    rows = [[name, result["get_p50_ms"][name], result["get_p95_ms"][name], result["write_seconds"][name]]
            for name in ("postgres", "file")]
    return table(f"Sentence vectors: get of {result['keys_per_get']} keys over {result['rows']} stored "
                 f"(ratio postgres/file p50: {result['get_ratio_postgres_to_file']})",
                 ["store", "get p50 ms", "get p95 ms", "put+flush s"], rows)


def report(results: dict[str, dict[str, Any]]) -> str:
    """The comparison tables."""
    g = _get
    rows = []
    for name, d in results.items():
        rows.append([
            name, g(d, "build", "sentences"), g(d, "build", "seconds"),
            d.get("database_mb") or g(d, "build", "index_mb"),
            g(d, "serve", "warm_start_seconds"),
            g(d, "serve", "latency_pt", "p50_ms"), g(d, "serve", "latency_pt", "p95_ms"),
            g(d, "serve", "latency_en", "p50_ms"), g(d, "serve", "latency_en", "p95_ms"),
            g(d, "serve", "accuracy", "p_at_1"), g(d, "serve", "accuracy", "r_at_3"),
            g(d, "cross_process_pickup", "median_s"), g(d, "cross_process_pickup", "max_s"),
        ])
    base = results.get("embedded", {})
    ratio_rows = []
    for name, d in results.items():
        def r(*path: str, d: dict[str, Any] = d) -> float | None:
            a, b = g(d, *path), g(base, *path)
            return None if a is None or not b else round(a / b, 2)

        ratio_rows.append([name, r("build", "seconds"), r("serve", "latency_pt", "p50_ms"),
                           r("serve", "latency_en", "p50_ms"), r("cross_process_pickup", "median_s")])
    return "\n\n".join([
        table("Index backends (same run, same corpus)",
              ["backend", "sentences", "build s", "MB on disk", "warm s", "pt p50 ms", "pt p95 ms", "en p50 ms",
               "en p95 ms", "P@1", "R@3", "pick-up s", "pick-up max s"], rows),
        table("Relative to embedded", ["backend", "build", "pt p50", "en p50", "pick-up"], ratio_rows),
    ])


def main(argv: Sequence[str] | None = None) -> int:
    """Run both backends; print the tables; write the JSON."""
    parser = argparse.ArgumentParser(description="briefing-bot: the index backends side by side")
    parser.add_argument("--corpus", default="news", help="seeds, half, news, 1m, 3m (default news)")
    parser.add_argument("--rounds", type=int, default=3, help="latency rounds (default 3)")
    parser.add_argument("--queries", type=int, help="questions per language (default all)")
    parser.add_argument("--pickups", type=int, default=5, help="articles timed for the cross-process pick-up")
    parser.add_argument("--dsn", help="an existing PostgreSQL database (default: a throwaway local server)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "backends.json")
    parser.add_argument("--vectors", action="store_true", help="only the sentence vector stores (no corpus)")
    parser.add_argument("--vector-rows", type=int, default=20_000, help="vectors stored for --vectors")
    parser.add_argument("--vector-calls", type=int, default=300, help="get calls timed per store for --vectors")
    parser.add_argument("--reader", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reader:
        reader_loop(json.loads(args.reader))
        return 0
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(message)s", datefmt="%X")
    corpus = None if args.vectors else prepare_corpus(args.corpus)
    dsn, server = database(args.dsn, "bench")
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    start = time.perf_counter()
    try:
        if args.vectors:
            vectors = measure_vector_get(dsn, args.vector_rows, args.vector_calls)
        else:
            assert corpus is not None
            results = {backend: measure(backend, corpus, args, dsn) for backend in ("embedded", "postgres")}
            results["postgres"]["database_mb"] = database_mb(dsn)
    finally:
        if server is not None:
            server.stop()
    if args.vectors:
        sys.stdout.write(vector_report(vectors) + "\n")
        out_path = args.out.with_name("backends-vectors.json")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        out_path.write_text(json.dumps({"started": started, "load_average": os.getloadavg(), "vectors": vectors},
                                       indent=2), encoding="utf-8")
        return 0
    sys.stdout.write(report(results) + "\n")
    out = {"started": started, "seconds": round(time.perf_counter() - start, 1),
           "corpus": args.corpus, "load_average": os.getloadavg(), "backends": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
