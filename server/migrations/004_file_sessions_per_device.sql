-- Issue 13, files per unit: an upload session belongs to the device that created it, so
-- another device (of any unit) can neither append to it nor block it with a wrong size.
-- Two devices sending the same file each have their own session; the blob store keeps one copy.
ALTER TABLE uploads DROP CONSTRAINT uploads_pkey;

ALTER TABLE uploads ADD PRIMARY KEY (sha256, device_id);

-- Grants written before this version by a mere POST /v1/files (any device that knew a hash):
-- kept only where an event of the unit itself attaches that file.
DELETE FROM file_units fu WHERE NOT EXISTS (
  SELECT 1 FROM events e WHERE e.unit_code = fu.unit_code AND e.type = 'dossier.file_attached' AND e.body->'body'->>'sha256' = fu.sha256
);
