// Migration 3 (sync): an existing version-2 file gets a uid for every dossier and guidance
// slip, the sync tables, and rows inserted later without a uid still get one.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS } from '../../electron/services/db/migrations';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sync-mig-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('migration 3', () => {
  it('backfills a wire uid for existing dossiers and slips and creates the sync tables', () => {
    const file = path.join(dir, 'v2.sqlite');
    const v2 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 2) });
    const insert = v2.prepare(
      `INSERT INTO dossiers (code, unit_code, procedure_code, procedure_name, field_code, field_name, applicant_name, id_number, birth_date,
         address, phone, email, copies, channel, result_delivery, status, received_at, received_by, note, reason, updated_at, register_book, register_no)
       VALUES (?, 'U.1', 'p', 'P', 'f', 'F', 'A', '', '', '', '', '', 1, 1, 'counter', 2, 0, 'x', '', '', 0, 2026, ?)`,
    );
    for (let i = 1; i <= 50; i++) insert.run(`U.1-260101-${String(i).padStart(4, '0')}`, i);
    v2.prepare(
      `INSERT INTO guidance_slips (unit_code, year, number, procedure_code, procedure_name, applicant, missing, reason, issued_by, issued_at) VALUES ('U.1', 2026, 1, 'p', 'P', '{}', '[]', '', 'x', 0)`,
    ).run();
    v2.close();

    const db = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    const uids = db.prepare('SELECT uid FROM dossiers').pluck().all() as string[];
    expect(uids).toHaveLength(50);
    expect(new Set(uids).size).toBe(50);
    for (const u of uids) expect(u).toMatch(UUID);
    expect(db.prepare('SELECT uid FROM guidance_slips').pluck().get()).toMatch(UUID);
    // Old dossiers are not put in the outbox (their codes predate the slot numbering).
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    expect(db.prepare('SELECT pull_cursor FROM sync_state').pluck().get()).toBe(0);
    // A row inserted without a uid (bulk tools) gets one from the trigger.
    db.prepare(
      `INSERT INTO dossiers (code, unit_code, procedure_code, procedure_name, field_code, field_name, applicant_name, id_number, birth_date,
         address, phone, email, copies, channel, result_delivery, status, received_at, received_by, note, reason, updated_at, register_book, register_no)
       VALUES ('U.1-260101-0051', 'U.1', 'p', 'P', 'f', 'F', 'A', '', '', '', '', '', 1, 1, 'counter', 2, 0, 'x', '', '', 0, 2026, 51)`,
    ).run();
    expect(db.prepare(`SELECT uid FROM dossiers WHERE code = 'U.1-260101-0051'`).pluck().get()).toMatch(UUID);
    db.close();

    // At the latest version (migration 9): still nothing of theirs in the outbox, but each has
    // a receipt in its local log, so the projector can project it.
    const latest = openDatabase(file);
    expect(latest.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
    expect(latest.prepare("SELECT count(DISTINCT stream) FROM sync_remote_events WHERE type = 'dossier.received'").pluck().get()).toBe(51);
    latest.close();
  });
});
