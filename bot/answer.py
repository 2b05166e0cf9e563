"""Answering: a question -> the sentences that answer it, best first, with a confidence.

The pipeline for one question:

1. analyse it (:mod:`bot.questions`): language, what it asks for, its content words;
2. expand it: an offline translation into the corpus language (:mod:`bot.translate`), the
   aliases of names it mentions (``config/aliases.yaml``), and corrections of misspelt words
   against the index vocabulary (rapidfuzz);
3. retrieve candidates from the index (BM25 over stemmed words);
4. rerank them: how much of the question each sentence covers (rarer words count more,
   misspellings match fuzzily), the retrieval score, and whether the sentence carries the kind
   of answer asked for (a date for "when", a number for "how many", ...);
5. mark answers confident only when they cover the question well, fold duplicate sentences
   (wire copy) into one answer with all sources, and attach the neighbouring sentences.

``Answerer.from_folder("corpus").ask("when did Lavrov visit Pyongyang?")`` works from a shell.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from bot.answer_types import PHRASE_WORDS, TYPED_ANSWERS, fits
from bot.catalog import Catalog
from bot.config import Settings, load_settings
from bot.dates import weekday_label
from bot.index import Hit, SentenceIndex, WeightedTerm, analyse, open_index
from bot.ingest import RefreshReport, update_index
from bot.language import fold
from bot.questions import Question, content_words
from bot.questions import analyse as analyse_question
from bot.records import ArticleInfo, Sentence
from bot.suggest import Suggester
from bot.translate import Translator, translator

log = logging.getLogger(__name__)

__all__ = ["Answer", "Answerer", "RefreshReport", "Result"]

#: Confidence weighs the article's support of the question this much, the sentence's own coverage the rest.
_SUPPORT_SHARE = 0.7
#: Below this coverage a sentence is never a confident answer, however well its article fits.
_MIN_COVERAGE = 0.4
#: How much a translated word the corpus never uses counts, relative to an unknown word of the question itself.
_UNKNOWN_TRANSLATED = 0.3
#: How much the question's phrasing (word pairs) found in a sentence adds to its rank.
_PHRASE_WEIGHT = 0.3
#: Proper names, acronyms and numbers in a question (not its capitalised first word).
_PROPER = re.compile(r"(?<![.?!]\s)(?<!^)\b[A-ZÀ-Ý][\w'-]*|\b\w*\d\w*")
#: Words sharing this many first letters (four for five-letter words) count as the same word when the
#: stemmer missed it ("pagou" and "pagos").
_PREFIX = 5


@dataclass(frozen=True, slots=True)
class Answer:
    """One quoted sentence that answers (or may answer) a question."""

    text: str
    when: str | None
    score: float
    confident: bool
    article: ArticleInfo
    also_in: tuple[ArticleInfo, ...] = ()
    context: tuple[str, ...] = ()
    position: int = 0
    kind: str = "body"

    def to_json(self) -> dict[str, Any]:
        """The answer as the CLI's JSON contract."""
        return {
            "text": self.text,
            "when": self.when,
            "score": round(self.score, 4),
            "confident": self.confident,
            "kind": self.kind,
            "position": self.position,
            "article": dataclasses.asdict(self.article),
            "also_in": [dataclasses.asdict(a) for a in self.also_in],
            "context": list(self.context),
        }


@dataclass(frozen=True, slots=True)
class Result:
    """The answers to one question."""

    question: str
    answers: tuple[Answer, ...]
    suggestions: tuple[str, ...]
    asks: str
    lang: str
    translated: str | None = None

    @property
    def confident(self) -> bool:
        """True when the best answer is a confident one."""
        return bool(self.answers) and self.answers[0].confident

    @property
    def when_label(self) -> str | None:
        """For a "when" question, the top answer's date spelt out ("Wednesday 18 October 2023")."""
        if self.asks != "when" or not self.confident or not self.answers[0].when:
            return None
        return weekday_label(self.answers[0].when, "pt" if self.lang == "pt" else "en")

    def to_json(self) -> dict[str, Any]:
        """The result as the CLI's JSON contract."""
        return {
            "question": self.question,
            "asks": self.asks,
            "lang": self.lang,
            "translated": self.translated,
            "when_label": self.when_label,
            "confident": self.confident,
            "answers": [a.to_json() for a in self.answers],
            "suggestions": list(self.suggestions),
        }


