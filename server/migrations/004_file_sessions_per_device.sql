-- Issue 13, files per unit: an upload session belongs to the device that created it, so
-- another device (of any unit) can neither append to it nor block it with a wrong size.
-- Two devices sending the same file each have their own session; the blob store keeps one copy.
ALTER TABLE uploads DROP CONSTRAINT uploads_pkey;

ALTER TABLE uploads ADD PRIMARY KEY (sha256, device_id);
