"""Text arriving from Discord that no client should send: lone surrogates, control characters.

Runs the real bot against the project's fake Discord server (tests/discord), whose fixtures it
reuses; the error trap fails the test on any ERROR logged.
"""

from __future__ import annotations

from bot.app.client import BriefingBot
from tests.discord.fake_discord import CHANNEL_ID, FakeDiscord, user_payload
from tests.discord.test_e2e import described

ALICE = user_payload(800000000000000001, "alice")


def channel_post(r) -> bool:
    return r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"


async def test_a_mention_with_lone_surrogates_and_controls_is_answered(bot: BriefingBot, fake: FakeDiscord) -> None:
    await fake.send_message("when did Lavrov \ud800 visit\x00 Pyongyang?\x1b[2J", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post)
    content = described(reply)
    assert "Coreia do Norte" in content and "something went wrong" not in content
    content.encode("utf-8")


async def test_a_mention_too_long_to_answer_says_so(bot: BriefingBot, fake: FakeDiscord) -> None:
    question = "When did Lavrov visit Pyongyang? " * 40  # 1,320 characters, over the 1,000 cap
    await fake.send_message(question, author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post)
    content = reply.json["content"]
    assert "too long" in content and "1,000" in content and "something went wrong" not in content
