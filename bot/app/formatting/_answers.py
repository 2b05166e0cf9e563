"""An answer as Discord embeds: one embed per answer, split only beyond Discord's limits.

The embed, top to bottom::

    title        the question (as typed)
    description  ↪️ *Understood as: the whole question*  (a follow-up: what it was read as)
                 📅 **the direct answer line**         (the date, 👤 name, 📍 place, 🔢 number, ⏱️ duration, 💼 title)
                 > the quote
                 > *its English gloss*
                 — [headline](link) · outlet · date · speaks of …
                 (more quotes, same shape)
    footer       what the italics are; "sent late" when delivery needed retries (with_late_note)

A question the articles do not answer gets a grey embed that says so and, when something in
the corpus is close to the question, "Did you mean…" with at most three headlines.

:func:`answered_question` reads the question back from an answer embed (the bot's reply that a
follow-up replies to, after a restart emptied its memory).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.app.formatting._text import (
    COLOUR,
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    UNSURE_COLOUR,
    escape,
    format_date,
    source_line,
    truncate,
    unescape,
)
from bot.app.strings import STRINGS, reply_lang, text
from bot.dates import weekday_label

if TYPE_CHECKING:
    from bot.answering import Answer, Result

#: Headlines offered under "Did you mean…".
SUGGESTIONS_SHOWN = 3
_SUGGESTION_ROOM = 200
#: Room kept in the first embed for the direct answer line.
_DIRECT_ROOM = 300
#: The most a single quote block (quote, gloss, source line) may take: an embed description less the direct line.
QUOTE_BLOCK_LIMIT = EMBED_DESCRIPTION_LIMIT - _DIRECT_ROOM - 2
_FOOTER_ROOM = 400
#: The direct answer's icon by its kind (:class:`bot.answering.Direct`).
DIRECT_ICONS = {"date": "📅", "name": "👤", "place": "📍", "number": "🔢", "duration": "⏱️", "role": "💼"}
_UNDERSTOOD_ICON = "↪️"


def direct_answer(result: Result, lang: str = "en") -> str | None:
    """The answer in a few words, shown above the quotes (``result.direct``, confident answers only).

    A dated date is spelt out in ``lang`` ("Wednesday 18 October 2023"); a time expression of an
    undated article is shown as written and says so ("julho do ano passado — undated article");
    a name, place, number with its unit, duration or title is shown as the quote writes it.
    """
    direct = result.direct
    if direct is None or not result.confident or not direct.text.strip():
        return None
    if direct.kind == "date":
        if direct.value and not direct.undated:
            return weekday_label(direct.value, lang)
        if direct.undated:
            return f"{direct.text} — {text('undated_article', lang)}"
    return direct.text


def direct_line(result: Result, lang: str = "en") -> str | None:
    """:func:`direct_answer` as the embed's first line: bold, after an icon for its kind."""
    answer = direct_answer(result, lang)
    if not answer or result.direct is None:
        return None
    icon = DIRECT_ICONS.get(result.direct.kind, "➡️")
    return truncate(f"{icon} **{escape(answer)}**", _DIRECT_ROOM)


def understood_line(question: str, lang: str = "en") -> str:
    """The line saying what a follow-up was understood as ("↪️ *Understood as: When did Shoigu...?*")."""
    shown = truncate(escape(question), _DIRECT_ROOM - 40)
    return f"{_UNDERSTOOD_ICON} *{text('understood_as', lang, question=shown)}*"


#: What an answer embed's description starts with (a listing's or a card's never does).
_ANSWER_START = re.compile("|".join(
    [re.escape(f"{_UNDERSTOOD_ICON} *")] + [re.escape(f"{icon} **") for icon in (*DIRECT_ICONS.values(), "➡️", "❔")]
    + [re.escape("> ")]))


def _understood_pattern(template: str, group: str) -> str:
    before, after = template.split("{question}")
    return re.escape(f"{_UNDERSTOOD_ICON} *{before}") + f"(?P<{group}>.+)" + re.escape(f"{after}*") + "$"


_UNDERSTOOD = re.compile("|".join(_understood_pattern(t, f"q{i}") for i, t in enumerate(STRINGS["understood_as"])))


def answered_question(embed: discord.Embed | Mapping[str, Any]) -> str | None:
    """The question an answer embed answered (what :func:`answer_embeds` made it from), or None.

    The "Understood as" question of a follow-up, else the title; None for an embed that is not an
    answer's (a listing, a card, a page of a timeline).
    """
    data = embed.to_dict() if isinstance(embed, discord.Embed) else embed
    title = str(data.get("title") or "")
    description = str(data.get("description") or "")
    if not title or data.get("fields") or not _ANSWER_START.match(description):
        return None
    found = _UNDERSTOOD.match(description.split("\n", 1)[0])
    if found:
        return unescape(next(v for v in found.groupdict().values() if v))
    return unescape(title)


