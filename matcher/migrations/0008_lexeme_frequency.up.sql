-- Document frequencies of the stemmed lexemes, maintained as documents change, so a
-- suggestion request reads them by index instead of scanning every matching document.
--
-- Writers only append to lexeme_frequency_delta (statement triggers on document, no hot
-- rows, no lock order to keep); a reader sums the base row and its pending deltas, so the
-- figures are exact at every moment; the worker folds deltas into the base table now and then.
-- The empty lexeme (never produced by a text search configuration) holds the document count.

CREATE TABLE lexeme_frequency (
    lexeme text PRIMARY KEY,
    documents bigint NOT NULL
);

CREATE TABLE lexeme_frequency_delta (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    lexeme text NOT NULL,
    change integer NOT NULL
);
CREATE INDEX lexeme_frequency_delta_lexeme_idx ON lexeme_frequency_delta (lexeme);

INSERT INTO lexeme_frequency (lexeme, documents)
SELECT l, count(*) FROM document d, unnest(tsvector_to_array(d.search)) AS l GROUP BY l
UNION ALL
SELECT '', count(*) FROM document;

CREATE FUNCTION lexeme_frequency_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lexeme_frequency_delta (lexeme, change)
    SELECT l, count(*) FROM added a, unnest(tsvector_to_array(a.search)) AS l GROUP BY l
    UNION ALL
    SELECT '', count(*) FROM added HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION lexeme_frequency_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO lexeme_frequency_delta (lexeme, change)
    SELECT l, -count(*) FROM removed r, unnest(tsvector_to_array(r.search)) AS l GROUP BY l
    UNION ALL
    SELECT '', -count(*) FROM removed HAVING count(*) > 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION lexeme_frequency_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only texts whose lexemes changed (storing a vector leaves search as it was).
    INSERT INTO lexeme_frequency_delta (lexeme, change)
    SELECT l, sum(c)::integer FROM (
        SELECT l, 1 AS c
        FROM added a JOIN removed r ON r.id = a.id, unnest(tsvector_to_array(a.search)) AS l
        WHERE a.search IS DISTINCT FROM r.search
        UNION ALL
        SELECT l, -1
        FROM removed r JOIN added a ON a.id = r.id, unnest(tsvector_to_array(r.search)) AS l
        WHERE a.search IS DISTINCT FROM r.search
    ) AS changes
    GROUP BY l
    HAVING sum(c) <> 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER document_lexemes_added AFTER INSERT ON document
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION lexeme_frequency_added();
CREATE TRIGGER document_lexemes_removed AFTER DELETE ON document
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION lexeme_frequency_removed();
CREATE TRIGGER document_lexemes_changed AFTER UPDATE ON document
    REFERENCING NEW TABLE AS added OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION lexeme_frequency_changed();
