"""Text primitives: escaping, word-boundary truncation, splitting, links, dates and source lines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import discord

from bot.app.strings import text
from bot.dates import weekday_label
from bot.records import ArticleInfo

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
MESSAGE_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000  # per embed, and for all the embeds of one message together
EMBED_FIELD_COUNT = 25
EMBEDS_PER_MESSAGE = 10
BUTTON_LABEL_LIMIT = 80
SELECT_OPTION_COUNT = 25
SELECT_OPTION_LIMIT = 100
CHOICE_LIMIT = 100
CHOICE_COUNT = 25

ELLIPSIS = "…"
COLOUR = discord.Colour.from_rgb(46, 134, 193)  # answers and listings
UNSURE_COLOUR = discord.Colour.from_rgb(149, 165, 166)  # "not found": never looks like an answer

_TITLE_ROOM = 120  # characters of an article title shown in a source line
_URL_ROOM = 400  # longer links are left out of source lines rather than eating a message
_ALSO_IN_SHOWN = 3


def escape(value: str) -> str:
    """Article text made inert: markdown escaped, mentions broken, line breaks flattened."""
    flat = " ".join(value.split())
    return discord.utils.escape_mentions(discord.utils.escape_markdown(flat))


def unescape(value: str) -> str:
    """Text as it was before :func:`escape` (markdown escapes and broken mentions undone)."""
    return re.sub(r"\\(.)", r"\1", value.replace("@\u200b", "@"))


def truncate(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, at a word boundary when there is one, ending in "…"."""
    if len(value) <= limit:
        return value
    if limit <= len(ELLIPSIS):
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS)
    cut = value[:room]
    space = cut.rfind(" ")
    if space > room // 2:
        cut = cut[:space]
    # A cut escape (a trailing lone backslash) would escape the ellipsis.
    cut = cut.rstrip().rstrip("\\")
    return cut + ELLIPSIS


def split_message(value: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """``value`` split into pieces of at most ``limit`` characters.

    Splits between paragraphs first, then between lines, then between words; only a single
    word longer than ``limit`` is cut.
    """
    pieces: list[str] = []
    for unit, joiner in _units(value, limit):
        if pieces and len(pieces[-1]) + len(joiner) + len(unit) <= limit:
            pieces[-1] += joiner + unit
        else:
            pieces.append(unit)
    return [p for p in pieces if p.strip()] or ([value[:limit]] if value.strip() else [])


def _units(value: str, limit: int) -> Iterable[tuple[str, str]]:
    """(unit, joiner) pairs: paragraphs, or lines/words of paragraphs that are too long."""
    for paragraph in value.split("\n\n"):
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


def code(value: str) -> str:
    """``value`` as inline code (backticks inside it replaced, since they cannot be escaped there)."""
    return "`" + value.replace("`", "'") + "`"


def format_date(iso: str | None, lang: str = "en") -> str | None:
    """An ISO date of any precision as words: "18 October 2023" / "18 de outubro de 2023", "1991".

    A value that is not a date comes back as given (escaped)."""
    return escape(weekday_label(iso.strip(), lang, weekday=False)) if iso and iso.strip() else None


def safe_url(url: str | None) -> str | None:
    """A link usable inside ``[title](url)``, or None when it is not an http(s) link or too long."""
    if not url or not re.match(r"https?://[^\s/]", url) or len(url) > _URL_ROOM:
        return None
    cleaned = "".join(ch for ch in url if (ch.isprintable() and not ch.isspace()) or ch == " ")
    cleaned = cleaned.replace(" ", "%20").replace(")", "%29").replace("(", "%28").replace(">", "%3E").replace(
        "<", "%3C")
    # "@everyone" must not appear in a message even inside a link: "@" is encoded after the host, and
    # credentials before it (user@host, never in a news link) are dropped.
    scheme, _, rest = cleaned.partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme}://{host.rpartition('@')[2]}{slash}{path.replace('@', '%40')}"


def link(title: str, url: str | None, room: int = _TITLE_ROOM, *, embed: bool = False, lang: str = "en") -> str:
    """The article title as a masked link, or bold when there is no usable link.

    Outside embeds the URL is wrapped in angle brackets so Discord shows no preview. The title
    shown is at most ``room`` characters; the markup around it is never cut.
    """
    # Escape brackets that are not already part of an escape pair, so the link text cannot end early.
    shown = re.sub(r"\\.|[\[\]]", _escape_bracket, escape(" ".join(title.split()) or text("untitled", lang)))
    shown = truncate(shown, max(room, 1))
    safe = safe_url(url)
    if not safe:
        return f"**{shown}**"
    return f"[{shown}]({safe})" if embed else f"[{shown}](<{safe}>)"


def _escape_bracket(match: re.Match[str]) -> str:
    found = match.group()
    return found if found.startswith("\\") else "\\" + found


def fitted_link(title: str, url: str | None, room: int, *, embed: bool = False, lang: str = "en") -> str:
    """:func:`link` within ``room`` characters in all: the URL is dropped before the title is cut short."""
    full = link(title, url, room=min(_TITLE_ROOM, room), embed=embed, lang=lang)
    return full if len(full) <= room else link(title, None, room=max(room - 4, 1), lang=lang)


def source_line(info: ArticleInfo, also_in: Sequence[ArticleInfo] = (), room: int = MESSAGE_LIMIT, *,
                embed: bool = False, lang: str = "en") -> str:
    """"— [title](url) · outlet · date" plus the other outlets carrying the same sentence, within ``room``.

    When room is short the other outlets go first, then the link; the markup is never cut.
    """
    details = []
    if info.source:
        details.append(escape(truncate(info.source, 60)))
    date = format_date(info.date, lang)
    if date:
        details.append(date)
    also = ""
    if also_in:
        names = ", ".join(escape(truncate(o.source or o.title, 60)) for o in also_in[:_ALSO_IN_SHOWN])
        more = len(also_in) - _ALSO_IN_SHOWN
        if more > 0:
            names = text("and_more", lang, names=names, count=more)
        also = " · " + text("also_in", lang, names=names)
    rest = "".join(f" · {d}" for d in details)
    line = "— " + link(info.title, info.url, embed=embed, lang=lang) + rest + also
    if len(line) <= room:
        return line
    rest = truncate(rest, max(room // 3, 0)) if len(rest) > room // 3 else rest
    return "— " + fitted_link(info.title, info.url, max(room - 2 - len(rest), 5), embed=embed, lang=lang) + rest
