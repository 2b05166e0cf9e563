"""The Discord client: a ``commands.Bot`` that loads the corpus index before it reports ready.

``setup_hook`` (run after login, before the gateway connects) loads the index off the event
loop, loads the feature extensions (``bot.app.exts.*``), installs the command translator and
syncs the slash commands -- globally, so a fresh install has ``/ask`` at once, and to the
``sync_guilds`` (instant) -- each only when its payload changed since the last sync.
Replies go through :class:`bot.app.delivery.Delivery` (retries when Discord fails).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import os
import signal
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.app.buttons import DeleteButton
from bot.app.cooldown import user_cooldown, wait_text
from bot.app.delivery import Delivery, RetryPolicy
from bot.app.strings import lang_of_locale, text
from bot.app.translator import CommandTranslator
from bot.config import Settings
from bot.watch import CorpusWatcher

if TYPE_CHECKING:
    from bot.answering import Answerer, RefreshReport

log = logging.getLogger(__name__)

#: Every message the bot sends pings nobody, whatever an article says.
NO_MENTIONS = discord.AllowedMentions.none()
#: Seconds before a notice answering a mention (cooldown, usage hint, error) deletes itself.
NOTICE_SECONDS = 10.0

# The bot never joins voice: discord.py's warnings about missing voice libraries are noise here.
discord.VoiceClient.warn_nacl = False
discord.VoiceClient.warn_dave = False

EXTENSIONS = ("bot.app.exts.ask", "bot.app.exts.browse", "bot.app.exts.briefing", "bot.app.exts.admin",
              "bot.app.exts.meta")
TREE_HASH_FILE = "command_tree.hash"
_TYPING_EVERY = 8.0  # Discord shows "typing" for 10 s after each request

AnswererFactory = Callable[[Settings], "Answerer"]


def load_answerer(settings: Settings) -> Answerer:
    """The default answerer: the on-disk index of ``settings.corpus`` (built or updated as needed)."""
    from bot.answering import Answerer

    answerer = Answerer.from_settings(settings)
    answerer.semantic.start_background()  # sentence vectors ahead of questions; yields to them
    return answerer


class UserFacingError(app_commands.AppCommandError):
    """A command cannot go on for a reason the user can fix; the message (already localised) says so."""


def bot_of(interaction: discord.Interaction) -> BriefingBot:
    """The briefing bot an interaction arrived at."""
    client = interaction.client
    assert isinstance(client, BriefingBot)
    return client


async def send_ephemeral(interaction: discord.Interaction, content: str) -> None:
    """Tell the user something privately, whether or not the interaction was already answered.

    After a public "thinking…" defer the first follow-up would replace that message and be
    public too (Discord keeps the defer's visibility), so the thinking message is deleted first.
    """
    delivery = bot_of(interaction).delivery
    policy = delivery.policy
    if not interaction.response.is_done():
        await delivery.send(
            f"notice for {_command_name(interaction)}",
            lambda late: interaction.response.send_message(content, ephemeral=True, allowed_mentions=NO_MENTIONS),
            deadline=policy.initial_deadline,
        )
        return
    if interaction.extras.pop("thinking", False):
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
    await delivery.send(
        f"notice for {_command_name(interaction)}",
        lambda late: interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS),
        deadline=policy.followup_deadline,
    )


async def defer_thinking(interaction: discord.Interaction) -> bool:
    """Acknowledge a command with a public "thinking…" (retried within Discord's 3 s); False if it failed."""
    delivery = bot_of(interaction).delivery
    done = await delivery.send(
        f"acknowledgement of {_command_name(interaction)}",
        lambda late: _defer(interaction), deadline=delivery.policy.initial_deadline,
    )
    if done:
        interaction.extras["thinking"] = True
    return bool(done)


async def _defer(interaction: discord.Interaction) -> bool:
    await interaction.response.defer(thinking=True)
    return True


async def send_followup(interaction: discord.Interaction, what: str,
                        build: Callable[[bool], dict[str, Any]]) -> discord.WebhookMessage | None:
    """Send a follow-up built by ``build(late)`` (keyword arguments of ``followup.send``), with retries.

    Returns the message sent (None when it could not be).
    """
    delivery = bot_of(interaction).delivery

    async def attempt(late: bool) -> discord.WebhookMessage:
        return await interaction.followup.send(allowed_mentions=NO_MENTIONS, wait=True, **build(late))

    sent = await delivery.send(what, attempt, deadline=delivery.policy.followup_deadline)
    interaction.extras.pop("thinking", None)
    return sent


@contextlib.asynccontextmanager
async def typing_in(channel: discord.abc.Messageable) -> AsyncIterator[None]:
    """Show "typing…" while the body runs, best effort: a failing typing request never delays a reply."""

    async def keep_typing() -> None:
        while True:
            try:
                await channel.typing()
            except (discord.HTTPException, aiohttp.ClientError, OSError) as exc:
                log.debug("typing indicator failed: %s", exc)
            await asyncio.sleep(_TYPING_EVERY)

    task = asyncio.create_task(keep_typing(), name="typing-indicator")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class BriefingTree(app_commands.CommandTree):
    """The slash-command tree; failures become a short private message (in the user's language)."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Tell the user what went wrong (privately) and log unexpected errors with their traceback."""
        lang = lang_of_locale(interaction.locale)
        if isinstance(error, app_commands.CommandOnCooldown):
            content = wait_text(error.retry_after, lang)
        elif isinstance(error, UserFacingError):
            content = str(error)
        elif isinstance(error, app_commands.CheckFailure):
            content = str(error) or text("not_here", lang)
            log.info("check failed for %s by %s: %s", _command_name(interaction), interaction.user.id, content)
        else:
            log.error("error in %s", _command_name(interaction), exc_info=error)
            content = text("command_failed", lang)
        try:
            await send_ephemeral(interaction, content)
        except discord.HTTPException:
            log.warning("could not report an error to the user of %s", _command_name(interaction))


def _command_name(interaction: discord.Interaction) -> str:
    command = interaction.command
    return "/" + command.qualified_name if command is not None else "an interaction"


async def command_payload_hash(tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None) -> str:
    """A digest of the command payloads Discord would receive for ``guild`` (None: global), translations included."""
    translator = tree.translator
    commands_ = tree.get_commands(guild=guild)
    if translator is not None:
        payload = [await command.get_translated_payload(tree, translator) for command in commands_]
    else:
        payload = [command.to_dict(tree) for command in commands_]
    serialised = json.dumps(sorted(payload, key=lambda c: (c.get("type", 1), c["name"])), sort_keys=True)
    return hashlib.sha256(serialised.encode()).hexdigest()


class BriefingBot(commands.Bot):
    """The briefing bot: answers mentions, DMs and slash commands from the corpus index."""

    def __init__(
        self,
        settings: Settings,
        *,
        answerer_factory: AnswererFactory | None = None,
        retry_policy: RetryPolicy | None = None,
        **options: Any,
    ) -> None:
        intents = discord.Intents.default()
        # Mentions and DMs carry their text without this privileged intent; only channels where
        # every message is answered need it.
        intents.message_content = bool(settings.discord.answer_channels)
        options.setdefault("help_command", None)
        delivery = Delivery(retry_policy)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=NO_MENTIONS,
            tree_cls=BriefingTree,
            http_trace=delivery.trace_config(),
            **options,
        )
        self.settings = settings
        self.delivery = delivery
        self.answerer_factory = answerer_factory or load_answerer
        self._answerer: Answerer | None = None
        cooldown = settings.discord.cooldown
        #: Questions (mentions, DMs, replies, /ask) and browsing (/search, /sources, /article), per user.
        self.question_cooldown = user_cooldown(cooldown.rate, cooldown.per_seconds)
        self.browse_cooldown = user_cooldown(cooldown.rate, cooldown.per_seconds)
        #: Seconds before a notice answering a mention deletes itself.
        self.notice_seconds = NOTICE_SECONDS
        self.watcher: CorpusWatcher | None = None
        self._watch_task: asyncio.Task[None] | None = None
        self._heartbeat_task: asyncio.Task[None] | None = None

    @property
    def answerer(self) -> Answerer:
        """The loaded answerer (set in ``setup_hook``, before the bot reports ready)."""
        if self._answerer is None:
            raise RuntimeError("the corpus index is not loaded yet")
        return self._answerer

    async def setup_hook(self) -> None:
        """Load the index (in a worker thread), the extensions, and sync the commands that changed."""
        self._heartbeat_task = asyncio.create_task(self._heartbeat(), name="heartbeat")
        started = time.perf_counter()
        self._answerer = await asyncio.to_thread(self.answerer_factory, self.settings)
        log.info(
            "corpus index ready: %d articles, %d sentences (%.1f s)",
            self._answerer.article_count, self._answerer.sentence_count, time.perf_counter() - started,
        )
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(DeleteButton)
        await self.tree.set_translator(CommandTranslator())
        await self.sync_commands()
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

    async def _heartbeat(self) -> None:
        """Write ``settings.heartbeat_path`` every ``discord.heartbeat_seconds`` (``briefing-bot health`` reads it)."""
        path = self.settings.heartbeat_path
        while True:
            ws = self.ws
            connected = self.is_ready() and ws is not None and ws.open
            beat = {"pid": os.getpid(), "time": time.time(), "state": "connected" if connected else "starting",
                    "latency": self.latency if connected and math.isfinite(self.latency) else None,
                    "interval": self.settings.discord.heartbeat_seconds}
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(beat), encoding="utf-8")
                os.replace(tmp, path)
            except OSError as exc:
                log.warning("cannot write the heartbeat file %s: %s", path, exc)
            # Until connected, look again within a second, so "connected" shows as soon as it is true.
            interval = self.settings.discord.heartbeat_seconds
            await asyncio.sleep(interval if connected else min(interval, 1.0))

    async def close(self) -> None:
        """Stop the heartbeat and the corpus watcher, then disconnect."""
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
            self._heartbeat_task = None
            with contextlib.suppress(OSError):
                self.settings.heartbeat_path.unlink(missing_ok=True)
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
            content = str(exception)
        else:
            log.error("error in command %s", context.command, exc_info=exception)
            content = text("owner_command_failed", "en")
        await context.reply(content, mention_author=False, allowed_mentions=NO_MENTIONS)

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

    async def sync_commands(self, force: bool = False) -> list[str]:
        """Sync the global commands, and a copy to each ``sync_guilds`` guild, where the payload changed.

        Returns what was synced ("global" and/or guild ids). A failed sync is logged and retried
        at the next start (its hash is not saved).
        """
        hashes = self._read_hashes()
        synced: list[str] = []
        targets: list[discord.Object | None] = [None]
        targets += [discord.Object(id=guild_id) for guild_id in self.settings.discord.sync_guilds]
        for guild in targets:
            where = "global" if guild is None else str(guild.id)
            if guild is not None:
                self.tree.copy_global_to(guild=guild)
            key = f"{self.application_id}:{where}"
            digest = await command_payload_hash(self.tree, guild)
            if not force and hashes.get(key) == digest:
                log.info("slash commands (%s) unchanged; not syncing", where)
                continue
            try:
                await self.tree.sync(guild=guild)
            except discord.Forbidden:
                log.warning("cannot sync slash commands (%s): re-invite the bot with the applications.commands "
                            "scope (see README.md, 'Discord bot')", where)
                continue
            except discord.HTTPException as exc:
                log.warning("syncing slash commands (%s) failed: %s; trying again at the next start", where, exc)
                continue
            hashes[key] = digest
            synced.append(where)
            log.info("synced slash commands (%s)", where)
        if synced:
            self._write_hashes(hashes)
        return synced

    async def sync_global(self) -> int:
        """Sync the global commands to Discord now (owner command); returns how many were synced."""
        commands_synced = await self.tree.sync()
        hashes = self._read_hashes()
        hashes[f"{self.application_id}:global"] = await command_payload_hash(self.tree, None)
        self._write_hashes(hashes)
        return len(commands_synced)


