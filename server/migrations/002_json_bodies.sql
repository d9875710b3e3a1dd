-- Event bodies and derived dossier states as json (the text, validated) rather than jsonb:
-- the hub only stores and returns them whole, never queries inside them, and building jsonb
-- (parse, sort every object's keys) was the largest part of PostgreSQL's work per push.
ALTER TABLE events ALTER COLUMN body TYPE json USING body::json;

ALTER TABLE dossiers ALTER COLUMN state TYPE json USING state::json;

ALTER TABLE dossiers ALTER COLUMN conflicts DROP DEFAULT;

ALTER TABLE dossiers ALTER COLUMN conflicts TYPE json USING conflicts::json;

ALTER TABLE dossiers ALTER COLUMN conflicts SET DEFAULT '[]'::json;
