"""The bot's life in a container: token from a file, heartbeat for the health check, SIGTERM closes it cleanly.

The SIGTERM test runs ``briefing-bot run`` as a real process against the local fake Discord
server, as ``docker stop`` would stop it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from bot.app.client import BriefingBot, _StartupError, discord_token, run
from bot.config import Settings
from bot.health import check
from tests.discord.conftest import REPO, ErrorTrap, StartBot
from tests.discord.fake_discord import TOKEN, FakeDiscord

# The real entry point, pointed at the fake server (discord.py has no setting for its API address).
LAUNCHER = """
import os, sys, yarl
from discord.http import Route
from discord.gateway import DiscordWebSocket
Route.BASE = os.environ["FAKE_DISCORD_API"]
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["FAKE_DISCORD_GATEWAY"])
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_token_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(" the-token \n", encoding="utf-8")
    assert discord_token({"DISCORD_TOKEN_FILE": str(secret)}) == "the-token"
    assert discord_token({"DISCORD_TOKEN": "env-token"}) == "env-token"
    with pytest.raises(_StartupError, match="both DISCORD_TOKEN and DISCORD_TOKEN_FILE are set"):
        discord_token({"DISCORD_TOKEN": "a", "DISCORD_TOKEN_FILE": str(secret)})
    with pytest.raises(_StartupError, match=r"cannot read DISCORD_TOKEN_FILE .*missing"):
        discord_token({"DISCORD_TOKEN_FILE": str(tmp_path / "missing")})
    (tmp_path / "empty").write_text("\n", encoding="utf-8")
    with pytest.raises(_StartupError, match="is empty"):
        discord_token({"DISCORD_TOKEN_FILE": str(tmp_path / "empty")})
    with pytest.raises(_StartupError, match="DISCORD_TOKEN is not set"):
        discord_token({})


async def test_a_token_file_logs_in_and_a_rejected_one_is_never_logged(
    fake: FakeDiscord, settings: Settings, errors: ErrorTrap, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = tmp_path / "token"
    secret.write_text("wrong-secret-token-value\n", encoding="utf-8")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN_FILE", str(secret))
    assert await asyncio.to_thread(run, settings) == 2
    errors.expect("Discord rejected the token")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "wrong-secret-token-value" not in logged
    assert fake.find(lambda r: r.path == "/users/@me")


async def test_heartbeat_says_connected_while_the_bot_runs(start_bot: StartBot, settings: Settings) -> None:
    from bot.answering import Answerer

    Answerer.from_settings(settings)  # an index for settings.corpus, so that health can open it
    bot: BriefingBot = await start_bot(settings=settings)
    path = settings.heartbeat_path
    deadline = time.monotonic() + 10
    state = None
    while time.monotonic() < deadline:
        if path.exists():
            state = json.loads(path.read_text(encoding="utf-8"))["state"]
            if state == "connected":
                break
        await asyncio.sleep(0.1)
    assert state == "connected"
    healthy, line = check(settings, require_bot=True)
    assert healthy and "Discord gateway connected" in line
    await bot.close()
    assert not path.exists()  # a bot that stopped cleanly leaves no heartbeat behind
    assert "not running" in check(settings, require_bot=True)[1]


async def test_sigterm_closes_a_running_bot_within_seconds(fake: FakeDiscord, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "bot.yaml").write_text(
        f"corpus: {REPO / 'corpus'}\nindex_dir: {tmp_path / 'index'}\nwatch:\n  mode: watch\n"
        "discord:\n  heartbeat_seconds: 1\n", encoding="utf-8",
    )
    heartbeat = tmp_path / "index" / "heartbeat.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), "DISCORD_TOKEN": TOKEN, "FAKE_DISCORD_API": fake.api_base,
           "FAKE_DISCORD_GATEWAY": fake.gateway_url}
    env.pop("DISCORD_TOKEN_FILE", None)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", LAUNCHER, "run", "--config", str(config), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90  # the first start builds the index
        while time.monotonic() < deadline and proc.returncode is None:
            if heartbeat.exists() and json.loads(heartbeat.read_text(encoding="utf-8"))["state"] == "connected":
                break
            await asyncio.sleep(0.2)
        assert proc.returncode is None, (await proc.stderr.read()).decode()
        assert json.loads(heartbeat.read_text(encoding="utf-8"))["state"] == "connected"
        proc.send_signal(signal.SIGTERM)
        started = time.monotonic()
        _, stderr = await asyncio.wait_for(proc.communicate(), timeout=10)
        seconds = time.monotonic() - started
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = stderr.decode()
    assert proc.returncode == 0, log
    assert seconds < 3, f"took {seconds:.1f} s to stop"
    assert "SIGTERM received: closing" in log and "Traceback" not in log
    assert "reading files: 2 to do" in log and "saving the catalog: done" in log  # run reports its index build
    assert not heartbeat.exists()
    assert list((tmp_path / "index").glob("*/catalog.json"))  # the catalog was written
