-- A queue that empties: a challenge becomes 'matched' when a match is accepted and is closed
-- (completed, withdrawn, or by the manager) with a reason; proposals left over when a challenge
-- is matched or closed become 'withdrawn' (recorded in the history, not deleted).
ALTER TABLE challenge DROP CONSTRAINT challenge_status_check;
ALTER TABLE challenge ADD CONSTRAINT challenge_status_check
    CHECK (status IN ('open', 'matched', 'closed', 'withdrawn'));
ALTER TABLE challenge ADD COLUMN close_reason text
    CHECK (close_reason IS NULL OR char_length(close_reason) <= 2000);
ALTER TABLE challenge ADD COLUMN closed_at timestamptz;
-- When the dates, hours or kind last changed (proposals computed before it are stale).
ALTER TABLE challenge ADD COLUMN terms_changed_at timestamptz NOT NULL DEFAULT now();

ALTER TABLE match DROP CONSTRAINT match_state_check;
ALTER TABLE match ADD CONSTRAINT match_state_check CHECK (state IN (
    'proposed', 'approved', 'rejected', 'introduced', 'accepted', 'declined', 'completed',
    'cancelled', 'withdrawn'
));
CREATE INDEX match_challenge_state_idx ON match (challenge_id, state);
