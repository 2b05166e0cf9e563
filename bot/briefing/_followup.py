"""Asking within a conversation: follow-ups resolved against the conversation's previous question.

:class:`FollowUps` is what the chat and the Discord layer use: ``ask(key, text)`` resolves ``text``
against the last question asked under ``key`` (:func:`bot.followup.resolve`, with the corpus
telling places from people), answers it, and remembers it for the next follow-up.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

from bot.answering import Answerer, Result
from bot.briefing._topic import is_place
from bot.followup import Conversations, Turn, Understood, resolve


class FollowUps:
    """Questions answered in conversations that remember their last question for ``ttl_seconds``."""

    def __init__(self, answerer: Answerer, ttl_seconds: float = 600.0) -> None:
        self._answerer = answerer
        self.conversations = Conversations(ttl_seconds)

    def ask(self, key: Hashable, text: str, limit: int | None = None,
            previous: Turn | None = None) -> tuple[Understood, Result]:
        """Resolve ``text`` against the conversation's last question (or ``previous``), answer it, remember it.

        Raises ValueError on an empty question (nothing is remembered then).
        """
        understood = resolve(text, previous or self.conversations.get(key), self._is_place)
        result = self._answerer.ask(understood.question, limit=limit, exclude=understood.exclude)
        self.remember(key, result)
        return understood, result

    def remember(self, key: Hashable, result: Result) -> None:
        """Make ``result``'s question the one the next follow-up under ``key`` leans on."""
        self.conversations.put(key, turn_of(result))

    @lru_cache(maxsize=1024)  # noqa: B019  (one FollowUps per process; names are few)
    def _is_place(self, name: str) -> bool:
        return is_place(self._answerer.corpus, name)


def turn_of(result: Result) -> Turn:
    """What a follow-up needs of an answered question: the question, and the quotes it was given."""
    return Turn(result.question, tuple(a.text for a in result.answers if a.confident))
