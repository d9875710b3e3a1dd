-- Issue 13 §3: the hub's identity (epoch). Devices remember it with their pull cursor; a new
-- epoch tells them the hub's database was restored or replaced, so they pull again from the
-- start and send again whatever the hub lacks (idempotent by event id). `marker` is the OID
-- of the events table when the epoch was made: a logical restore (pg_dump → psql/pg_restore)
-- or a new database recreates the table, so the OID differs and the hub makes a new epoch at
-- its next start (Hub.loadIdentity). `beat` counts the hub's active periods; the data folder
-- keeps the last one (app.ts settleIdentity), so a physical copy of an older database (same
-- OIDs, a lower beat) is recognised too.
CREATE TABLE hub_identity (
  id          integer PRIMARY KEY CHECK (id = 1),
  epoch       text NOT NULL,
  marker      bigint NOT NULL,
  beat        bigint NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now()
);
