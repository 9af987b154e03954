DO $$
DECLARE
    idx record;
BEGIN
    FOR idx IN
        SELECT c.relname, m[1] AS tbl, m[2]::int AS dim
        FROM pg_class c,
             regexp_match(c.relname, '^(document|challenge)_embedding_hnsw_([0-9]+)$') AS m
        WHERE c.relkind = 'i' AND m IS NOT NULL
            AND c.relnamespace = current_schema()::regnamespace
    LOOP
        EXECUTE format('DROP INDEX %I', idx.relname);
        EXECUTE format(
            'CREATE INDEX %I ON %I USING hnsw ((embedding::vector(%s)) vector_cosine_ops) '
            'WHERE embedding_dim = %s',
            idx.relname, idx.tbl, idx.dim, idx.dim
        );
    END LOOP;
END
$$;

ALTER TABLE document SET (toast_tuple_target = 4096);
