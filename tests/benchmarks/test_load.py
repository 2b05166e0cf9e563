"""The load benchmark runs end to end (tiny: the seeds, three users, one round); speed is its own business."""

from __future__ import annotations

import asyncio
from pathlib import Path

import benchmarks.load
from benchmarks.load import english_questions, long_question, parser, percentile, run


def test_long_questions_are_real_questions_run_together() -> None:
    questions = ["When did Lavrov visit Pyongyang?", "Who is Shoigu?", "How many containers were sent?"]
    text = long_question(questions, 200)
    assert 150 < len(text) <= 200 and text.startswith(questions[0]) and "Who is Shoigu?" in text
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0 and percentile([], 0.99) == 0.0


def test_a_tiny_load_run_answers_everyone(tmp_path: Path) -> None:
    args = parser().parse_args([
        "--corpus", "seeds", "--users", "3", "--long", "1", "--rounds", "1", "--index-dir", str(tmp_path / "index"),
    ])
    result = asyncio.run(run(args))
    assert set(result["workloads"]) == {"same", "distinct"}
    for workload in result["workloads"].values():
        for name, sent in (("baseline", 3), ("long", 5)):  # the long user: one long, one overlong question
            measured = workload["rounds"][0][name]
            assert measured["answered"] == measured["sent"] == sent
            assert measured["p50_ms"] > 0
        assert set(workload["slowdown"]) == {"p50", "p99"}


def test_without_the_evaluation_sets_the_questions_are_the_bots_own_suggestions(
    tmp_path: Path, monkeypatch, seed_answerer
) -> None:
    monkeypatch.setattr(benchmarks.load, "EVAL", tmp_path / "no-eval")
    questions = english_questions(seed_answerer)
    assert len(questions) >= 2 and all(q.endswith("?") for q in questions)
