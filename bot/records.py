"""The records passed forward through the pipeline: files -> articles -> sentences -> answers.

They are plain frozen dataclasses. Nothing downstream reaches back into a file or into Discord;
every stage receives the records of the stage before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: What a piece of article text is. Only "body" text is ordinary prose; the other kinds are kept
#: (and answerable) but marked so the answering layer and the formatter can tell them apart.
BlockKind = Literal["headline", "standfirst", "caption", "byline", "body"]


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph of an article after boilerplate removal."""

    text: str
    kind: BlockKind = "body"


@dataclass(frozen=True, slots=True)
class Article:
    """One article file, cleaned.

    ``id`` is the file's path relative to the corpus root with POSIX separators
    (``news-pt/0821.txt``); it is stable across loads and used as the key everywhere.
    ``date`` keeps its precision: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (None when unknown).
    """

    id: str
    title: str
    date: str | None
    lang: str
    blocks: tuple[Block, ...]
    url: str | None = None
    author: str | None = None
    source: str | None = None
    section: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article, quoted exactly as written (whitespace normalised only).

    ``position`` is 0-based across the whole article, so the neighbours of sentence ``p``
    are ``p - 1`` and ``p + 1`` of the same article. ``when`` is the date the sentence speaks
    of (ISO, precision kept), ``dates`` every date resolved in it.
    """

    article_id: str
    position: int
    text: str
    kind: BlockKind = "body"
    when: str | None = None
    dates: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not loaded (or loaded only in part), and why."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What answers and listings show of an article: its metadata without the text."""

    id: str
    title: str
    date: str | None
    lang: str
    url: str | None = None
    author: str | None = None
    source: str | None = None
    section: str | None = None

    @classmethod
    def of(cls, article: Article) -> ArticleInfo:
        """The listing view of a loaded article."""
        return cls(
            id=article.id, title=article.title, date=article.date, lang=article.lang, url=article.url,
            author=article.author, source=article.source, section=article.section,
        )
