"""A topic (a person, place or event) -> the sentences of the corpus that speak of it.

A topic is matched by its names: the words as typed, their aliases (``config/aliases.yaml``:
"Coreia do Norte" also finds "Pyongyang" and "norte-coreano"), and, for a misspelt word the
corpus never uses, the vocabulary words it probably means. A sentence mentions the topic when
it holds one of those names as a phrase, or every content word of the topic in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.answering import Corpus
from bot.answering._expand import Expander
from bot.index import Hit, WeightedTerm
from bot.language import fold
from bot.questions import content_words
from bot.records import Sentence
from bot.translate import Translator

#: At most this many sentences are read per topic (a topic as broad as a president is in ~8k of 180k).
_RETRIEVED = 20_000


@dataclass(frozen=True, slots=True)
class Topic:
    """What a topic is matched by."""

    text: str
    names: tuple[str, ...]  # folded phrases: the topic, its aliases, its corrected spelling
    words: tuple[str, ...]  # folded content words of the topic as typed (corrected)
    pattern: re.Pattern[str]  # the names, over folded text
    acronyms: re.Pattern[str] | None = None  # aliases such as UN or EUA, matched only in capitals

    def mentioned_in(self, text: str) -> bool:
        """Whether ``text`` speaks of the topic: one of its names, or all its words."""
        folded = fold(text)
        if self.pattern.search(folded) or (self.acronyms is not None and self.acronyms.search(text)):
            return True
        return bool(self.words) and all(re.search(rf"(?<!\w){re.escape(w)}", folded) for w in self.words)


def topic(corpus: Corpus, text: str) -> Topic:
    """The names and words ``text`` is matched by in ``corpus``. Raises ValueError on an empty topic."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValueError("the topic is empty")
    expander = Expander(corpus, Translator(None), corpus.settings.aliases)
    typed = content_words(cleaned)
    words = [_corrected(corpus, expander, w) for w in typed]
    folded = fold(cleaned)
    corrected = folded
    for before, after in zip(typed, words, strict=True):
        corrected = _phrase(before).sub(after, corrected)
    names = {folded, corrected}
    acronyms: set[str] = set()
    for group in corpus.settings.aliases:
        if any(_names_alias(name, cleaned, (folded, corrected)) for name in group):
            names.update(fold(n) for n in group if not n.isupper())
            acronyms.update(n for n in group if n.isupper())
    ordered = tuple(sorted(names, key=len, reverse=True))
    pattern = re.compile("|".join(_phrase(n).pattern for n in ordered))
    caps = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(acronyms))) if acronyms else None
    return Topic(cleaned, ordered, tuple(words), pattern, caps)


def mentions(corpus: Corpus, t: Topic, limit: int = _RETRIEVED) -> list[Hit]:
    """The sentences that mention the topic, best retrieval score first.

    Each name is looked up by its rarest word (a sentence holding the name holds that word);
    the phrase check then keeps the sentences that hold a whole name.
    """
    words = {_rarest(corpus, name) for name in t.names if content_words(name)}
    if t.words:
        words.add(_rarest(corpus, " ".join(t.words)))
    words.discard("")
    expected = sum(corpus.document_frequency(w) for w in words)
    if not expected:
        return []
    query = [WeightedTerm(w, 1.0) for w in sorted(words)]
    hits = corpus.index.search(query, min(limit, expected))
    return [hit for hit in hits if t.mentioned_in(hit.sentence.text)]


def following(corpus: Corpus, t: Topic, hits: list[Hit]) -> list[Sentence]:
    """The sentences right after mentions, in articles about the topic, that are not mentions themselves.

    A sentence that continues one naming the topic speaks of it too ("Na sexta-feira, o governo
    dos Estados Unidos afirmou que as entregas ... já estavam em curso", after a sentence about
    North Korea's arms). Only in articles the topic is central to (named in the title, or in two
    sentences or more), where the next sentence is likely still about it.
    """
    by_article: dict[str, set[int]] = {}
    for hit in hits:
        by_article.setdefault(hit.sentence.article_id, set()).add(hit.sentence.position)
    found: list[Sentence] = []
    for article_id, positions in by_article.items():
        info = corpus.article(article_id)
        if len(positions) < 2 and not (info is not None and t.mentioned_in(info.title)):
            continue
        wanted = {p + 1 for p in positions} - positions
        for sentence in corpus.index.sentences(article_id, min(wanted), max(wanted)):
            if sentence.position in wanted:
                found.append(sentence)
    return found


#: Words before a place: "em Seul", "a Pyongyang", "in Paris" (the last word before the name).
_LOCATIVE = re.compile(r"(?:^|\s)(?:em|no|na|nos|nas|a|à|ao|para|por|in|at|to)\s+$", re.IGNORECASE)


def is_place(corpus: Corpus, name: str, sample: int = 200) -> bool:
    """Whether the corpus writes ``name`` as a place: after "em", "a", "in"... in most of its mentions."""
    t = topic(corpus, name)
    hits = mentions(corpus, t, sample)
    if not hits:
        return False
    located = 0
    for hit in hits:
        match = t.pattern.search(fold(hit.sentence.text))
        located += bool(match and _LOCATIVE.search(fold(hit.sentence.text)[: match.start()]))
    # One in five: places are subjects too ("Moscou e Pyongyang negam"); people rarely follow "em"/"a"
    # (on the news set: places 0.23-0.66 of their mentions, people 0.00-0.14).
    return located * 5 >= len(hits)


def _rarest(corpus: Corpus, name: str) -> str:
    """The content word of a name that the fewest sentences hold ("" when it has none)."""
    words = content_words(name)
    return min(words, key=lambda w: (corpus.document_frequency(w), -len(w))) if words else ""


def _names_alias(alias: str, typed: str, folded: tuple[str, ...]) -> bool:
    """Whether the typed topic *is* ``alias`` (an acronym such as UN only when typed in capitals).

    The whole topic, not a part of it: "Cristiane Brasil" is a person, not Brazil.
    """
    if alias.isupper():
        return alias == typed.strip()
    return any(fold(alias) == text.strip() for text in folded)


def _corrected(corpus: Corpus, expander: Expander, word: str) -> str:
    """A word the corpus never uses -> the vocabulary word it probably means (else itself)."""
    if corpus.document_frequency(word) or len(word) < 4 or word.isdigit():
        return word
    fixed = expander.correct(word)
    return fixed[0] if fixed else word


@lru_cache(maxsize=4096)
def _phrase(name: str) -> re.Pattern[str]:
    """A folded name as a whole phrase (its words in order, any spacing)."""
    return re.compile(r"(?<![\w-])" + r"[\s-]+".join(map(re.escape, name.split())) + r"(?![\w-])")
