"""The Discord client: a ``commands.Bot`` that loads the corpus index before it reports ready.

``setup_hook`` (run after login, before the gateway connects) loads the index off the event
loop, loads the feature extensions (``bot.app.exts.*``) and syncs the slash commands to the
configured guilds -- only when the command payloads changed since the last sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.app.cooldown import QuestionLimiter
from bot.config import Settings
from bot.watch import CorpusWatcher

if TYPE_CHECKING:
    from bot.answering import Answerer, RefreshReport

log = logging.getLogger(__name__)

#: Every message the bot sends pings nobody, whatever an article says.
NO_MENTIONS = discord.AllowedMentions.none()

# The bot never joins voice: discord.py's warnings about missing voice libraries are noise here.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS = ("bot.app.exts.ask", "bot.app.exts.browse", "bot.app.exts.admin", "bot.app.exts.meta")
TREE_HASH_FILE = "command_tree.hash"

AnswererFactory = Callable[[Settings], "Answerer"]


def load_answerer(settings: Settings) -> Answerer:
    """The default answerer: the on-disk index of ``settings.corpus`` (built or updated as needed)."""
    from bot.answering import Answerer

    answerer = Answerer.from_settings(settings)
    answerer.semantic.start_background()  # sentence vectors ahead of questions; yields to them
    return answerer


async def send_ephemeral(interaction: discord.Interaction, text: str) -> None:
    """Reply to an interaction privately, whether or not it was already responded to."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


class BriefingTree(app_commands.CommandTree):
    """The slash-command tree; failures become a short private message and a log entry."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Tell the user what went wrong (privately) and log unexpected errors with their traceback."""
        if isinstance(error, app_commands.CommandOnCooldown):
            text = f"Slow down a little — try again in {max(1, round(error.retry_after))} s."
        elif isinstance(error, app_commands.CheckFailure):
            text = str(error) or "You can't use this command here."
            log.info("check failed for /%s by %s: %s", _command_name(interaction), interaction.user.id, text)
        else:
            log.error("error in /%s", _command_name(interaction), exc_info=error)
            text = "Sorry, something went wrong with that command. The error was logged."
        try:
            await send_ephemeral(interaction, text)
        except discord.HTTPException:
            log.warning("could not report an error to the user of /%s", _command_name(interaction))


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "?"


