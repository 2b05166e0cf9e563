"""Browsing the corpus: ``/search``, ``/sources`` and ``/article``, with paginated results."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import NO_MENTIONS, BriefingBot
from bot.app.formatting import article_choices, article_embed, search_pages, sources_pages
from bot.app.pagination import Paginator
from bot.records import ArticleInfo

log = logging.getLogger(__name__)

#: How many pages of search results to fetch at most.
SEARCH_PAGES = 5
ARTICLE_SENTENCES = 5


class Browse(commands.Cog):
    """Search sentences, list the loaded articles, show one article."""

    #: Seconds after the last page turn before the page buttons are removed.
    page_timeout: float = 180.0

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    async def send_pages(self, interaction: discord.Interaction, pages: list[discord.Embed]) -> None:
        """Send the first page as a follow-up, with page buttons when there is more than one."""
        if len(pages) == 1:
            await interaction.followup.send(embed=pages[0], allowed_mentions=NO_MENTIONS)
            return
        view = Paginator(pages, owner_id=interaction.user.id, timeout=self.page_timeout)
        view.message = await interaction.followup.send(
            embed=view.page, view=view, allowed_mentions=NO_MENTIONS, wait=True
        )

    @app_commands.command(name="search", description="The sentences that best match some words, paginated.")
    @app_commands.describe(terms="Words to look for (names, places, topics)")
    async def search(self, interaction: discord.Interaction, terms: app_commands.Range[str, 1, 300]) -> None:
        """More matching sentences than /ask gives, with no confidence cut."""
        await interaction.response.defer(thinking=True)
        size = self.bot.settings.discord.search_page_size
        answers = await asyncio.to_thread(self.bot.answerer.search, terms, size * SEARCH_PAGES)
        await self.send_pages(interaction, search_pages(terms, answers, size))

    @app_commands.command(name="sources", description="The articles I answer from, newest first.")
    @app_commands.describe(filter="Only articles whose title, outlet or id matches this")
    async def sources(self, interaction: discord.Interaction,
                      filter: app_commands.Range[str, 1, 100] | None = None) -> None:
        """List the loaded articles (title, date, outlet), paginated."""
        await interaction.response.defer(thinking=True)
        articles = await asyncio.to_thread(self.bot.answerer.articles, filter)
        size = self.bot.settings.discord.sources_page_size
        await self.send_pages(interaction, sources_pages(articles, size, filter))

    @app_commands.command(name="article", description="One article: headline, date, link, first sentences.")
    @app_commands.describe(id="The article (start typing its title)")
    async def article(self, interaction: discord.Interaction, id: app_commands.Range[str, 1, 200]) -> None:
        """Show one article; ``id`` may also be (part of) a title typed without picking a suggestion."""
        await interaction.response.defer(thinking=True)
        info = await asyncio.to_thread(self.find_article, id)
        if info is None:
            await interaction.followup.send(
                "No article matches that. Use `/sources` to see what is loaded.", allowed_mentions=NO_MENTIONS
            )
            return
        sentences = await asyncio.to_thread(self.bot.answerer.article_sentences, info.id, ARTICLE_SENTENCES)
        await interaction.followup.send(embed=article_embed(info, sentences), allowed_mentions=NO_MENTIONS)

    def find_article(self, text: str) -> ArticleInfo | None:
        """The article with id ``text``, else the best title/outlet match for it (blocking)."""
        answerer = self.bot.answerer
        info = answerer.article(text.strip())
        if info is not None:
            return info
        matches = answerer.articles(text)
        return matches[0] if matches else None

    @article.autocomplete("id")
    async def article_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        """Articles whose title, outlet or id matches what was typed (newest first when nothing is typed)."""
        articles = await asyncio.to_thread(self.bot.answerer.articles, current.strip() or None)
        return article_choices(articles)


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Browse(bot))
