"""Browsing the corpus: ``/search``, ``/sources`` and ``/article``, with paginated results.

The three share a per-user cooldown (page turns are free). ``/article`` resolves what was typed
with an ``app_commands.Transformer``: an id (what its autocomplete sends) or a headline typed
whole opens the article; anything vaguer lists the candidates (headlines that match, and
the articles whose sentences mention it) in a private select menu instead of guessing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands
from rapidfuzz import fuzz

from bot.app.buttons import delete_view
from bot.app.client import (
    NO_MENTIONS,
    BriefingBot,
    UserFacingError,
    bot_of,
    defer_thinking,
    send_followup,
)
from bot.app.cooldown import cooldown_check
from bot.app.formatting import (
    SELECT_OPTION_COUNT,
    article_choices,
    article_embed,
    article_options,
    candidates_text,
    escape,
    search_pages,
    sources_pages,
    truncate,
)
from bot.app.pagination import send_pages
from bot.app.strings import command_str, lang_of_locale, text
from bot.language import fold
from bot.records import ArticleInfo

if TYPE_CHECKING:
    from bot.answering import Answerer

log = logging.getLogger(__name__)

#: How many pages of search results to fetch at most.
SEARCH_PAGES = 5
ARTICLE_SENTENCES = 5
#: A typed headline this close (rapidfuzz ratio, accents and case ignored) to one title opens it.
CLEAR_TITLE_RATIO = 90
#: Sentences searched for articles that mention what was typed.
_MENTION_HITS = 40

_browse_check = cooldown_check(lambda interaction: bot_of(interaction).browse_cooldown)


@dataclass(frozen=True, slots=True)
class ArticleLookup:
    """What ``/article``'s argument resolved to: one article, or candidates to choose from."""

    typed: str
    article: ArticleInfo | None
    candidates: tuple[ArticleInfo, ...] = ()


def find_article(answerer: Answerer, typed: str) -> ArticleLookup:
    """Resolve ``typed`` (blocking): an id or a headline typed whole is clear; else the candidates.

    Candidates are the articles whose headline, outlet or id matches, then those whose
    sentences best match; when only one article turns up at all, it is the one.
    """
    typed = " ".join(typed.split())
    info = answerer.article(typed)
    if info is not None:
        return ArticleLookup(typed, info)
    titled = answerer.articles(typed)
    wanted = fold(typed)
    close = [i for i in titled if fuzz.ratio(wanted, fold(i.title)) >= CLEAR_TITLE_RATIO]
    if len(close) == 1:
        return ArticleLookup(typed, close[0])
    found: dict[str, ArticleInfo] = {i.id: i for i in sorted(titled, key=lambda i: -fuzz.WRatio(wanted, fold(i.title)))}
    if len(found) < SELECT_OPTION_COUNT:
        try:
            hits = answerer.search(typed, _MENTION_HITS)
        except ValueError:
            hits = []
        for answer in hits:
            found.setdefault(answer.article.id, answer.article)
    candidates = tuple(found.values())[:SELECT_OPTION_COUNT]
    if len(candidates) == 1:
        return ArticleLookup(typed, candidates[0])
    return ArticleLookup(typed, None, candidates)


class ArticleTransformer(app_commands.Transformer):
    """``/article id``: autocomplete on headlines (the id is sent), resolution by :func:`find_article`."""

    @property
    def min_value(self) -> int:
        """Shortest accepted text."""
        return 1

    @property
    def max_value(self) -> int:
        """Longest accepted text."""
        return 200

    async def transform(self, interaction: discord.Interaction, value: Any, /) -> ArticleLookup:
        """The article or its candidates; a private "no article matches" when there are none."""
        lookup = await asyncio.to_thread(find_article, bot_of(interaction).answerer, str(value))
        if lookup.article is None and not lookup.candidates:
            lang = lang_of_locale(interaction.locale)
            raise UserFacingError(text("article_missing", lang, text=truncate(escape(str(value)), 100)))
        return lookup

    async def autocomplete(self, interaction: discord.Interaction, value: int | float | str,  # type: ignore[override]
                           /) -> list[app_commands.Choice[str]]:
        """Articles whose title, outlet or id matches what was typed (newest first when nothing is)."""
        typed = str(value).strip()
        articles = await asyncio.to_thread(bot_of(interaction).answerer.articles, typed or None)
        return article_choices(articles, lang_of_locale(interaction.locale))


