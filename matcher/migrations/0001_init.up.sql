-- The first schema: members, people and their track record, challenges, keys,
-- matches with their history, capacity reservations, review sessions, re-ranker models.
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE sector (
    code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_-]{1,40}$'),
    name text NOT NULL UNIQUE
);

INSERT INTO sector (code, name) VALUES
    ('overheden', 'Overheden'),
    ('ict', 'ICT-dienstverlening'),
    ('zorg', 'Gezondheid en Welzijn'),
    ('zakelijk', 'Zakelijke dienstverlening'),
    ('onderwijs', 'Onderwijs en Onderzoek'),
    ('wonen', 'Wonen'),
    ('energie', 'Energie en Water'),
    ('industrie', 'Industrie en Logistiek'),
    ('agrofood', 'Agro en Food');

CREATE TABLE organisation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_ref text UNIQUE,
    name text NOT NULL UNIQUE,
    -- Nullable for evaluation datasets that do not describe them; the API requires both.
    sector_code text REFERENCES sector (code),
    province text CHECK (province IN ('Friesland', 'Groningen', 'Drenthe', 'elders')),
    contact_email text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    external_ref text UNIQUE,
    name text NOT NULL,
    role text NOT NULL DEFAULT '',
    email text NOT NULL,
    languages text[] NOT NULL DEFAULT '{}',
    summary text NOT NULL DEFAULT '',
    capacity_hours_per_month numeric(6, 1) NOT NULL DEFAULT 0 CHECK (capacity_hours_per_month >= 0),
    available_from date,
    available_until date,
    willing_to_speak boolean NOT NULL DEFAULT false,
    speaker_topics text[] NOT NULL DEFAULT '{}',
    consent boolean NOT NULL DEFAULT false,
    consent_changed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (available_from IS NULL OR available_until IS NULL OR available_from <= available_until)
);
CREATE INDEX person_organisation_idx ON person (organisation_id);

-- Organisations a person must not be suggested to (former employer, supplier, family).
CREATE TABLE person_conflict (
    person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    reason text NOT NULL DEFAULT '',
    PRIMARY KEY (person_id, organisation_id)
);

-- A person's texts, each embedded on its own: the summary and the track record.
-- The row is its own queue entry: it needs a vector while embedding_hash differs
-- from text_hash or embedding_model differs from the configured model.
CREATE TABLE document (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('summary', 'project', 'talk', 'certification', 'publication', 'other')),
    title text NOT NULL DEFAULT '',
    body text NOT NULL,
    text_hash text NOT NULL,
    search tsvector GENERATED ALWAYS AS (
        to_tsvector('dutch'::regconfig, title || ' ' || body)
        || to_tsvector('english'::regconfig, title || ' ' || body)
    ) STORED,
    embedding vector,
    embedding_dim integer,
    embedding_model text,
    embedding_hash text,
    embedded_at timestamptz,
    embed_attempts integer NOT NULL DEFAULT 0,
    embed_error text,
    embed_after timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX document_person_idx ON document (person_id);
CREATE UNIQUE INDEX document_one_summary_idx ON document (person_id) WHERE kind = 'summary';
CREATE INDEX document_search_idx ON document USING gin (search);
CREATE INDEX document_pending_idx ON document (embed_after) WHERE embedding_hash IS DISTINCT FROM text_hash;

CREATE TABLE challenge (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation_id bigint NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    external_ref text UNIQUE,
    title text NOT NULL,
    description text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('partner', 'speaker', 'capacity', 'knowledge')),
    hours_needed numeric(7, 1) CHECK (hours_needed IS NULL OR hours_needed >= 0),
    starts_on date,
    needed_by date,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'withdrawn')),
    text_hash text NOT NULL,
    search tsvector GENERATED ALWAYS AS (
        to_tsvector('dutch'::regconfig, title || ' ' || description)
        || to_tsvector('english'::regconfig, title || ' ' || description)
    ) STORED,
    embedding vector,
    embedding_dim integer,
    embedding_model text,
    embedding_hash text,
    embedded_at timestamptz,
    embed_attempts integer NOT NULL DEFAULT 0,
    embed_error text,
    embed_after timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_on IS NULL OR needed_by IS NULL OR starts_on <= needed_by)
);
CREATE INDEX challenge_organisation_idx ON challenge (organisation_id);
CREATE INDEX challenge_status_idx ON challenge (status);

CREATE TABLE api_key (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_prefix text NOT NULL UNIQUE,
    key_hash bytea NOT NULL,
    role text NOT NULL CHECK (role IN ('member', 'programme_manager', 'admin')),
    organisation_id bigint REFERENCES organisation (id) ON DELETE CASCADE,
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    CHECK (role <> 'member' OR organisation_id IS NOT NULL)
);

-- A suggestion that became a record the programme manager acts on.
CREATE TABLE match (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    challenge_id bigint NOT NULL REFERENCES challenge (id) ON DELETE CASCADE,
    person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    state text NOT NULL DEFAULT 'proposed' CHECK (state IN (
        'proposed', 'approved', 'rejected', 'introduced', 'accepted', 'declined', 'completed', 'cancelled'
    )),
    rank integer NOT NULL,
    score double precision NOT NULL,
    score_parts jsonb NOT NULL DEFAULT '{}',
    features jsonb NOT NULL DEFAULT '{}',
    explanation jsonb NOT NULL DEFAULT '{}',
    model text NOT NULL DEFAULT '',
    introduction_text text,
    hours_spent numeric(7, 1) CHECK (hours_spent IS NULL OR hours_spent >= 0),
    outcome_rating smallint CHECK (outcome_rating IS NULL OR outcome_rating BETWEEN 1 AND 5),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (challenge_id, person_id)
);
CREATE INDEX match_person_idx ON match (person_id);
CREATE INDEX match_state_idx ON match (state);

CREATE TABLE match_transition (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    match_id bigint NOT NULL REFERENCES match (id) ON DELETE CASCADE,
    from_state text,
    to_state text NOT NULL,
    actor_key_id bigint REFERENCES api_key (id) ON DELETE SET NULL,
    actor_role text NOT NULL,
    reason_code text CHECK (reason_code IS NULL OR reason_code IN (
        'wrong_expertise', 'no_capacity', 'conflict', 'already_connected', 'other'
    )),
    note text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX match_transition_match_idx ON match_transition (match_id);

-- Hours held for an approved match; released on reject/decline/cancel, booked on complete.
CREATE TABLE capacity_reservation (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id bigint NOT NULL REFERENCES person (id) ON DELETE CASCADE,
    match_id bigint NOT NULL UNIQUE REFERENCES match (id) ON DELETE CASCADE,
    hours numeric(7, 1) NOT NULL CHECK (hours >= 0),
    starts_on date NOT NULL,
    ends_on date NOT NULL,
    state text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'booked', 'released')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (starts_on <= ends_on)
);
CREATE INDEX capacity_reservation_person_idx ON capacity_reservation (person_id) WHERE state <> 'released';

-- Review page sign-ins: the cookie carries a random token, the table its hash.
CREATE TABLE web_session (
    token_hash bytea PRIMARY KEY,
    api_key_id bigint NOT NULL REFERENCES api_key (id) ON DELETE CASCADE,
    csrf_token text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

CREATE TABLE reranker_model (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version integer NOT NULL UNIQUE,
    feature_names text[] NOT NULL,
    payload bytea NOT NULL,
    metrics jsonb NOT NULL DEFAULT '{}',
    decisions integer NOT NULL,
    active boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX reranker_model_one_active_idx ON reranker_model (active) WHERE active;
