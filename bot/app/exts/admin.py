"""Administration: ``/reload`` (admins) and the owner-only ``@bot sync`` command.

``/reload`` is a server-only command hidden by default from members without the configured
permission (``default_permissions``, which server admins can widen under Server Settings ->
Integrations); the runtime check stays, for the admin role and for servers that widened it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import NO_MENTIONS, BriefingBot, bot_of, defer_thinking, send_followup
from bot.app.formatting import reload_failure_text, reload_messages
from bot.app.strings import command_str, lang_of_locale, text
from bot.config import DiscordSettings

log = logging.getLogger(__name__)


class NotAdmin(app_commands.CheckFailure):
    """The user may not run an admin command; the message says who may."""


def refusal_text(settings: DiscordSettings, lang: str = "en") -> str:
    """Who may reload, in words."""
    permission = settings.admin_permission.replace("_", " ").replace("guild", "server").title()
    if settings.admin_role:
        return text("reload_refused_role", lang, role=settings.admin_role, permission=permission)
    return text("reload_refused", lang, permission=permission)


def has_admin_rights(interaction: discord.Interaction, settings: DiscordSettings) -> bool:
    """The configured permission (or Administrator), or the configured admin role, in this guild."""
    user = interaction.user
    if not isinstance(user, discord.Member):
        return False
    permissions = interaction.permissions
    if permissions.administrator or getattr(permissions, settings.admin_permission, False):
        return True
    return settings.admin_role is not None and any(role.name == settings.admin_role for role in user.roles)


async def admin_check(interaction: discord.Interaction) -> bool:
    """App-command check: admins (see :func:`has_admin_rights`) and the bot's owners pass."""
    bot = bot_of(interaction)
    if has_admin_rights(interaction, bot.settings.discord) or await bot.is_owner(interaction.user):
        return True
    raise NotAdmin(refusal_text(bot.settings.discord, lang_of_locale(interaction.locale)))


class Admin(commands.Cog):
    """Corpus reloads and command sync."""

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot
        # Hidden by default from members without the permission that /reload checks.
        self.reload.default_permissions = discord.Permissions(**{bot.settings.discord.admin_permission: True})

    @app_commands.command(name="reload", description=command_str("cmd.reload"))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.check(admin_check)
    async def reload(self, interaction: discord.Interaction) -> None:
        """Re-index changed files in a worker thread and report what changed."""
        if not await defer_thinking(interaction):
            return
        lang = lang_of_locale(interaction.locale)
        try:
            report = await asyncio.to_thread(self.bot.answerer.refresh)
        except Exception as exc:
            log.exception("reload by %s failed; the previous index keeps answering", interaction.user.id)
            failure = reload_failure_text(exc, lang)
            await send_followup(interaction, "/reload report", lambda late: {"content": failure})
            return
        log.info("reload by %s: %d added, %d changed, %d removed, %d skipped", interaction.user.id,
                 len(report.added), len(report.changed), len(report.removed), len(report.skipped))
        for part in reload_messages(report, lang=lang):
            await send_followup(interaction, "/reload report", lambda late, part=part: {"content": part})

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[BriefingBot],
                   scope: Literal["global", "here"] = "global") -> None:
        """Owner only: ``@bot sync`` pushes the slash commands globally; ``@bot sync here`` to this server."""
        if scope == "here":
            if ctx.guild is None:
                await ctx.reply(text("sync_here_only", "en"), mention_author=False, allowed_mentions=NO_MENTIONS)
                return
            self.bot.tree.copy_global_to(guild=ctx.guild)
            content = text("synced_here", "en", count=len(await self.bot.tree.sync(guild=ctx.guild)))
        else:
            content = text("synced_global", "en", count=await self.bot.sync_global())
        await ctx.reply(content, mention_author=False, allowed_mentions=NO_MENTIONS)


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Admin(bot))
