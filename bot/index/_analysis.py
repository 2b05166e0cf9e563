"""Text analysis shared by the index and the answering layer: folded words, stemmed or not.

The same analysers build the index fields and turn questions and sentences into terms, so a
word in a question and the same word in a sentence always give the same term.
"""

from __future__ import annotations

from functools import cache

import tantivy

STEM_LANGUAGES = {"pt": "portuguese", "en": "english"}


@cache
def analyzer(lang: str | None) -> tantivy.TextAnalyzer:
    """The text analyser of a field: folded words, stemmed for ``pt``/``en``, unstemmed for None."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
    if lang is not None:
        builder = builder.filter(tantivy.Filter.stemmer(STEM_LANGUAGES[lang]))
    return builder.filter(tantivy.Filter.ascii_fold()).build()


def analyse(text: str, lang: str | None) -> list[str]:
    """The index terms of ``text`` in the ``lang`` stem field (None: the exact field)."""
    return analyzer(lang).analyze(text)