@dataclass(slots=True)
class _Concept:
    """One thing the question is about, with the index terms that express it."""

    word: str
    words: set[str]  # what is searched: the word, its corrections, its aliases
    terms: set[str]  # what coverage matches: the index terms of those words
    idf: float
    fuzzy: bool


@dataclass(slots=True)
class _Scored:
    hit: Hit
    coverage: float
    score: float
    timely: bool = True  # consistent with every date the question names
    tokens: frozenset[str] = frozenset()
    confidence: float = 0.0


def _stamp(path: Path | None) -> int | None:
    """A file's modification time (ns), None when it does not exist."""
    try:
        return path.stat().st_mtime_ns if path is not None else None
    except OSError:
        return None


def _corpus_key(corpus: Path) -> str:
    resolved = str(corpus.resolve())
    name = re.sub(r"[^\w.-]+", "-", corpus.resolve().name) or "corpus"
    return f"{name}-{hashlib.sha1(resolved.encode()).hexdigest()[:10]}"


class Answerer:
    """Answers questions from one corpus folder through its on-disk index."""

    def __init__(
        self, index: SentenceIndex, catalog: Catalog, settings: Settings, corpus: Path, catalog_path: Path | None
    ) -> None:
        self._index = index
        self._catalog = catalog
        self._settings = settings
        self._corpus = corpus
        self._catalog_path = catalog_path
        self._refresh_lock = threading.Lock()
        self._save_lock = threading.Lock()
        self._saved: Catalog | None = None
        self._disk_stamp = _stamp(catalog_path)
        self._translator: Translator = translator(settings.answers.translate)
        if self._translator.available:
            threading.Thread(target=self._translator.warm_up, name="translator-warm-up", daemon=True).start()
        self._aliases = self._alias_table(settings.aliases)
        self._derived: dict[str, Any] = {}
        self.last_report: RefreshReport | None = None
        self._derive()

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def from_settings(
        cls, settings: Settings, progress: Callable[[int, int], None] | None = None
    ) -> Answerer:
        """Open (building or refreshing as needed) the index of ``settings.corpus``.

        Raises ``FileNotFoundError`` when the corpus folder does not exist.
        """
        corpus = Path(settings.corpus)
        if not corpus.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {corpus}")
        folder = Path(settings.index_dir) / _corpus_key(corpus)
        index = open_index(settings.index_backend, folder)
        catalog_path = folder / "catalog.json"
        catalog = Catalog.load(catalog_path, str(corpus.resolve())) if index.size else None
        if catalog is None:
            catalog = Catalog(corpus=str(corpus.resolve()))
            if index.size:
                log.info("index at %s has no matching catalog: rebuilding", folder)
                index.clear()
        answerer = cls(index, catalog, settings, corpus, catalog_path)
        answerer.refresh(progress)
        return answerer

    @classmethod
    def from_folder(
        cls,
        corpus: str | Path,
        index_dir: str | Path | None = None,
        settings: Settings | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Answerer:
        """An answerer over ``corpus`` (index in ``index_dir``, default from ``config/``)."""
        base = settings or load_settings()
        settings = dataclasses.replace(
            base, corpus=Path(corpus), index_dir=Path(index_dir) if index_dir else base.index_dir
        )
        return cls.from_settings(settings, progress)

    # -- corpus state ----------------------------------------------------------------------

    def refresh(
        self, progress: Callable[[int, int], None] | None = None, paths: Collection[Path] | None = None
    ) -> RefreshReport:
        """Re-read changed, added and removed files; on failure the old index keeps answering.

        ``paths`` limits the look to those files (a watcher knows what changed); by default the
        whole corpus folder is compared with the index.
        """
        with self._refresh_lock:
            draft = Catalog(self._catalog.corpus, dict(self._catalog.entries), dict(self._catalog.skipped))
            report = update_index(self._index, draft, self._corpus, self._settings.boilerplate, progress, paths)
            self._catalog = draft
            path = self._catalog_path
            if path is not None and (report.changed_anything or not path.exists()):
                wait = self.last_report is None
                if progress and wait:
                    progress(0, 1, "saving the catalog")
                self._save_catalog(path, wait=wait)
                if progress and wait:
                    progress(1, 1, "saving the catalog")
            if report.changed_anything or self.last_report is None:
                self._derive()
            self.last_report = report
            return report

    def _save_catalog(self, path: Path, wait: bool) -> None:
        """Write the catalog; after the first load, in the background (at scale it takes a second).

        The index is already committed, and a catalog that lags behind it heals itself: an article
        it lacks is re-read (replacing its sentences), one it keeps after deletion is removed. The
        thread is not a daemon, so the process waits for the last write before it exits.
        """
        def write() -> None:
            with self._save_lock:
                catalog = self._catalog  # the newest by the time the lock is ours
                if catalog is self._saved:
                    return
                path.parent.mkdir(parents=True, exist_ok=True)
                catalog.save(path)
                self._saved = catalog
                self._disk_stamp = _stamp(path)

        saver = threading.Thread(target=write, name="catalog-save")
        saver.start()
        if wait:
            saver.join()

    def _follow_disk(self) -> None:
        """Pick up what another process (a second shard, ``briefing-bot index``) committed.

        Its catalog write is the signal: one stat per question. Skipped while this process is
        refreshing (its own commit is on the way).
        """
        path = self._catalog_path
        stamp = _stamp(path)
        if path is None or stamp == self._disk_stamp or not self._refresh_lock.acquire(blocking=False):
            return
        try:
            catalog = Catalog.load(path, self._catalog.corpus)
            if catalog is not None:
                self._index.reload()
                self._catalog = catalog
                self._derive()
                log.info("picked up the index another process updated (%d articles)", len(catalog.entries))
            self._disk_stamp = stamp
        finally:
            self._refresh_lock.release()

    def _derive(self) -> None:
        """Recompute what depends on the catalog: its language now, autocomplete when next asked."""
        langs = Counter(e.info.lang for e in self._catalog.entries.values())
        self._derived = {"lang": langs.most_common(1)[0][0] if langs else "pt", "langs": langs, "suggester": None}

    def _suggester(self) -> Suggester:
        suggester = self._derived.get("suggester")
        if suggester is None:
            entries = list(self._catalog.entries.values())
            names: Counter[str] = Counter()
            for e in entries:
                names.update(e.names)
            suggester = Suggester(names, (e.info.title for e in entries))
            self._derived["suggester"] = suggester
        return suggester

    @property
    def sentence_count(self) -> int:
        """Sentences indexed."""
        return self._catalog.sentence_count

    @property
    def article_count(self) -> int:
        """Articles indexed."""
        return len(self._catalog.entries)

    @property
    def corpus_lang(self) -> str:
        """The language most articles are written in."""
        return self._derived["lang"]

    # -- lookups ---------------------------------------------------------------------------

    def article(self, article_id: str) -> ArticleInfo | None:
        """One article's metadata."""
        entry = self._catalog.entries.get(article_id)
        return entry.info if entry else None

    def articles(self, filter: str | None = None) -> list[ArticleInfo]:
        """Articles, newest first; ``filter`` matches title, source or id (fuzzy, accents ignored)."""
        infos = [e.info for e in self._catalog.entries.values()]
        if filter and filter.strip():
            wanted = fold(filter.strip())
            infos = [
                i for i in infos
                if fuzz.partial_ratio(wanted, fold(f"{i.title} {i.source or ''} {i.id}")) >= 85
            ]
        return sorted(infos, key=lambda i: (i.date or "", i.id), reverse=True)

    def article_sentences(self, article_id: str, limit: int = 5) -> list[Sentence]:
        """The first ``limit`` sentences of an article."""
        if article_id not in self._catalog.entries:
            return []
        return self._index.sentences(article_id, 0, max(limit - 1, 0))

    def suggest(self, text: str, limit: int = 25) -> list[str]:
        """Completions of what the user typed: names the corpus mentions, headlines (autocomplete)."""
        return self._suggester().suggest(text, limit)

    def gloss(self, text: str, target: str = "en") -> str | None:
        """An offline translation of a quote into ``target`` (None when translation is unavailable)."""
        source = "pt" if target == "en" else "en"
        return self._translator.translate(text, source, target)

    # -- answering -------------------------------------------------------------------------

    def ask(self, question: str, limit: int | None = None) -> Result:
        """The sentences answering ``question``, best first. Raises ValueError on an empty question."""
        if not question or not question.strip():
            raise ValueError("the question is empty")
        question = " ".join(question.split())
        self._follow_disk()
        q = analyse_question(question)
        limit = limit or self._settings.answers.max_quotes
        translated = self._translation(q)
        scored = self._candidates(q, translated, self._settings.answers.candidates)
        answers = self._answers(scored, limit)
        suggestions: tuple[str, ...] = ()
        if not answers or not answers[0].confident:
            suggestions = self._suggestions(q, scored)
        return Result(question, tuple(answers), suggestions, q.asks, q.lang, translated)

    def search(self, terms: str, limit: int = 25) -> list[Answer]:
        """The best matching sentences for free-text terms, no confidence cut."""
        if not terms or not terms.strip():
            raise ValueError("the search terms are empty")
        self._follow_disk()
        q = analyse_question(" ".join(terms.split()))
        scored = self._candidates(q, self._translation(q), max(self._settings.answers.candidates, limit * 4))
        return self._answers(scored, limit)

    def _candidates(self, q: Question, translated: str | None, count: int) -> list[_Scored]:
        """Ranked candidates for a question, in the corpus language and, when some articles are
        written in the question's own language, in that language too (each sentence is scored
        against the wording of its own language; the best score of a sentence wins)."""
        scored = self._rank(q, self._concepts(q, translated), count, translated or q.text)
        if not translated or not self._derived["langs"].get(q.lang):
            return scored
        best: dict[tuple[str, int], _Scored] = {}
        own = self._rank(q, self._concepts(q, None), count, q.text)
        for item in (*scored, *(i for i in own if self._lang_of(i.hit.sentence.article_id) == q.lang)):
            key = (item.hit.sentence.article_id, item.hit.sentence.position)
            if key not in best or item.score > best[key].score:
                best[key] = item
        return sorted(best.values(), key=lambda x: x.score, reverse=True)

    def _translation(self, q: Question) -> str | None:
        target = self.corpus_lang
        source = q.lang if q.lang in ("pt", "en") else ("en" if target == "pt" else "pt")
        if source == target or not self._translator.available:
            return None
        return self._translator.translate(q.text, source, target)

    @staticmethod
    def _alias_table(groups: Sequence[Sequence[str]]) -> list[tuple[re.Pattern[str], str, tuple[str, ...]]]:
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

    def _idf(self, df: int) -> float:
        n = max(self._index.size, 1)
        return math.log(1 + n / (df + 1))

    def _document_frequency(self, word: str) -> int:
        """In how many sentences a word occurs, as written or in another inflection."""
        exact = self._index.document_frequency(word)
        if exact:
            return exact
        return max((self._index.document_frequency(t) for t in analyse(word, self.corpus_lang)), default=0)

    def _correct(self, word: str) -> list[str]:
        """Vocabulary words a misspelt word probably means (same first letter, similar spelling)."""
        vocabulary = self._index.vocabulary()
        buckets = self._derived.get("buckets")
        if buckets is None or self._derived.get("buckets_of") is not vocabulary:
            buckets = {}
            for term in vocabulary:
                if len(term) >= 3 and not term.isdigit():
                    buckets.setdefault(term[0], []).append(term)
            self._derived["buckets"] = buckets
            self._derived["buckets_of"] = vocabulary
        pool = buckets.get(word[0], [])
        found = process.extract(word, pool, scorer=fuzz.ratio, limit=5, score_cutoff=80)
        found = [(term, score) for term, score, _ in found if abs(len(term) - len(word)) <= 2]
        if not found:
            return []
        best = max(score for _, score in found)
        close = [(term, score) for term, score in found if score >= best - 4]
        close.sort(key=lambda ts: (ts[1], vocabulary.get(ts[0], 0)), reverse=True)
        return [term for term, _ in close[:2]]

    def _concepts(self, q: Question, translated: str | None) -> list[_Concept]:
        """What the question is about: one concept per content word, with its alternatives."""
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
        concepts: list[_Concept] = []
        for word in dict.fromkeys(words):
            terms = _terms(word)
            searched = {word}
            df = self._document_frequency(word)
            fuzzy = False
            if df == 0 and len(word) >= 4 and not word.isdigit():
                for fixed in self._correct(word):
                    searched.add(fixed)
                    terms |= _terms(fixed)
                    df = max(df, self._document_frequency(fixed))
                    fuzzy = True
            # A word the corpus never uses stays a concept: it cannot match, and so it lowers the
            # confidence of every answer, which is right: the corpus does not speak of it. A word
            # the translator chose counts less: the articles may well use a synonym.
            weight = self._idf(df) * (_UNKNOWN_TRANSLATED if df == 0 and word in translated_words else 1.0)
            concepts.append(_Concept(word, searched, terms, weight, fuzzy))
        for pattern, name, others in self._aliases:
            if not pattern.search(asked if pattern.flags & re.IGNORECASE == 0 else folded_q):
                continue
            name_terms = {t for word in content_words(name) for t in _name_terms(word)}
            alias_words = {word for other in others for word in content_words(other)}
            for concept in concepts:
                if concept.terms & name_terms:
                    concept.words |= alias_words
                    concept.terms |= {t for word in alias_words for t in _name_terms(word)}
        years = {t[:4] for t in q.times}
        kept: list[_Concept] = []
        for concept in concepts:
            if concept.word in years:
                continue  # a named time is checked by date, not by word
            if translated and concept.word not in translated_words and any(concept.word in k.terms for k in kept):
                continue  # "North" of "North Korea" when the translation's "Coreia do Norte" already says it
            kept.append(concept)
        return kept

    def _rank(self, q: Question, concepts: list[_Concept], candidates: int, phrasing: str) -> list[_Scored]:
        """Candidates from the index, reranked; ``phrasing`` is the question in the corpus language."""
        if not concepts:
            return []
        terms = [WeightedTerm(w, c.idf) for c in concepts for w in c.words]
        hits = self._index.search(terms, candidates)
        if not hits:
            return []
        top_bm25 = hits[0].score or 1.0
        fit_weight = 0.35 if q.asks in TYPED_ANSWERS else 0.2
        time_weight = max(c.idf for c in concepts) if q.times else 0.0
        total_idf = sum(c.idf for c in concepts) + time_weight * len(q.times)
        prefixes = [{_prefix(t) for t in c.terms if len(t) >= _PREFIX} for c in concepts]
        scored = []
        for hit in hits:
            s = hit.sentence
            tokens = _sentence_terms(s.text, self._lang_of(s.article_id))
            token_prefixes = {_prefix(t) for t in tokens if len(t) >= _PREFIX}
            title = self._title_terms(s.article_id)
            before_cache: list[set[str]] = []
            covered = 0.0
            for c, prefix in zip(concepts, prefixes, strict=True):
                if c.terms & tokens:
                    covered += 0.85 * c.idf if c.fuzzy else c.idf
                elif prefix & token_prefixes:
                    covered += 0.8 * c.idf  # same word, another inflection the stemmer missed
                elif c.terms & title or c.terms & self._before_terms(hit, before_cache):
                    covered += 0.5 * c.idf  # the article or the sentence before says it
            timely = all(self._speaks_of(s, t, False, q.future) for t in q.times) and all(
                self._speaks_of(s, t, True, q.future) for t in q.days
            )
            if timely:
                covered += time_weight * len(q.times)
            scored.append(_Scored(hit, covered / total_idf, 0.0, timely, frozenset(tokens)))
        support = self._support(concepts, scored)
        pairs = _word_pairs(phrasing)
        asked = {*analyse(q.text, None), *analyse(phrasing, None), *(w for c in concepts for w in c.words)}
        for item in scored:
            s = item.hit.sentence
            backing = support[s.article_id]
            if s.kind == "byline":
                item.coverage = max(item.coverage, backing)  # a byline speaks for its whole article
            item.confidence = (1 - _SUPPORT_SHARE) * item.coverage + _SUPPORT_SHARE * backing
            item.score = (
                0.6 * item.coverage + 0.25 * (item.hit.score / top_bm25) + fit_weight * fits(q, s, asked)
                + _PHRASE_WEIGHT * _shared_share(pairs, _word_pairs(s.text))
            )
            if len(s.text.split()) < 6:
                item.score -= 0.05
            if s.kind in ("headline", "standfirst", "caption"):
                item.score -= 0.03
        scored.sort(key=lambda x: x.score, reverse=True)
        return scored

    def _support(self, concepts: list[_Concept], scored: list[_Scored]) -> dict[str, float]:
        """How much of the question each candidate's article speaks of, by article id.

        An article that holds the answer usually speaks of everything the question names, in
        one sentence or another; an off-topic question matches scattered words in scattered
        articles. Support is the share of the question (rarer words weigh more) said somewhere
        among the article's candidate sentences or in its title.
        """
        total = sum(c.idf for c in concepts) or 1.0
        said: dict[str, set[str]] = {}
        for item in scored:
            said.setdefault(item.hit.sentence.article_id, set()).update(item.tokens)
        support: dict[str, float] = {}
        for article_id, terms in said.items():
            terms |= self._title_terms(article_id)
            support[article_id] = sum(c.idf for c in concepts if c.terms & terms) / total
        return support

    def _is_confident(self, item: _Scored) -> bool:
        return (
            item.timely
            and item.coverage >= _MIN_COVERAGE
            and item.confidence >= self._settings.answers.min_confidence
        )

    def _before_terms(self, hit: Hit, cache: list[set[str]]) -> set[str]:
        """The terms of the sentence before a hit, analysed once and only when needed."""
        if not cache:
            cache.append(_sentence_terms(hit.before, self._lang_of(hit.sentence.article_id)) if hit.before else set())
        return cache[0]

    def _lang_of(self, article_id: str) -> str:
        info = self.article(article_id)
        return info.lang if info and info.lang in ("pt", "en") else self.corpus_lang

    def _title_terms(self, article_id: str) -> frozenset[str]:
        """The index terms of an article's title (cached until the next refresh)."""
        cache: dict[str, frozenset[str]] = self._derived.setdefault("titles", {})
        terms = cache.get(article_id)
        if terms is None:
            info = self.article(article_id)
            terms = frozenset(_terms(info.title)) if info and info.title else frozenset()
            cache[article_id] = terms
        return terms

    def _speaks_of(self, s: Sentence, time: str, undated: bool, future: bool) -> bool:
        """Whether a sentence can tell what happened at ``time`` (YYYY, YYYY-MM or YYYY-MM-DD).

        An article cannot report what had not happened yet: unless the question asks about the
        future, the article must be written on or after ``time``. Then the sentence must name
        that time, or its article be written within a year of it. ``undated`` is the answer for
        an undated article whose sentence does not name the time ("today" cannot be checked
        against an undated encyclopedia, "in 2018" can: the sentence would say it).
        """
        named = any(d.startswith(time) or time.startswith(d) for d in s.dates)
        info = self.article(s.article_id)
        written = info.date if info else None
        if not written:
            return named or undated
        if not future and written < time[: len(written)]:
            return False
        return named or int(written[:4]) <= int(time[:4]) + 1

    def _answers(self, scored: list[_Scored], limit: int) -> list[Answer]:
        """The best ``limit`` distinct sentences as answers.

        When the best one is not confident, none is: the corpus does not answer, and what
        follows are close matches, not answers.
        """
        groups: dict[str, list[_Scored]] = {}
        for item in scored:  # wire copy repeats sentences verbatim: the text is the key
            groups.setdefault(item.hit.sentence.text.lower(), []).append(item)
        answers: list[Answer] = []
        answering = True
        for items in groups.values():
            best = items[0]
            s = best.hit.sentence
            info = self.article(s.article_id)
            if info is None:
                continue
            also = tuple(
                a for a in dict.fromkeys(self.article(i.hit.sentence.article_id) for i in items[1:])
                if a is not None and a.id != info.id
            )
            radius = self._settings.answers.context_sentences
            context = tuple(
                n.text for n in self._index.sentences(s.article_id, max(s.position - radius, 0), s.position + radius)
                if n.position != s.position
            ) if radius else ()
            answering = answering and (bool(answers) or self._is_confident(best))
            answers.append(Answer(
                text=s.text, when=s.when, score=max(0.0, min(1.0, best.score)),
                confident=answering and self._is_confident(best),
                article=info, also_in=also, context=context, position=s.position, kind=s.kind,
            ))
            if len(answers) >= limit:
                break
        return answers

    def _suggestions(self, q: Question, scored: list[_Scored]) -> tuple[str, ...]:
        """What to offer when nothing answers confidently: the nearest articles' titles, else names
        close to the question's words, else the names the corpus mentions most (its topics)."""
        wanted = self._settings.answers.suggestions
        titles: dict[str, None] = {}
        for item in scored:
            info = self.article(item.hit.sentence.article_id)
            if info and info.title:
                titles.setdefault(info.title[:100], None)
            if len(titles) >= wanted:
                break
        if not titles and wanted and q.terms:
            typed = " ".join(q.terms)
            for name in self.suggest(typed, wanted + 1):
                if name != typed:  # autocomplete echoes the typed text first
                    titles.setdefault(name, None)
        if not titles and wanted:
            titles = dict.fromkeys(self.suggest("", wanted))  # nothing close: what the corpus is about
        return tuple(titles)[:wanted]


def _terms(text: str) -> set[str]:
    """The index terms of ``text`` that coverage compares: folded words and their stems.

    Stems shorter than four letters are left out: they join unrelated words ("para" and
    "Paris" both stem to "par", "coreia" and "cor" to "cor").
    """
    stems = {t for t in (*analyse(text, "pt"), *analyse(text, "en")) if len(t) >= 4}
    return stems | set(analyse(text, None))


def _prefix(word: str) -> str:
    """The part of a word that inflection leaves alone: five letters, four of a five-letter word."""
    return word[:_PREFIX] if len(word) > _PREFIX else word[: _PREFIX - 1]


def _word_pairs(text: str) -> set[tuple[str, str]]:
    """Neighbouring folded words ("estao", "sob"): phrasing shared with the question, stop words included."""
    words = analyse(text, None)
    return set(pairwise(words))


def _shared_share(wanted: set[tuple[str, str]], found: set[tuple[str, str]]) -> float:
    return len(wanted & found) / len(wanted) if wanted else 0.0


def _sentence_terms(text: str, lang: str) -> set[str]:
    """What :func:`_terms` gives for a sentence of a known language (its own stems only: faster)."""
    return {t for t in analyse(text, lang) if len(t) >= 4} | set(analyse(text, None))


def _name_terms(text: str) -> set[str]:
    """The folded words of a name, unstemmed (names are not inflected)."""
    return set(analyse(text, None))
