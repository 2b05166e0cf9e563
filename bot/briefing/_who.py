"""Who-is cards: what the corpus says a person (or organisation) is, with the sources.

For a name, the card gathers the descriptions the articles give it — appositions and titles:
"Sergei Shoigu, secretário do Conselho de Segurança da Rússia", "Shoigu, que foi ministro da
Defesa da Rússia até maio", "o presidente Vladimir Putin" — each with its source, the spellings
the corpus uses (Serguei / Sergei), the first and last dates of the articles naming it, how many
articles do, and the names it appears with most.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from rapidfuzz import fuzz

from bot.answering import Corpus
from bot.briefing._topic import topic
from bot.index import WeightedTerm
from bot.language import STOPWORDS, fold
from bot.records import ArticleInfo, Sentence
from bot.titles import ROLE, titles_of

#: At most this many sentences naming the person are read (the best-scored ones); beyond, counts are lower bounds.
_RETRIEVED = 2000
#: Descriptions, spellings and companions shown on a card.
_SHOWN = 8
#: Capitalised words with the particles names use ("Luiz Inácio Lula da Silva", "Kim Jong-un").
_NAME = re.compile(
    r"[A-ZÀ-Ý][\w’'-]*(?:\s+(?:(?:de|da|do|dos|das|del|van|von|bin|al)\s+)?[A-ZÀ-Ý][\w’'-]*)*"
)
_WORDS = re.compile(r"[^\W\d_][\w-]*")
#: Name particles: lowercase inside names ("Lula da Silva"), never debris.
_PARTICLES = frozenset(("de", "da", "do", "dos", "das", "del", "van", "von", "bin", "al"))
#: A word written in lowercase this often in the sentences naming someone is a common word, not a name.
_LOWER_SHARE = 0.3
#: When only a surname is typed, the most named groups of spellings considered, and sentences checked for titles.
_CONTENDERS = 3
_TITLE_CHECKS = 60


@dataclass(frozen=True, slots=True)
class Description:
    """One thing an article says the person is."""

    text: str
    source: ArticleInfo
    sentence: str

    def to_json(self) -> dict[str, Any]:
        """The description as the CLI's JSON contract."""
        return {"text": self.text, "sentence": self.sentence, "source": asdict(self.source)}


@dataclass(frozen=True, slots=True)
class Card:
    """What the corpus says about one name."""

    name: str
    spellings: tuple[str, ...]
    descriptions: tuple[Description, ...]
    first_seen: str | None
    last_seen: str | None
    articles: int
    mentions: int
    together: tuple[str, ...]
    others: tuple[str, ...] = ()  # other people the bare name may mean ("Kim Yo-jong" for "Kim")
    complete: bool = True  # False when the name is in more sentences than a card reads (counts are "at least")

    @property
    def found(self) -> bool:
        """Whether the corpus names it at all."""
        return self.mentions > 0

    def to_json(self) -> dict[str, Any]:
        """The card as the CLI's JSON contract."""
        return {
            "name": self.name, "spellings": list(self.spellings), "first_seen": self.first_seen,
            "last_seen": self.last_seen, "articles": self.articles, "mentions": self.mentions,
            "together": list(self.together), "others": list(self.others), "complete": self.complete,
            "descriptions": [d.to_json() for d in self.descriptions],
        }


