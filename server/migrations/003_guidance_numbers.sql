-- Mẫu 02 numbers are unique per unit and year (PROTOCOL.md §7): the hub looks a pushed
-- slip's number up among the unit's guidance.issued events (hub.ts refuseUsedGuidanceNumbers).
CREATE INDEX events_guidance_number ON events (unit_code, (body->'body'->>'number')) WHERE type = 'guidance.issued';
