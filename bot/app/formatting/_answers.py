"""An answer as Discord embeds: one embed per answer, split only beyond Discord's limits.

The embed, top to bottom::

    title        the question
    description  📅 **the direct answer line**        (today: the resolved date of a "when" question)
                 > the quote
                 > *its English gloss*
                 — [headline](link) · outlet · date · speaks of …
                 (more quotes, same shape)
    footer       what the italics are; "sent late" when delivery needed retries (with_late_note)

A question the articles do not answer gets a grey embed that says so and, when something in
the corpus is close to the question, "Did you mean…" with at most three headlines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

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
)
from bot.app.strings import reply_lang, text

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
_DIRECT_ICON = {"when": "📅"}


def direct_answer(result: Result) -> str | None:
    """The answer in a few words, shown above the quotes.

    Today this is the resolved date of a "when" question (``Result.when_label``); a general
    direct answer (a name, a place, a number) belongs here too.
    """
    return result.when_label if result.confident else None


def direct_line(result: Result) -> str | None:
    """:func:`direct_answer` as the embed's first line (bold, with an icon for its kind)."""
    answer = direct_answer(result)
    if not answer:
        return None
    icon = _DIRECT_ICON.get(result.asks, "➡️")
    return truncate(f"{icon} **{escape(answer)}**", _DIRECT_ROOM)


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
                  lang: str | None = None) -> list[list[discord.Embed]]:
    """The reply to a question: messages (usually one) of embeds (usually one), within every limit.

    ``glosses`` maps a quoted sentence to its English translation (computed by the caller).
    ``lang`` is the reply language when the question's own is unknown. Confident answers are
    quoted (at most ``max_quotes``); otherwise the embed says the articles do not answer and
    offers what is close, quoting nothing.
    """
    glosses = glosses or {}
    lang = reply_lang(result.lang, reply_lang(lang))
    title = truncate(escape(result.question) or "?", EMBED_TITLE_LIMIT)
    notes = []
    if result.confident:
        head = direct_line(result)
        shown = [a for a in result.answers if a.confident][:max_quotes]
        blocks = [
            quote_block(a, gloss=glosses.get(a.text), show_when=not (i == 0 and head), lang=lang,
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
    return pack_embeds(title, ([head] if head else []) + blocks, footer, colour)


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