def quote_block(answer: Answer, *, gloss: str | None = None, show_when: bool = True,
                limit: int = QUOTE_BLOCK_LIMIT, lang: str = "en", same_source: bool = False) -> str:
    """One quoted sentence: the quote, its gloss in italics, and the source line, within ``limit``.

    ``same_source``: the quote before came from the same article, so the source is not repeated.
    """
    extras = []
    if answer.kind != "body":
        key = f"kind.{answer.kind}"
        extras.append(text(key, lang) if key in _KINDS else escape(answer.kind))
    if show_when and answer.when and answer.when != answer.article.date:
        extras.append(text("speaks_of", lang, date=format_date(answer.when, lang)))
    extra = " · " + " · ".join(extras) if extras else ""
    if same_source:
        tail = "— " + text("same_source", lang) + extra
    else:
        tail = source_line(answer.article, answer.also_in, room=max(limit // 2 - len(extra), 20), embed=True,
                           lang=lang) + extra
    gloss_text = escape(gloss) if gloss else None
    fixed = len("> \n") + len(tail)
    if gloss_text:
        fixed += len("\n> **")
        gloss_text = truncate(gloss_text, max((limit - fixed) // 2, 1))
        fixed += len(gloss_text)
    lines = [f"> {truncate(escape(answer.text), max(limit - fixed, 1))}"]
    if gloss_text:
        lines.append(f"> *{gloss_text}*")
    lines.append(tail)
    return "\n".join(lines)


_KINDS = frozenset({"kind.headline", "kind.standfirst", "kind.caption", "kind.byline"})


def answer_embeds(result: Result, *, max_quotes: int, glosses: Mapping[str, str] | None = None,
                  lang: str | None = None, asked: str | None = None) -> list[list[discord.Embed]]:
    """The reply to a question: messages (usually one) of embeds (usually one), within every limit.

    ``glosses`` maps a quoted sentence to its English translation (computed by the caller).
    ``lang`` is the reply language when the question's own is unknown. ``asked`` is what the
    user typed when it was a follow-up resolved into ``result.question``: it is the title, and
    the first line says what it was understood as. Confident answers are
    quoted (at most ``max_quotes``); otherwise the embed says the articles do not answer and
    offers what is close, quoting nothing.
    """
    glosses = glosses or {}
    lang = reply_lang(result.lang, reply_lang(lang))
    title = truncate(escape(result.question) or "?", EMBED_TITLE_LIMIT)
    notes = []
    if asked is not None:
        title = truncate(escape(asked) or "?", EMBED_TITLE_LIMIT)
    lead = [understood_line(result.question, lang)] if asked is not None else []
    if result.confident:
        head = direct_line(result, lang)
        dated = head is not None and result.direct is not None and result.direct.kind == "date"
        shown = [a for a in result.answers if a.confident][:max_quotes]
        blocks = [
            quote_block(a, gloss=glosses.get(a.text), show_when=not (i == 0 and dated), lang=lang,
                        same_source=i > 0 and a.article.id == shown[i - 1].article.id and not a.also_in)
            for i, a in enumerate(shown)
        ]
        if any(glosses.get(a.text) for a in shown):
            notes.append(text("gloss_note", lang))
        colour = COLOUR
    else:
        head = f"❔ **{text('not_found', lang)}**\n{text('not_found_hint', lang)}"
        blocks = []  # an unsure passage is not quoted: that would be quoting noise
        offered = [truncate(escape(s), _SUGGESTION_ROOM) for s in result.suggestions[:SUGGESTIONS_SHOWN] if s.strip()]
        if offered:
            blocks.append(f"**{text('did_you_mean', lang)}**\n" + "\n".join(f"• {s}" for s in offered))
        colour = UNSURE_COLOUR
    footer = truncate(" · ".join(notes), _FOOTER_ROOM) if notes else None
    first = "\n".join([*lead, head] if head else lead)
    return pack_embeds(title, ([first] if first else []) + blocks, footer, colour)


def pack_embeds(title: str, blocks: Sequence[str], footer: str | None,
                colour: discord.Colour) -> list[list[discord.Embed]]:
    """Blocks joined by blank lines into as few embed descriptions as fit, grouped into messages.

    The first embed carries the title, the last one the footer; a message holds at most 10
    embeds and 6,000 characters. A block longer than a description is cut at a word boundary.
    """
    descriptions: list[str] = []
    for block in blocks:
        block = truncate(block, EMBED_DESCRIPTION_LIMIT)
        if descriptions and len(descriptions[-1]) + 2 + len(block) <= EMBED_DESCRIPTION_LIMIT:
            descriptions[-1] += "\n\n" + block
        else:
            descriptions.append(block)
    embeds = [discord.Embed(description=d, colour=colour) for d in descriptions] or [
        discord.Embed(colour=colour)]
    embeds[0].title = title
    if footer:
        embeds[-1].set_footer(text=footer)
    messages: list[list[discord.Embed]] = []
    used = 0
    for embed in embeds:
        size = len(embed)
        if messages and used + size <= EMBED_TOTAL_LIMIT and len(messages[-1]) < EMBEDS_PER_MESSAGE:
            messages[-1].append(embed)
            used += size
        else:
            messages.append([embed])
            used = size
    return messages


def with_late_note(embeds: Sequence[discord.Embed], lang: str) -> list[discord.Embed]:
    """Copies of one message's ``embeds``, the last one's footer saying the answer was sent late.

    The note is left out when it would take the message past 6,000 characters.
    """
    copies = [embed.copy() for embed in embeds] or [discord.Embed(colour=COLOUR)]
    last = copies[-1]
    note = text("late_note", lang)
    footer = f"{last.footer.text} · {note}" if last.footer.text else note
    total = sum(len(e) for e in copies) - len(last.footer.text or "") + len(footer)
    if len(footer) <= EMBED_FOOTER_LIMIT and total <= EMBED_TOTAL_LIMIT:
        last.set_footer(text=footer)
    return copies
