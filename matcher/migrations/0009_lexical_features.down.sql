DROP INDEX document_lexical_pending_idx;
ALTER TABLE document DROP COLUMN lexical_hash, DROP COLUMN lexical_features;
