"""Delivering replies when Discord fails: bounded attempts, backoff, a late note, counts of losses.

What discord.py 2.7 already does (``discord/http.py`` ``HTTPClient.request`` for channel
messages, ``discord/webhook/async_.py`` ``AsyncWebhookAdapter.request`` for interaction
responses and follow-ups):

* a 429 is waited out (``retry_after``) and retried;
* channel requests retry 500, 502, 504 and 524 -- webhook/interaction requests retry *any* 5xx --
  up to 5 tries, sleeping 1, 3, 5, 7 and 9 s: 25 s before the caller hears anything, and then
  only ``DiscordServerError``: the reply is lost;
* a connection reset is retried only for errno 54/10054 (macOS and Windows; Linux's is 104);
  a refused, dropped or hung connection is not retried at all, and 503 on a channel request is
  raised at once.

What this module adds, for the sends that carry a reply (:meth:`Delivery.send`):

* an attempt is abandoned as soon as a 5xx response arrives (an ``aiohttp`` trace on the
  client's session sees it; discord.py would sleep 1-9 s before its own retry), after
  ``attempt_timeout`` seconds, or on a connection error;
* our own backoff (0.25 s doubling to 15 s, jittered) until a deadline that fits the send: an
  interaction must be acknowledged within 3 s, its token (follow-ups) lives 15 minutes, a
  channel reply is worth sending for 10 minutes;
* a reply that got through only after failing for ``late_after`` seconds says so (the caller
  builds it with ``late=True``);
* every retried, late and lost reply is logged and counted in :class:`DeliveryStats`.

4xx errors (a missing permission, a deleted message, an expired interaction) are not retried:
the reply is counted as lost and logged as a warning.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import discord

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How long and how often a reply is retried."""

    first_delay: float = 0.25
    factor: float = 2.0
    max_delay: float = 15.0
    jitter: float = 0.2  # each delay is stretched by up to this share, so retries do not march in step
    attempt_timeout: float = 10.0  # a request that hangs this long is abandoned and retried
    initial_deadline: float = 2.5  # an interaction must be acknowledged within 3 s of its creation
    followup_deadline: float = 14 * 60.0  # interaction tokens expire after 15 minutes
    channel_deadline: float = 10 * 60.0  # after this a channel reply is stale: given up
    late_after: float = 5.0  # a reply that needed longer than this says it is late

    def delays(self) -> Iterator[float]:
        """The waits between attempts: first_delay, doubling, capped at max_delay (before jitter)."""
        delay = self.first_delay
        while True:
            yield delay
            delay = min(delay * self.factor, self.max_delay)


@dataclass(slots=True)
class DeliveryStats:
    """What happened to the replies the bot tried to send since it started."""

    sent: int = 0  # delivered at the first attempt
    retried: int = 0  # delivered after one or more failed attempts
    late: int = 0  # of those, delivered with the "sent late" note
    lost: int = 0  # never delivered (deadline passed)
    failed_attempts: int = 0
    last_loss: str | None = field(default=None)


