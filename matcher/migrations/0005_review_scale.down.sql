DROP INDEX IF EXISTS match_challenge_state_idx;
-- Withdrawn proposals were never acted on by a person: they go back to being cancelled.
UPDATE match SET state = 'cancelled' WHERE state = 'withdrawn';
ALTER TABLE match DROP CONSTRAINT match_state_check;
ALTER TABLE match ADD CONSTRAINT match_state_check CHECK (state IN (
    'proposed', 'approved', 'rejected', 'introduced', 'accepted', 'declined', 'completed',
    'cancelled'
));

UPDATE challenge SET status = 'open' WHERE status = 'matched';
ALTER TABLE challenge DROP COLUMN terms_changed_at;
ALTER TABLE challenge DROP COLUMN closed_at;
ALTER TABLE challenge DROP COLUMN close_reason;
ALTER TABLE challenge DROP CONSTRAINT challenge_status_check;
ALTER TABLE challenge ADD CONSTRAINT challenge_status_check
    CHECK (status IN ('open', 'closed', 'withdrawn'));
