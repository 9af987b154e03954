DROP TABLE IF EXISTS job_schedule;
DROP TRIGGER IF EXISTS tg_pgqueuer_changed ON pgqueuer;
DROP FUNCTION IF EXISTS fn_pgqueuer_changed();
DROP TABLE IF EXISTS pgqueuer_statistics;
DROP TABLE IF EXISTS pgqueuer_schedules;
DROP TABLE IF EXISTS pgqueuer_log;
DROP TABLE IF EXISTS pgqueuer;
DROP TYPE IF EXISTS pgqueuer_status;
DROP INDEX IF EXISTS challenge_proposals_due_idx;
ALTER TABLE challenge
    DROP COLUMN IF EXISTS proposal_error,
    DROP COLUMN IF EXISTS proposal_attempts,
    DROP COLUMN IF EXISTS proposals_due_at;
