"""Answers, listings and reports -> Discord message text and embeds, within Discord's limits.

Pure functions: nothing here talks to Discord or to the index. Every piece of article text is
escaped (markdown and mentions) before it is put into a message, and every function returns
pieces that already fit Discord's limits (2,000 characters of content, 4,096 of embed
description, 1,024 per field, 256 per title, 6,000 per embed, 25 fields), splitting into
several messages instead of failing. A quote is only cut (with "…") when a single sentence is
longer than the room a message has for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.dates import weekday_label
from bot.records import ArticleInfo, Sentence

if TYPE_CHECKING:
    from bot.answering import Answer, RefreshReport, Result

MESSAGE_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TITLE_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBED_FIELD_COUNT = 25
CHOICE_LIMIT = 100
CHOICE_COUNT = 25

NOT_FOUND = "I couldn't find this in the corpus."
ELLIPSIS = "…"
COLOUR = discord.Colour.from_rgb(46, 134, 193)

_TITLE_ROOM = 150  # characters of an article title shown in a source line
_URL_ROOM = 400  # longer links are left out of source lines rather than eating a message
_ALSO_IN_SHOWN = 3


# --- text primitives -------------------------------------------------------------------------


def escape(text: str) -> str:
    """Article text made inert: markdown escaped, mentions broken, line breaks flattened."""
    flat = " ".join(text.split())
    return discord.utils.escape_mentions(discord.utils.escape_markdown(flat))


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a word boundary when there is one, ending in "…"."""
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    cut = text[:room]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    # A cut escape (a trailing lone backslash) would escape the ellipsis.
    cut = cut.rstrip().rstrip("\\")
    return cut + ELLIPSIS


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """``text`` split into pieces of at most ``limit`` characters.

    Splits between paragraphs first, then between lines, then between words; only a single
    word longer than ``limit`` is cut.
    """
    pieces: list[str] = []
    for unit, joiner in _units(text, limit):
        if pieces and len(pieces[-1]) + len(joiner) + len(unit) <= limit:
            pieces[-1] += joiner + unit
        else:
            pieces.append(unit)
    return [p for p in pieces if p.strip()] or ([text[:limit]] if text.strip() else [])


def _units(text: str, limit: int) -> Iterable[tuple[str, str]]:
    """(unit, joiner) pairs: paragraphs, or lines/words of paragraphs that are too long."""
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            yield paragraph, "\n\n"
            continue
        first = True
        for line in paragraph.split("\n"):
            joiner = "\n\n" if first else "\n"
            first = False
            if len(line) <= limit:
                yield line, joiner
                continue
            for i, word in enumerate(line.split(" ")):
                sep = joiner if i == 0 else " "
                while len(word) > limit:
                    yield word[:limit], sep
                    word, sep = word[limit:], ""
                yield word, sep


def code(text: str) -> str:
    """``text`` as inline code (backticks inside it replaced, since they cannot be escaped there)."""
    return "`" + text.replace("`", "'") + "`"


def format_date(iso: str | None) -> str | None:
    """An ISO date of any precision as words: "18 October 2023", "October 2023", "1991"."""
    return weekday_label(iso.strip(), "en", weekday=False) if iso else None


def _safe_url(url: str | None) -> str | None:
    """A link usable inside ``[title](<url>)``, or None when it is not an http(s) link or too long."""
    if not url or not re.match(r"https?://", url) or len(url) > _URL_ROOM:
        return None
    return url.replace(" ", "%20").replace(")", "%29").replace(">", "%3E").replace("<", "%3C")


def link(title: str, url: str | None, room: int = _TITLE_ROOM) -> str:
    """The article title as a masked link (embeds suppressed by the angle brackets), or bold when no link.

    The title shown is at most ``room`` characters; the markup around it is never cut.
    """
    # Escape brackets that are not already part of an escape pair, so the link text cannot end early.
    shown = re.sub(r"\\.|[\[\]]", _escape_bracket, escape(" ".join(title.split()) or "(untitled)"))
    shown = truncate(shown, max(room, 1))
    safe = _safe_url(url)
    return f"[{shown}](<{safe}>)" if safe else f"**{shown}**"


def _escape_bracket(match: re.Match[str]) -> str:
    text = match.group()
    return text if text.startswith("\\") else "\\" + text


