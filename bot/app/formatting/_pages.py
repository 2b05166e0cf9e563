"""Listings and reports as embeds: /search and /sources pages, one article, /help, /reload."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.app.formatting._text import (
    COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    code,
    escape,
    fitted_link,
    format_date,
    safe_url,
    source_line,
    split_message,
    truncate,
)
from bot.app.strings import plural, text
from bot.records import ArticleInfo, Sentence

if TYPE_CHECKING:
    from bot.answering import Answer, RefreshReport


def _footer(page: int, pages: int, extra: str, lang: str) -> str:
    return truncate(text("footer_page", lang, page=page, pages=pages) + (f" · {extra}" if extra else ""),
                    EMBED_FOOTER_LIMIT)


def _chunks(items: Sequence[str], page_size: int) -> list[list[str]]:
    return [list(items[i:i + page_size]) for i in range(0, len(items), page_size)] or [[]]


def search_pages(terms: str, answers: Sequence[Answer], page_size: int, lang: str = "en") -> list[discord.Embed]:
    """Search results as embeds of ``page_size`` quotes each (one "nothing found" page when empty)."""
    title = truncate(text("search_title", lang, terms=" ".join(terms.split())), EMBED_TITLE_LIMIT)
    if not answers:
        return [discord.Embed(title=title, description=text("not_found", lang), colour=COLOUR)]
    item_room = (EMBED_DESCRIPTION_LIMIT - 10 * page_size) // page_size
    items = []
    for n, answer in enumerate(answers, 1):
        source = source_line(answer.article, answer.also_in, room=item_room // 2, embed=True, lang=lang)
        head = f"**{n}.** "
        quote = truncate(escape(answer.text), max(item_room - len(source) - len(head) - 4, 20))
        items.append(f"{head}{quote}\n{source}")
    chunks = _chunks(items, page_size)
    count = plural("sentences", len(answers), lang)
    return [limited_embed(title, "\n\n".join(chunk), _footer(i, len(chunks), count, lang))
            for i, chunk in enumerate(chunks, 1)]


def sources_pages(articles: Sequence[ArticleInfo], page_size: int, filter: str | None = None,
                  lang: str = "en") -> list[discord.Embed]:
    """The loaded articles (newest first, as given) as embeds of ``page_size`` lines each."""
    title = text("sources_matching", lang, filter=" ".join(filter.split())) if filter else text("sources_title", lang)
    title = truncate(title, EMBED_TITLE_LIMIT)
    if not articles:
        empty = text("no_filter_match" if filter else "no_articles", lang)
        return [discord.Embed(title=title, description=empty, colour=COLOUR)]
    line_room = (EMBED_DESCRIPTION_LIMIT - page_size) // page_size
    lines = []
    for n, info in enumerate(articles, 1):
        details = [d for d in (escape(info.source or ""), format_date(info.date, lang)) if d]
        ident = code(truncate(info.id, 80))
        tail = (" — " + " · ".join(details) if details else "") + " · " + ident
        head = f"**{n}.** "
        room = max(line_room - len(head) - len(tail), 10)
        lines.append(head + fitted_link(info.title, info.url, room, embed=True, lang=lang) + tail)
    chunks = _chunks(lines, page_size)
    count = plural("articles", len(articles), lang)
    return [limited_embed(title, "\n".join(chunk), _footer(i, len(chunks), count, lang))
            for i, chunk in enumerate(chunks, 1)]


def article_embed(info: ArticleInfo, sentences: Sequence[Sentence], lang: str = "en") -> discord.Embed:
    """One article: headline, link, first sentences as quotes, and its metadata as fields."""
    title = truncate(" ".join(info.title.split()) or text("untitled", lang), EMBED_TITLE_LIMIT)
    quotes = [f"> {escape(s.text)}" for s in sentences if s.text.strip()]
    description = fit_lines(quotes, EMBED_DESCRIPTION_LIMIT) or text("no_text", lang)
    embed = discord.Embed(title=title, url=safe_url(info.url), description=description, colour=COLOUR)
    fields = (
        ("field.date", format_date(info.date, lang)),
        ("field.source", info.source),
        ("field.author", info.author),
        ("field.section", info.section),
        ("field.language", info.lang),
        ("field.id", info.id),
    )
    for key, value in fields:
        if value and value.strip():
            shown = code(truncate(value, EMBED_FIELD_VALUE_LIMIT - 2)) if key == "field.id" else truncate(
                escape(value), EMBED_FIELD_VALUE_LIMIT)
            embed.add_field(name=text(key, lang), value=shown, inline=True)
    return embed


def fit_lines(lines: Sequence[str], limit: int) -> str:
    """Whole lines joined by newlines up to ``limit``; the first line is truncated if it alone is too long."""
    out: list[str] = []
    used = 0
    for line in lines:
        extra = len(line) + (1 if out else 0)
        if used + extra > limit:
            if not out:
                out.append(truncate(line, limit))
            break
        out.append(line)
        used += extra
    return "\n".join(out)


def limited_embed(title: str, description: str, footer: str) -> discord.Embed:
    """An embed with every part cut to its limit and the total kept under 6,000 characters."""
    title = truncate(title, EMBED_TITLE_LIMIT)
    footer = truncate(footer, EMBED_FOOTER_LIMIT)
    room = min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(title) - len(footer))
    embed = discord.Embed(title=title, description=truncate(description, room), colour=COLOUR)
    embed.set_footer(text=footer)
    return embed


def help_embed(max_quotes: int, answer_channels: bool, lang: str = "en") -> discord.Embed:
    """What the bot does and how to ask it."""
    how = [text("help_how_mention", lang), text("help_how_ask", lang)]
    if answer_channels:
        how.append(text("help_how_channels", lang))
    embed = discord.Embed(title=text("help_title", lang), description=text("help_intro", lang, max_quotes=max_quotes),
                          colour=COLOUR)
    embed.add_field(name=text("help_how", lang), value="\n".join(how), inline=False)
    embed.add_field(name=text("help_commands", lang), value=text("help_commands_list", lang), inline=False)
    embed.add_field(name=text("help_examples", lang), value=text("help_examples_list", lang), inline=False)
    return embed


def reload_messages(report: RefreshReport, shown_skipped: int = 20, lang: str = "en") -> list[str]:
    """What a reload changed, as messages within the content limit."""
    seconds = f"{report.seconds:.1f}"
    if report.changed_anything:
        head = text("reload_changed", lang, seconds=seconds, added=len(report.added), changed=len(report.changed),
                    removed=len(report.removed))
    else:
        head = text("reload_unchanged", lang, seconds=seconds)
    lines = [head, text("reload_now", lang, articles=report.articles, sentences=report.sentences)]
    if report.skipped:
        lines.append(plural("reload_skipped", len(report.skipped), lang))
        for item in report.skipped[:shown_skipped]:
            lines.append(f"- {code(truncate(item.path, 150))}: {truncate(escape(item.reason), 140)}")
        if len(report.skipped) > shown_skipped:
            lines.append(text("reload_more", lang, count=len(report.skipped) - shown_skipped))
    return split_message("\n".join(lines))


def reload_failure_text(error: BaseException, lang: str = "en") -> str:
    """The reply when a reload raised: what failed, and that the old index still answers."""
    detail = escape(truncate(f"{type(error).__name__}: {error}", 1500))
    return text("reload_failed", lang, detail=detail)
