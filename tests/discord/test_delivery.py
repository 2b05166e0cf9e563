"""Replies when Discord fails: the fake answers 5xx, the real client retries, the user still hears.

discord.py alone retries a 500 on a follow-up five times over 25 s and then drops the reply
(the user sees "Sorry" after 25 s, or nothing). These tests run with the quick retry policy of
the conftest (``FAST_RETRIES``); the production schedule is checked in tests/app/test_delivery.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.app.client import BriefingBot
from tests.discord.conftest import FAST_RETRIES, ErrorTrap
from tests.discord.fake_discord import APP_ID, CHANNEL_ID, FakeDiscord
from tests.discord.test_e2e import ALICE, BOB, LAVROV, callback, channel_post, described, embed, followup

FOLLOWUP = rf"/webhooks/{APP_ID}/[^/]+"
CHANNEL_MESSAGES = rf"/channels/{CHANNEL_ID}/messages"
CALLBACK = r"/interactions/\d+/[^/]+/callback"


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Wait for the bot to finish its bookkeeping (the fake sees a request before the bot sees the answer)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert condition()


async def test_ask_answer_gets_through_five_500s_quickly_and_says_it_is_late(bot: BriefingBot,
                                                                             fake: FakeDiscord) -> None:
    fake.fail("POST", FOLLOWUP, status=500, times=5)
    started = time.monotonic()
    await fake.slash("ask", {"question": "when did Lavrov visit Pyongyang?"}, user=ALICE)
    sent = await fake.wait_for_requests(followup, count=6, timeout=10)
    elapsed = time.monotonic() - started
    assert elapsed < 5  # discord.py on its own: 1 + 3 + 5 + 7 + 9 = 25 s, then the reply is lost
    answer = sent[5]
    assert LAVROV in described(answer)
    assert "Sent late" in embed(answer)["footer"]["text"]  # the user is told once it works again
    stats = bot.delivery.stats
    await until(lambda: stats.retried == 1)
    assert (stats.retried, stats.late, stats.lost, stats.failed_attempts) == (1, 1, 0, 5)


async def test_a_mention_reply_survives_503s_that_discord_py_does_not_retry(bot: BriefingBot,
                                                                            fake: FakeDiscord) -> None:
    fake.fail("POST", CHANNEL_MESSAGES, status=503, times=3)
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    posts = await fake.wait_for_requests(channel_post(), count=4, timeout=10)
    assert LAVROV in described(posts[3])
    nonces = {p.json.get("nonce") for p in posts}
    assert len(nonces) >= 1 and all(p.json.get("enforce_nonce") for p in posts)  # Discord drops duplicates
    await until(lambda: bot.delivery.stats.retried == 1)
    assert bot.delivery.stats.lost == 0


async def test_a_failing_typing_indicator_never_delays_the_answer(bot: BriefingBot, fake: FakeDiscord) -> None:
    fake.fail("POST", rf"/channels/{CHANNEL_ID}/typing", status=500, times=50)
    started = time.monotonic()
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    reply = await fake.wait_for_request(channel_post(), timeout=10)
    assert time.monotonic() - started < 4  # not after discord.py's 25 s of typing retries
    assert LAVROV in described(reply)


async def test_a_failed_acknowledgement_is_retried_within_discords_3_seconds(bot: BriefingBot,
                                                                             fake: FakeDiscord) -> None:
    fake.fail("POST", CALLBACK, status=500, times=2)
    await fake.slash("ask", {"question": "when did Lavrov visit Pyongyang?"}, user=ALICE)
    answer = await fake.wait_for_request(followup, timeout=10)
    acks = fake.find(callback(5))
    assert len(acks) == 3 and LAVROV in described(answer)


async def test_a_reply_that_never_gets_through_is_logged_counted_and_bounded(bot: BriefingBot, fake: FakeDiscord,
                                                                             errors: ErrorTrap) -> None:
    fake.fail("POST", FOLLOWUP, status=502, times=10_000)
    started = time.monotonic()
    await fake.slash("ask", {"question": "when did Lavrov visit Pyongyang?"}, user=ALICE)
    await until(lambda: bot.delivery.stats.lost == 1, timeout=10)
    assert bot.delivery.stats.lost == 1 and bot.delivery.stats.last_loss == "answer to /ask"
    assert time.monotonic() - started < FAST_RETRIES.followup_deadline + 3  # given up by the deadline
    record = errors.expect("reply lost: answer to /ask")
    assert "1 replies lost since start" in record.getMessage()
    fake.heal()  # Discord works again: the bot answers the next question
    mark = fake.mark()
    await fake.slash("ask", {"question": "who did Kim Jong Un meet?"}, user=BOB)
    answer = await fake.wait_for_request(followup, since=mark)
    assert "Shoigu" in described(answer)


async def test_a_4xx_is_not_retried(bot: BriefingBot, fake: FakeDiscord) -> None:
    fake.fail("POST", CHANNEL_MESSAGES, status=403, times=1)  # e.g. the bot may not write here
    await fake.send_message("when did Lavrov visit Pyongyang?", author=ALICE, mention_bot=True)
    await fake.wait_for_request(channel_post())
    await until(lambda: bot.delivery.stats.lost == 1)
    await asyncio.sleep(0.3)
    assert len(fake.find(channel_post())) == 1 and bot.delivery.stats.lost == 1
