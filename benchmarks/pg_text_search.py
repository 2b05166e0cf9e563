"""Why the PostgreSQL backend does not use PostgreSQL's own text search: ``python -m benchmarks.pg_text_search``.

Two measurements over the news set, on a throwaway local server (``tests/pgserver.py``) or
``--dsn``:

1. **analysis**: on the first 20,000 sentences, the share of tokens that PostgreSQL's
   ``portuguese`` dictionary drops as stop words, and the share of the others that get the same
   term as the embedded index's analysers (``bot/index/_analysis.py``: stem, then fold) when
   stemmed then unaccented, and when unaccented then stemmed (the order a text search
   configuration with ``unaccent`` allows);
2. **ranking**: newsroom P@1/R@3 of the shipped BM25-in-SQL search against ``ts_rank`` over a
   ``tsvector`` of the very same terms (only the scoring differs), with the benchmark's judge
   (the scorer's ``is_gold``).
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.corpora import DATA, accuracy_questions, judge, load_questions, prepare_corpus

_PREFIX = {0: "p", 1: "e", 2: "x"}


def analysis(conn: Any, corpus_id: int, limit: int = 20_000) -> dict[str, float]:
    """Token shares: dropped as stop words, same term stem-then-fold, same term unaccent-then-stem."""
    import tantivy

    from bot.index import analyse

    words_of = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase()).build()
    conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    texts = [r[0] for r in conn.execute(
        "SELECT text FROM sentences WHERE corpus_id = %s AND field = 0 ORDER BY id LIMIT %s", (corpus_id, limit))]
    words = collections.Counter(w for t in texts for w in words_of.analyze(t))
    rows = conn.execute(
        "SELECT w, ts_lexize('portuguese_stem', w), ts_lexize('portuguese_stem', unaccent(w))"
        " FROM unnest(%s::text[]) AS w", (list(words),),
    ).fetchall()
    total = sum(words.values())
    dropped = stem_fold = unaccent_stem = 0
    for word, stemmed, unaccented in rows:
        ours = analyse(word, "pt")
        n = words[word]
        if not stemmed:
            dropped += n
            continue
        stem_fold += n * (analyse(stemmed[0], None) == ours)
        unaccent_stem += n * bool(unaccented and [unaccented[0]] == ours)
    kept = max(total - dropped, 1)
    return {
        "tokens": total, "stop_words_dropped": round(dropped / total, 3),
        "same_stem_then_fold": round(stem_fold / kept, 3), "same_unaccent_then_stem": round(unaccent_stem / kept, 3),
    }


def add_tsvector(conn: Any, corpus_id: int) -> None:
    """A ``tsvector`` per sentence holding exactly the terms the BM25 search uses (field-prefixed)."""
    from bot.index import analyse

    conn.execute("ALTER TABLE sentences ADD COLUMN IF NOT EXISTS tsv tsvector")
    conn.execute("CREATE TEMP TABLE tv (id bigint, doc text)")
    rows = conn.execute("SELECT id, text, field FROM sentences WHERE corpus_id = %s", (corpus_id,)).fetchall()
    with conn.cursor().copy("COPY tv (id, doc) FROM STDIN") as copy:
        for sentence_id, text, field in rows:
            lang = "pt" if field == 0 else "en"
            stems = [_PREFIX[field] + w for w in analyse(text, lang)]
            copy.write_row((sentence_id, " ".join(stems + ["x" + w for w in analyse(text, None)])))
    conn.execute("UPDATE sentences s SET tsv = to_tsvector('simple', tv.doc) FROM tv WHERE tv.id = s.id")
    conn.execute("CREATE INDEX IF NOT EXISTS sentences_tsv ON sentences USING gin (tsv)")
    conn.commit()


def ts_rank_search(self: Any, terms: Any, limit: int) -> list:
    """``PostgresIndex.search`` with ``ts_rank`` (no idf, no query weights) instead of BM25."""
    from bot.index import analyse
    from bot.index._postgres import _CLAUSES
    from bot.index._types import Hit
    from bot.records import Sentence

    lexemes = {_PREFIX[f] + token for term in terms for f, lang, _ in _CLAUSES for token in analyse(term.text, lang)}
    if not lexemes:
        return []
    rows = self._read(
        'SELECT s.article_id, s.position, s.text, s.kind, s."when", s.dates, b.text, ts_rank(s.tsv, q) AS r'
        " FROM sentences s CROSS JOIN to_tsquery('simple', %s) AS q"
        " LEFT JOIN sentences b ON b.corpus_id = s.corpus_id AND b.article_id = s.article_id"
        " AND b.position = s.position - 1"
        " WHERE s.corpus_id = %s AND s.tsv @@ q ORDER BY r DESC, s.id LIMIT %s",
        (" | ".join(sorted(lexemes)), self.corpus_id, limit),
    )
    return [Hit(Sentence(a, p, t, k, w, tuple(d)), float(r), before or "") for a, p, t, k, w, d, before, r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", help="an existing database (default: a throwaway local server)")
    args = parser.parse_args(argv)
    import psycopg

    from benchmarks.backends import config_for, database

    dsn, server = database(args.dsn, "text_search")
    try:
        os.environ["BRIEFING_CONFIG"] = str(config_for("postgres", dsn, DATA / "pg_text_search" / "config"))
        from bot.answering import Answerer
        from bot.index._postgres import PostgresIndex

        corpus = prepare_corpus("news")
        answerer = Answerer.from_folder(corpus, index_dir=DATA / "pg_text_search" / "index")
        corpus_id = answerer._corpus.index.corpus_id  # type: ignore[attr-defined]
        questions = accuracy_questions("news", load_questions(), lambda a: answerer.article(a) is not None)

        def accuracy(label: str) -> None:
            p1 = r3 = 0
            start = time.perf_counter()
            for q in questions:
                hit1, hit3 = judge([a.text for a in answerer.ask(q.text).answers if a.confident], q)
                p1, r3 = p1 + hit1, r3 + hit3
            n = len(questions)
            print(f"{label}: {n} questions, P@1 {p1 / n:.3f}, R@3 {r3 / n:.3f}, "
                  f"{(time.perf_counter() - start) / n * 1000:.0f} ms/question", flush=True)

        with psycopg.connect(dsn) as conn:
            print("analysis:", analysis(conn, corpus_id), flush=True)
            accuracy("BM25 in SQL (shipped)")
            add_tsvector(conn, corpus_id)
        PostgresIndex.search = ts_rank_search  # type: ignore[method-assign]
        accuracy("ts_rank over the same terms")
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    raise SystemExit(main())
