-- What a document's lexical evidence needs, kept with the document: its character n-grams as
-- hashed ids and counts (matcher.matching.lexical.lexical_features), written when the
-- document is embedded. lexical_hash is the text_hash they were computed from, so features
-- of a changed text are never used; the embedding worker fills missing or stale ones.
-- Uncompressed out of line: hashed ids do not compress, and a read skips the attempt.

ALTER TABLE document ADD COLUMN lexical_features bytea, ADD COLUMN lexical_hash text;
ALTER TABLE document ALTER COLUMN lexical_features SET STORAGE EXTERNAL;
CREATE INDEX document_lexical_pending_idx ON document (id)
    WHERE lexical_hash IS DISTINCT FROM text_hash;

-- A vector (2 kB at 512 dimensions) is just over the row size PostgreSQL starts moving values
-- out of line at (~2 kB), so every similarity computed in SQL fetched the vector from the
-- TOAST table. Kept in the row instead: rows up to 4 kB stay whole, and above that the text,
-- its search vector and the n-gram features move out first (rows written from now on;
-- VACUUM FULL document rewrites older ones).
ALTER TABLE document ALTER COLUMN embedding SET STORAGE MAIN;
ALTER TABLE document SET (toast_tuple_target = 4096);
