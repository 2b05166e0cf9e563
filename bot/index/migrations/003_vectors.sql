-- Sentence vectors of the semantic scorer (bot/index/_pgvectors.py), beside the sentences.
--
-- One row per (corpus, model variant, passage key, article tag): the key is a hash of the exact
-- text encoded (bot.index._vectors.passage_key), the tag a hash of the article id (article_tag);
-- the vector is int8 (quantize: one byte per dimension) in a bytea. They are fetched by key for
-- the ~20-100 candidates of a question and scored in Python: no nearest-neighbour search, so no
-- vector index (and no pgvector) is needed.
CREATE TABLE vectors (
    corpus_id   int NOT NULL REFERENCES corpora ON DELETE CASCADE,
    variant     text NOT NULL,
    key         bigint NOT NULL,
    tag         bigint NOT NULL,
    vec         bytea NOT NULL,
    PRIMARY KEY (corpus_id, variant, key, tag)
);
-- Dropping an article's vectors (a change or a deletion) finds them by tag. Not prefixed by
-- (corpus_id, variant): a lookup by key must never take this index for the primary key's prefix
-- (the planner did, 20x slower, before the table's first ANALYZE).
CREATE INDEX vectors_by_tag ON vectors (tag);
