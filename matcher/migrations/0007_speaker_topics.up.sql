-- A person's declared speaker topics become one document of their own, embedded like the
-- others, so a speaker challenge can match a topic by meaning and not only by shared words.
-- It is kept in step with person.speaker_topics by the storage layer (as the summary is)
-- and never counts as track-record evidence.
ALTER TABLE document DROP CONSTRAINT document_kind_check;
ALTER TABLE document ADD CONSTRAINT document_kind_check CHECK (
    kind IN ('summary', 'speaker_topics', 'project', 'talk', 'certification', 'publication', 'other')
);
CREATE UNIQUE INDEX document_one_speaker_topics_idx ON document (person_id)
    WHERE kind = 'speaker_topics';
INSERT INTO document (person_id, kind, title, body, text_hash)
SELECT p.id, 'speaker_topics', '', array_to_string(p.speaker_topics, '; '),
       encode(sha256(convert_to(array_to_string(p.speaker_topics, '; '), 'UTF8')), 'hex')
FROM person p
WHERE cardinality(p.speaker_topics) > 0;
