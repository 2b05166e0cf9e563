"""Briefing tools: ``/timeline`` (the dated events about a topic, in order) and ``/who`` (a who-is card).

Both are rate-limited with the browsing commands (``/search``, ``/sources``, ``/article``),
deferred, and computed off the event loop. Their autocomplete offers the names the corpus
mentions (people first for ``/who``). A bad date bound is refused privately, naming the
format, before anything is deferred; a topic or name the corpus says nothing about gets a
private notice with the close names it does mention, not an empty public page.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import briefing
from bot.app.buttons import delete_view
from bot.app.client import BriefingBot, UserFacingError, bot_of, defer_thinking, send_ephemeral, send_followup
from bot.app.cooldown import cooldown_check
from bot.app.formatting import (
    escape,
    text_choices,
    timeline_empty_text,
    timeline_pages,
    truncate,
    who_embed,
    who_missing_text,
)
from bot.app.pagination import send_pages
from bot.app.strings import command_str, lang_of_locale, text
from bot.briefing import close_names, date_range, mentioned_names

log = logging.getLogger(__name__)

_browse_check = cooldown_check(lambda interaction: bot_of(interaction).browse_cooldown)


class DateBound(app_commands.Transformer):
    """``since``/``until``: a date of any precision (YYYY, YYYY-MM, YYYY-MM-DD); anything else is refused privately."""

    @property
    def min_value(self) -> int:
        """Shortest accepted text ("2017")."""
        return 4

    @property
    def max_value(self) -> int:
        """Longest accepted text ("2017-05-18", with room for stray spaces)."""
        return 20

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> str:
        """The date as typed, checked; a private "not a date" naming the format otherwise."""
        typed = str(value).strip()
        try:
            date_range(typed, None)
        except ValueError:
            lang = lang_of_locale(interaction.locale)
            raise UserFacingError(text("bad_date", lang, value=truncate(escape(typed), 40))) from None
        return typed


class Briefing(commands.Cog):
    """Timelines of a topic and who-is cards."""

    #: Seconds after the last page turn before the page buttons are removed.
    page_timeout: float = 180.0

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    @app_commands.command(name="timeline", description=command_str("cmd.timeline"))
    @app_commands.describe(topic=command_str("cmd.timeline.topic"), since=command_str("cmd.timeline.since"),
                           until=command_str("cmd.timeline.until"))
    @app_commands.check(_browse_check)
    async def timeline(self, interaction: discord.Interaction, topic: app_commands.Range[str, 1, 100],
                       since: app_commands.Transform[str, DateBound] | None = None,
                       until: app_commands.Transform[str, DateBound] | None = None) -> None:
        """The dated events about ``topic`` in date order (then the undated ones), page by page."""
        lang = lang_of_locale(interaction.locale)
        try:
            date_range(since, until)
        except ValueError:
            raise UserFacingError(text("bad_range", lang, since=escape(str(since)), until=escape(str(until)))) from None
        if not await defer_thinking(interaction):
            return
        corpus = self.bot.answerer.corpus

        def build() -> tuple[list[discord.Embed], str | None]:
            result = briefing.timeline(corpus, topic, since, until)
            pages = timeline_pages(result, lang)
            if pages:
                return pages, None
            return [], timeline_empty_text(result, close_names(corpus, topic), lang)

        pages, notice = await asyncio.to_thread(build)
        if notice is not None:
            await send_ephemeral(interaction, notice)
            return
        await send_pages(interaction, "/timeline", pages, lang, timeout=self.page_timeout)

    @timeline.autocomplete("topic")
    async def topic_autocomplete(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        """What was typed, then the names the corpus mentions that complete it (the most mentioned first)."""
        names = await asyncio.to_thread(mentioned_names, self.bot.answerer.corpus, current, 25)
        return text_choices([current, *names])

    @app_commands.command(name="who", description=command_str("cmd.who"))
    @app_commands.describe(name=command_str("cmd.who.name"))
    @app_commands.check(_browse_check)
    async def who(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 100]) -> None:
        """What the articles say ``name`` is, with sources; privately "not in the corpus" (and close names)."""
        lang = lang_of_locale(interaction.locale)
        if not await defer_thinking(interaction):
            return
        corpus = self.bot.answerer.corpus

        def build() -> tuple[discord.Embed | None, str | None]:
            card = briefing.who(corpus, name)
            if card.found:
                return who_embed(card, lang), None
            return None, who_missing_text(name, close_names(corpus, name), lang)

        embed, notice = await asyncio.to_thread(build)
        if embed is None:
            await send_ephemeral(interaction, notice or "")
            return
        owner = interaction.user.id
        await send_followup(interaction, "/who", lambda late: {"embed": embed, "view": delete_view(owner, lang)})

    @who.autocomplete("name")
    async def name_autocomplete(self, interaction: discord.Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
        """What was typed, then the names the corpus mentions that complete it, people's first."""
        names = await asyncio.to_thread(mentioned_names, self.bot.answerer.corpus, current, 25, True)
        return text_choices([current, *names])


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Briefing(bot))
