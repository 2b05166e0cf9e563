"""The records and the interface every sentence index implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.records import Sentence


class IndexUpdateError(RuntimeError):
    """An update of the index failed and was rolled back: the previous index keeps answering.

    The message is one line saying why (no space left on the device, the index is busy, ...).
    """


class IndexBusyError(IndexUpdateError):
    """Another process kept the index's writer lock for longer than ``WRITER_WAIT``."""


class IndexCorruptError(RuntimeError):
    """The index on disk is damaged (found when opening it or while searching it).

    The corpus is the source of truth: the answering layer moves the damaged index aside and
    rebuilds it from the corpus folder.
    """


@dataclass(frozen=True, slots=True)
class WeightedTerm:
    """A query word (as written or folded; the index analyses it) and how much it counts."""

    text: str
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved sentence and its retrieval score."""

    sentence: Sentence
    score: float
    before: str = ""  # the sentence before it in its article (what "ele", "a visita" may refer to)


class SentenceIndex(Protocol):
    """What the answering layer needs from a sentence store."""

    def replace_article(self, article_id: str, lang: str, sentences: Sequence[Sentence]) -> None:
        """Stage the sentences of one article, replacing any it had (visible after :meth:`commit`)."""

    def remove_article(self, article_id: str) -> None:
        """Stage the removal of every sentence of one article."""

    def clear(self) -> None:
        """Remove every sentence, at once."""

    def commit(self) -> None:
        """Make staged changes visible, atomically."""

    def rollback(self) -> None:
        """Drop staged changes; the committed index keeps answering."""

    def reload(self) -> None:
        """See what another process committed since this one last looked."""

    def search(self, terms: Sequence[WeightedTerm], limit: int) -> list[Hit]:
        """The best ``limit`` sentences for a bag of weighted words, best first."""

    def sentences(self, article_id: str, first: int = 0, last: int | None = None) -> list[Sentence]:
        """Sentences of one article with ``first <= position <= last``, in order."""

    def document_frequency(self, word: str) -> int:
        """In how many sentences the folded word occurs."""

    def vocabulary(self) -> dict[str, int]:
        """Every folded word of the index and its document frequency."""

    @property
    def size(self) -> int:
        """The number of sentences indexed."""
