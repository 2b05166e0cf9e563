"""Typo correction that corrects only typos.

A word of the question that the corpus never uses is corrected against the index vocabulary
only when it is not a valid word of the language: the Portuguese and English word lists of
``pyspellchecker`` (maintained frequency lists, ~380k and ~150k folded words) say which words
are. "analista" stays "analista" (the corpus may not use it, but it is no typo of "analisar");
"lavrof" becomes "lavrov".

A misspelt name prefers the names of the corpus: among the close vocabulary words, those that
are names (a word of the names the catalog records for its articles, or a word the corpus
language's list does not know) win over common words; names equally close are all
kept ("Meireles" and "Meirelles") instead of picking one person.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
from array import array
from collections.abc import Callable, Collection, Iterable, Mapping
from importlib.resources import files

from rapidfuzz import fuzz, process

from bot.answering._terms import prefix
from bot.language import fold

log = logging.getLogger(__name__)

#: The word lists that say what is a valid word (pyspellchecker ships both).
LANGUAGES = ("pt", "en")
#: Only words this long are corrected (shorter ones have too many close neighbours).
MIN_LENGTH = 4
#: How close (rapidfuzz ratio, 0-100) a vocabulary word must be to count as a correction.
MIN_SCORE = 80
#: A vocabulary word whose score is within this much of the best one is kept too.
CLOSE = 4
#: How close a common word must be to be the correction of a misspelt name ("Maastrich" / "maastricht"
#: yes, "Aécio" / "ácido" no).
NAME_TO_WORD_SCORE = 90
#: How long a question waits for the word lists still loading in the background (seconds).
LOAD_WAIT = 10.0


class WordList:
    """A sorted set of folded words, stored as one string (a few MB, not ~40 MB of ``str`` objects)."""

    def __init__(self, words: Iterable[str]) -> None:
        unique = sorted(set(words))
        self._blob = "\n".join(unique) + "\n"
        starts = array("I", [0])
        for word in unique:
            starts.append(starts[-1] + len(word) + 1)
        self._starts = starts
        self._count = len(unique)

    def __len__(self) -> int:
        return self._count

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word or "\n" in word:
            return False
        lo, hi = 0, self._count
        blob, starts = self._blob, self._starts
        while lo < hi:
            mid = (lo + hi) // 2
            found = blob[starts[mid] : starts[mid + 1] - 1]
            if found == word:
                return True
            if found < word:
                lo = mid + 1
            else:
                hi = mid
        return False


def load_word_list(lang: str) -> WordList | None:
    """pyspellchecker's word list of ``lang``, folded; None when the package is not installed."""
    try:
        resource = files("spellchecker").joinpath("resources", f"{lang}.json.gz")
        with gzip.open(str(resource), "rt", encoding="utf-8") as handle:
            frequencies = json.load(handle)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError) as exc:
        log.warning("no %s word list (pyspellchecker: %s): typo correction cannot tell valid words", lang, exc)
        return None
    # One fold over the joined list is ~10x faster than one per word.
    return WordList(w for w in fold("\n".join(frequencies)).split("\n") if len(w) >= MIN_LENGTH)


class Lexicon:
    """The valid words of Portuguese and English, loaded once per process in the background."""

    def __init__(self, loader: Callable[[str], WordList | None] = load_word_list) -> None:
        self._lists: dict[str, WordList | None] = {}
        self._ready = threading.Event()
        self._loader = loader
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Begin loading the word lists (~1 s) without waiting for them."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load, name="word-lists", daemon=True).start()

    def _load(self) -> None:
        try:
            for lang in LANGUAGES:
                self._lists[lang] = self._loader(lang)
        finally:
            self._ready.set()

    def is_word(self, word: str, langs: Collection[str] = LANGUAGES) -> bool:
        """Whether the folded ``word`` is a valid word of one of ``langs``."""
        self.start()
        if not self._ready.wait(LOAD_WAIT):
            return False
        return any(word in found for lang in langs if (found := self._lists.get(lang)) is not None)


_LEXICON = Lexicon()


