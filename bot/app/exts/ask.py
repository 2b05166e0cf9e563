"""Questions: mentions, DMs, replies to the bot's answers, answer channels, and ``/ask``.

Mentions and ``/ask`` share the per-user cooldown. A mention that hits it gets a short reply
saying when to try again; ``/ask`` gets the same text privately (ephemeral).
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import NO_MENTIONS, BriefingBot
from bot.app.cooldown import wait_text
from bot.app.formatting import empty_question_text, format_result, text_choices
from bot.config import Settings
from bot.gloss import glosses_for

if TYPE_CHECKING:
    from bot.answering import Answerer

log = logging.getLogger(__name__)

FAILED = "Sorry, something went wrong while answering that. The error was logged."
_ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


def compose_answer(answerer: Answerer, question: str, settings: Settings) -> list[str]:
    """Answer ``question`` and format the reply as messages (blocking: run it in a worker thread)."""
    limit = settings.discord.max_quotes
    result = answerer.ask(question, limit=limit)
    glosses = glosses_for(answerer, result, limit, settings.aliases) if settings.discord.gloss else {}
    return format_result(result, max_quotes=limit, glosses=glosses)


def strip_mentions_of(content: str, user_id: int) -> str:
    """``content`` without mentions of ``user_id``, whitespace collapsed."""
    return " ".join(re.sub(rf"<@!?{user_id}>", " ", content).split())


class Ask(commands.Cog):
    """Answers questions by quoting the corpus."""

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    # --- messages ------------------------------------------------------------------------------

    def addressed_to_me(self, message: discord.Message) -> str | None:
        """Why ``message`` is for the bot: "dm", "mention", "reply" or "channel" (answer channel), or None."""
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return None
        if message.type not in _ANSWERED_TYPES:
            return None
        if message.guild is None:
            return "dm"
        if any(user.id == me.id for user in message.mentions):
            return "mention"
        reference = message.reference
        if (reference is not None and isinstance(reference.resolved, discord.Message)
                and reference.resolved.author.id == me.id):
            return "reply"
        channels = self.bot.settings.discord.answer_channels.get(message.guild.id, ())
        parent_id = getattr(message.channel, "parent_id", None)
        if message.channel.id in channels or (parent_id is not None and parent_id in channels):
            return "channel"
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message addressed to the bot with a reply quoting the corpus."""
        why = self.addressed_to_me(message)
        if why is None:
            return
        if await self.bot.owner_command(message) is not None:
            return  # an owner command such as "@bot sync", run by the bot's own on_message
        me = self.bot.user
        assert me is not None  # addressed_to_me() checked it
        question = strip_mentions_of(message.content, me.id)
        if not question:
            if why != "channel":  # chatter without text in an answer channel is left alone
                await message.reply(empty_question_text(), mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        wait = self.bot.limiter.hit(message.author.id)
        if wait is not None:
            await message.reply(wait_text(wait), mention_author=False, allowed_mentions=NO_MENTIONS)
            return
        try:
            async with message.channel.typing():
                replies = await self.answer(question)
        except Exception:
            log.exception("answering a message from %s failed", message.author.id)
            replies = [FAILED]
        first, *rest = replies
        await message.reply(first, mention_author=False, allowed_mentions=NO_MENTIONS, suppress_embeds=True)
        for text in rest:
            await message.channel.send(text, allowed_mentions=NO_MENTIONS, suppress_embeds=True)

    async def answer(self, question: str) -> list[str]:
        """The reply messages for ``question``, computed in a worker thread."""
        return await asyncio.to_thread(compose_answer, self.bot.answerer, question, self.bot.settings)

    # --- /ask ----------------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question; I answer by quoting the news articles.")
    @app_commands.describe(question="Your question, in English or Portuguese")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 500]) -> None:
        """Answer ``question`` (deferred, then a follow-up with the quotes)."""
        wait = self.bot.limiter.hit(interaction.user.id)
        if wait is not None:
            await interaction.response.send_message(
                wait_text(wait), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(thinking=True)
        replies = await self.answer(question)
        for text in replies:
            await interaction.followup.send(text, allowed_mentions=NO_MENTIONS, suppress_embeds=True)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
        """Names, places and headlines matching what the user typed so far (examples if nothing is)."""
        suggestions = await asyncio.to_thread(self.bot.answerer.suggest, current, 25)
        return text_choices(suggestions)


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Ask(bot))
