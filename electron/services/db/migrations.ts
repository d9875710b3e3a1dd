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
  {
    version: 2,
    name: 'digitised pages, OCR queue, page text search',
    up: (db) => {
      // Pages of scanned dossier components (DOMAIN.md §5). The bytes live once per content
      // hash under dataDir/pages (pages/pageStore.ts); a row here is one page of one component
      // of one dossier: reuse makes a second row pointing at the same hash, never a copy.
      // Digitisation metadata: digitised_by = NguoiSoHoa, digitised_at = ThoiGianSoHoa,
      // review_state = TrangThaiSoHoa (0 chờ duyệt, 1 đã duyệt, 2 không duyệt).
      // rotation is display metadata (clockwise degrees); the original bytes are never altered.
      db.exec(`
        CREATE TABLE pages (
          id                  INTEGER PRIMARY KEY AUTOINCREMENT,
          dossier_id          INTEGER NOT NULL REFERENCES dossiers(id),
          component_id        TEXT NOT NULL,
          position            INTEGER NOT NULL,
          sha256              TEXT NOT NULL,
          mime                TEXT NOT NULL,
          byte_size           INTEGER NOT NULL,
          width               INTEGER NOT NULL,
          height              INTEGER NOT NULL,
          dpi                 INTEGER,
          source              TEXT NOT NULL CHECK (source IN ('scanner', 'folder', 'file', 'camera', 'reuse')),
          file_name           TEXT NOT NULL DEFAULT '',
          rotation            INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270)),
          compact_sha256      TEXT NOT NULL,
          compact_size        INTEGER NOT NULL,
          thumb               TEXT NOT NULL,
          created_at          INTEGER NOT NULL,
          deleted_at          INTEGER,
          digitised_by        TEXT NOT NULL,
          digitised_at        INTEGER NOT NULL,
          review_state        INTEGER NOT NULL DEFAULT 0,
          reused_from_page_id INTEGER REFERENCES pages(id)
        );
        CREATE INDEX pages_component ON pages(dossier_id, component_id, position);
        CREATE INDEX pages_sha256 ON pages(sha256);

        -- The persisted OCR queue: one row per page, taken in id order. A restart re-queues
        -- 'running' rows (the process that ran them is gone). Re-OCR deletes and re-inserts
        -- the row so it goes to the back of the queue.
        CREATE TABLE ocr_jobs (
          id          INTEGER PRIMARY KEY AUTOINCREMENT,
          page_id     INTEGER NOT NULL UNIQUE REFERENCES pages(id),
          dossier_id  INTEGER NOT NULL,
          state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
          attempts    INTEGER NOT NULL DEFAULT 0,
          error       TEXT,
          queued_at   INTEGER NOT NULL,
          started_at  INTEGER,
          finished_at INTEGER
        );
        CREATE INDEX ocr_jobs_state ON ocr_jobs(state, id);
        CREATE INDEX ocr_jobs_dossier ON ocr_jobs(dossier_id);

        -- Recognised (or PDF text-layer) text of a page; corrected_text, when set, is what
        -- search and the searchable PDF use.
        CREATE TABLE page_text (
          page_id        INTEGER PRIMARY KEY REFERENCES pages(id),
          source         TEXT NOT NULL CHECK (source IN ('ocr', 'pdf')),
          text           TEXT NOT NULL,
          confidence     REAL NOT NULL,
          words          TEXT NOT NULL,   -- JSON [{text, confidence, bbox:{x0,y0,x1,y1}}] in the page's upright pixels
          corrected_text TEXT,
          corrected_by   TEXT,
          corrected_at   INTEGER,
          recognised_at  INTEGER NOT NULL
        );

        -- Digitisation state of a dossier component: 0 chưa số hoá, 1 được số hoá,
        -- 2 tái sử dụng, 3 tái sử dụng từ kết quả hồ sơ khác. A missing row means 0.
        CREATE TABLE component_digitisation (
          dossier_id   INTEGER NOT NULL REFERENCES dossiers(id),
          component_id TEXT NOT NULL,
          state        INTEGER NOT NULL CHECK (state IN (0, 1, 2, 3)),
          source_dossier_code TEXT,
          updated_at   INTEGER NOT NULL,
          PRIMARY KEY (dossier_id, component_id)
        ) WITHOUT ROWID;

        -- Page text search: contentless FTS5, rowid = pages.id, body = foldForSearch(text).
        CREATE VIRTUAL TABLE page_fts USING fts5(
          body,
          content = '',
          contentless_delete = 1,
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '2 3',
          detail = none
        );
      `);
    },
  },
  {
    version: 3,
    name: 'sync with the province hub: device identity, wire ids, outbox, pull state',
    up: (db) => {
      // Sync with the province hub (shared/sync/PROTOCOL.md; electron/services/sync/README.md).
      // - uid: the stable UUID of a dossier / guidance slip on the wire (its event stream id),
      //   backfilled here; a trigger fills it for rows inserted without one (seeding, imports).
      // - sync_device: the enrolment (one row); the bearer token itself is NOT here but in
      //   dataDir/sync-token.json with 0600 permissions (sync/identity.ts).
      // - outbox: every change as a protocol event, written in the transaction of the change;
      //   id = the per-device seq. deviceId/unitCode are added when it is sent (an event
      //   made before enrolment is sent with the identity the device gets).
      // - sync_files: compact page copies to upload (tus-like, resumable), by SHA-256.
      // - sync_remote_events: events of other devices / the province applied from pulls.
      // - sync_conflicts: conflicts reported by deriveDossier, until a person settles them.
      // - sync_state: pull cursor, last success / error, clock skew, the run lock.
      const uuid = `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`;
      db.exec(`
        ALTER TABLE dossiers ADD COLUMN uid TEXT;
        UPDATE dossiers SET uid = ${uuid} WHERE uid IS NULL;
        CREATE UNIQUE INDEX dossiers_uid ON dossiers(uid);
        CREATE TRIGGER dossiers_uid_default AFTER INSERT ON dossiers WHEN NEW.uid IS NULL
        BEGIN UPDATE dossiers SET uid = ${uuid} WHERE id = NEW.id; END;

        ALTER TABLE guidance_slips ADD COLUMN uid TEXT;
        UPDATE guidance_slips SET uid = ${uuid} WHERE uid IS NULL;
        CREATE UNIQUE INDEX guidance_slips_uid ON guidance_slips(uid);
        CREATE TRIGGER guidance_slips_uid_default AFTER INSERT ON guidance_slips WHEN NEW.uid IS NULL
        BEGIN UPDATE guidance_slips SET uid = ${uuid} WHERE id = NEW.id; END;

        CREATE TABLE sync_device (
          id                  INTEGER PRIMARY KEY CHECK (id = 1),
          hub_url             TEXT NOT NULL,
          allow_insecure_http INTEGER NOT NULL DEFAULT 0,
          device_id           TEXT NOT NULL,
          device_name         TEXT NOT NULL,
          unit_code           TEXT NOT NULL,
          unit_name           TEXT NOT NULL,
          slot                INTEGER NOT NULL,
          enrolled_at         INTEGER NOT NULL
        );

        CREATE TABLE outbox (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,   -- the event's per-device seq
          event_id   TEXT NOT NULL UNIQUE,
          stream     TEXT NOT NULL,                       -- dossier / guidance slip uid
          type       TEXT NOT NULL,
          at         INTEGER NOT NULL,
          actor      TEXT NOT NULL,
          body       TEXT NOT NULL,                       -- JSON body of the event
          state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sending', 'acked', 'failed')),
          attempts   INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,                                -- Vietnamese, for the clerk
          batch_id   TEXT,
          created_at INTEGER NOT NULL,
          sent_at    INTEGER,
          acked_at   INTEGER
        );
        CREATE INDEX outbox_state ON outbox(state, id);
        CREATE INDEX outbox_stream ON outbox(stream);

        CREATE TABLE sync_files (
          sha256      TEXT PRIMARY KEY,
          size        INTEGER NOT NULL,
          mime        TEXT NOT NULL,
          state       TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'verified', 'failed')),
          attempts    INTEGER NOT NULL DEFAULT 0,
          last_error  TEXT,
          created_at  INTEGER NOT NULL,
          verified_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX sync_files_state ON sync_files(state);

        -- Dossiers whose events the hub acknowledged and whose files it verified.
        CREATE TABLE sync_dossiers (
          stream    TEXT PRIMARY KEY,
          synced_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TRIGGER outbox_unsynced AFTER INSERT ON outbox
        BEGIN DELETE FROM sync_dossiers WHERE stream = NEW.stream; END;

        CREATE TABLE sync_remote_events (
          event_id   TEXT PRIMARY KEY,
          stream     TEXT NOT NULL,
          type       TEXT NOT NULL,
          device_id  TEXT NOT NULL,
          at         INTEGER NOT NULL,
          event      TEXT NOT NULL,                       -- the whole protocol event, JSON
          cursor     INTEGER NOT NULL,
          applied_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sync_remote_stream ON sync_remote_events(stream);

        CREATE TABLE sync_conflicts (
          id          TEXT PRIMARY KEY,                   -- Conflict.id of deriveDossier
          stream      TEXT NOT NULL,
          data        TEXT NOT NULL,                      -- JSON Conflict
          resolved_by TEXT,
          updated_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sync_conflicts_stream ON sync_conflicts(stream);

        CREATE TABLE sync_state (
          id                INTEGER PRIMARY KEY CHECK (id = 1),
          pull_cursor       INTEGER NOT NULL DEFAULT 0,
          last_success_at   INTEGER,
          last_attempt_at   INTEGER,
          last_error        TEXT,
          last_error_at     INTEGER,
          clock_skew_ms     INTEGER,
          clock_checked_at  INTEGER,
          lock_owner        TEXT,
          lock_until        INTEGER,
          catalogue_version TEXT,
          holidays_version  TEXT
        );
        INSERT INTO sync_state (id) VALUES (1);

        -- Pages (migration 2) go to the hub as dossier.file_attached with their COMPACT copy
        -- (PNG made by pages/inputs.ts), in the transaction that inserts the page row.
        CREATE TRIGGER pages_sync_outbox AFTER INSERT ON pages
        BEGIN
          INSERT INTO outbox (event_id, stream, type, at, actor, body, created_at)
          SELECT ${uuid}, d.uid, 'dossier.file_attached', NEW.created_at, substr(NEW.digitised_by, 1, 120),
                 json_object('sha256', NEW.compact_sha256, 'size', NEW.compact_size, 'mime', 'image/png',
                             'componentId', NEW.component_id, 'page', NEW.position),
                 NEW.created_at
          FROM dossiers d WHERE d.id = NEW.dossier_id;
          INSERT OR IGNORE INTO sync_files (sha256, size, mime, created_at)
          VALUES (NEW.compact_sha256, NEW.compact_size, 'image/png', NEW.created_at);
        END;
      `);
    },
  },
  {
    version: 4,
    name: 'yearly numbers per device slot: Mẫu 02 slips of other PCs, register number lookup',
    up: (db) => {
      // Mẫu 02 numbers and register numbers are numbered per PC slot (PROTOCOL.md §7).
      // - guidance_slips.device_id: NULL = issued on this PC; else the PC that issued a slip
      //   pulled from the hub (sync/apply.ts), so the list shows which counter issued it.
      //   Slips pulled before this version (kept in sync_remote_events only) are added.
      // - dossiers_register: sequences.ts skips a register number already present (pulled
      //   from the PC that held this slot before) with one index lookup.
      db.exec(`
        ALTER TABLE guidance_slips ADD COLUMN device_id TEXT;
        INSERT OR IGNORE INTO guidance_slips (unit_code, year, number, procedure_code, procedure_name, applicant, missing,
                                              reason, issued_by, issued_at, uid, device_id)
        SELECT json_extract(event, '$.unitCode'), json_extract(event, '$.body.year'), json_extract(event, '$.body.number'),
               json_extract(event, '$.body.procedureCode'), json_extract(event, '$.body.procedureName'),
               json(json_extract(event, '$.body.applicant')), json(json_extract(event, '$.body.missing')),
               json_extract(event, '$.body.reason'), json_extract(event, '$.body.issuedBy'), json_extract(event, '$.body.issuedAt'),
               stream, device_id
        FROM sync_remote_events WHERE type = 'guidance.issued' ORDER BY cursor;
        CREATE INDEX dossiers_register ON dossiers(unit_code, register_book, register_no);
      `);
    },
  },
  {
    version: 5,
    name: 'digitised documents: review, document data, results of dossiers',
    up: (db) => {
      // DOMAIN.md §5; pages/README.md (Decisions: review, suggestions, results).
      // - dossier_results: the result papers of a dossier (LoaiSoHoa 1). A result is a page
      //   target like a component: its pages have pages.component_id = result_id ('KQ1', 'KQ2',
      //   …, never one of the dossier's component ids), so every capture path works unchanged.
      // - digitised_documents: per digitised document (the pages of one component or result):
      //   the document data (SoKyHieu, NgayBanHanh, CoQuanBanHanh, NguoiKy, TrichYeuNoiDung,
      //   ThoiHanHieuLuc / ThoiHanVinhVien; dates yyyy-mm-dd or '') and the last review. The
      //   review state itself stays in pages.review_state (a page added later is 0 again).
      // - pages_review_pending: the unit-wide "Chờ duyệt" list.
      // - pages_sync_outbox is made again (as in migration 3) with two optional body fields:
      //   resultName (a page of a result) and reuse (the component state 2 or 3 of a reused page).
      const uuid = `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`;
      db.exec(`
        CREATE TABLE dossier_results (
          dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
          result_id  TEXT NOT NULL,
          name       TEXT NOT NULL,
          created_by TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (dossier_id, result_id)
        ) WITHOUT ROWID;

        CREATE TABLE digitised_documents (
          dossier_id       INTEGER NOT NULL REFERENCES dossiers(id),
          component_id     TEXT NOT NULL,
          so_ky_hieu       TEXT NOT NULL DEFAULT '',
          ngay_ban_hanh    TEXT NOT NULL DEFAULT '',
          co_quan_ban_hanh TEXT NOT NULL DEFAULT '',
          nguoi_ky         TEXT NOT NULL DEFAULT '',
          trich_yeu        TEXT NOT NULL DEFAULT '',
          hieu_luc_den     TEXT NOT NULL DEFAULT '',
          vinh_vien        INTEGER NOT NULL DEFAULT 0 CHECK (vinh_vien IN (0, 1)),
          review_reason    TEXT NOT NULL DEFAULT '',
          reviewed_by      TEXT,
          reviewed_at      INTEGER,
          updated_by       TEXT NOT NULL,
          updated_at       INTEGER NOT NULL,
          PRIMARY KEY (dossier_id, component_id)
        ) WITHOUT ROWID;

        CREATE INDEX pages_review_pending ON pages(dossier_id, component_id) WHERE review_state = 0 AND deleted_at IS NULL;

        DROP TRIGGER pages_sync_outbox;
        CREATE TRIGGER pages_sync_outbox AFTER INSERT ON pages
        BEGIN
          INSERT INTO outbox (event_id, stream, type, at, actor, body, created_at)
          SELECT ${uuid}, d.uid, 'dossier.file_attached', NEW.created_at, substr(NEW.digitised_by, 1, 120),
                 json_patch(
                   json_object('sha256', NEW.compact_sha256, 'size', NEW.compact_size, 'mime', 'image/png',
                               'componentId', NEW.component_id, 'page', NEW.position),
                   -- json_patch drops the keys whose value is null.
                   json_object(
                     'resultName', (SELECT substr(r.name, 1, 500) FROM dossier_results r WHERE r.dossier_id = NEW.dossier_id AND r.result_id = NEW.component_id),
                     -- pages/reuse.ts sets the component's state (2 or 3) before it inserts the pages.
                     'reuse', CASE WHEN NEW.source = 'reuse' THEN
                       (SELECT s.state FROM component_digitisation s
                        WHERE s.dossier_id = NEW.dossier_id AND s.component_id = NEW.component_id AND s.state IN (2, 3)) END)),
                 NEW.created_at
          FROM dossiers d WHERE d.id = NEW.dossier_id;
          INSERT OR IGNORE INTO sync_files (sha256, size, mime, created_at)
          VALUES (NEW.compact_sha256, NEW.compact_size, 'image/png', NEW.created_at);
        END;
      `);
    },
  },
  {
    version: 6,
    name: 'page orientation and skew measured at import',
    up: (db) => {
      // Measured once per page when it is imported (ocr/preprocess.ts makePageCopies) and
      // applied to its display, thumbnail and compact copy; the original blob is never
      // changed. auto_rotation: clockwise turn that makes the text upright; skew_deg: the
      // clockwise turn that then levels the lines. NULL = imported before this version (its
      // copies are as scanned). pages.rotation stays the clerk's own turn, on top of these.
      db.exec(`
        ALTER TABLE pages ADD COLUMN auto_rotation INTEGER CHECK (auto_rotation IN (0, 90, 180, 270));
        ALTER TABLE pages ADD COLUMN skew_deg REAL;
      `);
    },
  },
  {
    version: 7,
    name: 'pages of the unit’s other PCs: source sync, their attach events, downloads',
    up: (db) => {
      // Pages attached at another PC of the unit, pulled from the hub (sync/apply.ts →
      // pages/fromSync.ts; PROTOCOL.md §5–6):
      // - pages.source gains 'sync'. SQLite cannot alter a CHECK, so the table is made again
      //   from its own current definition with that one constraint widened (columns added by
      //   earlier migrations come along), rows copied with their ids, indexes and other
      //   triggers remade. The child rows (ocr_jobs, page_text, reused_from_page_id) keep
      //   their ids: foreign keys are deferred for the swap and checked at commit.
      // - pages.remote_event_id: the other PC's dossier.file_attached event a 'sync' row stands for.
      // - sync_downloads: compact copies to fetch from the hub, by SHA-256 (several rows may share one).
      // - pages_sync_outbox as before, but not for 'sync' rows (their event is the other PC's).
      const oldCheck = "CHECK (source IN ('scanner', 'folder', 'file', 'camera', 'reuse'))";
      const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'pages'").pluck().get() as string;
      const outboxTrigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'pages_sync_outbox'").pluck().get() as string;
      const triggerHead = /AFTER INSERT ON pages\s+BEGIN/;
      if (!table.includes(oldCheck) || !triggerHead.test(outboxTrigger)) throw new Error('migration 7: unexpected pages schema');
      const others = db
        .prepare("SELECT sql FROM sqlite_master WHERE tbl_name = 'pages' AND type IN ('index', 'trigger') AND sql IS NOT NULL AND name <> 'pages_sync_outbox'")
        .pluck()
        .all() as string[];
      const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'pages'").pluck().get() as number | undefined;
      db.pragma('defer_foreign_keys = ON');
      db.exec('CREATE TEMP TABLE pages_v7 AS SELECT * FROM pages; DROP TABLE pages;');
      db.exec(table.replace(oldCheck, "CHECK (source IN ('scanner', 'folder', 'file', 'camera', 'reuse', 'sync'))"));
      db.exec('INSERT INTO pages SELECT * FROM temp.pages_v7; DROP TABLE temp.pages_v7;');
      if (seq !== undefined) db.prepare("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'pages'").run(seq);
      for (const sql of others) db.exec(sql);
      db.exec(`
        ALTER TABLE pages ADD COLUMN remote_event_id TEXT;
        CREATE UNIQUE INDEX pages_remote_event ON pages(remote_event_id) WHERE remote_event_id IS NOT NULL;

        CREATE TABLE sync_downloads (
          sha256     TEXT PRIMARY KEY,
          size       INTEGER NOT NULL,
          mime       TEXT NOT NULL,
          state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done', 'failed')),
          attempts   INTEGER NOT NULL DEFAULT 0,
          last_error TEXT,                                -- Vietnamese, shown on the page until it arrives
          created_at INTEGER NOT NULL,
          done_at    INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX sync_downloads_state ON sync_downloads(state);
      `);
      db.exec(outboxTrigger.replace(triggerHead, "AFTER INSERT ON pages WHEN NEW.source <> 'sync'\n        BEGIN"));
    },
  },
  {
    version: 8,
    name: 'dossiers by the applicant’s ID number',
    up: (db) => {
      // The intake screen asks, for every ID number typed, for the citizen's earlier dossiers
      // and their reusable papers (pages/reuse.ts): without this index that is a scan of every
      // dossier (~1 s at a million). Costs one more B-tree entry per saved dossier.
      db.exec('CREATE INDEX dossiers_id_number ON dossiers(id_number)');
    },
  },
  {
    version: 9,
    name: 'one dossier core: every change an event, the timeline projected from the log, no outbox trigger',
    up: (db) => {
      // A dossier is its event log (own events in the outbox, other PCs' in
      // sync_remote_events); its row, search entry and timeline are projected from that log by
      // one projector (electron/services/dossier/projector.ts), which rebuilds every projection
      // after this migration (projection_state.version 0 → current).
      // - dossier_events (the timeline) keeps the event each line stands for, the PC it was
      //   made at and whether it lost a conflict; lines that are no event (a form printed,
      //   papers reused) move to dossier_activity, this PC's own log.
      // - pages.event_id: the dossier.file_attached event that attached the page, written in
      //   code like every other event. Backfilled here from the trigger's events by the match
      //   sync/pageEvents.ts used (dossier, component, compact copy, created_at; rows alike in
      //   all four paired in insertion order). Then the trigger is dropped.
      // - The dossiers_uid_default trigger of migration 3 goes (see below).
      // - Dossiers with no dossier.received in their log (received before sync existed, or
      //   seeded) get one, and a status move for each status line of their timeline that has
      //   no event, so that every dossier can be projected from its log. These stay on this PC.
      const uuid = `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`;
      db.exec(`
        CREATE TABLE dossier_activity (
          id         INTEGER PRIMARY KEY AUTOINCREMENT,
          dossier_id INTEGER NOT NULL REFERENCES dossiers(id),
          type       TEXT NOT NULL,
          actor      TEXT NOT NULL,
          at         INTEGER NOT NULL,
          note       TEXT NOT NULL
        );
        CREATE INDEX dossier_activity_dossier ON dossier_activity(dossier_id, at);
        INSERT INTO dossier_activity (dossier_id, type, actor, at, note)
          SELECT dossier_id, type, actor, at, note FROM dossier_events WHERE type IN ('form_printed', 'reused') ORDER BY dossier_id, seq;
        DELETE FROM dossier_events WHERE type IN ('form_printed', 'reused');

        ALTER TABLE dossier_events ADD COLUMN event_id TEXT;
        ALTER TABLE dossier_events ADD COLUMN device_id TEXT NOT NULL DEFAULT '';
        ALTER TABLE dossier_events ADD COLUMN conflict INTEGER NOT NULL DEFAULT 0;

        ALTER TABLE pages ADD COLUMN event_id TEXT;
        UPDATE pages SET event_id = (
          SELECT m.event_id FROM (
            SELECT p.id AS page_id, e.event_id FROM
              (SELECT id, dossier_id, component_id, compact_sha256, created_at,
                      row_number() OVER (PARTITION BY dossier_id, component_id, compact_sha256, created_at ORDER BY id) AS k
                 FROM pages WHERE source <> 'sync') p
              JOIN dossiers d ON d.id = p.dossier_id
              JOIN (SELECT event_id, stream, at, json_extract(body, '$.componentId') AS component_id, json_extract(body, '$.sha256') AS sha,
                           row_number() OVER (PARTITION BY stream, at, json_extract(body, '$.componentId'), json_extract(body, '$.sha256') ORDER BY id) AS k
                      FROM outbox WHERE type = 'dossier.file_attached') e
                ON e.stream = d.uid AND e.at = p.created_at AND e.component_id = p.component_id AND e.sha = p.compact_sha256 AND e.k = p.k
          ) m WHERE m.page_id = pages.id)
        WHERE source <> 'sync';
        UPDATE pages SET event_id = remote_event_id WHERE source = 'sync';
        CREATE UNIQUE INDEX pages_event ON pages(event_id) WHERE event_id IS NOT NULL;
        DROP TRIGGER pages_sync_outbox;
        -- Every dossier row is inserted by the projector with its stream id: the uid default
        -- is not needed, and its statement journal made FTS5 flush the previous row's search
        -- entry as a segment of its own at every insert (a pull of 2,000 new dossiers spent
        -- most of its time there).
        DROP TRIGGER dossiers_uid_default;

        CREATE TABLE projection_state (
          id      INTEGER PRIMARY KEY CHECK (id = 1),
          version INTEGER NOT NULL
        );
        INSERT INTO projection_state (id, version) VALUES (1, 0);

        -- The log of pulled events becomes a rowid table: events are appended in arrival order
        -- (a WITHOUT ROWID table keyed on a random UUID put each ~1 KB event on a random page:
        -- every insert split or rewrote a page, and the file grew several times the data).
        CREATE TABLE sync_remote_events_v9 (
          id         INTEGER PRIMARY KEY,
          event_id   TEXT NOT NULL,
          stream     TEXT NOT NULL,
          type       TEXT NOT NULL,
          device_id  TEXT NOT NULL,
          at         INTEGER NOT NULL,
          event      TEXT NOT NULL,                       -- the whole protocol event, JSON
          cursor     INTEGER NOT NULL,
          applied_at INTEGER NOT NULL
        );
        INSERT INTO sync_remote_events_v9 (event_id, stream, type, device_id, at, event, cursor, applied_at)
          SELECT event_id, stream, type, device_id, at, event, cursor, applied_at FROM sync_remote_events ORDER BY cursor, applied_at;
        DROP TABLE sync_remote_events;
        ALTER TABLE sync_remote_events_v9 RENAME TO sync_remote_events;
        CREATE UNIQUE INDEX sync_remote_event_id ON sync_remote_events(event_id);
        CREATE INDEX sync_remote_stream ON sync_remote_events(stream);
      `);
      // Logs for dossiers without a receipt event.
      const orphans = db
        .prepare(
          `SELECT d.* FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.stream = d.uid AND o.type = 'dossier.received')
             AND NOT EXISTS (SELECT 1 FROM sync_remote_events r WHERE r.stream = d.uid AND r.type = 'dossier.received')`,
        )
        .all() as Record<string, unknown>[];
      // Kept as events from elsewhere (device ''), never in the outbox: codes made before the
      // slot numbering must not go to the hub (migration 3), and the log is this PC's record.
      const newId = db.prepare(`SELECT ${uuid}`).pluck();
      const remote = db.prepare(`INSERT INTO sync_remote_events (event_id, stream, type, device_id, at, event, cursor, applied_at) VALUES (?, ?, ?, '', ?, ?, 0, ?)`);
      let seq = 0;
      const insert = (stream: string, unitCode: string, type: string, at: number, actor: string, body: object, createdAt: number) => {
        const eventId = newId.get() as string;
        const event = { eventId, deviceId: '', unitCode, dossierId: stream, seq: ++seq, at, actor, type, body };
        remote.run(eventId, stream, type, at, JSON.stringify(event), createdAt);
      };
      const comps = db.prepare('SELECT component_id, name, original, certified, photocopy, received FROM dossier_components WHERE dossier_id = ? ORDER BY position');
      const lines = db.prepare('SELECT type, from_status, to_status, actor, at, note FROM dossier_events WHERE dossier_id = ? ORDER BY seq');
      const hasMove = db
        .prepare(`SELECT 1 FROM outbox WHERE stream = ? AND type = 'dossier.status_changed' AND at = ? AND json_extract(body, '$.to') = ?
                  UNION ALL SELECT 1 FROM sync_remote_events WHERE stream = ? AND type = 'dossier.status_changed' AND at = ? AND json_extract(event, '$.body.to') = ?`)
        .pluck();
      for (const d of orphans) {
        const history = lines.all(d.id) as { type: string; from_status: number | null; to_status: number | null; actor: string; at: number; note: string }[];
        const moves = history.filter((h) => h.from_status !== null && h.to_status !== null);
        const refusedAtOnce = d.status === 3 && !moves.length;
        const start = refusedAtOnce ? 1 : ((history.find((h) => h.from_status === null && h.to_status !== null)?.to_status ?? moves[0]?.from_status ?? d.status) as number);
        const body = {
          code: d.code,
          procedureCode: d.procedure_code,
          procedureName: d.procedure_name,
          fieldCode: d.field_code,
          fieldName: d.field_name,
          applicant: { fullName: d.applicant_name, idNumber: d.id_number, birthDate: d.birth_date, address: d.address, phone: d.phone, email: d.email },
          components: (comps.all(d.id) as Record<string, unknown>[]).map((c) => ({
            componentId: c.component_id,
            name: c.name,
            original: c.original,
            certified: c.certified,
            photocopy: c.photocopy,
            received: c.received === 1,
          })),
          copies: d.copies,
          channel: d.channel,
          resultDelivery: d.result_delivery,
          status: start,
          receivedAt: d.received_at,
          appointmentAt: d.appointment_at,
          processingHours: d.processing_hours,
          receivedBy: d.received_by,
          note: d.note,
          registerBook: d.register_book,
          registerNo: d.register_no,
        };
        const receivedAt = d.received_at as number;
        const uid = d.uid as string;
        const unit = d.unit_code as string;
        const clerk = String(d.received_by).slice(0, 120);
        insert(uid, unit, 'dossier.received', receivedAt, clerk, body, receivedAt);
        if (refusedAtOnce) insert(uid, unit, 'dossier.status_changed', receivedAt, clerk, { from: 1, to: 3, note: d.reason, reason: d.reason }, receivedAt);
        for (const m of moves) {
          if (hasMove.get(d.uid, m.at, m.to_status, d.uid, m.at, m.to_status)) continue;
          const reason = m.to_status === 3 || m.to_status === 7 || m.to_status === 8 ? { reason: m.note } : {};
          insert(uid, unit, 'dossier.status_changed', m.at, m.actor.slice(0, 120), { from: m.from_status, to: m.to_status, note: m.note.slice(0, 2000), ...reason }, m.at);
        }
      }
    },
  },
  {
    version: 10,
    name: 'OCR: unreadable pages and how the turn was decided',
    up: (db) => {
      // unreadable: NULL = readable (or PDF text); else why (quality.ts UnreadableReason): the
      // text is kept but not indexed for search nor used for suggestions. turn_basis: how
      // the OCR decided the page's turn (ocr/turn.ts TurnBasis), turn_tried: the turns read.
      db.exec(`
        ALTER TABLE page_text ADD COLUMN unreadable TEXT;
        ALTER TABLE page_text ADD COLUMN turn_basis TEXT;
        ALTER TABLE page_text ADD COLUMN turn_tried TEXT;
      `);
    },
  },
  {
    version: 11,
    name: 'the hub’s epoch beside the pull cursor',
    up: (db) => {
      // Issue 13 §3: a new epoch (or a cursor past the hub's head) means the hub was restored;
      // the engine then pulls from 0 and re-sends (sync/engine.ts pullAll). NULL = not seen yet.
      db.exec('ALTER TABLE sync_state ADD COLUMN hub_epoch TEXT');
    },
  },
  {
    version: 12,
    name: 'dossier_components.not_applicable: a paper that does not apply to this citizen',
    up: (db) => {
      // Issue 12 item 2: an optional paper may be "không áp dụng" (shared/domain/componentApplies.ts).
      // Written by the projector from the event's `notApplicable`; no earlier event has it, so 0 is right for every stored row.
      db.exec('ALTER TABLE dossier_components ADD COLUMN not_applicable INTEGER NOT NULL DEFAULT 0');
    },
  },
  {
    version: 13,
    name: 'dossier_components.pages: the page count a by-page fee is charged on',
    up: (db) => {
      // Issue 12 item 3: chứng thực bản sao is charged by the page of each copy (shared/domain/fees.ts).
      // Written by the projector from the event's `pages`; no earlier event has it, so NULL (not asked) is right for every stored row.
      db.exec('ALTER TABLE dossier_components ADD COLUMN pages INTEGER');
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