def lexicon() -> Lexicon:
    """The process-wide lexicon (the word lists are loaded once)."""
    return _LEXICON


#: Inflectional endings of Portuguese and English words (verb tenses, gender, number).
ENDINGS = frozenset({
    "",
    "a", "o", "e", "as", "os", "es", "s", "m", "am", "em", "ei", "ou", "iu", "ar", "er", "ir", "ado", "ada",
    "ados", "adas", "ido", "ida", "idos", "idas", "ava", "avam", "ia", "iam", "aram", "eram", "iram", "ando",
    "endo", "indo", "aria", "ariam", "eria", "eriam", "iria", "iriam", "ara", "era", "ira", "asse", "esse", "isse",
    "ed", "ing", "ies", "y", "ers",
})


#: Words sharing this many first letters belong to one family whatever their endings.
FAMILY = 7


def inflections(a: str, b: str) -> bool:
    """Whether two words are forms of one word: the same start, each ending in :data:`ENDINGS`
    ("adotiva" / "adotivo", "moram" / "moravam", "pagaria" / "pagar"), or a :data:`FAMILY`-letter
    shared stem ("conceituou" / "conceito"); not "analista" / "analisar" (six letters, "-ta"/"-ar")."""
    n = min(len(prefix(a)), len(prefix(b)))
    if a[:n] != b[:n]:
        return False
    if a[:FAMILY] == b[:FAMILY]:
        return True  # a long shared stem: one word family ("conceituou" / "conceito")
    return any(a[:i] == b[:i] and a[i:] in ENDINGS and b[i:] in ENDINGS for i in range(n - 1, min(len(a), len(b)) + 1))


def corrections(
    word: str,
    vocabulary: Mapping[str, int],
    pool: Collection[str],
    is_word: Callable[[str], bool],
    is_name: Callable[[str], bool],
    names_only: bool = False,
) -> list[str]:
    """The vocabulary words a misspelt folded ``word`` probably means, best first.

    ``pool`` is the vocabulary to search (the words sharing its first letter), ``vocabulary``
    gives their frequencies, ``is_word`` says whether a word is a valid word of the corpus
    language. A valid word is never corrected into another word: it only meets its own other
    inflections the stemmer missed (:func:`inflections`: "adotiva" / "adotivo", "moram" /
    "moravam"; not "analista" / "analisar"). Otherwise close names
    (``is_name``; the pool shares the word's first letter) win over common words, and equally
    close names are all kept; failing those, the two closest words, the more frequent first. With
    ``names_only`` (the word was written as a name, and no word list knows it) only names are
    corrections, or a common word a letter away (:data:`NAME_TO_WORD_SCORE`): a misspelt surname
    does not become another common word.
    """
    if len(word) < MIN_LENGTH or word.isdigit():
        return []
    found = process.extract(word, pool, scorer=fuzz.ratio, limit=8, score_cutoff=MIN_SCORE)
    found = [(term, score) for term, score, _ in found if abs(len(term) - len(word)) <= 2]
    if not found:
        return []
    if is_word(word):
        same = [(t, s) for t, s in found if inflections(t, word)]
        same.sort(key=lambda ts: (ts[1], vocabulary.get(ts[0], 0)), reverse=True)
        return [t for t, _ in same[:2]]
    names = [(t, s) for t, s in found if is_name(t)]
    if names:
        best = max(s for _, s in names)
        tied = [(t, s) for t, s in names if s >= best - 1e-9]
        tied.sort(key=lambda ts: vocabulary.get(ts[0], 0), reverse=True)
        return [t for t, _ in tied[:3]]
    if names_only:  # a name no word list knows becomes a common word only when a letter away from it
        found = [(t, s) for t, s in found if s >= NAME_TO_WORD_SCORE]
        if not found:
            return []
    best = max(score for _, score in found)
    close = [(term, score) for term, score in found if score >= best - CLOSE]
    close.sort(key=lambda ts: (ts[1], vocabulary.get(ts[0], 0)), reverse=True)
    return [term for term, _ in close[:2]]
