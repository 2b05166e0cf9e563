"""Per-user question rate limit shared by mentions and ``/ask``.

A sliding window: a user may ask ``rate`` questions in any ``per_seconds`` window. The clock is
injectable so the limiter can be tested without sleeping.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

#: Forget idle users after this many calls, so the table cannot grow without bound.
_PRUNE_EVERY = 512


class QuestionLimiter:
    """Counts each user's recent questions and says how long to wait when they ask too fast."""

    def __init__(self, rate: int, per_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1:
            raise ValueError(f"rate must be at least 1 (got {rate})")
        self.rate = rate
        self.per_seconds = per_seconds
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}
        self._calls = 0

    def hit(self, user_id: int) -> float | None:
        """Record a question by ``user_id``.

        Returns ``None`` when the question may be answered, or the seconds to wait before the
        next one is allowed (the question is then not counted).
        """
        now = self._clock()
        self._calls += 1
        if self._calls % _PRUNE_EVERY == 0:
            self._prune(now)
        times = self._asked.setdefault(user_id, deque())
        self._expire(times, now)
        if len(times) >= self.rate:
            return max(times[0] + self.per_seconds - now, 0.0)
        times.append(now)
        return None

    def retry_after(self, user_id: int) -> float | None:
        """Seconds until ``user_id`` may ask again, or ``None`` when they may now (records nothing)."""
        times = self._asked.get(user_id)
        if not times:
            return None
        now = self._clock()
        self._expire(times, now)
        if len(times) >= self.rate:
            return max(times[0] + self.per_seconds - now, 0.0)
        return None

    def reset(self, user_id: int | None = None) -> None:
        """Forget one user's questions, or everyone's."""
        if user_id is None:
            self._asked.clear()
        else:
            self._asked.pop(user_id, None)

    def _expire(self, times: deque[float], now: float) -> None:
        while times and times[0] + self.per_seconds <= now:
            times.popleft()

    def _prune(self, now: float) -> None:
        for user_id in list(self._asked):
            times = self._asked[user_id]
            self._expire(times, now)
            if not times:
                del self._asked[user_id]


def wait_text(seconds: float) -> str:
    """A polite "slow down" message for someone who asked too quickly."""
    wait = max(1, math.ceil(seconds))
    unit = "second" if wait == 1 else "seconds"
    return f"You're asking a bit fast — please try again in {wait} {unit}."