class ServerFailure(Exception):
    """An attempt abandoned on a 5xx response (discord.py would have slept before retrying)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Discord answered {status}")
        self.status = status


class _Attempt:
    __slots__ = ("failed", "status")

    def __init__(self) -> None:
        self.failed = asyncio.Event()
        self.status = 0


_CURRENT: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar("delivery_attempt", default=None)

_RETRYABLE: tuple[type[BaseException], ...] = (
    ServerFailure, discord.DiscordServerError, aiohttp.ClientConnectionError, aiohttp.ClientPayloadError,
    TimeoutError, ConnectionError,
)


def retryable(error: BaseException) -> bool:
    """Whether a failed send is worth trying again (5xx, connection trouble, a hung request)."""
    if isinstance(error, discord.HTTPException) and not isinstance(error, discord.DiscordServerError):
        return False  # 4xx: retrying would fail the same way
    return isinstance(error, _RETRYABLE)


class Delivery:
    """Sends replies through :meth:`send`; install :meth:`trace_config` as the client's ``http_trace``."""

    def __init__(self, policy: RetryPolicy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or RetryPolicy()
        self.stats = DeliveryStats()
        self._clock = clock

    def trace_config(self) -> aiohttp.TraceConfig:
        """An aiohttp trace that flags the running attempt when Discord answers 5xx."""
        trace = aiohttp.TraceConfig()

        async def on_request_end(session: aiohttp.ClientSession, context: Any,
                                 params: aiohttp.TraceRequestEndParams) -> None:
            attempt = _CURRENT.get()
            if attempt is not None and params.response.status >= 500:
                attempt.status = params.response.status
                attempt.failed.set()

        trace.on_request_end.append(on_request_end)
        return trace

    async def send(self, what: str, attempt: Callable[[bool], Awaitable[T]], *, deadline: float) -> T | None:
        """Run ``attempt(late)`` until it succeeds; None when ``deadline`` seconds passed first.

        ``late`` is True once the reply has been failing for ``policy.late_after`` seconds, so
        the caller can add a note. A 4xx (which retrying cannot fix) also gives None; errors
        that are neither Discord's nor the network's are raised.
        """
        started = self._clock()
        failures = 0
        delays = self.policy.delays()
        while True:
            late = failures > 0 and self._clock() - started >= self.policy.late_after
            try:
                result = await self._once(functools.partial(attempt, late))
            except Exception as exc:
                if isinstance(exc, discord.HTTPException) and not retryable(exc):
                    # 4xx: a missing permission, a deleted message, an expired interaction.
                    self.stats.lost += 1
                    self.stats.last_loss = what
                    log.warning("could not send %s: %s (not retried)", what, _describe(exc, detail=True))
                    return None
                if not retryable(exc):
                    raise
                failures += 1
                self.stats.failed_attempts += 1
                if failures == 1:
                    log.warning("sending %s failed (%s); retrying", what, _describe(exc))
                else:
                    log.debug("sending %s failed again (%s), attempt %d", what, _describe(exc), failures)
                wait = next(delays) * (1 + random.uniform(0, self.policy.jitter))
                left = deadline - (self._clock() - started)
                if left <= 0 or wait >= left:
                    return self._lost(what, failures, started, exc)
                await asyncio.sleep(wait)
                continue
            if failures:
                self.stats.retried += 1
                self.stats.late += late
                log.warning("sent %s after %d failed attempts (%.1f s)%s", what, failures,
                            self._clock() - started, " with the late note" if late else "")
            else:
                self.stats.sent += 1
            return result

    async def _once(self, make: Callable[[], Awaitable[T]]) -> T:
        """One attempt, abandoned on the first 5xx response or after ``attempt_timeout``."""
        state = _Attempt()
        context = contextvars.copy_context()
        context.run(_CURRENT.set, state)
        task: asyncio.Task[T] = asyncio.create_task(_awaited(make), context=context)
        flagged = asyncio.create_task(state.failed.wait())
        try:
            done, _ = await asyncio.wait({task, flagged}, timeout=self.policy.attempt_timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            flagged.cancel()
        if task in done:
            return task.result()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        if state.status:
            raise ServerFailure(state.status)
        raise TimeoutError(f"no answer from Discord within {self.policy.attempt_timeout:g} s")

    def _lost(self, what: str, failures: int, started: float, error: BaseException) -> None:
        self.stats.lost += 1
        self.stats.last_loss = what
        log.error("reply lost: %s could not be delivered after %d attempts over %.1f s (last error: %s); "
                  "%d replies lost since start", what, failures, self._clock() - started,
                  _describe(error), self.stats.lost)
        return None


async def _awaited(make: Callable[[], Awaitable[T]]) -> T:
    return await make()


def _describe(error: BaseException, detail: bool = False) -> str:
    if isinstance(error, discord.HTTPException):
        return f"HTTP {error.status} {error.text}" if detail and error.text else f"HTTP {error.status}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
