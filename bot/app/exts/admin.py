"""Administration: ``/reload`` (admins) and the owner-only ``@bot sync`` command."""

from __future__ import annotations

import asyncio
import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import NO_MENTIONS, BriefingBot
from bot.app.formatting import reload_failure_text, reload_messages
from bot.config import DiscordSettings

log = logging.getLogger(__name__)


class NotAdmin(app_commands.CheckFailure):
    """The user may not run an admin command; the message says who may."""


def refusal_text(settings: DiscordSettings) -> str:
    """Who may reload, in words."""
    permission = settings.admin_permission.replace("_", " ").replace("guild", "server").title()
    who = f"members with the **{settings.admin_role}** role or" if settings.admin_role else "members with"
    return f"Only {who} the **{permission}** permission can reload the corpus."


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
    bot = interaction.client
    assert isinstance(bot, BriefingBot)
    if has_admin_rights(interaction, bot.settings.discord) or await bot.is_owner(interaction.user):
        return True
    raise NotAdmin(refusal_text(bot.settings.discord))


class Admin(commands.Cog):
    """Corpus reloads and command sync."""

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="reload", description="Re-read the article folder (admins only).")
    @app_commands.check(admin_check)
    async def reload(self, interaction: discord.Interaction) -> None:
        """Re-index changed files in a worker thread and report what changed."""
        await interaction.response.defer(thinking=True)
        try:
            report = await asyncio.to_thread(self.bot.answerer.refresh)
        except Exception as exc:
            log.exception("reload by %s failed; the previous index keeps answering", interaction.user.id)
            await interaction.followup.send(reload_failure_text(exc), allowed_mentions=NO_MENTIONS)
            return
        log.info("reload by %s: %d added, %d changed, %d removed, %d skipped", interaction.user.id,
                 len(report.added), len(report.changed), len(report.removed), len(report.skipped))
        for text in reload_messages(report):
            await interaction.followup.send(text, allowed_mentions=NO_MENTIONS)

    @commands.command(name="sync", hidden=True)
    @commands.is_owner()
    async def sync(self, ctx: commands.Context[BriefingBot],
                   scope: Literal["global", "here"] = "global") -> None:
        """Owner only: ``@bot sync`` pushes the slash commands globally; ``@bot sync here`` to this server."""
        if scope == "here":
            if ctx.guild is None:
                await ctx.reply("`sync here` only works in a server.", mention_author=False,
                                allowed_mentions=NO_MENTIONS)
                return
            self.bot.tree.copy_global_to(guild=ctx.guild)
            count = len(await self.bot.tree.sync(guild=ctx.guild))
            where = "to this server"
        else:
            count = await self.bot.sync_global()
            where = "globally"
        await ctx.reply(f"Synced {count} slash commands {where}.", mention_author=False,
                        allowed_mentions=NO_MENTIONS)


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Admin(bot))
