DROP TRIGGER IF EXISTS document_lexemes_changed ON document;
DROP TRIGGER IF EXISTS document_lexemes_removed ON document;
DROP TRIGGER IF EXISTS document_lexemes_added ON document;
DROP FUNCTION IF EXISTS lexeme_frequency_changed();
DROP FUNCTION IF EXISTS lexeme_frequency_removed();
DROP FUNCTION IF EXISTS lexeme_frequency_added();
DROP TABLE IF EXISTS lexeme_frequency_delta;
DROP TABLE IF EXISTS lexeme_frequency;
