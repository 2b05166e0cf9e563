"""Answering: a question -> the sentences that answer it, best first, with a confidence.

The pipeline for one question, one private module per stage:

1. analyse it (:mod:`bot.questions`): language, what it asks for, its content words;
2. expand it (``_expand``): an offline translation into the corpus language
   (:mod:`bot.translate`), the aliases of names it mentions (``config/aliases.yaml``), and
   corrections of misspelt words against the index vocabulary (rapidfuzz);
3. retrieve candidates from the index and rank them (``_rank``) by a fitted model over their
   features (``_features``): how much of the question each sentence covers by itself and through
   its context, what it adds beyond the question, the retrieval score, whether it carries the
   kind of answer asked for (a date for "when", a number for "how many", ...);
4. re-order the leading candidates by the combined model when the sentence encoder gives their
   cosine with the question (``_semantic``, within ``answers.semantic_budget_ms``);
5. decide whether the best ones answer (``_confidence``, a fitted model);
6. fold duplicate sentences (wire copy) into one answer with all sources and attach the
   neighbouring sentences (``_assemble``).

:class:`Answerer` only composes the stages over a :class:`~bot.answering._corpus.Corpus` (the
index and its catalog, kept current). From a shell:
``Answerer.from_folder("corpus").ask("when did Lavrov visit Pyongyang?")``.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Collection
from pathlib import Path

from bot.answering import _assemble
from bot.answering._budget import budgeted
from bot.answering._confidence import assess, is_confident
from bot.answering._corpus import Corpus
from bot.answering._expand import Expander
from bot.answering._extract import Direct, extract
from bot.answering._rank import Scored, rank, rerank_semantic
from bot.answering._results import Answer, Result
from bot.answering._semantic import SemanticScorer
from bot.config import Settings, load_settings
from bot.ingest import RefreshReport
from bot.models import LinearModel
from bot.questions import MAX_QUESTION_CHARS, Question, clean_question, clean_text
from bot.questions import analyse as analyse_question
from bot.records import ArticleInfo, Sentence
from bot.translate import translator

__all__ = ["Answer", "Answerer", "Corpus", "Direct", "RefreshReport", "Result"]

#: The leading candidates offered to the sentence encoder (best first, while the budget lasts), and so
#: re-ordered by the combined model. Cross-validated (``python -m benchmarks.quality``), 12 does as well
#: as 8 and better than 20, which ranks worse (squad-en 0.719 against 0.736; the right sentence is
#: rarely further down, and the others only add near misses).
SEMANTIC_CANDIDATES = 12


class Answerer:
    """Answers questions from one corpus folder through its on-disk index."""

    def __init__(self, corpus: Corpus, rank_model: LinearModel | None = None) -> None:
        self._corpus = corpus
        self._rank_model = rank_model  # None: the shipped lexical ranking model
        self._settings = corpus.settings
        self._translator = translator(self._settings.answers.translate)
        if self._translator.available:
            threading.Thread(target=self._translator.warm_up, name="translator-warm-up", daemon=True).start()
        self._expander = Expander(corpus, self._translator, self._settings.aliases)
        corpus.semantic.start_warm_up()  # the sentence encoder loads while the index opens

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def from_settings(
        cls, settings: Settings, progress: Callable[[int, int], None] | None = None
    ) -> Answerer:
        """Open (building or refreshing as needed) the index of ``settings.corpus``.

        Raises ``FileNotFoundError`` when the corpus folder does not exist. When the refresh
        fails but an index was built before, that index answers (``last_report.error`` says why).
        """
        answerer = cls(Corpus.open(settings))
        answerer._corpus.load(progress)
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
        return self._corpus.refresh(progress, paths)

    @property
    def corpus(self) -> Corpus:
        """The index and catalog answers come from (what the briefing tools read too)."""
        return self._corpus

    @property
    def last_report(self) -> RefreshReport | None:
        """What the last refresh changed (None before the first)."""
        return self._corpus.last_report

    @property
    def sentence_count(self) -> int:
        """Sentences indexed."""
        return self._corpus.catalog.sentence_count

    @property
    def article_count(self) -> int:
        """Articles indexed."""
        return len(self._corpus.catalog.entries)

    @property
    def semantic(self) -> SemanticScorer:
        """Sentence vectors and the encoder: cosines, background and foreground embedding."""
        return self._corpus.semantic

    @property
    def corpus_lang(self) -> str:
        """The language most articles are written in."""
        return self._corpus.lang

    # -- lookups ---------------------------------------------------------------------------

    def article(self, article_id: str) -> ArticleInfo | None:
        """One article's metadata."""
        return self._corpus.article(article_id)

    def articles(self, filter: str | None = None) -> list[ArticleInfo]:
        """Articles, newest first; ``filter`` matches title, source or id (fuzzy, accents ignored)."""
        return self._corpus.articles(clean_text(filter)[:MAX_QUESTION_CHARS] if filter else filter)

    def article_sentences(self, article_id: str, limit: int = 5) -> list[Sentence]:
        """The first ``limit`` sentences of an article."""
        return self._corpus.article_sentences(article_id, 0, max(limit - 1, 0))

    def suggest(self, text: str, limit: int = 25, lang: str | None = None) -> list[str]:
        """Completions of what the user typed: questions about the names the corpus mentions, headlines
        (autocomplete); ``lang`` is the language of the questions when the typed text does not tell."""
        return self._corpus.suggester().suggest(clean_text(text)[:MAX_QUESTION_CHARS], limit, lang)

    @budgeted(lane=False)
    def gloss(self, text: str, target: str = "en") -> str | None:
        """An offline translation of a quote into ``target`` (None when translation is unavailable)."""
        source = "pt" if target == "en" else "en"
        return self._translator.translate(text, source, target)

    # -- answering -------------------------------------------------------------------------

    @budgeted()
    def ask(self, question: str, limit: int | None = None, exclude: Collection[str] = ()) -> Result:
        """The sentences answering ``question``, best first.

        Raises ValueError (:class:`~bot.questions.QuestionError`) on an empty or overlong question.
        ``exclude`` holds quotes already given (a "who else?" follow-up): they are not given again.
        """
        question = clean_question(question)
        self._corpus.follow_disk()
        q = analyse_question(question)
        limit = limit or self._settings.answers.max_quotes
        translated = self._expander.translation(q)
        scored = self._ranked(q, translated, self._settings.answers.candidates, exclude)
        answers = _assemble.answers(self._corpus, scored, limit, self._is_confident)
        suggestions: tuple[str, ...] = ()
        direct = None
        if not answers or not answers[0].confident:
            suggestions = _assemble.suggestions(self._corpus, q, scored, translated)
        else:
            best = answers[0]
            phrasing = translated if translated and best.article.lang != q.lang else q.text
            direct = extract(q, phrasing, best.text, best.when, best.article.lang, bool(best.article.date))
        return Result(question, tuple(answers), suggestions, q.asks, q.lang, translated, direct)

    @budgeted()
    def search(self, terms: str, limit: int = 25) -> list[Answer]:
        """The best matching sentences for free-text terms, no confidence cut."""
        if not terms or not terms.strip():
            raise ValueError("the search terms are empty")
        self._corpus.follow_disk()
        q = analyse_question(clean_question(terms))
        scored = self._ranked(q, self._expander.translation(q), max(self._settings.answers.candidates, limit * 4))
        return _assemble.answers(self._corpus, scored, limit, self._is_confident)

    def _is_confident(self, item: Scored) -> bool:
        return is_confident(item, self._settings.answers.min_confidence)

    def _ranked(self, q: Question, translated: str | None, count: int, exclude: Collection[str] = ()) -> list[Scored]:
        """Candidates ranked lexically, re-ordered with the encoder's cosines, the best assessed.

        Sentences in ``exclude`` (quotes already given) are left out before any of it.
        """
        scored = self._candidates(q, translated, count)
        if exclude:
            skip = {" ".join(text.lower().split()) for text in exclude}
            scored = [item for item in scored if " ".join(item.hit.sentence.text.lower().split()) not in skip]
        semantic = self._corpus.semantic
        if scored and semantic.available:
            lead = [item.hit for item in scored[:SEMANTIC_CANDIDATES]]
            found = semantic.score(q.text, lead)
            scored = rerank_semantic(scored, found.values, baseline=found.baseline)
        assess(scored)
        return scored

    def _candidates(self, q: Question, translated: str | None, count: int) -> list[Scored]:
        """Ranked candidates for a question, in the corpus language and, when some articles are
        written in the question's own language, in that language too (each sentence is scored
        against the wording of its own language; the best score of a sentence wins)."""
        corpus = self._corpus
        scored = rank(corpus, q, self._expander.concepts(q, translated), count, translated or q.text, self._rank_model)
        if not translated or not corpus.langs.get(q.lang):
            return scored
        best: dict[tuple[str, int], Scored] = {}
        own = rank(corpus, q, self._expander.concepts(q, None), count, q.text, self._rank_model)
        for item in (*scored, *(i for i in own if corpus.lang_of(i.hit.sentence.article_id) == q.lang)):
            key = (item.hit.sentence.article_id, item.hit.sentence.position)
            if key not in best or item.score > best[key].score:
                best[key] = item
        return sorted(best.values(), key=lambda x: x.score, reverse=True)