# --- entry point ---------------------------------------------------------------------------------


class _StartupError(Exception):
    """Startup failed for a reason the operator can fix; the message says how."""


async def _serve(bot: BriefingBot, token: str) -> None:
    # SIGTERM (docker stop, systemd, Kubernetes) closes the bot as Ctrl-C does: disconnect, stop the
    # watcher, let a catalog write finish. As PID 1 in a container there is no default handler to do it.
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []  # a reference, so the closing task is not garbage-collected
    with contextlib.suppress(NotImplementedError, RuntimeError):  # (not on Windows, not off the main thread)
        loop.add_signal_handler(signal.SIGTERM, lambda: stopping.append(loop.create_task(_stop(bot))))
    async with bot:
        try:
            await bot.start(token)
        except discord.LoginFailure as exc:
            raise _StartupError(
                "Discord rejected the token (from DISCORD_TOKEN or DISCORD_TOKEN_FILE); copy a fresh one from "
                "the Developer Portal (your application -> Bot -> Reset Token) and set it again"
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


async def _stop(bot: BriefingBot) -> None:
    log.info("SIGTERM received: closing")
    await bot.close()


def discord_token(environ: Mapping[str, str] = os.environ) -> str:
    """The bot token from ``DISCORD_TOKEN``, or from the file named by ``DISCORD_TOKEN_FILE`` (Docker and
    Kubernetes secrets). Raises :class:`_StartupError` saying what to do; never logs the token."""
    value = environ.get("DISCORD_TOKEN", "").strip()
    file_name = environ.get("DISCORD_TOKEN_FILE", "").strip()
    if value and file_name:
        raise _StartupError("both DISCORD_TOKEN and DISCORD_TOKEN_FILE are set; unset one of them")
    if file_name:
        try:
            value = Path(file_name).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise _StartupError(f"cannot read DISCORD_TOKEN_FILE {file_name} ({type(exc).__name__}: "
                                f"{exc.strerror if isinstance(exc, OSError) else 'not UTF-8 text'})") from exc
        if not value:
            raise _StartupError(f"DISCORD_TOKEN_FILE {file_name} is empty; put the bot token in it")
        return value
    if not value:
        raise _StartupError(
            "DISCORD_TOKEN is not set: create a bot in the Discord Developer Portal, copy its token and run "
            "'DISCORD_TOKEN=... python -m bot run', or put it in a file named by DISCORD_TOKEN_FILE "
            "(see README.md, 'Discord bot')"
        )
    return value


def run(settings: Settings, *, bot: BriefingBot | None = None) -> int:
    """Run the bot until it is stopped (Ctrl-C or SIGTERM); returns the process exit code.

    The token comes from ``DISCORD_TOKEN`` or the file named by ``DISCORD_TOKEN_FILE``. A missing
    or rejected token is reported as one line on the log (stderr) and exit code 2, without a traceback.
    """
    if not logging.getLogger().handlers:
        discord.utils.setup_logging(level=logging.INFO, root=True)
    try:
        token = discord_token()
    except _StartupError as exc:
        log.error("%s", exc)
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
