-- English texts also get a vector of the English model (all-MiniLM-L6-v2 by default): for a
-- pair of two English texts the matcher uses it instead of the multilingual vector, which
-- stays the one every text has and the one retrieval searches (its HNSW index is
-- cross-lingual). embedding_english_model records the English model that looked at the
-- text: the vector is NULL when the text is not English, and a text is pending again when
-- the configured English model differs. Like embedding, it belongs to the text of
-- embedding_hash.
ALTER TABLE document
    ADD COLUMN embedding_english vector,
    ADD COLUMN embedding_english_model text;
ALTER TABLE challenge
    ADD COLUMN embedding_english vector,
    ADD COLUMN embedding_english_model text;
