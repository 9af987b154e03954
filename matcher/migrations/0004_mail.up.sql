-- Mail: the outbox (written in the same transaction as its cause, delivered by the worker),
-- recipients' mail preferences, and the key that signs links in mail.
CREATE TABLE outbox_message (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- e.g. 'member_digest:2026-W49:org:12'; one message per key, ever.
    dedupe_key text NOT NULL UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 300),
    kind text NOT NULL CHECK (kind IN (
        'introduction_asker', 'introduction_helper', 'introduction_reminder',
        'introduction_accepted', 'introduction_declined', 'member_digest', 'manager_digest'
    )),
    recipient text NOT NULL CHECK (recipient LIKE '%_@_%'),
    language text NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en')),
    subject text NOT NULL,
    body_text text NOT NULL,
    body_html text NOT NULL,
    -- Mail about a match goes with it (a person erased takes their introductions along).
    match_id bigint REFERENCES match (id) ON DELETE CASCADE,
    -- People the message names (digests): erasing a person erases these messages too.
    person_ids bigint[] NOT NULL DEFAULT '{}',
    period text,
    state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error text,
    -- When a queued message is due, or when a 'sending' claim lapses (its worker died).
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_message_due_idx ON outbox_message (next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_message_created_idx ON outbox_message (created_at DESC, id DESC);
CREATE INDEX outbox_message_match_idx ON outbox_message (match_id) WHERE match_id IS NOT NULL;
CREATE INDEX outbox_message_person_idx ON outbox_message USING gin (person_ids);
CREATE INDEX outbox_message_recipient_idx ON outbox_message (lower(recipient));

-- Per address: the language of its mail, whether a person wants the member digest,
-- and whether it unsubscribed from digests (honoured at once, also for queued ones).
CREATE TABLE mail_preference (
    email text PRIMARY KEY CHECK (email = lower(email)),
    language text CHECK (language IS NULL OR language IN ('nl', 'en')),
    digest_opt_in boolean NOT NULL DEFAULT false,
    unsubscribed_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Secret for signed links in mail (accept/decline, preferences); made once, on first use.
CREATE TABLE signing_key (
    id smallint PRIMARY KEY CHECK (id = 1),
    secret bytea NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
