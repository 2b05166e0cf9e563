"""English glosses of Portuguese quotes: which answers get one, the translation, and its sanity checks.

Shared by the terminal (:mod:`bot.cli`) and Discord (:mod:`bot.app.exts.ask`). A gloss is an
offline machine translation (:mod:`bot.translate`), so it is labelled as such wherever it is
shown, and it is dropped rather than shown when it looks wrong (:func:`problem`):

* it loops ("the following, the following, the following...", a phrase repeated back to back,
  or far more often than anything repeats in its source);
* it is much longer or much shorter than its source;
* a name of the source is missing from it ("Lula" turned into "squid", a name mangled);
* it changes the gender of the people named ("a vereadora Marielle Franco ... seu motorista"
  glossed as "councilman Marielle Franco ... his driver").

Only what is shown is glossed: confident answers to English questions quoting articles in
another language, in the order shown, at most ``limit`` of them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from rapidfuzz import fuzz

from bot.language import STOPWORDS, fold

if TYPE_CHECKING:
    from bot.answering import Answer, Result

log = logging.getLogger(__name__)

#: How a gloss is labelled wherever it is shown.
LABEL = "machine translation"

#: A gloss shorter/longer than these multiples of its source's length is not trusted.
MIN_LENGTH_RATIO = 0.5
MAX_LENGTH_RATIO = 1.9
#: Below this many characters of source, the length checks are skipped (short texts vary a lot).
_MIN_CHARS_FOR_LENGTH = 25
#: A source name counts as kept when a gloss word matches it at least this well (rapidfuzz ratio).
_NAME_MATCH = 80

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NAME = re.compile(r"[A-ZÀ-Ý][^\W\d_]+(?:-[A-ZÀ-Ý]?[^\W\d_]+)*")
#: What may join the names of one run: "Luiz Inácio Lula da Silva", "Ministério da Defesa".
_RUN_GLUE = re.compile(r"\s+(?:(?:de|da|do|dos|das|e|di|van|von)\s+)?")
#: Characters after which a capital letter only says that a sentence, quote or aside starts.
_OPENERS = ".!?:;\"“«(—–-+"
#: Where a phrase may legitimately come back: after a sentence, a colon or a quotation mark.
_CLAUSE_END = re.compile(r"[.!?;:]+\s|[\"“”«»]|(?<!\w)'|'(?!\w)")
_EN_STOPWORDS = STOPWORDS["en"] | {"the", "of", "a", "an"}
#: Words that repeat in any long sentence ("of the", "em um"): n-grams holding one are not counted.
_FUNCTION_WORDS = STOPWORDS["en"] | STOPWORDS["pt"]
# Gender markers. Portuguese: pronouns, and an article or contraction before a person's noun and
# name ("a vereadora Marielle", "do deputado Carlos"). English: pronouns and -man/-woman nouns.
_PT_FEMININE = re.compile(
    r"\b(?i:ela|elas|dela|delas|nela|nelas|mulher|mulheres)\b|\b(?i:a|da|na|à|pela)\s+[a-zà-ý-]+a\s+[A-ZÀ-Ý]"
)
_PT_MASCULINE = re.compile(
    r"\b(?i:ele|eles|dele|deles|nele|neles|homem|homens)\b|\b(?i:o|do|no|ao|pelo)\s+[a-zà-ý-]+[or]\s+[A-ZÀ-Ý]"
)
_EN_FEMININE = re.compile(r"\b(?i:she|her|hers|herself|mrs|ms)\b|\b[a-z]*wom[ae]n\b")
_EN_MASCULINE = re.compile(r"\b(?i:he|his|him|himself|mr)\b|\b[a-z]+m[ae]n\b")
#: Lower-case words ending in -man/-men that are not masculine nouns.
_NOT_MASCULINE = frozenset({"woman", "women", "human", "humans", "german", "roman", "ottoman", "amen", "omen",
                            "specimen", "abdomen", "hymen", "stamen", "semen", "yemen", "oman"})

#: ``translate(text)``: the English of a Portuguese text, or None.
Translate = Callable[[str], "str | None"]


class Glosser(Protocol):
    """What glossing needs of an answerer: ``gloss(text)`` (``Answerer.gloss``)."""

    def gloss(self, text: str, target: str = "en") -> str | None: ...


def wants_gloss(result: Result, answer: Answer) -> bool:
    """True when an English question is answered by a quote (a confident answer) in another language."""
    return answer.confident and result.lang == "en" and answer.article.lang not in ("en", "und", "")


def problem(source: str, gloss: str, aliases: Iterable[Sequence[str]] = (),
            translate: Translate | None = None) -> str | None:
    """Why ``gloss`` is not a faithful translation of ``source`` (None when it looks fine).

    A name of the source counts as kept when the gloss has it as written (or nearly: "Defence"
    for "Defesa"), as one of its ``aliases`` (``aliases.yaml``: "Coreia do Norte" -> "North
    Korea"), or as ``translate`` renders it alone. A name that ``translate`` renders as a word
    ("Senado" -> "Senate", "Câmara" -> "Chamber") is an institution and may be reworded; one it
    leaves as it is ("Lula") must be in the gloss, so a gloss saying "squid" lost it.
    """
    gloss = " ".join(gloss.split())
    if not gloss:
        return "empty"
    loop = _repetition(source, gloss)
    if loop:
        return loop
    if len(source) >= _MIN_CHARS_FOR_LENGTH:
        ratio = len(gloss) / len(source)
        if ratio < MIN_LENGTH_RATIO:
            return f"much shorter than its source ({ratio:.2f} of its length)"
        if ratio > MAX_LENGTH_RATIO:
            return f"much longer than its source ({ratio:.2f} times its length)"
    missing = _missing_names(source, gloss, aliases, translate)
    if missing:
        return f"names of the source missing: {', '.join(missing)}"
    return _gender_change(source, gloss)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


# --- repetition --------------------------------------------------------------------------------


def _tandem(words: list[str], size: int, times: int) -> str | None:
    """The first ``size``-word phrase repeated ``times`` times back to back, or None."""
    for start in range(len(words) - size * times + 1):
        unit = words[start:start + size]
        if all(words[start + k * size:start + (k + 1) * size] == unit for k in range(1, times)):
            return " ".join(unit)
    return None


def _most_repeated(words: list[str], size: int = 2) -> tuple[str, int]:
    """The content n-gram (no function words) occurring most often, and its count."""
    grams = Counter(
        " ".join(gram) for gram in (words[i:i + size] for i in range(len(words) - size + 1))
        if not any(w in _FUNCTION_WORDS for w in gram)
    )
    return grams.most_common(1)[0] if grams else ("", 0)


def _repetition(source: str, gloss: str) -> str | None:
    """A phrase looping back to back, or one repeated much more than anything repeats in the source."""
    words, source_words = _words(gloss), _words(source)
    source_text = " ".join(source_words)
    clauses = [_words(clause) for clause in _CLAUSE_END.split(gloss)]  # "...the fine. The fine was" is fine
    for size in range(1, 6):
        times = 3 if size == 1 else 2  # "very, very" is English; a phrase twice back to back is a loop
        for clause in clauses:
            unit = _tandem(clause, size, times)
            if unit is None or (size == 1 and len(unit) <= 2):
                continue
            if _tandem(source_words, size, times) or unit in source_text:
                continue  # the source repeats itself too, or quotes this very phrase
            return f"repeats itself ({unit!r} back to back)"
    gram, count = _most_repeated(words)
    if count >= 3 and count > _most_repeated(source_words)[1] + 1:
        return f"repeats itself ({gram!r} {count} times)"
    return None


# --- names ---------------------------------------------------------------------------------------


def _name_matches(source: str) -> Iterator[re.Match[str]]:
    """Capitalised words that are names: not capitalised only because a sentence or quote starts,
    and not in capitals (acronyms and shouted labels, which may well be translated)."""
    for match in _NAME.finditer(source):
        before = source[:match.start()].rstrip()
        if before and before[-1] not in _OPENERS and not match.group().isupper():
            yield match


def _name_runs(source: str) -> list[tuple[str, list[str]]]:
    """Runs of names as (phrase, names): consecutive names joined by "de/da/do/dos/das/e" at most."""
    runs: list[tuple[int, int, list[str]]] = []
    for match in _name_matches(source):
        if runs and _RUN_GLUE.fullmatch(source[runs[-1][1]:match.start()]):
            start, _, names = runs[-1]
            runs[-1] = (start, match.end(), [*names, match.group()])
        else:
            runs.append((match.start(), match.end(), [match.group()]))
    return [(source[start:end], names) for start, end, names in runs]


def _missing_names(source: str, gloss: str, aliases: Iterable[Sequence[str]],
                   translate: Translate | None) -> list[str]:
    """The source's names that the gloss lost (see :func:`problem`)."""
    gloss_words = set(_words(fold(gloss)))
    folded_gloss = " " + " ".join(_words(fold(gloss))) + " "
    alias_of: dict[str, list[str]] = {}
    for group in aliases:
        folded = [" ".join(_words(fold(name))) for name in group]
        for name in folded:
            alias_of.setdefault(name, []).extend(n for n in folded if n != name)

    def has(word: str) -> bool:
        word = fold(word).casefold()
        return word in gloss_words or any(fuzz.ratio(word, w) >= _NAME_MATCH for w in gloss_words)

    def has_alias(phrase: str) -> bool:
        return any(f" {a} " in folded_gloss for a in alias_of.get(" ".join(_words(fold(phrase))), ()))

    def is_name(word: str) -> bool:
        """True when the translator leaves ``word`` as it is, as it does a person's name."""
        rendered = translate(word) if translate is not None else None
        return rendered is None or fold(word).casefold() in _words(fold(rendered))

    missing: list[str] = []
    for phrase, names in _name_runs(source):
        lost = [name for name in names if not (has(name) or has_alias(name))]
        if not lost or has_alias(phrase):
            continue
        rendered = translate(phrase) if translate is not None else None
        if rendered and all(has(w) for w in _words(rendered) if w not in _EN_STOPWORDS):
            continue  # translated as a whole: "Ministério da Defesa" -> "Ministry of Defense"
        missing.extend(name for name in lost if is_name(name))
    return missing


# --- gender --------------------------------------------------------------------------------------


def _gender_change(source: str, gloss: str) -> str | None:
    """The gloss speaks of men where the source speaks only of women, or the other way round."""
    feminine = bool(_PT_FEMININE.search(source))
    masculine = bool(_PT_MASCULINE.search(source))
    en_masculine = any(w not in _NOT_MASCULINE for w in _EN_MASCULINE.findall(gloss))
    en_feminine = bool(_EN_FEMININE.search(gloss))
    if feminine and not masculine and en_masculine and not en_feminine:
        return "changes the gender of the people named (she -> he)"
    if masculine and not feminine and en_feminine and not en_masculine:
        return "changes the gender of the people named (he -> she)"
    return None


# --- glossing answers ----------------------------------------------------------------------------


def checked_gloss(glosser: Glosser, text: str, aliases: Iterable[Sequence[str]] = ()) -> str | None:
    """The English gloss of ``text``, or None when there is none or it fails :func:`problem`."""
    gloss = glosser.gloss(text)
    if not gloss:
        return None
    why = problem(text, gloss, aliases, glosser.gloss)
    if why:
        log.info("gloss dropped (%s): %r -> %r", why, text[:80], gloss[:80])
        return None
    return gloss


def glosses_for(glosser: Glosser, result: Result, limit: int,
                aliases: Iterable[Sequence[str]] = ()) -> dict[str, str]:
    """Checked glosses of the answers shown (those of the first ``limit`` that :func:`wants_gloss`), by quote."""
    aliases = tuple(aliases)
    glosses: dict[str, str] = {}
    for answer in result.answers[:limit]:
        if answer.text in glosses or not wants_gloss(result, answer):
            continue
        gloss = checked_gloss(glosser, answer.text, aliases)
        if gloss:
            glosses[answer.text] = gloss
    return glosses
