"""Load through Discord: ``python -m benchmarks.load [--corpus news] [--users 40] [--rounds 3]``.

The real bot (:class:`bot.app.client.BriefingBot`, real answerer) logs into the project's fake
Discord server (``tests/discord/fake_discord.py``, the one the end-to-end tests use) in this
process. Then, each round, two scenarios with fresh users (so the per-user cooldown never
refuses anyone):

- **baseline**: ``--users`` users mention the bot at once, one English question each;
- **with a long-question user**: the same, right after one more user sent ``--long`` mentions
  of ~990 characters each (long English questions, just under the 1,000-character cap: the
  most work a question may cause) and one of 1,970 characters (refused at once).

Two workloads (:data:`WORKLOADS`): the ordinary users all ask the ``same`` question (cheap once
its translation is cached: any wait the long user causes shows) or ``distinct`` ones (each
translated and glossed: CPU-bound). For each scenario: questions sent and answered (a reply
referencing the question arrived), latency from dispatch to that reply (p50, p99, max), the
event loop's lag (a 10 ms timer's overshoot, p99 and max), and, between the two, the
**slowdown** the long-question user caused the others: their p50 and p99 with the long questions
over the baseline's, the median of the rounds' ratios (target: under 1.5x). The translation cache
is cleared before every scenario. Results are printed and written as JSON (``--out``, default
``benchmarks/results/load.json``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.corpora import DATA, EVAL, REPO, load_questions, prepare_corpus

if TYPE_CHECKING:
    from bot.answering import Answerer

log = logging.getLogger("benchmarks.load")

TARGET_SLOWDOWN = 1.5
LAG_TICK = 0.01
#: Long questions are built to just under this many characters (the answering core's cap is 1,000).
LONG_CHARS = 990
OVERLONG_CHARS = 1970


def percentile(values: Sequence[float], share: float) -> float:
    """The ``share`` quantile (nearest rank) of ``values``; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def english_questions(answerer: Answerer) -> list[str]:
    """The evaluation sets' English questions; without ``../shared`` (a clean clone in CI), the
    questions the bot itself suggests about the corpus's names (its autocomplete's examples)."""
    if (EVAL / "news_dev.jsonl").exists():
        return [q.text for q in load_questions() if q.lang == "en"]
    suggested = answerer.suggest("", 25, "en")
    if len(suggested) < 2:
        raise SystemExit("no questions: ../shared/eval is missing and the corpus suggests none")
    return suggested


def long_question(questions: Sequence[str], chars: int, start: int = 0) -> str:
    """Several real questions run together into one of about ``chars`` characters."""
    parts: list[str] = []
    i = start
    while len(" ".join(parts)) < chars:
        parts.append(questions[i % len(questions)])
        i += 1
    return " ".join(parts)[:chars].rsplit(" ", 1)[0]


@dataclasses.dataclass(slots=True)
class Scenario:
    """What one scenario measured."""

    name: str
    sent: int
    answered: int
    latencies: list[float]  # seconds, the ordinary users' questions
    long_latencies: list[float]  # seconds, the long-question user's questions
    lag: list[float]  # seconds, event loop lag samples
    wall: float  # seconds from the first dispatch to the last reply

    def summary(self) -> dict[str, Any]:
        """The numbers of the report (milliseconds)."""
        ms = [x * 1000 for x in self.latencies]
        return {
            "scenario": self.name, "sent": self.sent, "answered": self.answered,
            "p50_ms": round(percentile(ms, 0.5), 1), "p99_ms": round(percentile(ms, 0.99), 1),
            "max_ms": round(max(ms, default=0.0), 1),
            "long_p50_ms": round(percentile([x * 1000 for x in self.long_latencies], 0.5), 1),
            "lag_p99_ms": round(percentile([x * 1000 for x in self.lag], 0.99), 1),
            "lag_max_ms": round(max(self.lag, default=0.0) * 1000, 1),
            "wall_s": round(self.wall, 2),
        }


