"""One measurement in a fresh process: ``python -m benchmarks.probe TASK JSON-SPEC``.

:mod:`benchmarks.run` starts one process per task and corpus so that every number is taken
without the Python state (caches, imported modules, memory) of an earlier one: the warm start
really starts warm-on-disk but cold-in-Python, and each peak RSS belongs to one task. The
result is printed as one JSON line on stdout; logs go to stderr.

Tasks:

``build``      cold index build into a fresh folder: seconds, sentences/s, index size, peak RSS;
``serve``      warm start over the built index, no-op refresh cost, query latency per language
               (rounds), accuracy, and optionally the pick-up time of an added/changed/removed
               article (through ``refresh()`` and through :class:`bot.watch.CorpusWatcher`);
``baselines``  the same queries against the fuzzy full-scan and plain BM25 baselines.
"""

from __future__ import annotations

import json
import logging
import os
import random
import resource
import shutil
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.corpora import Question, accuracy_questions, judge, load_questions

log = logging.getLogger("benchmarks.probe")


# -- measuring helpers ------------------------------------------------------------------------------


def _tree_rss_kb(root: int) -> int:
    """Resident memory of ``root`` and all its descendants (worker processes included), in kB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page_kb = os.sysconf("SC_PAGE_SIZE") // 1024
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            statm = Path(f"/proc/{entry}/statm").read_text().split()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(statm[1]) * page_kb
    tree = {root}
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(rss.get(pid, 0) for pid in tree)


class TreeMemory:
    """Samples the memory of this process tree in the background; keeps the peak."""

    def __init__(self, every: float = 0.2) -> None:
        self.every = every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while True:
            try:
                self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))
            except OSError:
                return
            if self._stop.wait(self.every):
                return

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return round(self.peak_kb / 1024, 1)


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process (VmHWM), in MB."""
    own = 0.0
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                own = int(line.split()[1]) / 1024
    except OSError:
        own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rss_mb": round(own, 1)}


def folder_size_mb(path: Path) -> float:
    """Bytes under ``path`` in MB."""
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[rank]


