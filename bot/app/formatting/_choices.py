"""Autocomplete choices and select options, within Discord's limits (25 of 1..100 characters)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import discord
from discord import app_commands

from bot.app.formatting._text import (
    CHOICE_COUNT,
    CHOICE_LIMIT,
    MESSAGE_LIMIT,
    SELECT_OPTION_COUNT,
    SELECT_OPTION_LIMIT,
    escape,
    format_date,
    truncate,
)
from bot.app.strings import text
from bot.records import ArticleInfo


def text_choices(values: Iterable[str]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: at most 25, names and values of 1..100 characters, no duplicates.

    A value too long for Discord is left out rather than cut: a cut question or headline is not
    what the user would be sending.
    """
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for value in values:
        shown = " ".join(value.split())
        if not shown or len(shown) > CHOICE_LIMIT or shown.casefold() in seen:
            continue
        seen.add(shown.casefold())
        choices.append(app_commands.Choice(name=shown, value=shown))
        if len(choices) == CHOICE_COUNT:
            break
    return choices


def article_label(info: ArticleInfo, limit: int, lang: str = "en") -> str:
    """"Headline (date)" within ``limit`` characters, the headline cut at a word boundary."""
    date = f" ({format_date(info.date, lang) or info.date})" if info.date else ""
    date = date if len(date) < limit // 2 else ""
    return truncate(" ".join(info.title.split()) or info.id, limit - len(date)) + date


def article_choices(articles: Iterable[ArticleInfo], lang: str = "en") -> list[app_commands.Choice[str]]:
    """Autocomplete choices for /article: the title (and date) shown, the article id as the value."""
    choices: list[app_commands.Choice[str]] = []
    for info in articles:
        if not info.id or len(info.id) > CHOICE_LIMIT:
            continue  # an id Discord cannot carry back; the title search in /article still finds it
        choices.append(app_commands.Choice(name=article_label(info, CHOICE_LIMIT, lang), value=info.id))
        if len(choices) == CHOICE_COUNT:
            break
    return choices


def article_options(articles: Iterable[ArticleInfo], lang: str = "en") -> list[discord.SelectOption]:
    """Select-menu options for a list of candidate articles (at most 25; the value is the id)."""
    options: list[discord.SelectOption] = []
    for info in articles:
        if not info.id or len(info.id) > SELECT_OPTION_LIMIT:
            continue
        description = truncate(" · ".join(p for p in (info.source, info.id) if p), SELECT_OPTION_LIMIT)
        options.append(discord.SelectOption(label=article_label(info, SELECT_OPTION_LIMIT, lang), value=info.id,
                                            description=description or None))
        if len(options) == SELECT_OPTION_COUNT:
            break
    return options


def candidates_text(typed: str, articles: Sequence[ArticleInfo], lang: str = "en", shown: int = 10) -> str:
    """The private message above /article's menu: what was typed, and the first candidates listed."""
    head = text("article_candidates", lang, text=truncate(escape(typed), 100))
    listed = "\n".join(f"• {escape(article_label(info, 100, lang))}" for info in articles[:shown])
    return truncate(f"{head}\n{listed}" if listed else head, MESSAGE_LIMIT)