def who(corpus: Corpus, name: str) -> Card:
    """The card of ``name`` (typos in it are corrected against the corpus). Raises ValueError when empty."""
    t = topic(corpus, name)
    key = _key_word(corpus, t.words)
    if not key:
        return Card(t.text, (), (), None, None, 0, 0, ())
    available = corpus.document_frequency(key)
    hits = corpus.index.search([WeightedTerm(key, 1.0)], min(_RETRIEVED, available or 1))
    word = re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])")
    named = [(h.sentence, _spans(h.sentence.text, key)) for h in hits if word.search(fold(h.sentence.text))]
    spans = Counter(span for _, found in named for span in found)
    for debris in _debris(spans, [s.text for s, _ in named], key):
        del spans[debris]

    def titled(group: list[str]) -> bool:
        """Whether the articles give one of these spellings a title (a person's, not an institute's)."""
        wanted = set(group)
        texts = [s.text for s, found in named if wanted.intersection(found)][:_TITLE_CHECKS]
        return any(titles_of(text, group) for text in texts)

    main, others = _people(spans, t.words, key, titled)
    spellings = tuple(sorted(main, key=lambda n: (-spans[n], n)))
    if len(spellings) > 2:  # a spelling seen once among many is usually two names run together
        spellings = tuple(n for n in spellings if spans[n] > 1 or n == spellings[0]) or spellings
    # Sentences that name another person with this surname (and not this one) are not about this one.
    other_spans = {n for group in others for n in group}
    mine = set(main)
    mentions = [s for s, found in named if not other_spans.intersection(found) or mine.intersection(found)]
    descriptions = _descriptions(corpus, mentions, spellings or (t.text,))
    articles = {s.article_id for s in mentions}
    dates = sorted(d for d in (_date(corpus, a) for a in articles) if d)
    display = next((n for n in spellings if len(n.split()) > 1), spellings[0] if spellings else t.text)
    return Card(
        name=display,
        spellings=spellings[:_SHOWN],
        descriptions=descriptions,
        first_seen=dates[0] if dates else None,
        last_seen=dates[-1] if dates else None,
        articles=len(articles),
        mentions=len(mentions),
        complete=available <= _RETRIEVED,
        together=_together(corpus, articles, key),
        others=tuple(max(group, key=lambda n: spans[n]) for group in others)[:_SHOWN],
    )


def _key_word(corpus: Corpus, words: tuple[str, ...]) -> str:
    """The word a name is looked up by: its last (the surname), unless another is far rarer.

    "Serguei Shoigu" is looked up by "shoigu" even where "serguei" is rarer (another Serguei);
    "Marielle Franco" by "marielle", "franco" being a common word.
    """
    known = [w for w in words if corpus.document_frequency(w)]
    if not known:
        return ""
    rarest = min(known, key=lambda w: (corpus.document_frequency(w), -len(w)))
    last = known[-1]
    return last if corpus.document_frequency(last) <= 10 * corpus.document_frequency(rarest) else rarest


def _spans(text: str, key: str) -> list[str]:
    """The capitalised names in ``text`` that hold the word ``key``: its given names, it, and what follows.

    Titles written in capitals before a name ("Presidente Michel Temer", "Juiz Sérgio Moro") and
    text in capitals (headlines, credits) are not part of a spelling.
    """
    stop = STOPWORDS["pt"] | STOPWORDS["en"]
    found = []
    for match in _NAME.finditer(text):
        if key not in fold(match.group()):
            continue
        words = match.group().split()
        keys = [i for i, w in enumerate(words) if key in fold(w).replace("-", " ").split() or fold(w) == key]
        if not keys:
            continue
        words = words[max(0, keys[0] - 3):]  # at most three given names before the surname
        while words and (fold(words[0]) in stop or ROLE.fullmatch(words[0])):
            words = words[1:]
        span = " ".join(words)
        if span and not (span.isupper() and len(span) > 4):
            found.append(span)
    return found


def _debris(spans: Counter[str], texts: list[str], key: str) -> list[str]:
    """Capitalised runs that are not names: with a stop word ("Lula O", "Lula Em") or a word these
    sentences mostly write in lowercase ("Defesa de Lula", "Governo Temer", "Fora Temer")."""
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for text in texts:
        for i, match in enumerate(_WORDS.finditer(text)):
            word = match.group()
            if word[0].islower():
                lower[fold(word)] += 1
            elif i > 0:  # a sentence's first word is capitalised whatever it is ("Segundo Lavrov, ...")
                upper[fold(word)] += 1
    stop = (STOPWORDS["pt"] | STOPWORDS["en"]) - _PARTICLES
    found = []
    for span in spans:
        words = [w for w in fold(span).replace("-", " ").split() if w not in _parts(key) and w not in _PARTICLES]
        if any(w in stop or lower[w] >= _LOWER_SHARE * (lower[w] + upper[w]) > 0 for w in words):
            found.append(span)
    return found


