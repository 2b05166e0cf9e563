"""Follow-up questions in Discord: which earlier question a message leans on.

"and Shoigu?", "e quando foi isso?", "who else was there?" are resolved (:mod:`bot.followup`)
against, in this order:

1. for a reply to one of the bot's answers: the question *that answer* answered;
2. for a message in a thread started from one of its answers (the thread's id is the answer
   message's id): the asker's last question in that thread, else the starter answer's question;
3. otherwise the asker's last question in that channel (DM, thread), for
   ``discord.followup_minutes``.

The bot remembers which question each of its answer messages answered in a bounded in-memory
map (:class:`AnsweredMessages`). After a restart the map is empty, but the answer itself still
says it: its embed title is the question, or its "Understood as" line for a follow-up
(:func:`bot.app.formatting.answered_question`); the replied-to message comes with the reply
(``message.reference.resolved``), a thread's starter is fetched once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import OrderedDict
from collections.abc import Hashable

import discord

from bot.app.formatting import answered_question
from bot.followup import Conversations, Turn

log = logging.getLogger(__name__)

#: Answer messages remembered (the oldest are forgotten first; their embeds still tell).
ANSWERED_CAPACITY = 20_000
#: Seconds an answer waits for a thread's starter message before going on without it.
STARTER_TIMEOUT = 3.0


class AnsweredMessages:
    """Message id -> the turn it answered, for the last ``capacity`` answer messages. Thread-safe."""

    def __init__(self, capacity: int = ANSWERED_CAPACITY) -> None:
        self._capacity = capacity
        self._turns: OrderedDict[int, Turn] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, message_id: int, turn: Turn) -> None:
        """Remember that message ``message_id`` answered ``turn``."""
        with self._lock:
            self._turns.pop(message_id, None)
            self._turns[message_id] = turn
            while len(self._turns) > self._capacity:
                self._turns.popitem(last=False)

    def get(self, message_id: int) -> Turn | None:
        """The turn message ``message_id`` answered, if it is remembered."""
        with self._lock:
            return self._turns.get(message_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._turns)


def conversation_key(message: discord.Message) -> Hashable:
    """A conversation: one user in one channel (a thread and a DM are channels)."""
    return (message.channel.id, message.author.id)


def turn_from_message(message: discord.Message, me: int) -> Turn | None:
    """The question one of the bot's answer messages answered, read from its embed (None if it is no answer)."""
    if message.author.id != me or not message.embeds:
        return None
    question = answered_question(message.embeds[0])
    return Turn(question) if question else None


class FollowUpContext:
    """Finds the turn a message leans on (see the module docstring) from what the bot remembers."""

    def __init__(self, answered: AnsweredMessages, conversations: Conversations) -> None:
        self.answered = answered
        self.conversations = conversations
        #: Threads whose starter message was looked up: thread id -> its turn (None: not one of our answers).
        self._starters: OrderedDict[int, Turn | None] = OrderedDict()

    def replied_to(self, message: discord.Message, me: int) -> Turn | None:
        """The turn of the bot's answer ``message`` replies to, if it replies to one."""
        reference = message.reference
        if reference is None or reference.message_id is None:
            return None
        turn = self.answered.get(reference.message_id)
        if turn is not None:
            return turn
        resolved = reference.resolved
        return turn_from_message(resolved, me) if isinstance(resolved, discord.Message) else None

    async def thread_starter(self, channel: discord.abc.Messageable, me: int) -> Turn | None:
        """The turn of the answer a thread was started from (looked up once per thread), or None."""
        if not isinstance(channel, discord.Thread):
            return None
        turn = self.answered.get(channel.id)
        if turn is not None:
            return turn
        if channel.id in self._starters:
            return self._starters[channel.id]
        starter = channel.starter_message
        parent = channel.parent
        if starter is None and isinstance(parent, discord.TextChannel):
            try:  # discord.py would retry a failing Discord for 25 s: the answer does not wait that long
                starter = await asyncio.wait_for(parent.fetch_message(channel.id), STARTER_TIMEOUT)
            except (discord.NotFound, discord.Forbidden) as exc:  # not started from a message, or no access
                log.debug("no starter message for thread %s: %s", channel.id, exc)
            except (discord.HTTPException, TimeoutError) as exc:  # Discord failing: look again next time
                log.info("could not fetch the starter message of thread %s: %r", channel.id, exc)
                return None
        found = turn_from_message(starter, me) if starter is not None else None
        self._starters[channel.id] = found
        while len(self._starters) > 1000:
            self._starters.popitem(last=False)
        return found

    async def previous(self, message: discord.Message, me: int) -> Turn | None:
        """The turn ``message`` may lean on: the answer it replies to, its thread's conversation or starter
        answer, else its channel conversation (None when there is none, or it expired)."""
        turn = self.replied_to(message, me)
        if turn is not None:
            return turn
        turn = self.conversations.get(conversation_key(message))
        if turn is not None:
            return turn
        return await self.thread_starter(message.channel, me)
