DROP INDEX document_lexical_pending_idx;
ALTER TABLE document DROP COLUMN lexical_hash, DROP COLUMN lexical_features;
ALTER TABLE document RESET (toast_tuple_target);
ALTER TABLE document ALTER COLUMN embedding SET STORAGE EXTERNAL;
