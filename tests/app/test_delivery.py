"""The retry policy and the delivery loop, without Discord (failures are raised by hand)."""

from __future__ import annotations

import itertools
import logging

import aiohttp
import pytest

from bot.app.delivery import Delivery, RetryPolicy, ServerFailure, retryable


def test_the_production_schedule_answers_within_seconds_and_stays_inside_discords_limits() -> None:
    policy = RetryPolicy()
    first = list(itertools.islice(policy.delays(), 5))
    assert first == [0.25, 0.5, 1.0, 2.0, 4.0]
    # After five failures the sixth attempt starts within ~9 s (jitter included); discord.py
    # alone would have slept 25 s and given up.
    assert sum(first) * (1 + policy.jitter) < 9.5
    assert max(itertools.islice(policy.delays(), 50)) == policy.max_delay == 15.0
    assert policy.initial_deadline < 3.0  # an interaction must be acknowledged within 3 s
    assert policy.followup_deadline < 15 * 60  # its token expires after 15 minutes


def test_what_is_retried() -> None:
    assert retryable(ServerFailure(503)) and retryable(aiohttp.ServerDisconnectedError())
    assert retryable(TimeoutError()) and retryable(ConnectionResetError())
    assert not retryable(ValueError("a bug is not retried"))


async def test_retries_until_it_works_and_counts(caplog: pytest.LogCaptureFixture) -> None:
    delivery = Delivery(RetryPolicy(first_delay=0.01, max_delay=0.02, late_after=0.0))
    calls: list[bool] = []

    async def flaky(late: bool) -> str:
        calls.append(late)
        if len(calls) < 3:
            raise aiohttp.ClientConnectionError("connection refused")
        return "sent"

    with caplog.at_level(logging.WARNING, "bot.app.delivery"):
        assert await delivery.send("a reply", flaky, deadline=5) == "sent"
    assert calls == [False, True, True]  # built "late" once it had failed
    assert (delivery.stats.retried, delivery.stats.late, delivery.stats.failed_attempts) == (1, 1, 2)
    assert "sending a reply failed" in caplog.text and "sent a reply after 2 failed attempts" in caplog.text


async def test_gives_up_at_the_deadline_and_logs_the_loss(caplog: pytest.LogCaptureFixture) -> None:
    delivery = Delivery(RetryPolicy(first_delay=0.05, max_delay=0.05))

    async def down(late: bool) -> None:
        raise ServerFailure(500)

    with caplog.at_level(logging.ERROR, "bot.app.delivery"):
        assert await delivery.send("a reply", down, deadline=0.3) is None
    assert delivery.stats.lost == 1 and 3 <= delivery.stats.failed_attempts <= 8
    assert "reply lost: a reply could not be delivered" in caplog.text


async def test_a_bug_is_raised_not_retried() -> None:
    delivery = Delivery(RetryPolicy(first_delay=0.01))

    async def broken(late: bool) -> None:
        raise ValueError("bad payload built")

    with pytest.raises(ValueError):
        await delivery.send("a reply", broken, deadline=5)
    assert delivery.stats.failed_attempts == 0


async def test_a_hung_attempt_is_abandoned() -> None:
    import asyncio

    delivery = Delivery(RetryPolicy(first_delay=0.01, attempt_timeout=0.05))
    calls = 0

    async def hangs_once(late: bool) -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            await asyncio.sleep(10)
        return "sent"

    assert await delivery.send("a reply", hangs_once, deadline=5) == "sent"
    assert calls == 2