def fitted_link(title: str, url: str | None, room: int) -> str:
    """:func:`link` within ``room`` characters in all: the URL is dropped before the title is cut short."""
    full = link(title, url, room=min(_TITLE_ROOM, room))
    return full if len(full) <= room else link(title, None, room=max(room - 4, 1))


def source_line(info: ArticleInfo, also_in: Sequence[ArticleInfo] = (), room: int = MESSAGE_LIMIT) -> str:
    """"— [title](url) · outlet · date" plus the other outlets carrying the same sentence, within ``room``.

    When room is short the other outlets go first, then the link; the markup is never cut.
    """
    details = []
    if info.source:
        details.append(escape(truncate(info.source, 60)))
    date = format_date(info.date)
    if date:
        details.append(date)
    also = ""
    if also_in:
        names = [escape(truncate(other.source or other.title, 60)) for other in also_in[:_ALSO_IN_SHOWN]]
        more = len(also_in) - _ALSO_IN_SHOWN
        also = " · also in " + ", ".join(names) + (f" and {more} more" if more > 0 else "")
    rest = "".join(f" · {d}" for d in details)
    line = "— " + link(info.title, info.url) + rest + also
    if len(line) <= room:
        return line
    rest = truncate(rest, max(room // 3, 0)) if len(rest) > room // 3 else rest
    return "— " + fitted_link(info.title, info.url, max(room - 2 - len(rest), 5)) + rest


# --- answers -----------------------------------------------------------------------------------


def wants_gloss(result: Result, answer: Answer) -> bool:
    """True when an English question is answered by a quote (a confident answer) in another language."""
    return answer.confident and result.lang == "en" and answer.article.lang not in ("en", "und", "")


def quote_block(answer: Answer, *, gloss: str | None = None, show_when: bool = True,
                limit: int = MESSAGE_LIMIT) -> str:
    """One quoted sentence: the quote, its gloss in italics, and the source line, within ``limit``."""
    extras = []
    if answer.kind != "body":
        extras.append(answer.kind)
    if show_when and answer.when and answer.when != answer.article.date:
        extras.append(f"speaks of {format_date(answer.when)}")
    extra = " · " + " · ".join(extras) if extras else ""
    tail = source_line(answer.article, answer.also_in, room=max(limit // 2 - len(extra), 20)) + extra
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


def format_result(result: Result, *, max_quotes: int, glosses: Mapping[str, str] | None = None,
                  limit: int = MESSAGE_LIMIT) -> list[str]:
    """The reply to a question, as one or more messages of at most ``limit`` characters.

    ``glosses`` maps a quoted sentence to its English translation (computed by the caller).
    Confident answers are quoted (at most ``max_quotes``); otherwise the reply says the corpus
    has no answer and lists the close matches (or the corpus's topics), quoting nothing.
    """
    glosses = glosses or {}
    if result.confident:
        header = None
        if result.asks == "when" and result.when_label:
            header = f"**{escape(result.when_label)}**"
        shown = [a for a in result.answers if a.confident][:max_quotes]
        # The first quote shares its message with the header when it can.
        first_room = limit - (len(header) + 2 if header else 0)
        blocks = [
            quote_block(a, gloss=glosses.get(a.text), show_when=not (i == 0 and header),
                        limit=first_room if i == 0 else limit)
            for i, a in enumerate(shown)
        ]
    else:
        header = NOT_FOUND
        if result.suggestions:
            names = ", ".join(escape(truncate(s, 100)) for s in result.suggestions[:10])
            header += f"\nClose matches or topics: {names}"
        blocks = []  # an unsure passage is not quoted: that would be quoting noise
    return pack_blocks(([header] if header else []) + blocks, limit)


def pack_blocks(blocks: Sequence[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Blocks joined by blank lines into as few messages as fit ``limit``; an oversized block is split."""
    messages: list[str] = []
    for block in blocks:
        for piece in split_message(block, limit) if len(block) > limit else [block]:
            if messages and len(messages[-1]) + 2 + len(piece) <= limit:
                messages[-1] += "\n\n" + piece
            else:
                messages.append(piece)
    return messages


def empty_question_text() -> str:
    """The reply to a mention with no question in it."""
    return "Ask me a question about the news, e.g. `when did Lavrov visit Pyongyang?` — or use `/ask`."


# --- embeds ------------------------------------------------------------------------------------


def _footer(page: int, pages: int, extra: str = "") -> str:
    text = f"Page {page}/{pages}" + (f" · {extra}" if extra else "")
    return truncate(text, EMBED_FOOTER_LIMIT)


def _pages(items: Sequence[str], page_size: int) -> list[list[str]]:
    return [list(items[i:i + page_size]) for i in range(0, len(items), page_size)] or [[]]


def search_pages(terms: str, answers: Sequence[Answer], page_size: int) -> list[discord.Embed]:
    """Search results as embeds of ``page_size`` quotes each (one "nothing found" page when empty)."""
    title = truncate(f"Search: {' '.join(terms.split())}", EMBED_TITLE_LIMIT)
    if not answers:
        return [discord.Embed(title=title, description=NOT_FOUND, colour=COLOUR)]
    item_room = (EMBED_DESCRIPTION_LIMIT - 10 * page_size) // page_size
    items = []
    for n, answer in enumerate(answers, 1):
        source = source_line(answer.article, answer.also_in, room=item_room // 2)
        head = f"**{n}.** "
        quote = truncate(escape(answer.text), max(item_room - len(source) - len(head) - 4, 20))
        items.append(f"{head}{quote}\n{source}")
    pages = _pages(items, page_size)
    count = f"{len(answers)} sentence{'s' if len(answers) != 1 else ''}"
    return [
        _limited_embed(title, "\n\n".join(page), _footer(i, len(pages), count))
        for i, page in enumerate(pages, 1)
    ]


def sources_pages(
    articles: Sequence[ArticleInfo], page_size: int, filter: str | None = None
) -> list[discord.Embed]:
    """The loaded articles (newest first, as given) as embeds of ``page_size`` lines each."""
    title = "Sources" + (f" matching “{' '.join(filter.split())}”" if filter else "")
    title = truncate(title, EMBED_TITLE_LIMIT)
    if not articles:
        text = "No article matches that filter." if filter else "No articles are loaded."
        return [discord.Embed(title=title, description=text, colour=COLOUR)]
    line_room = (EMBED_DESCRIPTION_LIMIT - page_size) // page_size
    lines = []
    for n, info in enumerate(articles, 1):
        details = [d for d in (escape(info.source or ""), format_date(info.date)) if d]
        ident = code(truncate(info.id, 80))
        tail = (" — " + " · ".join(details) if details else "") + " · " + ident
        head = f"**{n}.** "
        room = max(line_room - len(head) - len(tail), 10)
        lines.append(head + fitted_link(info.title, info.url, room) + tail)
    pages = _pages(lines, page_size)
    count = f"{len(articles)} article{'s' if len(articles) != 1 else ''}"
    return [
        _limited_embed(title, "\n".join(page), _footer(i, len(pages), count))
        for i, page in enumerate(pages, 1)
    ]


def article_embed(info: ArticleInfo, sentences: Sequence[Sentence]) -> discord.Embed:
    """One article: headline, link, first sentences as quotes, and its metadata as fields."""
    title = truncate(" ".join(info.title.split()) or "(untitled)", EMBED_TITLE_LIMIT)
    quotes = [f"> {escape(s.text)}" for s in sentences if s.text.strip()]
    description = _fit_lines(quotes, EMBED_DESCRIPTION_LIMIT) or "(no text)"
    embed = discord.Embed(title=title, url=_safe_url(info.url), description=description, colour=COLOUR)
    fields = [
        ("Date", format_date(info.date)),
        ("Source", info.source),
        ("Author", info.author),
        ("Section", info.section),
        ("Language", info.lang),
        ("ID", code(info.id)),
    ]
    for name, value in fields:
        if value:
            embed.add_field(name=name, value=truncate(escape(value) if name != "ID" else value,
                                                      EMBED_FIELD_VALUE_LIMIT), inline=True)
    return embed


def _fit_lines(lines: Sequence[str], limit: int) -> str:
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


def _limited_embed(title: str, description: str, footer: str) -> discord.Embed:
    """An embed with every part cut to its limit and the total kept under 6,000 characters."""
    title = truncate(title, EMBED_TITLE_LIMIT)
    footer = truncate(footer, EMBED_FOOTER_LIMIT)
    room = min(EMBED_DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - len(title) - len(footer))
    embed = discord.Embed(title=title, description=truncate(description, room), colour=COLOUR)
    embed.set_footer(text=footer)
    return embed


def help_embed(max_quotes: int, answer_channels: bool) -> discord.Embed:
    """What the bot does and how to ask it."""
    how = [
        "Mention me with a question, send me a DM, or reply to one of my answers.",
        "Or use **/ask** — it suggests names, places and headlines as you type.",
    ]
    if answer_channels:
        how.append("In this server's answer channels I answer every message, no mention needed.")
    embed = discord.Embed(
        title="Briefing bot",
        description=(
            "I answer briefing questions from a folder of news articles (mostly Portuguese; "
            "English questions are fine) by **quoting the sentences that answer them**, with the "
            f"article they come from and the date they speak of — up to {max_quotes} quotes per answer. "
            "If the articles don't say it, I tell you so instead of guessing."
        ),
        colour=COLOUR,
    )
    embed.add_field(name="How to ask", value="\n".join(how), inline=False)
    embed.add_field(
        name="Commands",
        value=(
            "**/ask** `question` — the answer, quoted\n"
            "**/search** `terms` — more matching sentences, page by page\n"
            "**/sources** `[filter]` — the articles I know\n"
            "**/article** `id` — one article's headline, date, link and first sentences\n"
            "**/reload** — re-read the article folder (admins)\n"
            "**/help** — this message"
        ),
        inline=False,
    )
    embed.add_field(
        name="Examples",
        value="`when did Lavrov visit Pyongyang?` · `quem é John Kirby?` · `onde Kim encontrou Shoigu?`",
        inline=False,
    )
    return embed


# --- reload ------------------------------------------------------------------------------------


def reload_messages(report: RefreshReport, shown_skipped: int = 20) -> list[str]:
    """What a reload changed, as messages within the content limit."""
    if report.changed_anything:
        head = (
            f"Corpus reloaded in {report.seconds:.1f} s: {len(report.added)} added, "
            f"{len(report.changed)} changed, {len(report.removed)} removed."
        )
    else:
        head = f"Corpus re-read in {report.seconds:.1f} s: nothing changed."
    lines = [head, f"Now answering from {report.articles} articles ({report.sentences} sentences)."]
    if report.skipped:
        lines.append(f"Skipped {len(report.skipped)} file{'s' if len(report.skipped) != 1 else ''}:")
        for item in report.skipped[:shown_skipped]:
            lines.append(f"- {code(truncate(item.path, 150))}: {truncate(escape(item.reason), 140)}")
        if len(report.skipped) > shown_skipped:
            lines.append(f"… and {len(report.skipped) - shown_skipped} more (see the bot's log).")
    return split_message("\n".join(lines))


def reload_failure_text(error: BaseException) -> str:
    """The reply when a reload raised: what failed, and that the old index still answers."""
    detail = escape(truncate(f"{type(error).__name__}: {error}", 1500))
    return f"Reload failed — {detail}\nThe previous index is still answering questions."


# --- autocomplete ------------------------------------------------------------------------------


def text_choices(values: Iterable[str]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: at most 25, names and values of 1..100 characters, no duplicates."""
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for value in values:
        text = truncate(" ".join(value.split()), CHOICE_LIMIT)
        if not text or text.casefold() in seen:
            continue
        seen.add(text.casefold())
        choices.append(app_commands.Choice(name=text, value=text))
        if len(choices) == CHOICE_COUNT:
            break
    return choices


def article_choices(articles: Iterable[ArticleInfo]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices for /article: the title (and date) shown, the article id as the value."""
    choices: list[app_commands.Choice[str]] = []
    for info in articles:
        if not info.id or len(info.id) > CHOICE_LIMIT:
            continue  # an id Discord cannot carry back; the title search in /article still finds it
        date = f" ({info.date})" if info.date else ""
        name = truncate(" ".join(info.title.split()) or info.id, CHOICE_LIMIT - len(date)) + date
        choices.append(app_commands.Choice(name=name, value=info.id))
        if len(choices) == CHOICE_COUNT:
            break
    return choices
