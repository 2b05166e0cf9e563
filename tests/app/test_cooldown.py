"""The per-user rate limits (discord.py's CooldownMapping), driven by explicit times."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.app.cooldown import user_cooldown, wait_text


@dataclass(frozen=True)
class User:
    id: int


def test_rate_per_window_per_user() -> None:
    limits = user_cooldown(rate=2, per_seconds=10)
    assert limits.update_rate_limit(User(1), current=1000.0) is None
    assert limits.update_rate_limit(User(1), current=1004.0) is None
    assert limits.update_rate_limit(User(1), current=1004.0) == pytest.approx(6.0)  # the window opened at 1000
    assert limits.update_rate_limit(User(2), current=1004.0) is None  # other users are not affected
    assert limits.update_rate_limit(User(1), current=1010.5) is None  # a new window


def test_a_message_author_and_an_interaction_user_share_one_bucket() -> None:
    limits = user_cooldown(rate=1, per_seconds=30)
    author, interaction_user = User(7), User(7)  # discord.User / discord.Member objects in the bot
    assert limits.update_rate_limit(author, current=1000.0) is None
    assert limits.update_rate_limit(interaction_user, current=1001.0) == pytest.approx(29.0)


def test_rate_must_be_positive_and_wait_text_rounds_up_in_both_languages() -> None:
    with pytest.raises(ValueError):
        user_cooldown(rate=0, per_seconds=1)
    assert wait_text(0.2) == "You're asking a bit fast — please try again in 1 second."
    assert wait_text(4.01).endswith("in 5 seconds.")
    assert wait_text(4.01, "pt") == "Você está perguntando rápido demais — tente de novo em 5 segundos."
