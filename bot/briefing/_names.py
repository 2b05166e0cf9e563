"""The names a corpus mentions: what a timeline or a who-is card can be asked about.

From the corpus's suggester (the articles' most mentioned capitalised runs, sentence debris left
out): completions of a typed name for autocomplete, and close names to offer when a name is not
in the corpus at all.
"""

from __future__ import annotations

from bot.answering import Corpus


def mentioned_names(corpus: Corpus, typed: str, limit: int = 25, people_first: bool = False) -> list[str]:
    """Names the corpus mentions that complete ``typed`` (the most mentioned when it is empty).

    ``people_first`` puts the names that read as a person's before places and organisations.
    """
    return corpus.suggester().names(typed, limit, people_first)


def close_names(corpus: Corpus, name: str, limit: int = 5) -> list[str]:
    """Names the corpus mentions that are close to ``name`` ("Kim Yo-jong" -> "Kim Jong Un"), closest first."""
    return corpus.suggester().close_names(name, limit)


__all__ = ["close_names", "mentioned_names"]
