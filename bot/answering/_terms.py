"""Text -> the index terms that coverage compares (shared by expansion, ranking and confidence)."""

from __future__ import annotations

from itertools import pairwise

from bot.index import analyse

#: Words sharing this many first letters (four for five-letter words) count as the same word when the
#: stemmer missed it ("pagou" and "pagos").
PREFIX = 5


def terms(text: str) -> set[str]:
    """The index terms of ``text`` that coverage compares: folded words and their stems.

    Stems shorter than four letters are left out: they join unrelated words ("para" and
    "Paris" both stem to "par", "coreia" and "cor" to "cor").
    """
    stems = {t for t in (*analyse(text, "pt"), *analyse(text, "en")) if len(t) >= 4}
    return stems | set(analyse(text, None))


def sentence_terms(text: str, lang: str) -> set[str]:
    """What :func:`terms` gives for a sentence of a known language (its own stems only: faster)."""
    return {t for t in analyse(text, lang) if len(t) >= 4} | set(analyse(text, None))


def name_terms(text: str) -> set[str]:
    """The folded words of a name, unstemmed (names are not inflected)."""
    return set(analyse(text, None))


def prefix(word: str) -> str:
    """The part of a word that inflection leaves alone: five letters, four of a five-letter word."""
    return word[:PREFIX] if len(word) > PREFIX else word[: PREFIX - 1]


def word_pairs(text: str) -> set[tuple[str, str]]:
    """Neighbouring folded words ("estao", "sob"): phrasing shared with the question, stop words included."""
    return set(pairwise(analyse(text, None)))


def shared_share(wanted: set[tuple[str, str]], found: set[tuple[str, str]]) -> float:
    """The share of ``wanted`` pairs that ``found`` holds (0 when nothing is wanted)."""
    return len(wanted & found) / len(wanted) if wanted else 0.0