class ArticlePicker(discord.ui.View):
    """A private select menu of candidate articles; the pick is shown publicly."""

    def __init__(self, browse: Browse, lookup: ArticleLookup, lang: str, timeout: float = 180.0) -> None:
        super().__init__(timeout=timeout)
        self.browse = browse
        self.lang = lang
        self.articles = {info.id: info for info in lookup.candidates}
        self.pick.options = article_options(lookup.candidates, lang)
        self.pick.placeholder = text("article_pick", lang)
        self.interaction: discord.Interaction | None = None

    @discord.ui.select(min_values=1, max_values=1)
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[ArticlePicker]) -> None:
        """Show the chosen article."""
        info = self.articles.get(select.values[0])
        if info is None:
            return
        self.stop()
        title = truncate(escape(" ".join(info.title.split()) or info.id), 200)
        await interaction.response.edit_message(content=text("article_picked", self.lang, title=title), view=None)
        await self.browse.post_article(interaction, info, self.lang)

    async def on_timeout(self) -> None:
        """Remove the menu from the private message."""
        if self.interaction is not None:
            try:
                await self.interaction.edit_original_response(view=None)
            except discord.HTTPException as exc:
                log.debug("could not remove an expired article menu: %s", exc)


class Browse(commands.Cog):
    """Search sentences, list the loaded articles, show one article."""

    #: Seconds after the last page turn before the page buttons are removed.
    page_timeout: float = 180.0

    def __init__(self, bot: BriefingBot) -> None:
        self.bot = bot

    async def send_pages(self, interaction: discord.Interaction, pages: list[discord.Embed], lang: str) -> None:
        """Send the first page as a follow-up, with page buttons when there is more than one."""
        await send_pages(interaction, f"/{_name(interaction)} results", pages, lang, timeout=self.page_timeout)

    @app_commands.command(name="search", description=command_str("cmd.search"))
    @app_commands.describe(terms=command_str("cmd.search.terms"))
    @app_commands.check(_browse_check)
    async def search(self, interaction: discord.Interaction, terms: app_commands.Range[str, 1, 300]) -> None:
        """More matching sentences than /ask gives, with no confidence cut."""
        if not await defer_thinking(interaction):
            return
        lang = lang_of_locale(interaction.locale)
        size = self.bot.settings.discord.search_page_size
        answers = await asyncio.to_thread(self.bot.answerer.search, terms, size * SEARCH_PAGES)
        await self.send_pages(interaction, await asyncio.to_thread(search_pages, terms, answers, size, lang), lang)

    @app_commands.command(name="sources", description=command_str("cmd.sources"))
    @app_commands.describe(filter=command_str("cmd.sources.filter"))
    @app_commands.check(_browse_check)
    async def sources(self, interaction: discord.Interaction,
                      filter: app_commands.Range[str, 1, 100] | None = None) -> None:
        """List the loaded articles (title, date, outlet), paginated."""
        if not await defer_thinking(interaction):
            return
        lang = lang_of_locale(interaction.locale)
        size = self.bot.settings.discord.sources_page_size
        pages = await asyncio.to_thread(lambda: sources_pages(self.bot.answerer.articles(filter), size, filter, lang))
        await self.send_pages(interaction, pages, lang)

    @app_commands.command(name="article", description=command_str("cmd.article"))
    @app_commands.describe(id=command_str("cmd.article.id"))
    @app_commands.check(_browse_check)
    async def article(self, interaction: discord.Interaction,
                      id: app_commands.Transform[ArticleLookup, ArticleTransformer]) -> None:
        """Show one article; when what was typed is not clear, offer the candidates privately."""
        lang = lang_of_locale(interaction.locale)
        if id.article is not None:
            if await defer_thinking(interaction):
                await self.post_article(interaction, id.article, lang)
            return
        picker = ArticlePicker(self, id, lang)
        content = candidates_text(id.typed, id.candidates, lang)
        picker.interaction = interaction
        view = picker if picker.pick.options else discord.utils.MISSING  # no id Discord can carry: the list only
        delivery = self.bot.delivery
        await delivery.send(
            "/article candidates",
            lambda late: interaction.response.send_message(content, view=view, ephemeral=True,
                                                           allowed_mentions=NO_MENTIONS),
            deadline=delivery.policy.initial_deadline,
        )

    async def post_article(self, interaction: discord.Interaction, info: ArticleInfo, lang: str) -> None:
        """Post one article publicly as a follow-up of ``interaction`` (already acknowledged)."""
        sentences = await asyncio.to_thread(self.bot.answerer.article_sentences, info.id, ARTICLE_SENTENCES)
        owner = interaction.user.id
        await send_followup(interaction, "/article", lambda late: {
            "embed": article_embed(info, sentences, lang), "view": delete_view(owner, lang)})


def _name(interaction: discord.Interaction) -> str:
    return interaction.command.name if interaction.command is not None else "?"


async def setup(bot: BriefingBot) -> None:
    """Extension entry point."""
    await bot.add_cog(Browse(bot))
