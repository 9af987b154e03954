ALTER TABLE challenge
    DROP COLUMN embedding_english_model,
    DROP COLUMN embedding_english;
ALTER TABLE document
    DROP COLUMN embedding_english_model,
    DROP COLUMN embedding_english;