def latency_rounds(
    ask: Callable[[str], object], texts: Sequence[str], rounds: int, before_round: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Time ``ask`` on every text, ``rounds`` times; p50/p95 in ms per round and their spread.

    ``before_round`` runs untimed before each round (ours: forget cached translations, so every
    English question is timed with its translation, as a user's new question would be).
    """
    p50s: list[float] = []
    p95s: list[float] = []
    for _ in range(rounds):
        if before_round is not None:
            before_round()
        times = []
        for text in texts:
            start = time.perf_counter()
            ask(text)
            times.append((time.perf_counter() - start) * 1000)
        p50s.append(statistics.median(times))
        p95s.append(percentile(times, 0.95))
    return {
        "queries": len(texts), "rounds": rounds,
        "p50_ms": round(statistics.median(p50s), 2), "p95_ms": round(statistics.median(p95s), 2),
        "p50_spread_ms": [round(min(p50s), 2), round(statistics.median(p50s), 2), round(max(p50s), 2)],
    }


def by_lang(questions: Sequence[Question], lang: str, limit: int | None) -> list[str]:
    """Question texts in one language (every set), at most ``limit``."""
    texts = [q.text for q in questions if q.lang == lang]
    return texts[:limit] if limit else texts


def accuracy(
    corpus: str, search: Callable[[str], list[str]], has_article: Callable[[str], bool]
) -> dict[str, Any]:
    """P@1 and R@3 of ``search`` on the answerable questions of this corpus, by the scorer's rule."""
    questions = accuracy_questions(corpus, load_questions(), has_article)
    p1 = r3 = 0
    for q in questions:
        hit1, hit3 = judge(search(q.text), q)
        p1 += hit1
        r3 += hit3
    n = len(questions)
    if not n:
        return {"questions": 0, "p_at_1": None, "r_at_3": None}
    return {"questions": n, "p_at_1": round(p1 / n, 3), "r_at_3": round(r3 / n, 3)}


# -- tasks ------------------------------------------------------------------------------------------


def task_build(spec: dict[str, Any]) -> dict[str, Any]:
    """Cold build: ``Answerer.from_folder`` into a fresh index folder."""
    index_dir = Path(spec["index_dir"])
    shutil.rmtree(index_dir, ignore_errors=True)
    memory = TreeMemory()
    start = time.perf_counter()
    from bot.answering import Answerer

    imported = time.perf_counter()
    answerer = Answerer.from_folder(spec["corpus"], index_dir=index_dir)
    seconds = time.perf_counter() - imported
    return {
        "import_seconds": round(imported - start, 2),
        "seconds": round(seconds, 2),
        "articles": answerer.article_count,
        "sentences": answerer.sentence_count,
        "sentences_per_second": round(answerer.sentence_count / seconds) if seconds else None,
        "index_mb": folder_size_mb(index_dir),
        "skipped": len(answerer.last_report.skipped) if answerer.last_report else None,
        **peak_rss_mb(),
        "tree_rss_mb": memory.stop(),
    }


def task_serve(spec: dict[str, Any]) -> dict[str, Any]:
    """Warm start, no-op refresh, latency per language, accuracy, pick-up."""
    memory = TreeMemory()
    start = time.perf_counter()
    from bot.answering import Answerer
    from bot.translate import translator

    imported = time.perf_counter()
    answerer = Answerer.from_folder(spec["corpus"], index_dir=spec["index_dir"])
    warm = time.perf_counter() - imported
    result: dict[str, Any] = {
        "import_seconds": round(imported - start, 2), "warm_start_seconds": round(warm, 3),
        "sentences": answerer.sentence_count,
    }
    first = time.perf_counter()
    answerer.ask("Quando o ministro visitou o país?")
    result["first_query_ms"] = round((time.perf_counter() - first) * 1000, 1)

    noop = []
    for _ in range(3):
        t = time.perf_counter()
        answerer.refresh()
        noop.append((time.perf_counter() - t) * 1000)
    result["noop_refresh_ms"] = round(statistics.median(noop), 1)

    questions = load_questions()
    limit = spec.get("queries_per_lang")
    for q in questions[:3]:  # warm-up, not measured
        answerer.ask(q.text)
    for lang in ("pt", "en"):
        texts = by_lang(questions, lang, limit)
        result[f"latency_{lang}"] = latency_rounds(answerer.ask, texts, spec["rounds"], translator().clear_cache)

    def top_texts(text: str) -> list[str]:
        return [a.text for a in answerer.ask(text).answers if a.confident]

    result["accuracy"] = accuracy(spec["name"], top_texts, lambda a: answerer.article(a) is not None)
    if spec.get("pickup"):
        result["pickup"] = measure_pickup(answerer, Path(spec["corpus"]))
    result.update(peak_rss_mb())
    result["tree_rss_mb"] = memory.stop()
    return result


def task_baselines(spec: dict[str, Any]) -> dict[str, Any]:
    """The same questions against the fuzzy full scan and plain BM25, over the bot's sentences."""
    from benchmarks.baselines import Bm25Baseline, FuzzyBaseline, load_sentences

    memory = TreeMemory()
    start = time.perf_counter()
    sentences, articles = load_sentences(Path(spec["corpus"]))
    loaded = time.perf_counter() - start
    result: dict[str, Any] = {"sentences": len(sentences), "load_seconds": round(loaded, 1)}
    questions = load_questions()
    limit = spec.get("queries_per_lang")

    bm25 = Bm25Baseline(sentences)
    result["bm25_build_seconds"] = round(bm25.build_seconds, 2)
    for lang in ("pt", "en"):
        texts = by_lang(questions, lang, limit)
        result[f"bm25_latency_{lang}"] = latency_rounds(bm25.search, texts, spec["rounds"])
    result["bm25_accuracy"] = accuracy(spec["name"], bm25.search, articles.__contains__)

    fuzzy = FuzzyBaseline(sentences)
    few = spec.get("fuzzy_queries_per_lang")
    for lang in ("pt", "en"):
        texts = by_lang(questions, lang, few or limit)
        result[f"fuzzy_latency_{lang}"] = latency_rounds(fuzzy.search, texts, spec.get("fuzzy_rounds", 1))
    if spec.get("fuzzy_accuracy", True):
        result["fuzzy_accuracy"] = accuracy(spec["name"], fuzzy.search, articles.__contains__)
    result.update(peak_rss_mb())
    result["tree_rss_mb"] = memory.stop()
    return result


# -- pick-up of an added / changed / removed article ---------------------------------------------

_SYLLABLES = ("ta", "ven", "ri", "lo", "mar", "qui", "zen", "dor", "bal", "tu", "nes", "cor")


def invented_name(rng: random.Random) -> str:
    """A word that occurs in no article, so only the new file can answer questions about it."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(4)).capitalize() + "ix"


def pickup_article(name: str) -> tuple[str, str]:
    """An article about an invented observatory, and a question it answers."""
    text = (
        '---\ndate: "2024-03-09"\nlang: "pt"\nsection: "ciencia"\n---\n\n'
        f"O observatório {name} foi inaugurado neste sábado (9) no interior da Bahia, "
        "com um telescópio de doze metros financiado por universidades do Nordeste.\n\n"
        f"Segundo os organizadores, o {name} vai receber estudantes de escolas públicas a partir de abril.\n"
    )
    return text, f"Quando foi inaugurado o observatório {name}?"


def _answered_by(answerer: Any, question: str, name: str) -> bool:
    return any(name.lower() in a.text.lower() for a in answerer.ask(question).answers)


def _wait_until(condition: Callable[[], bool], timeout: float = 15.0, step: float = 0.02) -> float | None:
    """Seconds until ``condition()`` holds, or None after ``timeout``."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():
            return time.perf_counter() - start
        time.sleep(step)
    return None


def measure_pickup(answerer: Any, corpus: Path) -> dict[str, Any]:
    """Seconds from a file landing in the corpus to ``ask`` answering from it (or forgetting it)."""
    from bot.config import load_settings
    from bot.watch import CorpusWatcher

    rng = random.Random(time.time_ns())
    path = corpus / f"zz-bench-pickup-{os.getpid()}.txt"
    out: dict[str, Any] = {}
    try:
        for how in ("refresh", "watch", "poll"):
            watcher = None
            if how != "refresh":
                configured = load_settings().watch
                settings = type(configured)(mode=how, poll_seconds=configured.poll_seconds,
                                            debounce_ms=configured.debounce_ms)
                watcher = CorpusWatcher(answerer, corpus, settings)
                watcher.start()
                time.sleep(0.5)  # let it arm (inotify registration / first scan)
            try:
                out[how] = _pickup_round(answerer, path, rng, refresh=watcher is None)
            finally:
                if watcher is not None:
                    watcher.stop()
    finally:
        if path.exists():
            path.unlink()
            answerer.refresh()
    return out


def _pickup_round(
    answerer: Any, path: Path, rng: random.Random, refresh: bool
) -> dict[str, float | bool | None]:
    """Add, change, then remove one article; time each until ``ask`` reflects it."""

    def land(text: str | None) -> None:
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
        if refresh:
            answerer.refresh()

    def timed(text: str | None, done: Callable[[], bool]) -> float | None:
        """Seconds from landing ``text`` (None: deleting the file) until ``done()`` holds."""
        start = time.perf_counter()
        land(text)
        found = _wait_until(done)
        return None if found is None else round(time.perf_counter() - start, 3)

    timings: dict[str, float | bool | None] = {}
    first = invented_name(rng)
    text, question = pickup_article(first)
    timings["added_s"] = timed(text, lambda: _answered_by(answerer, question, first))

    time.sleep(0.05)  # a later mtime, as any real edit has
    second = invented_name(rng)
    text, question2 = pickup_article(second)
    timings["changed_s"] = timed(text, lambda: _answered_by(answerer, question2, second))
    timings["old_text_gone"] = not _answered_by(answerer, question, first)

    timings["removed_s"] = timed(None, lambda: not _answered_by(answerer, question2, second))
    return timings


TASKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "build": task_build, "serve": task_serve, "baselines": task_baselines,
}


def main(argv: list[str] | None = None) -> int:
    """Run one task; print its result as one JSON line."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] not in TASKS:
        sys.stderr.write(f"usage: python -m benchmarks.probe {{{','.join(TASKS)}}} JSON-SPEC\n")
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    result = TASKS[args[0]](json.loads(args[1]))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
