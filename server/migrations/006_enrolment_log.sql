-- Issue 13 §4: every enrolment attempt is logged (listed by `enrolments:list`) and the log is
-- what the rate limits count: failed attempts per address, attempts per unit.
CREATE TABLE enrolment_log (
  id           bigserial PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT now(),
  address      text NOT NULL,
  unit_code    text,
  device_id    text,
  device_name  text,
  outcome      text NOT NULL
);

CREATE INDEX enrolment_log_address ON enrolment_log (address, at);

CREATE INDEX enrolment_log_unit ON enrolment_log (unit_code, at);