class LoopLag:
    """Samples how late a 10 ms timer fires on the running loop."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(LAG_TICK)
            self.samples.append(max(0.0, time.perf_counter() - started - LAG_TICK))

    def start(self) -> None:
        self.samples = []
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> list[float]:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        return self.samples


async def ask_all(fake: Any, asks: Sequence[tuple[dict[str, Any], str]], timeout: float) -> list[float | None]:
    """Dispatch every (author, question) mention at once; each one's seconds until its reply (None: none)."""
    from tests.discord.fake_discord import CHANNEL_ID

    async def one(author: dict[str, Any], text: str) -> float | None:
        started = time.perf_counter()
        sent = await fake.send_message(text, author=author, mention_bot=True)

        def replied(request: Any) -> bool:
            body = request.json if isinstance(request.json, dict) else {}
            reference = body.get("message_reference") or {}
            return (request.method == "POST" and request.path == f"/channels/{CHANNEL_ID}/messages"
                    and str(reference.get("message_id")) == sent["id"])

        try:
            await fake.wait_for_request(replied, timeout=timeout)
        except AssertionError:
            return None
        return time.perf_counter() - started

    return list(await asyncio.gather(*(one(author, text) for author, text in asks)))


async def scenario(fake: Any, name: str, users: Sequence[dict[str, Any]], questions: Sequence[str],
                   long_user: dict[str, Any] | None, long_questions: Sequence[str], timeout: float) -> Scenario:
    """One burst of questions (after the long user's, when there is one)."""
    from bot.translate import translator

    await asyncio.to_thread(translator().clear_cache)
    lag = LoopLag()
    lag.start()
    started = time.perf_counter()
    asks = [(long_user, q) for q in long_questions] if long_user is not None else []
    asks += [(user, questions[i % len(questions)]) for i, user in enumerate(users)]
    results = await ask_all(fake, asks, timeout)
    wall = time.perf_counter() - started
    samples = await lag.stop()
    long_results, ordinary = results[: len(asks) - len(users)], results[len(asks) - len(users):]
    return Scenario(
        name=name, sent=len(asks), answered=sum(r is not None for r in results),
        latencies=[r for r in ordinary if r is not None], long_latencies=[r for r in long_results if r is not None],
        lag=samples, wall=wall,
    )


#: What the ordinary users ask: ``distinct`` questions (each translated, its quotes glossed: CPU-bound),
#: or all the ``same`` one (translated once, then cached: cheap, so any wait the long user causes shows).
WORKLOADS = ("same", "distinct")


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Start the fake Discord and the bot, run the rounds of each workload, return every number."""
    import yarl
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    from bot.answering import Answerer
    from bot.app.client import BriefingBot
    from bot.config import WatchSettings, load_settings
    from tests.discord.fake_discord import TOKEN, FakeDiscord, user_payload

    corpus = Path(args.corpus) if Path(args.corpus).is_dir() else prepare_corpus(args.corpus)
    index_dir = args.index_dir or DATA / f"load-index-{corpus.name}"
    started = time.perf_counter()
    answerer = await asyncio.to_thread(Answerer.from_folder, corpus, index_dir)
    log.info("answerer over %s ready: %d articles, %d sentences (%.1f s)", corpus, answerer.article_count,
             answerer.sentence_count, time.perf_counter() - started)

    english = english_questions(answerer)
    long_texts = [long_question(english, LONG_CHARS, start=7 * i) for i in range(args.long)]
    overlong = long_question(english, OVERLONG_CHARS, start=3)

    base = load_settings()
    settings = dataclasses.replace(
        base, corpus=corpus, index_dir=index_dir, watch=WatchSettings(mode="off"),
        discord=dataclasses.replace(base.discord, sync_guilds=()),
    )
    fake = FakeDiscord()
    await fake.start()
    saved = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base  # type: ignore[misc]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    bot = BriefingBot(settings, answerer_factory=lambda _settings: answerer, guild_ready_timeout=0.05)
    bot_task = asyncio.create_task(bot.start(TOKEN))
    workloads: dict[str, dict[str, Any]] = {}
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 60)
        ids = iter(range(700_000_000_000_000_000, 800_000_000_000_000_000))
        for workload in args.workloads:
            rounds: list[dict[str, Any]] = []
            for number in range(1, args.rounds + 1):
                measured = {}
                order = ("baseline", "long") if number % 2 else ("long", "baseline")
                questions = [english[number]] if workload == "same" else english[number:] + english[:number]
                for name in order:
                    users = [user_payload(next(ids), f"user{i}") for i in range(args.users)]
                    long_user = user_payload(next(ids), "long") if name == "long" else None
                    long_asks = [*long_texts, overlong] if name == "long" else []
                    measured[name] = await scenario(fake, name, users, questions, long_user, long_asks, args.timeout)
                    log.info("%s, round %d, %s: %s", workload, number, name, measured[name].summary())
                rounds.append({name: s.summary() for name, s in measured.items()})
            workloads[workload] = _summarise(rounds)
    finally:
        await bot.close()
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(bot_task, 10)
        await fake.close()
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = saved  # type: ignore[misc]
    return {
        "corpus": str(corpus), "articles": answerer.article_count, "sentences": answerer.sentence_count,
        "users": args.users, "long_questions": args.long, "long_chars": [len(t) for t in long_texts],
        "overlong_chars": len(overlong), "workloads": workloads, "target_slowdown": TARGET_SLOWDOWN,
        "passed": all(w["passed"] for w in workloads.values()),
    }


def _summarise(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians over the rounds, and the slowdown: the median of each round's long/baseline ratio."""
    slowdown = {
        key: round(statistics.median(r["long"][f"{key}_ms"] / max(r["baseline"][f"{key}_ms"], 1e-9) for r in rounds), 2)
        for key in ("p50", "p99")
    }
    median = {
        name: {key: statistics.median(r[name][key] for r in rounds) for key in rounds[0][name] if key != "scenario"}
        for name in ("baseline", "long")
    }
    return {"rounds": rounds, "median": median, "slowdown": slowdown,
            "passed": max(slowdown.values()) < TARGET_SLOWDOWN}


