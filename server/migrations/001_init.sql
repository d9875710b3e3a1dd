-- The province hub's schema, version 1. Runs unchanged on PostgreSQL 15 and PGlite.
-- One statement per ';' at a line end (see splitSql in server/db.ts).

CREATE TABLE units (
  code        text PRIMARY KEY,
  name        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- A device (one PC at a commune counter). Only the SHA-256 of its token is kept.
CREATE TABLE devices (
  device_id     text PRIMARY KEY,
  unit_code     text NOT NULL REFERENCES units(code),
  name          text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  slot          integer NOT NULL CHECK (slot BETWEEN 1 AND 9),
  revoked       boolean NOT NULL DEFAULT false,
  revoked_at    timestamptz,
  enrolled_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz,
  last_seq      bigint NOT NULL DEFAULT 0
);

-- Two active devices of a unit never hold the same dossier-code slot.
CREATE UNIQUE INDEX devices_active_slot ON devices (unit_code, slot) WHERE NOT revoked;

-- One-time enrolment codes: hashed, with an expiry, consumed atomically.
CREATE TABLE enrolment_codes (
  code_hash   text PRIMARY KEY,
  unit_code   text NOT NULL REFERENCES units(code),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  used_by     text
);

-- The hub's ingest sequence: the pull cursor of events and publications alike.
CREATE SEQUENCE hub_cursor;

-- Per-device seq of the events made at the province (device 'province').
CREATE SEQUENCE province_event_seq;

CREATE TABLE events (
  event_id     uuid PRIMARY KEY,
  unit_code    text NOT NULL,
  device_id    text NOT NULL,
  dossier_id   text NOT NULL,
  seq          bigint NOT NULL,
  type         text NOT NULL,
  at           bigint NOT NULL,
  body         jsonb NOT NULL,
  ingest_seq   bigint NOT NULL DEFAULT nextval('hub_cursor'),
  ingested_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_unit_cursor ON events (unit_code, ingest_seq);

CREATE INDEX events_dossier ON events (dossier_id);

-- The derived current state of each dossier, written in the transaction that stores its events.
CREATE TABLE dossiers (
  dossier_id      text PRIMARY KEY,
  unit_code       text NOT NULL,
  code            text,
  status          integer,
  state           jsonb,
  conflicts       jsonb NOT NULL DEFAULT '[]'::jsonb,
  open_conflicts  integer NOT NULL DEFAULT 0,
  event_count     integer NOT NULL DEFAULT 0,
  last_event_at   bigint,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

-- A derived state is ~2.5 KB: keep such rows inline and uncompressed (no TOAST work on every
-- push); only states past ~4 KB are compressed.
ALTER TABLE dossiers SET (toast_tuple_target = 4080);

CREATE INDEX dossiers_unit_code ON dossiers (unit_code, code);

CREATE INDEX dossiers_unit_updated ON dossiers (unit_code, updated_at);

-- Content-addressed files: verified = the whole file's SHA-256 was checked at the hub.
CREATE TABLE files (
  sha256       text PRIMARY KEY,
  size         bigint NOT NULL,
  mime         text NOT NULL,
  verified     boolean NOT NULL DEFAULT false,
  path         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  verified_at  timestamptz
);

-- Which units sent (and may read the state of) a file.
CREATE TABLE file_units (
  sha256     text NOT NULL,
  unit_code  text NOT NULL,
  PRIMARY KEY (sha256, unit_code)
);

CREATE TABLE uploads (
  sha256      text PRIMARY KEY,
  size        bigint NOT NULL,
  mime        text NOT NULL,
  upload_offset bigint NOT NULL DEFAULT 0,
  temp_path   text NOT NULL,
  device_id   text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Catalogue and holiday-table updates published by the province (unit_code null = all units).
CREATE TABLE publications (
  ingest_seq    bigint PRIMARY KEY DEFAULT nextval('hub_cursor'),
  kind          text NOT NULL CHECK (kind IN ('catalogue', 'holidays')),
  unit_code     text,
  version       text NOT NULL,
  payload       jsonb NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now()
);
