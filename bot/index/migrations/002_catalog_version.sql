-- The catalog's version (bot.catalog.CATALOG_VERSION) a corpus was indexed with: when splitting,
-- dating or metadata rules change, the version moves on and the corpus is read again from its files.
ALTER TABLE corpora ADD COLUMN catalog_version int NOT NULL DEFAULT 0;
