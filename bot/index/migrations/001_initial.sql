-- The sentence index, its term statistics and the catalog, for any number of corpora.
--
-- Terms are analysed in Python (bot/index/_analysis.py, the same analysers as the embedded
-- tantivy index), so document frequencies, the vocabulary and BM25 scores match it; postings
-- keep each term's frequency in a sentence and the sentence's length for BM25.

CREATE TABLE corpora (
    id           serial PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    generation   bigint NOT NULL DEFAULT 0,      -- bumped by every commit (LISTEN/NOTIFY payload)
    sentences    bigint NOT NULL DEFAULT 0,      -- N in BM25
    tokens_pt    bigint NOT NULL DEFAULT 0,      -- tokens per field: average length = tokens / N
    tokens_en    bigint NOT NULL DEFAULT 0,
    tokens_exact bigint NOT NULL DEFAULT 0
);

CREATE TABLE sentences (
    id          bigint PRIMARY KEY,
    corpus_id   int NOT NULL REFERENCES corpora ON DELETE CASCADE,
    article_id  text NOT NULL,
    position    int NOT NULL,
    text        text NOT NULL,
    kind        text NOT NULL,
    "when"      text,
    dates       text[] NOT NULL DEFAULT '{}',
    field       smallint NOT NULL,               -- 0: Portuguese stems, 1: English stems
    length      smallint NOT NULL,               -- tokens (the same in every field)
    UNIQUE (corpus_id, article_id, position)
);
CREATE SEQUENCE sentences_id_seq OWNED BY sentences.id;

CREATE TABLE terms (
    id          serial PRIMARY KEY,
    corpus_id   int NOT NULL REFERENCES corpora ON DELETE CASCADE,
    field       smallint NOT NULL,               -- 0: pt stems, 1: en stems, 2: exact (folded)
    term        text NOT NULL,
    df          int NOT NULL DEFAULT 0,          -- sentences holding it (0: kept for its id)
    generation  bigint NOT NULL DEFAULT 0,       -- the commit that last changed df
    UNIQUE (corpus_id, field, term)
);
CREATE INDEX terms_vocabulary ON terms (corpus_id, generation) WHERE field = 2;

-- One partition per corpus (postings_<corpus id>): a corpus's first build fills its partition
-- without indexes, builds them in one pass and attaches it, in the build's transaction.
CREATE TABLE postings (
    corpus_id   int NOT NULL,
    term_id     int NOT NULL,
    sentence_id bigint NOT NULL,
    tf          smallint NOT NULL,
    length      smallint NOT NULL
) PARTITION BY LIST (corpus_id);
CREATE INDEX postings_by_term ON postings (term_id) INCLUDE (sentence_id, tf, length);
CREATE INDEX postings_by_sentence ON postings (sentence_id);

-- The catalog (bot/catalog.py): one row per indexed article file, one per skipped file.
CREATE TABLE articles (
    corpus_id   int NOT NULL REFERENCES corpora ON DELETE CASCADE,
    id          text NOT NULL,
    title       text NOT NULL,
    date        text,
    lang        text NOT NULL,
    url         text,
    author      text,
    source      text,
    section     text,
    size        bigint NOT NULL,
    mtime_ns    bigint NOT NULL,
    sentences   int NOT NULL,
    names       text[] NOT NULL DEFAULT '{}',
    generation  bigint NOT NULL,
    PRIMARY KEY (corpus_id, id)
);

CREATE TABLE skipped_files (
    corpus_id   int NOT NULL REFERENCES corpora ON DELETE CASCADE,
    id          text NOT NULL,
    size        bigint NOT NULL,
    mtime_ns    bigint NOT NULL,
    reason      text NOT NULL,
    generation  bigint NOT NULL,
    PRIMARY KEY (corpus_id, id)
);

-- Which files each commit touched: a reader fetches only those rows.
CREATE TABLE catalog_changes (
    corpus_id   int NOT NULL REFERENCES corpora ON DELETE CASCADE,
    generation  bigint NOT NULL,
    id          text NOT NULL,
    PRIMARY KEY (corpus_id, generation, id)
);
