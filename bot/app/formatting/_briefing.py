"""Briefing tools as embeds: a timeline's pages and a who-is card, within Discord's limits.

A timeline page, one event per entry, in date order::

    title        Timeline: Coreia do Norte · since January 2017
    description  **1. Wed 18 Oct 2023**
                 the sentence (escaped; cut at a word boundary only when it alone overflows the page)
                 — [Reuters](link) · +2 more
    footer       Page 1/4 · 43 dated events · 12 undated

The undated articles' events come after, on pages of their own, each marked undated with the
time words it uses ("no sábado", "em julho do ano passado") instead of a date.

A card: the name as its title, what the articles say it is (each with its source as a link),
then fields for the other spellings, the first and last dates, how many articles name it
("1,234+" when the card read only part of them), the names it appears with and the people it
is not to be confused with.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import discord

from bot.app.formatting._pages import limited_embed
from bot.app.formatting._text import (
    COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    escape,
    format_date,
    link,
    truncate,
)
from bot.app.strings import plural, text
from bot.dates import weekday_label
from bot.records import ArticleInfo

if TYPE_CHECKING:
    from bot.briefing import Card, Entry, Timeline

#: Events on one timeline page, at most (fewer when they are long).
TIMELINE_PAGE_EVENTS = 8
_SOURCE_ROOM = 160  # characters of a source link shown under an event
_TITLE_TOPIC_ROOM = 120
_DESCRIPTIONS_ROOM = 3000  # of a card's description, for what the articles say it is

_SHORT_WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
                   "pt": ("seg", "ter", "qua", "qui", "sex", "sáb", "dom")}
_SHORT_MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
                 "pt": ("jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez")}


def event_date(when: str | None, precision: str, lang: str = "en") -> str:
    """The date an event speaks of, as precise as it is: "Wed 18 Oct 2023", "October 2023", "2017"."""
    if not when:
        return text("undated", lang)
    key = "pt" if lang == "pt" else "en"
    if precision == "day":
        try:
            day = date.fromisoformat(when[:10])
        except ValueError:
            return escape(when)
        return f"{_SHORT_WEEKDAYS[key][day.weekday()]} {day.day} {_SHORT_MONTHS[key][day.month - 1]} {day.year}"
    if precision == "month":
        return escape(weekday_label(when[:7], lang))
    return escape(when[:4])


def sources_text(sources: Sequence[ArticleInfo], lang: str = "en", room: int = _SOURCE_ROOM) -> str:
    """The first source as a link (its outlet, else its headline), and how many more carry the sentence."""
    if not sources:
        return ""
    first = sources[0]
    name = first.source or first.title or first.id
    more = f" · {text('more_sources', lang, count=len(sources) - 1)}" if len(sources) > 1 else ""
    shown = link(name, first.url, room=max(room - len(more) - 10, 10), embed=True, lang=lang)
    if len(shown) > room - len(more):
        shown = link(name, None, room=max(room - len(more) - 4, 10), lang=lang)
    return f"— {shown}{more}"


def _range_text(since: str | None, until: str | None, lang: str) -> str:
    if since and until:
        return f"{format_date(since, lang)} – {format_date(until, lang)}"
    if since:
        return text("timeline_since", lang, date=format_date(since, lang))
    if until:
        return text("timeline_until", lang, date=format_date(until, lang))
    return ""


def _event_block(number: int, entry: Entry, lang: str, room: int) -> str:
    """One event: its number and date (or its time words when undated), the sentence, its sources."""
    if entry.when is None:
        words = ", ".join(f"“{escape(e)}”" for e in entry.expressions)
        head = f"**{number}. {text('undated', lang)}**" + (f" · {words}" if words else "")
    else:
        head = f"**{number}. {event_date(entry.when, entry.precision, lang)}**"
    head = truncate(head, 300)
    tail = sources_text(entry.sources, lang)
    sentence = truncate(escape(entry.text), max(room - len(head) - len(tail) - 2, 20))
    return f"{head}\n{sentence}\n{tail}" if tail else f"{head}\n{sentence}"


def _pack(blocks: Sequence[str], room: int, per_page: int) -> list[list[str]]:
    """Blocks grouped into pages: at most ``per_page`` each, and at most ``room`` characters joined."""
    pages: list[list[str]] = []
    used = 0
    for block in blocks:
        if pages and len(pages[-1]) < per_page and used + 2 + len(block) <= room:
            pages[-1].append(block)
            used += 2 + len(block)
        else:
            pages.append([block])
            used = len(block)
    return pages


def timeline_pages(result: Timeline, lang: str = "en", per_page: int = TIMELINE_PAGE_EVENTS) -> list[discord.Embed]:
    """A timeline as embeds: the dated events in order, then the undated ones on pages of their own.

    Empty when the timeline has no event at all (the caller says so instead).
    """
    topic = truncate(escape(" ".join(result.topic.split())), _TITLE_TOPIC_ROOM)
    span = _range_text(result.since, result.until, lang)
    title = truncate(text("timeline_title", lang, topic=topic) + (f" · {span}" if span else ""), EMBED_TITLE_LIMIT)
    undated_title = truncate(text("timeline_undated_title", lang, topic=topic), EMBED_TITLE_LIMIT)
    counts = plural("events", len(result.entries), lang)
    if result.undated:
        counts += " · " + plural("undated_events", len(result.undated), lang)
    footer_room = len(text("footer_page", lang, page=9999, pages=9999)) + 3 + len(counts)
    room = min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - max(len(title), len(undated_title)) - footer_room) - 2
    note = f"*{text('timeline_undated_note', lang)}*"
    dated = _pack([_event_block(i, e, lang, room) for i, e in enumerate(result.entries, 1)], room, per_page)
    start = len(result.entries) + 1
    loose = _pack([_event_block(i, e, lang, room - len(note) - 2) for i, e in enumerate(result.undated, start)],
                  room - len(note) - 2, per_page)
    chunks = [(title, "\n\n".join(c)) for c in dated]
    chunks += [(undated_title, note + "\n\n" + "\n\n".join(c)) for c in loose]
    total = len(chunks)
    return [limited_embed(t, body, truncate(text("footer_page", lang, page=i, pages=total) + " · " + counts,
                                            EMBED_FOOTER_LIMIT))
            for i, (t, body) in enumerate(chunks, 1)]


def timeline_empty_text(result: Timeline, close: Sequence[str] = (), lang: str = "en") -> str:
    """The private notice for a timeline without events, with the close names the corpus mentions."""
    span = _range_text(result.since, result.until, lang)
    topic = truncate(escape(" ".join(result.topic.split())), _TITLE_TOPIC_ROOM)
    notice = text("timeline_empty", lang, topic=topic, range=f" ({span})" if span else "")
    return _with_close(notice, close, lang)


def _with_close(notice: str, close: Sequence[str], lang: str) -> str:
    if close:
        names = ", ".join(f"**{truncate(escape(n), 80)}**" for n in close[:5])
        notice += "\n" + text("close_names", lang, names=names)
    return notice


def count_text(count: int, complete: bool = True, lang: str = "en") -> str:
    """A count as the language writes thousands ("1,234" / "1.234"), "+" when it is only a lower bound."""
    written = f"{count:,}"
    if lang == "pt":
        written = written.replace(",", ".")
    return written + ("" if complete else "+")


def _counted(key: str, count: int, complete: bool, lang: str) -> str:
    return text(f"{key}.{'one' if count == 1 and complete else 'other'}", lang, count=count_text(count, complete, lang))


def who_embed(card: Card, lang: str = "en") -> discord.Embed:
    """A who-is card: the name, what the articles say it is (with sources), spellings, dates, counts, companions."""
    title = truncate(escape(card.name) or "?", EMBED_TITLE_LIMIT)
    lines: list[str] = []
    used = 0
    for d in card.descriptions:
        line = f"• {truncate(escape(d.text), 300)} {sources_text((d.source,), lang)}"
        if d.source.date:
            line += f" · {format_date(d.source.date, lang)}"
        if used + len(line) + 1 > _DESCRIPTIONS_ROOM:
            break
        lines.append(line)
        used += len(line) + 1
    description = "\n".join(lines) or text("who_no_description", lang, name=title)
    embed = discord.Embed(title=title, description=description, colour=COLOUR)
    others = [s for s in card.spellings if s != card.name]
    if others:
        embed.add_field(name=text("field.spellings", lang), value=_listed(others), inline=True)
    dates = [d for d in dict.fromkeys((card.first_seen, card.last_seen)) if d]
    seen = " – ".join(format_date(d, lang) or d for d in dates) if dates else text("seen_undated", lang)
    embed.add_field(name=text("field.seen", lang), value=seen, inline=True)
    counted = text("in_articles", lang, articles=_counted("articles", card.articles, card.complete, lang),
                   sentences=_counted("sentences", card.mentions, card.complete, lang))
    embed.add_field(name=text("field.count", lang), value=counted, inline=True)
    if card.together:
        embed.add_field(name=text("field.together", lang), value=_listed(card.together), inline=False)
    if card.others:
        embed.add_field(name=text("field.others", lang), value=_listed(card.others), inline=False)
    return embed


def who_missing_text(name: str, close: Sequence[str] = (), lang: str = "en") -> str:
    """The private notice for a name the corpus does not mention, with the close names it does."""
    notice = text("who_missing", lang, name=truncate(escape(" ".join(name.split())), 100))
    return _with_close(notice, close, lang)


def _listed(names: Sequence[str]) -> str:
    """Names joined by commas, as many as fit a field."""
    out: list[str] = []
    used = 0
    for name in names:
        shown = truncate(escape(name), 100)
        if used + len(shown) + 2 > EMBED_FIELD_VALUE_LIMIT:
            break
        out.append(shown)
        used += len(shown) + 2
    return ", ".join(out) or "—"
