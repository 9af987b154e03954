DO $$
DECLARE
    idx record;
BEGIN
    FOR idx IN
        SELECT c.relname FROM pg_class c
        WHERE c.relkind = 'i' AND c.relname ~ '^(document|challenge)_embedding_hnsw_[0-9]+$'
    LOOP
        EXECUTE format('ALTER INDEX %I RESET (m, ef_construction)', idx.relname);
        EXECUTE format('REINDEX INDEX %I', idx.relname);
    END LOOP;
END
$$;