def command_payload_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> str:
    """A digest of the command payloads Discord would receive for ``guild`` (None: global)."""
    payload = [command.to_dict(tree) for command in tree.get_commands(guild=guild)]
    text = json.dumps(sorted(payload, key=lambda c: (c.get("type", 1), c["name"])), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class BriefingBot(commands.Bot):
    """The briefing bot: answers mentions, DMs and slash commands from the corpus index."""

    def __init__(
        self,
        settings: Settings,
        *,
        answerer_factory: AnswererFactory | None = None,
        limiter: QuestionLimiter | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.default()
        # Mentions and DMs carry their text without this privileged intent; only channels where
        # every message is answered need it.
        intents.message_content = bool(settings.discord.answer_channels)
        options.setdefault("help_command", None)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            tree_cls=BriefingTree,
            **options,
        )
        self.settings = settings
        self.answerer_factory = answerer_factory or load_answerer
        self._answerer: Answerer | None = None
        cooldown = settings.discord.cooldown
        self.limiter = limiter or QuestionLimiter(cooldown.rate, cooldown.per_seconds)
        self.watcher: CorpusWatcher | None = None
        self._watch_task: asyncio.Task[None] | None = None

    @property
    def answerer(self) -> Answerer:
        """The loaded answerer (set in ``setup_hook``, before the bot reports ready)."""
        if self._answerer is None:
            raise RuntimeError("the corpus index is not loaded yet")
        return self._answerer

    async def setup_hook(self) -> None:
        """Load the index (in a worker thread), the extensions, and sync guild commands if they changed."""
        started = time.perf_counter()
        self._answerer = await asyncio.to_thread(self.answerer_factory, self.settings)
        log.info(
            "corpus index ready: %d articles, %d sentences (%.1f s)",
            self._answerer.article_count, self._answerer.sentence_count, time.perf_counter() - started,
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_guild_commands()
        self.start_watching()

    def start_watching(self) -> None:
        """Refresh the index when corpus files change (``watch.mode``; nothing when it is off)."""
        if self.settings.watch.mode == "off" or self._answerer is None:
            return
        self.watcher = CorpusWatcher(
            self._answerer, self.settings.corpus, self.settings.watch, on_refresh=self._refreshed,
            ignore=(self.settings.index_dir,),
        )
        self._watch_task = asyncio.create_task(self.watcher.run(), name="corpus-watcher")

    @staticmethod
    def _refreshed(report: RefreshReport) -> None:
        log.info("corpus changed on disk: %d added, %d changed, %d removed (%d skipped)",
                 len(report.added), len(report.changed), len(report.removed), len(report.skipped))

    async def close(self) -> None:
        """Stop watching the corpus, then disconnect."""
        if self.watcher is not None:
            self.watcher.stop(timeout=0)
        if self._watch_task is not None:
            self._watch_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watch_task
            self._watch_task = None
        await super().close()

    async def is_owner(self, user: discord.abc.User, /) -> bool:
        """The application's owner (or team) and the ``owner_ids`` from config."""
        if user.id in self.settings.discord.owner_ids:
            return True
        return await super().is_owner(user)

    async def owner_command(self, message: discord.Message) -> commands.Context[BriefingBot] | None:
        """The prefix command in ``message`` when its author may run it (owners only), else None."""
        if message.author.bot or not message.content:
            return None
        ctx = await self.get_context(message)
        if ctx.command is None or not await self.is_owner(message.author):
            return None
        return ctx

    async def on_message(self, message: discord.Message, /) -> None:
        """Run owner commands; questions are answered by the ask extension's listener."""
        ctx = await self.owner_command(message)
        if ctx is not None:
            await self.invoke(ctx)

    async def on_command_error(self, context: commands.Context[BriefingBot], exception: commands.CommandError,
                               /) -> None:
        """Owner command failures: say why in the channel, log unexpected ones."""
        if isinstance(exception, commands.UserInputError | commands.CheckFailure):
            text = str(exception)
        else:
            log.error("error in command %s", context.command, exc_info=exception)
            text = "That command failed; the error was logged."
        await context.reply(text, mention_author=False, allowed_mentions=NO_MENTIONS)

    # --- command tree sync -------------------------------------------------------------------

    @property
    def tree_hash_path(self) -> Path:
        """Where the digests of the last synced command payloads are kept."""
        return self.settings.index_dir / TREE_HASH_FILE

    def _read_hashes(self) -> dict[str, str]:
        try:
            data = json.loads(self.tree_hash_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_hashes(self, hashes: dict[str, str]) -> None:
        try:
            self.tree_hash_path.parent.mkdir(parents=True, exist_ok=True)
            self.tree_hash_path.write_text(json.dumps(hashes, indent=1, sort_keys=True), encoding="utf-8")
        except OSError as exc:
            log.warning("could not save the command tree hash to %s (%s); commands will be re-synced "
                        "at the next start", self.tree_hash_path, exc)

    async def sync_guild_commands(self, force: bool = False) -> list[int]:
        """Copy the global commands to each ``sync_guilds`` guild and sync those whose payload changed.

        Returns the ids of the guilds that were synced.
        """
        hashes = self._read_hashes()
        synced: list[int] = []
        for guild_id in self.settings.discord.sync_guilds:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            key = f"{self.application_id}:{guild_id}"
            digest = command_payload_hash(self.tree, guild)
            if not force and hashes.get(key) == digest:
                log.info("slash commands for guild %s unchanged; not syncing", guild_id)
                continue
            try:
                await self.tree.sync(guild=guild)
            except discord.Forbidden:
                log.warning("cannot sync slash commands to guild %s: re-invite the bot with the "
                            "applications.commands scope (see README.md, 'Discord bot')", guild_id)
                continue
            except discord.HTTPException as exc:
                log.warning("syncing slash commands to guild %s failed: %s", guild_id, exc)
                continue
            hashes[key] = digest
            synced.append(guild_id)
            log.info("synced slash commands to guild %s", guild_id)
        if synced:
            self._write_hashes(hashes)
        return synced

    async def sync_global(self) -> int:
        """Sync the global commands to Discord (owner command); returns how many were synced."""
        commands_synced = await self.tree.sync()
        hashes = self._read_hashes()
        hashes[f"{self.application_id}:global"] = command_payload_hash(self.tree, None)
        self._write_hashes(hashes)
        return len(commands_synced)


# --- entry point ---------------------------------------------------------------------------------


class _StartupError(Exception):
    """Startup failed for a reason the operator can fix; the message says how."""


async def _serve(bot: BriefingBot, token: str) -> None:
    async with bot:
        try:
            await bot.start(token)
        except discord.LoginFailure as exc:
            raise _StartupError(
                "Discord rejected the token in DISCORD_TOKEN; copy a fresh one from the Developer "
                "Portal (your application -> Bot -> Reset Token) and set DISCORD_TOKEN again"
            ) from exc
        except FileNotFoundError as exc:
            raise _StartupError(
                f"{exc}: set `corpus:` in config/bot.yaml (or mount the folder at /app/corpus in Docker)"
            ) from exc
        except discord.PrivilegedIntentsRequired as exc:
            raise _StartupError(
                "discord.answer_channels needs the Message Content intent: enable it in the Developer "
                "Portal (your application -> Bot -> Privileged Gateway Intents) or remove answer_channels "
                "from config/bot.yaml"
            ) from exc


def run(settings: Settings, *, bot: BriefingBot | None = None) -> int:
    """Run the bot until it is stopped; returns the process exit code.

    The token comes from the ``DISCORD_TOKEN`` environment variable. A missing or rejected
    token is reported as one line on the log (stderr) and exit code 2, without a traceback.
    """
    if not logging.getLogger().handlers:
        discord.utils.setup_logging(level=logging.INFO, root=True)
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        log.error("DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal, copy its token "
                  "and run `DISCORD_TOKEN=... python -m bot run` (see README.md, 'Discord bot')")
        return 2
    try:
        asyncio.run(_serve(bot or BriefingBot(settings), token))
    except _StartupError as exc:
        log.error("%s", exc)
        return 2
    except KeyboardInterrupt:
        log.info("stopped")
    except (aiohttp.ClientError, OSError) as exc:
        log.error("cannot reach Discord (%s): check the network connection and try again", exc)
        return 1
    except Exception:
        log.exception("the bot stopped after an error")
        return 1
    return 0
