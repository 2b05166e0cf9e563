"""Per-user rate limits, with discord.py's ``commands.CooldownMapping``.

Two limits, both ``cooldown.rate`` uses per ``cooldown.per_seconds`` for each user:

* questions: mentions, DMs, replies to the bot and ``/ask`` share one budget;
* browsing: ``/search``, ``/sources`` and ``/article`` share another (turning pages is free).

A mapping is keyed by the user's id, so a ``discord.User``/``Member`` (a message's author or an
interaction's user) is what is passed in. For slash commands :func:`cooldown_check` raises
``app_commands.CommandOnCooldown``, which the tree's error handler answers privately.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.strings import plural


class _HasId(Protocol):
    id: int


def _user_key(user: _HasId) -> int:
    return user.id


def user_cooldown(rate: int, per_seconds: float) -> commands.CooldownMapping[_HasId]:
    """A per-user mapping: ``rate`` uses in any ``per_seconds`` window (discord.py's fixed window)."""
    if rate < 1:
        raise ValueError(f"rate must be at least 1 (got {rate})")
    return commands.CooldownMapping.from_cooldown(rate, per_seconds, _user_key)


def cooldown_check(
    mapping_of: Callable[[discord.Interaction], commands.CooldownMapping[_HasId]],
) -> Callable[[discord.Interaction], Coroutine[Any, Any, bool]]:
    """An app-command check spending one use of ``mapping_of(interaction)`` for the user."""

    async def check(interaction: discord.Interaction) -> bool:
        mapping = mapping_of(interaction)
        retry_after = mapping.update_rate_limit(interaction.user)
        if retry_after is not None:
            bucket = mapping.get_bucket(interaction.user)
            assert bucket is not None  # a mapping made by user_cooldown always has buckets
            raise app_commands.CommandOnCooldown(bucket, retry_after)
        return True

    return check


def wait_text(seconds: float, lang: str = "en") -> str:
    """A polite "slow down" message for someone who asked too quickly (whole seconds, rounded up)."""
    return plural("cooldown", max(1, math.ceil(seconds)), lang)