def print_report(result: dict[str, Any]) -> None:
    """The tables."""
    print(f"\ncorpus {result['corpus']}: {result['articles']:,} articles, {result['sentences']:,} sentences; "
          f"{result['users']} users; long user: {result['long_questions']} x ~{LONG_CHARS} chars + 1 x "
          f"{result['overlong_chars']} chars (refused)")
    columns = ("sent", "answered", "p50_ms", "p99_ms", "max_ms", "long_p50_ms", "lag_p99_ms", "lag_max_ms", "wall_s")
    for workload, measured in result["workloads"].items():
        print(f"\n{workload} questions")
        print(f"{'round / scenario':<22}" + "".join(f"{c:>12}" for c in columns))
        for number, scenarios in enumerate(measured["rounds"], 1):
            for name, summary in scenarios.items():
                print(f"{f'{number} {name}':<22}" + "".join(f"{summary[c]:>12}" for c in columns))
        for name, summary in measured["median"].items():
            print(f"{f'median {name}':<22}" + "".join(f"{summary[c]:>12}" for c in columns))
        slowdown = measured["slowdown"]
        verdict = "pass" if measured["passed"] else "FAIL"
        print(f"slowdown of the others by the long-question user: p50 {slowdown['p50']}x, p99 {slowdown['p99']}x "
              f"(target < {TARGET_SLOWDOWN}x: {verdict})")


def parser() -> argparse.ArgumentParser:
    """The command line."""
    options = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    options.add_argument("--corpus", default="news", help="seeds, half, news (default) or a folder")
    options.add_argument("--users", type=int, default=40, help="users asking at once (default 40)")
    options.add_argument("--long", type=int, default=3, help="long questions the long user sends (default 3)")
    options.add_argument("--rounds", type=int, default=3, help="rounds of both scenarios, per workload (default 3)")
    options.add_argument("--workloads", nargs="+", choices=WORKLOADS, default=list(WORKLOADS),
                         help="what the ordinary users ask: the same question, distinct ones (default both)")
    options.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one reply")
    options.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "load.json")
    options.add_argument("--index-dir", type=Path, help="where the index lives (default benchmarks/data/load-index-*)")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run, print the tables, write the JSON."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
                        datefmt="%H:%M:%S", stream=sys.stderr)
    logging.getLogger("discord").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    result = asyncio.run(run(args))
    print_report(result)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
