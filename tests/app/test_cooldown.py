"""The per-user question limiter, driven by an injected clock."""

from __future__ import annotations

import pytest

from bot.app.cooldown import QuestionLimiter, wait_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_per_window_per_user() -> None:
    clock = Clock()
    limiter = QuestionLimiter(rate=2, per_seconds=10, clock=clock)
    assert limiter.hit(1) is None
    clock.now += 4
    assert limiter.hit(1) is None
    assert limiter.hit(1) == pytest.approx(6.0)  # the first question leaves the window in 6 s
    assert limiter.hit(2) is None  # other users are not affected
    clock.now += 6
    assert limiter.retry_after(1) is None
    assert limiter.hit(1) is None
    assert limiter.hit(1) == pytest.approx(4.0)


def test_refused_questions_are_not_counted() -> None:
    clock = Clock()
    limiter = QuestionLimiter(rate=1, per_seconds=5, clock=clock)
    assert limiter.hit(7) is None
    for _ in range(10):
        clock.now += 0.4
        assert limiter.hit(7) is not None
    clock.now = 1005.0
    assert limiter.hit(7) is None


def test_reset_and_pruning_of_idle_users() -> None:
    clock = Clock()
    limiter = QuestionLimiter(rate=1, per_seconds=1, clock=clock)
    for user in range(600):
        clock.now += 0.01
        limiter.hit(user)
    clock.now += 5
    for user in range(600, 1100):
        limiter.hit(user)
    assert len(limiter._asked) < 600  # idle users were forgotten
    limiter.reset()
    assert limiter.hit(1099) is None


def test_rate_must_be_positive_and_wait_text_rounds_up() -> None:
    with pytest.raises(ValueError):
        QuestionLimiter(rate=0, per_seconds=1)
    assert wait_text(0.2) == "You're asking a bit fast — please try again in 1 second."
    assert wait_text(4.01).endswith("in 5 seconds.")