def _people(spans: Counter[str], typed: tuple[str, ...], key: str,
            titled: Callable[[list[str]], bool] | None = None) -> tuple[list[str], list[list[str]]]:
    """The spellings of the person asked for, and the groups of spellings of other people.

    Spellings whose other words agree (fuzzily: Sergei / Serguei / Sergey) are one person; the
    bare surname belongs to everyone. When the question gives only the surname, the person
    named most is the one meant -- among the most named, one the articles give a title to
    ("o ex-presidente Luiz Inácio Lula da Silva", not "Instituto Lula").
    """
    cache: dict[str, str] = {}

    def given(span: str) -> str:
        if span not in cache:
            cache[span] = " ".join(w for w in fold(span).replace("-", " ").split() if w not in _parts(key))
        return cache[span]

    groups: list[list[str]] = []
    bare: list[str] = []
    for span in sorted(spans, key=lambda n: -spans[n]):
        first = given(span)
        if not first:
            bare.append(span)
            continue
        for group in groups:
            if fuzz.ratio(first, given(group[0])) >= 70 or fuzz.token_set_ratio(first, given(group[0])) >= 90:
                group.append(span)
                break
        else:
            groups.append([span])
    wanted = " ".join(w for w in " ".join(typed).replace("-", " ").split() if w not in _parts(key))
    if wanted:
        chosen = max(groups, key=lambda g: fuzz.ratio(wanted, given(g[0])), default=[])
        if chosen and fuzz.ratio(wanted, given(chosen[0])) < 60:
            chosen = []
    else:
        ranked = sorted(groups, key=lambda g: -sum(spans[n] for n in g))[:_CONTENDERS]
        chosen = next((g for g in ranked if titled is not None and titled(g)), ranked[0] if ranked else [])
    return [*chosen, *bare], [g for g in groups if g is not chosen]


def _descriptions(corpus: Corpus, mentions: list[Sentence], spellings: tuple[str, ...]) -> tuple[Description, ...]:
    """The appositions and titles the sentences give the name, one per distinct wording."""
    found: dict[str, Description] = {}
    seen: Counter[str] = Counter()
    for s in mentions:
        info = corpus.article(s.article_id)
        if info is None:
            continue
        for text in titles_of(s.text, spellings):
            key = fold(text)
            seen[key] += 1
            newest = found.get(key)
            if newest is None or (info.date or "") > (newest.source.date or ""):
                found[key] = Description(text, info, s.text)
    # What many articles say first (the most reliable), then the newest (what the person is now).
    ranked = sorted(found.items(), key=lambda kv: (-seen[kv[0]], _negated(kv[1].source.date or "")))
    return tuple(d for _, d in ranked[:_SHOWN])


def _negated(date: str) -> tuple[int, ...]:
    """A sort key putting later dates first."""
    return tuple(-ord(c) for c in date)


def _together(corpus: Corpus, articles: set[str], key: str) -> tuple[str, ...]:
    """The names mentioned most in the articles that name the person (from the catalog)."""
    counts: Counter[str] = Counter()
    for article_id in articles:
        entry = corpus.catalog.entries.get(article_id)
        if entry is None:
            continue
        counts.update(n for n in entry.names if not _parts(key) <= set(fold(n).replace("-", " ").split()))
    return tuple(n for n, _ in counts.most_common(_SHOWN))


def _parts(key: str) -> set[str]:
    """The words of a key word ("jong-un" -> jong, un), as names split on hyphens."""
    return set(key.replace("-", " ").split())


def _date(corpus: Corpus, article_id: str) -> str | None:
    info = corpus.article(article_id)
    return info.date if info else None


__all__ = ["Card", "Description", "who"]
