"""Autocomplete: what the corpus talks about, matched against what the user is typing.

The last word being typed is completed with the names the corpus mentions (people, places,
organisations), most mentioned first: ``when did lav`` -> ``when did Serguei Lavrov``. A
misspelt word still finds its name (rapidfuzz), and headlines that hold every typed word are
offered whole. What the user typed always comes first, so it can be sent as it is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from bot.language import STOPWORDS, fold

#: Discord's limit for an autocomplete choice (name and value).
MAX_CHOICE = 100


@dataclass(frozen=True, slots=True)
class _Name:
    text: str
    folded: str
    words: tuple[str, ...]
    weight: int


class Suggester:
    """Completions from the names and headlines of a corpus."""

    def __init__(self, names: Counter[str], titles: Iterable[str]) -> None:
        stop = STOPWORDS["pt"] | STOPWORDS["en"]
        self._names = sorted(
            (_Name(n, fold(n), tuple(w for w in fold(n).split() if w not in stop), count)
             for n, count in names.items() if len(n) >= 4),
            key=lambda n: -n.weight,
        )
        self._folded_names = [n.folded for n in self._names]
        self._titles = list(dict.fromkeys(t.strip() for t in titles if t and t.strip()))
        self._folded_titles = [default_process(fold(t)) for t in self._titles]

    def suggest(self, text: str, limit: int = 25) -> list[str]:
        """Up to ``limit`` completions of ``text``, each at most 100 characters."""
        typed = " ".join(text.split())
        if not typed:
            return [n.text[:MAX_CHOICE] for n in self._names[:limit]]
        choices: dict[str, None] = {typed[:MAX_CHOICE]: None}
        head, names = self._complete(typed.split(" "))
        for name in names:
            choices.setdefault(_join(head, name)[:MAX_CHOICE], None)
            if len(choices) >= limit:
                return list(choices)
        for title in self._titles_with(typed):
            choices.setdefault(title[:MAX_CHOICE], None)
            if len(choices) >= limit:
                break
        return list(choices)[:limit]

    def _complete(self, words: list[str]) -> tuple[str, list[str]]:
        """Names completing the last one to three typed words, and the typed text before them.

        ``["kim", "jong"]`` -> ``("", ["Kim Jong Un", ...])``; a misspelt last word (``lavrof``)
        finds names close to it.
        """
        stop = STOPWORDS["pt"] | STOPWORDS["en"]
        if len(words[-1]) < 2:
            return "", []
        for k in range(min(3, len(words)), 0, -1):
            if k == 1 and fold(words[-1]) in stop:
                return "", []  # "who is the president of": nothing to complete
            tail = " " + fold(" ".join(words[-k:]))
            found = [n.text for n in self._names if tail in " " + n.folded]
            if found:
                return " ".join(words[:-k]), found[:25]
        partial = fold(words[-1])
        if len(partial) < 4:
            return "", []
        close = process.extract(partial, self._folded_names, scorer=fuzz.partial_ratio, score_cutoff=80, limit=25)
        return " ".join(words[:-1]), [self._names[i].text for _, _, i in close]

    def _titles_with(self, typed: str) -> list[str]:
        """Headlines containing (fuzzily) the typed words that are not stop words (punctuation ignored)."""
        stop = STOPWORDS["pt"] | STOPWORDS["en"]
        wanted = [w for w in default_process(fold(typed)).split() if w not in stop and len(w) >= 3]
        if not wanted:
            return []
        query = " ".join(wanted)
        found = process.extract(
            query, self._folded_titles, scorer=fuzz.token_set_ratio, score_cutoff=75, limit=25
        )
        return [self._titles[i] for _, _, i in found]


def _join(head: str, name: str) -> str:
    return f"{head} {name}" if head else name
