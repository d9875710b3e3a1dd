-- Issue 13 §2, quotas and cleaning: which device sent a unit's copy of a file (the per-device
-- quota counts it), and an index for the orphan collection (events that attach a file).
ALTER TABLE file_units ADD COLUMN device_id text;

CREATE INDEX events_file_attached ON events ((body->'body'->>'sha256')) WHERE type = 'dossier.file_attached';
