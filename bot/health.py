"""``briefing-bot health``: is the corpus there, does its index open, is the Discord bot connected?

The index is the configured one: the embedded index's folder, or the PostgreSQL database
(``index_backend: postgres``; a database that is down or holds no catalog for the corpus is
unhealthy).

The running bot writes a heartbeat file (``<index_dir>/heartbeat.json``) every
``discord.heartbeat_seconds`` with its state ("starting" while it loads the index, "connected"
once the gateway is up); it removes the file when it stops. A heartbeat older than three
intervals means the bot died or hung. Cheap enough for Docker's HEALTHCHECK: the index is only
opened and counted, never built or refreshed.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bot.config import Settings

#: A heartbeat older than this many intervals is stale.
STALE_INTERVALS = 3


def check(settings: Settings, *, require_bot: bool = False, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) for the corpus, its index and, when running or required, the bot."""
    from bot.index import catalog_store, open_index
    from bot.index._tantivy import SCHEMA_VERSION

    corpus = settings.corpus
    reader = settings.index_backend == "postgres" and settings.postgres.read_only  # needs no folder
    if not corpus.is_dir() and not reader:
        return False, f"corpus folder not found: {corpus}"
    folder = settings.index_folder
    where = f"at {folder}" if settings.index_backend == "embedded" else "in the database"
    if settings.index_backend == "embedded":
        try:
            version = (folder / "schema_version").read_text(encoding="utf-8").strip()
        except OSError:
            return False, f"no index for {corpus} at {folder} (run: briefing-bot index)"
        if version != str(SCHEMA_VERSION):
            return False, f"the index at {folder} is of another version (run: briefing-bot index)"
    try:
        index = open_index(settings.index_backend, folder, settings)
        try:
            catalog = catalog_store(index, folder / "catalog.json", str(corpus.resolve())).load()
            sentences = index.size
        finally:
            close = getattr(index, "close", None)
            if callable(close):
                close()
    except Exception as exc:  # a damaged index, a database down: whatever it raises, it is unhealthy
        return False, f"the index {where} does not open ({type(exc).__name__}: {exc})"
    if catalog is None:
        return False, f"the index {where} has no usable catalog (run: briefing-bot index)"
    line = f"{len(catalog.entries)} articles, {sentences} sentences indexed"
    bot_ok, bot_line = _bot_state(settings.heartbeat_path, settings.discord.heartbeat_seconds, require_bot,
                                  time.time() if now is None else now)
    if bot_line:
        line += f"; {bot_line}"
    return bot_ok, line


def _bot_state(path: Path, interval: float, required: bool, now: float) -> tuple[bool, str | None]:
    try:
        beat = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return (False, f"the Discord bot is not running (no heartbeat at {path})") if required else (True, None)
    except (OSError, ValueError) as exc:
        return False, f"unreadable heartbeat file {path} ({exc})"
    age = now - float(beat.get("time", 0))
    interval = float(beat.get("interval") or interval)
    if age > STALE_INTERVALS * interval:
        return False, f"the Discord bot stopped answering its heartbeat ({age:.0f} s ago; pid {beat.get('pid')})"
    if beat.get("state") != "connected":
        return False, f"the Discord bot is not connected yet (state: {beat.get('state')}, {age:.0f} s ago)"
    latency = beat.get("latency")
    shown = f", latency {latency * 1000:.0f} ms" if isinstance(latency, int | float) else ""
    return True, f"Discord gateway connected (heartbeat {age:.0f} s ago{shown})"
