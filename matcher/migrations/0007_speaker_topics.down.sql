DELETE FROM document WHERE kind = 'speaker_topics';
DROP INDEX document_one_speaker_topics_idx;
ALTER TABLE document DROP CONSTRAINT document_kind_check;
ALTER TABLE document ADD CONSTRAINT document_kind_check CHECK (
    kind IN ('summary', 'project', 'talk', 'certification', 'publication', 'other')
);
