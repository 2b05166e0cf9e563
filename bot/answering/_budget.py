"""How much answering work runs at once, so that one user's questions cannot crowd out the others'.

Answering is CPU work (Python, and native translation that releases the GIL). Running more of it
at once than there are cores only makes every question slower and starves the event loop that
serves Discord of the GIL. So at most :data:`SLOTS` questions (and glosses) are worked on at
once, and of the questions at most one *long* one (over :data:`LONG_QUESTION_CHARS` characters,
the most expensive kind): a user sending long questions waits behind their own while everyone
else goes on. Each question's work is bounded (:mod:`bot.questions`, :mod:`bot.translate`), so
the wait for a slot is bounded too.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from bot.questions import MAX_QUESTION_CHARS, clean_text

#: Questions and glosses worked on at once: the cores (at least two).
SLOTS = max(2, os.cpu_count() or 1)
#: A question longer than this (cleaned) waits for the single long-question slot first.
LONG_QUESTION_CHARS = 300

_slots = threading.BoundedSemaphore(SLOTS)
_long = threading.BoundedSemaphore(1)

F = TypeVar("F", bound=Callable[..., Any])


@contextlib.contextmanager
def slot(length: int, lane: bool = True) -> Iterator[None]:
    """Hold a slot for work on a text of ``length`` characters (``lane``: long ones queue apart)."""
    with contextlib.ExitStack() as stack:
        if lane and LONG_QUESTION_CHARS < length <= MAX_QUESTION_CHARS:
            stack.enter_context(_long)
        if length <= MAX_QUESTION_CHARS or not lane:  # an overlong question is refused at once: no wait
            stack.enter_context(_slots)
        yield


def budgeted(lane: bool = True) -> Callable[[F], F]:
    """Run a method whose first argument is user text (a question, terms, a quote) in a :func:`slot`."""
    def decorate(method: F) -> F:
        @functools.wraps(method)
        def wrapper(self: Any, text: str, *args: Any, **kwargs: Any) -> Any:
            length = len(clean_text(text)) if isinstance(text, str) else 0
            with slot(length, lane):
                return method(self, text, *args, **kwargs)
        return wrapper  # type: ignore[return-value]
    return decorate
