"""``/help``: what the bot does and how to ask it."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import NO_MENTIONS, BriefingBot
from bot.app.formatting import help_embed
from bot.app.strings import command_str, lang_of_locale


class Meta(commands.Cog):
    """Help."""

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="help", description=command_str("cmd.help"))
    async def help(self, interaction: discord.Interaction) -> None:
        """Explain the bot privately to whoever asked, in their language."""
        settings = self.bot.settings.discord
        here = interaction.guild_id is not None and interaction.guild_id in settings.answer_channels
        embed = help_embed(settings.max_quotes, here, lang_of_locale(interaction.locale))
        delivery = self.bot.delivery
        await delivery.send(
            "/help",
            lambda late: interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS),
            deadline=delivery.policy.initial_deadline,
        )


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Meta(bot))
