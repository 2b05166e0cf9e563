"""Fixtures: the fake Discord server, a real briefing bot logged into it, and an error trap.

discord.py logs and swallows exceptions raised in event handlers, commands, autocomplete and
views; :class:`ErrorTrap` collects every ERROR record of the ``discord`` and ``bot`` loggers and
fails the test at teardown unless the test claimed the record with :meth:`ErrorTrap.expect`.
Requests to endpoints the fake does not model fail the test too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.answering import Answerer
from bot.app.client import BriefingBot
from bot.app.delivery import RetryPolicy
from bot.config import CooldownSettings, Settings, WatchSettings, load_settings
from tests.discord.fake_discord import ADMIN_ROLE, GUILD_ID, TOKEN, FakeDiscord, Request

REPO = Path(__file__).resolve().parents[2]
SEED_CORPUS = REPO / "corpus"

StartBot = Callable[..., Awaitable[BriefingBot]]

#: Retries as in production, but quick, so that a test of a failing Discord takes a second, not minutes.
FAST_RETRIES = RetryPolicy(first_delay=0.05, max_delay=0.2, attempt_timeout=5.0, initial_deadline=2.0,
                           followup_deadline=3.0, channel_deadline=3.0, late_after=0.3)


class ErrorTrap(logging.Handler):
    """Collects ERROR records; a test claims the ones it provokes with :meth:`expect`."""

    LOGGERS = ("discord", "bot")

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def expect(self, text: str) -> logging.LogRecord:
        """Remove and return the first record whose message contains ``text``; fail if there is none."""
        for record in self.records:
            if text in record.getMessage():
                self.records.remove(record)
                return record
        got = [r.getMessage() for r in self.records]
        raise AssertionError(f"no ERROR log containing {text!r}; got {got}")

    def describe(self) -> str:
        lines = []
        for record in self.records:
            lines.append(f"{record.name}: {record.getMessage()}")
            if record.exc_info and record.exc_info[1] is not None:
                lines.append(f"    {type(record.exc_info[1]).__name__}: {record.exc_info[1]}")
        return "\n".join(lines)


@pytest.fixture
def errors() -> Iterator[ErrorTrap]:
    """The error trap; the test fails at teardown on any unclaimed ERROR record."""
    trap = ErrorTrap()
    loggers = [logging.getLogger(name) for name in ErrorTrap.LOGGERS]
    for logger in loggers:
        logger.addHandler(trap)
    try:
        yield trap
    finally:
        for logger in loggers:
            logger.removeHandler(trap)
    assert not trap.records, "errors were logged:\n" + trap.describe()


@pytest.fixture
async def fake(errors: ErrorTrap, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """A running fake Discord server with discord.py pointed at it."""
    server = FakeDiscord()
    await server.start()
    monkeypatch.setattr(Route, "BASE", server.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url))
    try:
        yield server
    finally:
        await server.close()
    unexpected = [f"{r.method} {r.path}" for r in server.unexpected]
    assert not unexpected, f"requests the fake does not model: {unexpected}"
    for sent in server.requests:  # EVERY message with text must ping nobody
        if sent.message.get("content"):
            assert_pings_nobody(sent)


def assert_pings_nobody(request: Request) -> None:
    """The request carries allowed_mentions that ping no one (no @everyone, users, roles or reply ping)."""
    mentions = request.message.get("allowed_mentions")
    assert mentions is not None, f"{request.method} {request.path} sent without allowed_mentions"
    assert mentions.get("parse") == []
    assert not mentions.get("users") and not mentions.get("roles") and not mentions.get("replied_user")


def copy_corpus(target: Path) -> Path:
    """A writable copy of the repository's bundled corpus."""
    shutil.copytree(SEED_CORPUS, target)
    return target


@pytest.fixture(scope="module")
def shared_answerer(tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    """One real answerer over a copy of the bundled corpus, shared by the tests that do not change it."""
    root = tmp_path_factory.mktemp("shared")
    return Answerer.from_folder(copy_corpus(root / "corpus"), index_dir=root / "index")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The repository's settings with a private corpus copy and index, guild sync on, cooldown rate 1.

    Corpus watching is off so that only /reload changes the index (one test turns polling on).
    """
    base = load_settings()
    discord_settings = dataclasses.replace(
        base.discord,
        sync_guilds=(GUILD_ID,),
        owner_ids=(),
        admin_role=ADMIN_ROLE,
        admin_permission="manage_guild",
        answer_channels={},
        max_quotes=3,
        gloss=True,
        cooldown=CooldownSettings(rate=1, per_seconds=60.0),
    )
    return dataclasses.replace(
        base, corpus=copy_corpus(tmp_path / "corpus"), index_dir=tmp_path / "index", discord=discord_settings,
        watch=WatchSettings(mode="off"),
    )


@pytest.fixture
async def start_bot(errors: ErrorTrap, fake: FakeDiscord, settings: Settings,
                    shared_answerer: Answerer) -> AsyncIterator[StartBot]:
    """A factory that logs a real :class:`BriefingBot` into the fake server and waits for READY.

    ``await start_bot()`` uses the shared answerer; ``start_bot(answerer=None, settings=...)``
    builds the real index of ``settings.corpus`` in setup_hook, as production does.
    """
    running: list[tuple[BriefingBot, asyncio.Task[None]]] = []

    async def start(settings: Settings = settings, answerer: Answerer | None = shared_answerer,
                    **options: Any) -> BriefingBot:
        factory = (lambda _settings: answerer) if answerer is not None else None
        options.setdefault("retry_policy", FAST_RETRIES)
        bot = BriefingBot(settings, answerer_factory=factory, guild_ready_timeout=0.05, **options)
        task = asyncio.create_task(bot.start(TOKEN))
        running.append((bot, task))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({task, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # raises the startup error
            raise AssertionError("the bot did not become ready within 10 s")
        return bot

    yield start
    # Let event handlers still at work (a second reply message, say) finish before logging out,
    # so a test that stops reading after the first request does not cut them off mid-request.
    busy = [t for t in asyncio.all_tasks() if t.get_name().startswith("discord.py: ")]
    if busy:
        await asyncio.wait(busy, timeout=5)
    for bot, task in running:
        await bot.close()
        await asyncio.wait_for(task, timeout=5)


@pytest.fixture
async def bot(start_bot: StartBot) -> BriefingBot:
    """A ready bot with the default test settings and the shared answerer."""
    return await start_bot()
