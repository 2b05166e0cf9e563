"""Expansion: a question -> the concepts it is about, each with the words that may express it.

A concept is one content word of the question (or of its translation into the corpus
language), with its typo corrections against the index vocabulary and the aliases of the name
it belongs to (``config/aliases.yaml``), and a weight: how rare the word is in the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.answer_types import PHRASE_WORDS
from bot.answering._corpus import Corpus
from bot.answering._terms import name_terms, terms
from bot.language import fold
from bot.questions import Question, content_words
from bot.translate import Translator

#: How much a translated word the corpus never uses counts, relative to an unknown word of the question itself.
_UNKNOWN_TRANSLATED = 0.3
#: Proper names, acronyms and numbers in a question (not its capitalised first word).
_PROPER = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-ZÀ-Ý][\w'-]*|\b\w*\d\w*")

AliasTable = list[tuple[re.Pattern[str], str, tuple[str, ...]]]


@dataclass(slots=True)
class Concept:
    """One thing the question is about, with the index terms that express it."""

    word: str
    words: set[str]  # what is searched: the word, its corrections, its aliases
    terms: set[str]  # what coverage matches: the index terms of those words
    idf: float
    fuzzy: bool


def alias_table(groups: Sequence[Sequence[str]]) -> AliasTable:
    """For each alias: the pattern that finds it in a question, its folded form, and the other names."""
    table = []
    for group in groups:
        folded = [fold(name) for name in group]
        for i, name in enumerate(folded):
            others = tuple(n for j, n in enumerate(folded) if j != i)
            if group[i].isupper():  # an acronym (UN, WHO, EUA) only when written as one
                pattern = re.compile(rf"(?<![\w-]){re.escape(group[i])}(?![\w-])")
            else:
                pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])", re.IGNORECASE)
            table.append((pattern, name, others))
    return table


class Expander:
    """Turns an analysed question into weighted concepts over one corpus."""

    def __init__(self, corpus: Corpus, translator: Translator, aliases: Sequence[Sequence[str]]) -> None:
        self._corpus = corpus
        self._translator = translator
        self._aliases = alias_table(aliases)

    def translation(self, q: Question) -> str | None:
        """The question in the corpus language, when it is asked in the other one and a translator exists."""
        target = self._corpus.lang
        source = q.lang if q.lang in ("pt", "en") else ("en" if target == "pt" else "pt")
        if source == target or not self._translator.available:
            return None
        return self._translator.translate(q.text, source, target)

    def correct(self, word: str) -> list[str]:
        """Vocabulary words a misspelt word probably means (same first letter, similar spelling)."""
        vocabulary, buckets = self._corpus.vocabulary_by_letter()
        pool = buckets.get(word[0], [])
        found = process.extract(word, pool, scorer=fuzz.ratio, limit=5, score_cutoff=80)
        found = [(term, score) for term, score, _ in found if abs(len(term) - len(word)) <= 2]
        if not found:
            return []
        best = max(score for _, score in found)
        close = [(term, score) for term, score in found if score >= best - 4]
        close.sort(key=lambda ts: (ts[1], vocabulary.get(ts[0], 0)), reverse=True)
        return [term for term, _ in close[:2]]

    def concepts(self, q: Question, translated: str | None) -> list[Concept]:
        """What the question is about: one concept per content word, with its alternatives."""
        corpus = self._corpus
        words = list(content_words(translated)) if translated else []
        translated_words = set(words)
        names = [w for w in q.terms if w not in translated_words]
        if translated:
            original_names = {fold(m.group()) for m in _PROPER.finditer(q.text)}
            names = [w for w in names if w in original_names]
        words += names
        words = [w for w in words if w not in PHRASE_WORDS.get(q.asks, ())]
        asked = " ".join(filter(None, (q.text, translated)))
        folded_q = fold(asked)
        concepts: list[Concept] = []
        for word in dict.fromkeys(words):
            found = terms(word)
            searched = {word}
            df = corpus.document_frequency(word)
            fuzzy = False
            if df == 0 and len(word) >= 4 and not word.isdigit():
                for fixed in self.correct(word):
                    searched.add(fixed)
                    found |= terms(fixed)
                    df = max(df, corpus.document_frequency(fixed))
                    fuzzy = True
            # A word the corpus never uses stays a concept: it cannot match, and so it lowers the
            # confidence of every answer, which is right: the corpus does not speak of it. A word
            # the translator chose counts less: the articles may well use a synonym.
            weight = corpus.idf(df) * (_UNKNOWN_TRANSLATED if df == 0 and word in translated_words else 1.0)
            concepts.append(Concept(word, searched, found, weight, fuzzy))
        for pattern, name, others in self._aliases:
            if not pattern.search(asked if pattern.flags & re.IGNORECASE == 0 else folded_q):
                continue
            alias_of = {t for word in content_words(name) for t in name_terms(word)}
            alias_words = {word for other in others for word in content_words(other)}
            for concept in concepts:
                if concept.terms & alias_of:
                    concept.words |= alias_words
                    concept.terms |= {t for word in alias_words for t in name_terms(word)}
        years = {t[:4] for t in q.times}
        kept: list[Concept] = []
        for concept in concepts:
            if concept.word in years:
                continue  # a named time is checked by date, not by word
            if translated and concept.word not in translated_words and any(concept.word in k.terms for k in kept):
                continue  # "North" of "North Korea" when the translation's "Coreia do Norte" already says it
            kept.append(concept)
        return kept
