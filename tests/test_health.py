"""briefing-bot health: corpus folder, index, and the running bot's heartbeat."""

import json
import time
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.health import check
from tests.test_cli import cli


@pytest.fixture
def settings(tmp_path: Path, corpus: Path):
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "bot.yaml").write_text(f"index_dir: {tmp_path / 'index'}\ndiscord:\n  heartbeat_seconds: 10\n",
                                     encoding="utf-8")
    return load_settings(folder, corpus=corpus)


def beat(settings, state: str = "connected", age: float = 1.0, latency: float | None = 0.042) -> None:
    settings.heartbeat_path.parent.mkdir(parents=True, exist_ok=True)
    settings.heartbeat_path.write_text(json.dumps(
        {"pid": 1, "time": time.time() - age, "state": state, "latency": latency, "interval": 10}
    ), encoding="utf-8")


def test_unhealthy_until_indexed_then_healthy(settings) -> None:
    from bot.answering import Answerer

    healthy, line = check(settings)
    assert not healthy and "no index for" in line and "briefing-bot index" in line
    Answerer.from_settings(settings)
    healthy, line = check(settings)
    assert healthy and line.startswith("2 articles, ") and "sentences indexed" in line


def test_missing_corpus_folder(settings, tmp_path: Path) -> None:
    import dataclasses

    healthy, line = check(dataclasses.replace(settings, corpus=tmp_path / "gone"))
    assert not healthy and "corpus folder not found" in line


def test_the_bot_heartbeat(settings) -> None:
    from bot.answering import Answerer

    Answerer.from_settings(settings)
    healthy, line = check(settings, require_bot=True)
    assert not healthy and "the Discord bot is not running" in line
    beat(settings)
    healthy, line = check(settings, require_bot=True)
    assert healthy and "Discord gateway connected" in line and "latency 42 ms" in line
    beat(settings, state="starting")
    healthy, line = check(settings)  # a running bot is checked even without --bot
    assert not healthy and "not connected yet" in line
    beat(settings, age=31)  # more than three intervals of silence: it died or hangs
    healthy, line = check(settings)
    assert not healthy and "stopped answering its heartbeat" in line


def test_health_command_exit_codes(settings, tmp_path: Path) -> None:
    config = ["--config", str(tmp_path / "config"), "--corpus", str(settings.corpus)]
    proc = cli("health", *config)
    assert proc.returncode == 1 and proc.stdout.decode().startswith("unhealthy: no index for")
    assert cli("index", *config).returncode == 0
    proc = cli("health", *config)
    assert proc.returncode == 0 and proc.stdout.decode().startswith("ok: 2 articles")
    assert len(proc.stdout.decode().strip().splitlines()) == 1
    proc = cli("health", "--bot", *config)
    assert proc.returncode == 1 and "the Discord bot is not running" in proc.stdout.decode()
    (tmp_path / "config" / "bot.yaml").write_text("answers: [\n", encoding="utf-8")
    proc = cli("health", *config)
    assert proc.returncode == 1 and proc.stdout.decode().startswith("unhealthy: configuration:")


def test_health_of_the_postgres_index(tmp_path: Path, corpus: Path, pg_dsn: str) -> None:
    import dataclasses

    from bot.answering import Answerer
    from tests.conftest import write_config

    folder = write_config(tmp_path / "pg-config", index_backend="postgres", postgres={"dsn": pg_dsn},
                          index_dir=str(tmp_path / "index"))
    settings = load_settings(folder, corpus=corpus)
    healthy, line = check(settings)
    assert not healthy and "in the database has no usable catalog" in line
    Answerer.from_settings(settings)
    healthy, line = check(settings)
    assert healthy and line.startswith("2 articles, ") and "sentences indexed" in line
    gone = dataclasses.replace(settings.postgres, dsn=pg_dsn.rsplit("/", 1)[0] + "/no_such_database")
    healthy, line = check(dataclasses.replace(settings, postgres=gone))
    assert not healthy and "in the database does not open" in line
