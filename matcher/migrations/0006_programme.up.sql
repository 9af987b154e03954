-- The association's own programme: events with speaker invitations, knowledge networks,
-- and joint projects whose outputs become the participants' track record.

CREATE TABLE event (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('theme_event', 'lunch_session', 'network_meeting', 'sector_meeting')),
    theme text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    place text NOT NULL DEFAULT '',
    online boolean NOT NULL DEFAULT false,
    speaker_slots integer NOT NULL DEFAULT 1 CHECK (speaker_slots > 0 AND speaker_slots <= 20),
    state text NOT NULL DEFAULT 'planned' CHECK (state IN (
        'planned', 'speakers_invited', 'programme_confirmed', 'held', 'cancelled'
    )),
    -- The third Thursday a generated theme event belongs to; moving the event keeps it, so
    -- generating the calendar again neither duplicates nor resurrects a moved date.
    series_date date,
    sector_code text REFERENCES sector (code),
    network_id bigint,
    external_ref text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_at < ends_at),
    CHECK (series_date IS NULL OR kind = 'theme_event'),
    CHECK (kind <> 'sector_meeting' OR sector_code IS NOT NULL)
);
CREATE UNIQUE INDEX event_series_idx ON event (series_date) WHERE series_date IS NOT NULL;
CREATE INDEX event_starts_idx ON event (starts_at);

-- A speaker asked for an event; a held invitation is who spoke (rotation, track record).
CREATE TABLE event_invitation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id bigint NOT NULL REFERENCES event (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    state text NOT NULL DEFAULT 'invited' CHECK (state IN (
        'invited', 'accepted', 'declined', 'held', 'cancelled'
    )),
    topic text NOT NULL DEFAULT '',
    score double precision,
    note text,
    document_id bigint REFERENCES document (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, person_id)
);
CREATE INDEX event_invitation_person_idx ON event_invitation (person_id);
CREATE INDEX event_invitation_organisation_idx ON event_invitation (organisation_id);

CREATE TABLE knowledge_network (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE,
    description text NOT NULL,
    external_ref text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE event ADD CONSTRAINT event_network_fk
    FOREIGN KEY (network_id) REFERENCES knowledge_network (id) ON DELETE SET NULL;

CREATE TABLE knowledge_network_member (
    network_id bigint NOT NULL REFERENCES knowledge_network (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    PRIMARY KEY (network_id, organisation_id)
);

-- A challenge's networks: suggested by similarity, confirmed by the programme manager.
CREATE TABLE challenge_network (
    challenge_id bigint NOT NULL REFERENCES challenge (id) ON DELETE CASCADE,
    network_id bigint NOT NULL REFERENCES knowledge_network (id) ON DELETE CASCADE,
    score double precision,
    confirmed_at timestamptz,
    PRIMARY KEY (challenge_id, network_id)
);
CREATE INDEX challenge_network_network_idx ON challenge_network (network_id);

CREATE TABLE project (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    goal text NOT NULL,
    state text NOT NULL DEFAULT 'proposed' CHECK (state IN (
        'proposed', 'running', 'completed', 'cancelled'
    )),
    match_id bigint UNIQUE REFERENCES match (id) ON DELETE SET NULL,
    external_ref text UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_participant (
    project_id bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    -- Whose track record the project's outputs join (the organisation's lead on it).
    contact_person_id bigint REFERENCES person (id) ON DELETE SET NULL,
    hours_pledged numeric(7, 1) NOT NULL DEFAULT 0 CHECK (hours_pledged >= 0),
    hours_spent numeric(7, 1) NOT NULL DEFAULT 0 CHECK (hours_spent >= 0),
    joined_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, organisation_id)
);
CREATE INDEX project_participant_organisation_idx ON project_participant (organisation_id);

CREATE TABLE project_output (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id bigint NOT NULL REFERENCES project (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('playbook', 'baseline_report', 'report', 'other')),
    title text NOT NULL,
    summary text NOT NULL,
    url text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, title)
);

-- The track-record documents an output became (one per participant's contact person).
CREATE TABLE project_output_document (
    output_id bigint NOT NULL REFERENCES project_output (id) ON DELETE CASCADE,
    document_id bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    PRIMARY KEY (output_id, document_id)
);
