-- Issue 13 §4: a new device is usable only once the province officer approves it
-- (`devices:approve`), unless its unit is set to approve its devices by itself
-- (`units:set --auto-approve`). `enrolled_from` is the address the enrolment came from, shown
-- by `devices:list` next to the approval. Devices enrolled before this migration were already
-- syncing: they count as approved (by 'migration') at their enrolment time.
ALTER TABLE units ADD COLUMN auto_approve boolean NOT NULL DEFAULT false;

ALTER TABLE devices ADD COLUMN approved_at timestamptz;

ALTER TABLE devices ADD COLUMN approved_by text;

ALTER TABLE devices ADD COLUMN enrolled_from text;

UPDATE devices SET approved_at = enrolled_at, approved_by = 'migration';
