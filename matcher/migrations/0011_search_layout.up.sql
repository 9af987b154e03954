-- The vector indexes get a denser graph over half-precision keys: 32 links per node
-- (pgvector's default is 16) and a candidate list of 200 while building (default 64). A
-- search then reaches the exact nearest documents with a much shorter candidate list: at
-- 100,000 documents recall@10 of the exact top-10 people is 0.992 with hnsw.ef_search 200
-- on this graph, where the default graph needed 1000 for 0.990 and the candidate query took
-- twice as long (benchmarks/scale.py --ef-search). Half-precision keys halve the index (260 MB ->
-- 156 MB at 100,000 documents of 512 dimensions) and cut a search from 16 to 13 ms with the
-- same nearest 200 documents; the stored vectors and every similarity the scoring uses stay
-- in full precision. Indexes are made per vector dimension by the embedding worker
-- (matcher.storage.embedding_queue.ensure_vector_index, with the same definition); the
-- existing ones are made again here.
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
            'CREATE INDEX %I ON %I USING hnsw ((embedding::halfvec(%s)) halfvec_cosine_ops) '
            'WITH (m = 32, ef_construction = 200) WHERE embedding_dim = %s',
            idx.relname, idx.tbl, idx.dim, idx.dim
        );
    END LOOP;
END
$$;

-- A document row stays whole up to 8 kB (was 4 kB, migration 0009): its vector, text and
-- search vector then sit in the row, and only long n-gram features move out of line, so
-- ranking full-text hits (ts_rank reads each hit's search vector) no longer fetches most of
-- them from the TOAST table (100,000 documents: 59% of search vectors were out of line).
-- Applies to rows written from now on.
ALTER TABLE document SET (toast_tuple_target = 8160);
