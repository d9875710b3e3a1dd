// Numbered schema migrations. Migration N brings a database from user_version N-1 to N.
// Each runs inside one transaction together with the user_version bump (database.ts).
// NEVER edit a migration that has shipped: add a new one.
//
// Storage notes:
// - dossiers.rowid (INTEGER PRIMARY KEY AUTOINCREMENT) is the dossier id on the contract
//   (as a decimal string). AUTOINCREMENT so an id is never handed out twice. The
//   dossier code (mã hồ sơ) is the natural key shared with other systems.
// - dossier_fts is a contentless FTS5 index (rowid = dossiers.id) over the FOLDED
//   (foldForSearch) applicant name, ID number, phone and the date/sequence part of the
//   dossier code. The unit-code part of the code is not indexed: it is the same on every
//   row and would only make every code query scan the whole index (codes are matched on
//   the unique index instead, see dossiers.ts).
// - FTS options, measured on 1,000,000 dossiers (bench/run.ts): prefix indexes for 1–6
//   characters cover every folded Vietnamese name word (≤ 6–7 letters), so a prefix query
//   like "nguyen"* reads one precomputed doclist instead of merging term doclists
//   (≈ 10× faster for common names); detail=none drops positions, which single-word
//   queries never use, and keeps the index smaller than prefix='2 3' with positions.
// - The partial index dossiers_open_due serves the overdue / due-soon lists. Its status
//   list must equal OPEN_STATUSES in dossierQueries.ts (a test checks it).
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up: (db: Database.Database) => void;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: (db) => {
      db.exec(`
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE procedures (
          code        TEXT PRIMARY KEY,
          data        TEXT NOT NULL,            -- JSON Procedure
          name_folded TEXT NOT NULL,
          active      INTEGER NOT NULL,
          unit_edited INTEGER NOT NULL DEFAULT 0, -- 1 = edited by the unit: catalogue updates leave it alone
          position    INTEGER NOT NULL DEFAULT 0, -- order in the catalogue
          updated_at  INTEGER NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE citizens (
          id_number  TEXT PRIMARY KEY,
          full_name  TEXT NOT NULL,
          birth_date TEXT NOT NULL,
          address    TEXT NOT NULL,
          phone      TEXT NOT NULL,
          email      TEXT NOT NULL,
          updated_at INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- Counters: dossier codes per unit per Vietnam day ('dossier', 'yyMMdd'),
        -- Sổ theo dõi numbers per unit per year ('register', 'yyyy'), Mẫu 02 numbers ('guidance', 'yyyy').
        CREATE TABLE sequences (
          kind      TEXT NOT NULL,
          unit_code TEXT NOT NULL,
          period    TEXT NOT NULL,
          last      INTEGER NOT NULL,
          PRIMARY KEY (kind, unit_code, period)
        ) WITHOUT ROWID;

        CREATE TABLE dossiers (
          id               INTEGER PRIMARY KEY AUTOINCREMENT,
          code             TEXT NOT NULL,
          unit_code        TEXT NOT NULL,
          procedure_code   TEXT NOT NULL,
          procedure_name   TEXT NOT NULL,
          field_code       TEXT NOT NULL,
          field_name       TEXT NOT NULL,
          applicant_name   TEXT NOT NULL,
          id_number        TEXT NOT NULL,
          birth_date       TEXT NOT NULL,
          address          TEXT NOT NULL,
          phone            TEXT NOT NULL,
          email            TEXT NOT NULL,
          copies           INTEGER NOT NULL,
          channel          INTEGER NOT NULL,
          result_delivery  TEXT NOT NULL,
          status           INTEGER NOT NULL,
          received_at      INTEGER NOT NULL,
          appointment_at   INTEGER,
          processing_hours INTEGER,
          received_by      TEXT NOT NULL,
          note             TEXT NOT NULL,
          reason           TEXT NOT NULL,
          finished_at      INTEGER,
          returned_at      INTEGER,
          updated_at       INTEGER NOT NULL,
          register_book    INTEGER NOT NULL,
          register_no      INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX dossiers_code ON dossiers(code);
        CREATE INDEX dossiers_received ON dossiers(received_at);
        CREATE INDEX dossiers_procedure ON dossiers(procedure_code, received_at);
        CREATE INDEX dossiers_status ON dossiers(status, received_at);
        CREATE INDEX dossiers_open_due ON dossiers(appointment_at) WHERE status IN (2, 4, 6);

        CREATE TABLE dossier_components (
          dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
          position     INTEGER NOT NULL,
          component_id TEXT NOT NULL,
          name         TEXT NOT NULL,
          original     INTEGER NOT NULL,
          certified    INTEGER NOT NULL,
          photocopy    INTEGER NOT NULL,
          received     INTEGER NOT NULL,
          PRIMARY KEY (dossier_id, position)
        ) WITHOUT ROWID;

        -- Clustered by dossier (WITHOUT ROWID): a dossier's history is one contiguous range,
        -- and no separate index is needed. seq counts from 1 within the dossier.
        CREATE TABLE dossier_events (
          dossier_id  INTEGER NOT NULL REFERENCES dossiers(id),
          seq         INTEGER NOT NULL,
          type        TEXT NOT NULL,
          from_status INTEGER,
          to_status   INTEGER,
          actor       TEXT NOT NULL,
          at          INTEGER NOT NULL,
          note        TEXT NOT NULL,
          PRIMARY KEY (dossier_id, seq)
        ) WITHOUT ROWID;

        CREATE TABLE guidance_slips (
          id             INTEGER PRIMARY KEY AUTOINCREMENT,
          unit_code      TEXT NOT NULL,
          year           INTEGER NOT NULL,
          number         INTEGER NOT NULL,
          procedure_code TEXT NOT NULL,
          procedure_name TEXT NOT NULL,
          applicant      TEXT NOT NULL,   -- JSON Applicant
          missing        TEXT NOT NULL,   -- JSON DossierComponent[]
          reason         TEXT NOT NULL,
          issued_by      TEXT NOT NULL,
          issued_at      INTEGER NOT NULL,
          UNIQUE (unit_code, year, number)
        );

        -- The unit's own holiday entries (rule holidays are computed, see shared/domain/calendar).
        CREATE TABLE holidays (
          date TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('off', 'work'))
        ) WITHOUT ROWID;

        CREATE VIRTUAL TABLE dossier_fts USING fts5(
          body,
          content = '',
          contentless_delete = 1,
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '1 2 3 4 5 6',
          detail = none
        );
        -- Segments are merged in idle time (scheduleIdleMaintenance), not inside saves.
        INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('automerge', 0);
        INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('crisismerge', 64);
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
