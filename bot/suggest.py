"""Autocomplete: whole, sensible questions and headlines for what the user is typing.

Every completion is something worth sending as it is:

* what the user typed, first, so it can be sent unchanged;
* a question around a name the corpus mentions that completes the word being typed, in the
  language being typed: ``shoig`` -> ``Who is Sergei Shoigu?``, ``quem é beltr`` -> ``Quem é
  Arnaud Beltrame?``; ``What happened with …?`` / ``O que aconteceu com …?`` when the corpus
  does not tell the name is a person's (a place, an event), and the typed opening ("what is",
  "o que é") when there is one;
* headlines that hold the typed words, as they appear.

A typed question is never glued to a name ("quando o" + "Defesa de Lula"): names are offered
inside a question template only. Names come from the articles' most mentioned capitalised runs;
in a corpus of some size (50+ headlines) a run holding a word the headlines often write in
lowercase ("Defesa de Lula", "Presidente Lula") is sentence debris and left out. A misspelt
word still finds its name (rapidfuzz).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.language import STOPWORDS, detect_language, fold

#: Discord's limit for an autocomplete choice (name and value).
MAX_CHOICE = 100

#: Question templates around a name, by language: for people, for anything (a person, place, event,
#: organisation) when the corpus does not tell it is a person, and for a typed "what is".
TEMPLATES: dict[str, tuple[str, str, str]] = {
    "en": ("Who is {name}?", "What happened with {name}?", "What is {name}?"),
    "pt": ("Quem é {name}?", "O que aconteceu com {name}?", "O que é {name}?"),
}
_PERSON, _ANY, _WHAT = range(3)
#: Typed openings that ask for a template (folded): the completion keeps to that template.
_OPENERS: dict[str, tuple[str, int]] = {
    "who is": ("en", _PERSON), "who was": ("en", _PERSON), "what is": ("en", _WHAT), "what was": ("en", _WHAT),
    "what happened with": ("en", _ANY), "what happened to": ("en", _ANY),
    "quem e": ("pt", _PERSON), "quem foi": ("pt", _PERSON), "o que e": ("pt", _WHAT), "o que foi": ("pt", _WHAT),
    "o que aconteceu com": ("pt", _ANY),
}
#: A single word is a person's name when the people's names ending in it weigh this share of its own mentions.
_SURNAME_SHARE = 0.3
#: Below this many headlines, how often a word is written in lowercase says too little.
_SMALL_CORPUS = 50
_CONNECTORS = frozenset({"da", "de", "do", "das", "dos", "e", "of", "the", "al", "bin", "van", "von", "del"})
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_LOWER_SHARE = 0.15  # a word the headlines write in lowercase this often is a common word, not a name


@dataclass(frozen=True, slots=True)
class _Name:
    text: str
    folded: str
    weight: int
    person: bool


class Suggester:
    """Completions from the names and headlines of a corpus."""

    def __init__(self, names: Counter[str], titles: Iterable[str]) -> None:
        self._titles = list(dict.fromkeys(" ".join(t.split()) for t in titles if t and t.strip()))
        self._folded_titles = [default_process(fold(t)) for t in self._titles]
        lower, upper = _case_counts(self._titles)
        big = len(self._titles) >= _SMALL_CORPUS  # enough headlines to tell common words from names
        standalone: Counter[str] = Counter()
        for n, c in names.items():
            if " " not in n:
                standalone[fold(n)] += c
        spelt = Counter(fold(n) for n in names)
        kept = [(n, c) for n, c in names.items()
                if 3 <= len(n) <= 60 and _is_name(n) and not (big and _has_common_word(n, lower, upper))
                and not (n.isupper() and spelt[fold(n)] > 1)]  # "LULA" beside "Lula"
        people = {n for n, _ in kept if _looks_like_person(n, standalone, lower, upper, big)}
        # A single word is a person's name when people's names mentioned about as often start or end
        # with it ("Temer" of "Michel Temer"; not "Brasil" of a little mentioned "Cristiane Brasil").
        surnames: Counter[str] = Counter()
        for n in people:
            parts = n.split()
            for part in {fold(parts[0]), fold(parts[-1])}:
                surnames[part] += names[n]
        self._names = sorted(
            (_Name(n, fold(n), c, n in people or (" " not in n and surnames[fold(n)] >= _SURNAME_SHARE * c))
             for n, c in kept),
            key=lambda n: -n.weight,
        )
        words: dict[str, list[int]] = {}
        for i, name in enumerate(self._names):
            for word in default_process(name.folded).split():
                if len(word) >= 4:
                    words.setdefault(word, []).append(i)
        self._name_words = words
        self._word_list = list(words)

    def suggest(self, text: str, limit: int = 25, lang: str | None = None) -> list[str]:
        """Up to ``limit`` completions of ``text`` (each at most 100 characters).

        ``lang`` ("en"/"pt") is the language for templates when the typed text does not tell.
        """
        typed = " ".join(text.split())
        language = _language(typed, lang)
        if not typed:  # examples: questions about the people mentioned most, then about other names
            ranked = [n for n in self._names if n.person] + [n for n in self._names if not n.person]
            return _unique((self.template(n, language) for n in ranked), limit)
        words = typed.split(" ")
        head, names = self._complete(words)
        opener = _OPENERS.get(" ".join(default_process(fold(head)).split()))
        questions = [self.template(n, opener[0], opener[1]) if opener else self.template(n, language)
                     for n in names]
        choices = [typed]
        if not head or opener:
            choices += questions
        choices += self._titles_with(typed)
        if head and not opener:
            choices += questions  # whole questions about the name, after what matches the typed words
        return _unique(choices, limit)

    def names(self, text: str, limit: int = 25, people_first: bool = False) -> list[str]:
        """Names the corpus mentions that complete what was typed (most mentioned first; the people's
        first with ``people_first``); the most mentioned names when nothing is typed."""
        typed = " ".join(text.split())
        found = self._complete(typed.split(" "))[1] if typed else self._names
        if people_first:
            found = [n for n in found if n.person] + [n for n in found if not n.person]
        return _unique((n.text for n in found), limit)

    def close_names(self, text: str, limit: int = 5) -> list[str]:
        """Names the corpus mentions that are close to ``text`` (sharing its words, or spelt nearly alike),
        closest first: what to offer when a name is not in the corpus."""
        typed = default_process(fold(" ".join(text.split())))
        if len(typed) < 3:
            return []
        close = process.extract(typed, [default_process(n.folded) for n in self._names], scorer=fuzz.token_set_ratio,
                                score_cutoff=75, limit=limit * 4)
        ranked = sorted(close, key=lambda c: (-round(c[1]), -self._names[c[2]].weight))
        return _unique((self._names[i].text for _, _, i in ranked), limit)

    def template(self, name: _Name, lang: str, which: int | None = None) -> str:
        """A question about ``name`` in ``lang``: "Who is …?" for people, "What happened with …?" otherwise."""
        templates = TEMPLATES.get(lang, TEMPLATES["en"])
        chosen = templates[(_PERSON if name.person else _ANY) if which is None else which]
        return chosen.format(name=name.text)

    def _complete(self, words: list[str]) -> tuple[str, list[_Name]]:
        """Names completing the last one to three typed words, and the typed text before them.

        ``["kim", "jong"]`` -> ``("", [Kim Jong Un, ...])``; a misspelt last word (``lavrof``)
        finds names close to it.
        """
        stop = STOPWORDS["pt"] | STOPWORDS["en"]
        last = default_process(fold(words[-1]))
        if len(last) < 2:
            return "", []
        for k in range(min(3, len(words)), 0, -1):
            tail = default_process(fold(" ".join(words[-k:])))
            if k == 1 and tail in stop:
                return "", []  # "who is the president of": nothing to complete
            if not tail:
                continue
            found = [n for n in self._names if _starts_a_word(n.folded, tail)]
            if found:
                return " ".join(words[:-k]), found[:25]
        if len(last) < 4:
            return "", []
        close = process.extract(last, self._word_list, scorer=fuzz.ratio, score_cutoff=80, limit=10)
        found = sorted({i for word, _, _ in close for i in self._name_words[word]})  # names are by weight
        return " ".join(words[:-1]), [self._names[i] for i in found[:25]]

    def _titles_with(self, typed: str) -> list[str]:
        """Headlines (at most 100 characters, as they appear) holding the typed words that are not stop words."""
        stop = STOPWORDS["pt"] | STOPWORDS["en"]
        wanted = [w for w in default_process(fold(typed)).split() if w not in stop and len(w) >= 3]
        if not wanted:
            return []
        found = process.extract(
            " ".join(wanted), self._folded_titles, scorer=fuzz.token_set_ratio, score_cutoff=75, limit=40
        )
        return [self._titles[i] for _, _, i in found if len(self._titles[i]) <= MAX_CHOICE]


def _starts_a_word(folded_name: str, typed: str) -> bool:
    """True when ``typed`` begins at a word boundary of the name: "lav" in "serguei lavrov"."""
    name = default_process(folded_name)
    return name.startswith(typed) or f" {typed}" in f" {name}"


def _language(typed: str, hint: str | None) -> str:
    found = detect_language(typed) if typed else "und"
    if found in TEMPLATES:
        return found
    return hint if hint in TEMPLATES else "en"


def _case_counts(titles: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """How often each folded word is written lowercase, and capitalised, inside the headlines."""
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for title in titles:
        for i, match in enumerate(_WORD.finditer(title)):
            word = match.group()
            if word[:1].islower():
                lower[fold(word)] += 1
            elif i > 0:  # the first word of a headline is capitalised whatever it is
                upper[fold(word)] += 1
    return lower, upper


def _looks_like_person(name: str, standalone: Counter[str], lower: Counter[str], upper: Counter[str],
                       big: bool) -> bool:
    """A person's name, as far as the corpus tells: two or three proper words (no "da"/"do": "Coreia
    do Norte" and "Lula da Silva" alike get the neutral template), no acronym, no common word (one
    the headlines write in lowercase), and a first or last name the articles also use alone ("Temer"
    for "Michel Temer", "Dilma" for "Dilma Rousseff"). A corpus too small to tell takes any two or
    three such words for a person's name."""
    words = name.split()
    if not 2 <= len(words) <= 3 or any(fold(w) in _CONNECTORS for w in words):
        return False
    if any(w.isupper() or any(ch.isdigit() for ch in w) for w in words) or _has_common_word(name, lower, upper):
        return False
    return not big or standalone[fold(words[0])] > 0 or standalone[fold(words[-1])] > 0


def _is_name(name: str) -> bool:
    """Capitalised runs that are names: every word but connectors two letters or more ("A’ de Lula" is not)."""
    return all(len(w) >= 2 and w[0].isalpha() and w[-1].isalnum() for w in name.split() if fold(w) not in _CONNECTORS)


def _has_common_word(name: str, lower: Counter[str], upper: Counter[str]) -> bool:
    """Whether a word of ``name`` (connectors aside) is one the headlines often write in lowercase."""
    for word in name.split():
        folded = fold(word)
        if folded in _CONNECTORS:
            continue
        seen_lower = lower[folded]
        if seen_lower and seen_lower / (seen_lower + upper[folded]) >= _LOWER_SHARE:
            return True
    return False


def _unique(values: Iterable[str], limit: int) -> list[str]:
    out: dict[str, str] = {}
    for value in values:
        if value and len(value) <= MAX_CHOICE:
            out.setdefault(value.casefold(), value)
            if len(out) >= limit:
                break
    return list(out.values())
