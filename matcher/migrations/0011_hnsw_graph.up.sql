-- The vector indexes get a denser graph: 32 links per node (pgvector's default is 16) and a
-- candidate list of 200 while building (default 64). A search then reaches the exact nearest
-- documents with a much shorter candidate list: at 100,000 documents recall@10 of the exact
-- top-10 people is 0.992 with hnsw.ef_search 200 on this graph, where the default graph
-- needed 1000 for 0.990 and a search took four times as long (benchmarks/scale.py
-- --ef-search). Indexes are made per vector dimension by the embedding worker
-- (matcher.storage.embedding_queue.ensure_vector_index, which uses the same parameters);
-- the existing ones are rebuilt here with the new parameters.
DO $$
DECLARE
    idx record;
BEGIN
    FOR idx IN
        SELECT c.relname FROM pg_class c
        WHERE c.relkind = 'i' AND c.relname ~ '^(document|challenge)_embedding_hnsw_[0-9]+$'
    LOOP
        EXECUTE format('ALTER INDEX %I SET (m = 32, ef_construction = 200)', idx.relname);
        EXECUTE format('REINDEX INDEX %I', idx.relname);
    END LOOP;
END
$$;
