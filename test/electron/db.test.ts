// Database open + migrations: real files in a temp folder.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS, SCHEMA_VERSION } from '../../electron/services/db/migrations';
import { AppError } from '../../electron/services/errors';
import { OPEN_STATUSES } from '../../electron/services/dossiers';
import { PENDING_STATUSES } from '../../shared/domain/status';
import { openAppServices } from '../../electron/services/app';
import { tempDir } from './helpers/services';
import { removeTempDirs } from './helpers/services';

afterAll(() => removeTempDirs());

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").pluck().all() as string[]).filter((n) => !n.startsWith('sqlite_') && !n.startsWith('dossier_fts_'));
}

function expectRefused(fn: () => unknown, pattern: RegExp): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe('unavailable');
    expect((e as AppError).message).toMatch(pattern);
    return e as AppError;
  }
  throw new Error('expected the file to be refused');
}

describe('openDatabase', () => {
  it('creates a new file at the latest schema version with WAL, FULL sync and foreign keys', () => {
    const file = path.join(tempDir(), 'a.sqlite');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(tables(db)).toEqual(
      [
        'citizens',
        'dossier_components',
        'dossier_events',
        'dossier_fts',
        'dossiers',
        'guidance_slips',
        'holidays',
        'procedures',
        'sequences',
        'settings',
        // migration 2 (digitised pages)
        'pages',
        'ocr_jobs',
        'page_text',
        'component_digitisation',
        'page_fts',
        'page_fts_config',
        'page_fts_data',
        'page_fts_docsize',
        'page_fts_idx',
        // migration 3 (sync with the province hub)
        'sync_device',
        'outbox',
        'sync_files',
        'sync_dossiers',
        'sync_remote_events',
        'sync_conflicts',
        'sync_state',
        // migration 5 (review, document data, results)
        'dossier_results',
        'digitised_documents',
        // migration 7 (pages of the unit's other PCs)
        'sync_downloads',
        // migration 9 (one dossier core: this PC's activity log, the projection's version)
        'dossier_activity',
        'projection_state',
      ].sort(),
    );
    db.close();
  });

  it('migration 1 brings an empty (user_version 0) database to version 1 in one step', () => {
    const file = path.join(tempDir(), 'm.sqlite');
    const db0 = openDatabase(file, { migrations: [] });
    expect(db0.pragma('user_version', { simple: true })).toBe(0);
    expect(tables(db0)).toEqual([]);
    db0.close();
    const db1 = openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    expect(db1.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db1)).toContain('dossiers');
    db1.close();
  });

  it('a migration that fails leaves the database at the previous version, unchanged', () => {
    const file = path.join(tempDir(), 'f.sqlite');
    openDatabase(file).close();
    const broken = [
      ...MIGRATIONS,
      {
        version: SCHEMA_VERSION + 1,
        name: 'broken',
        up: (db: Database.Database) => {
          db.exec('CREATE TABLE half_done (x)');
          throw new Error('boom');
        },
      },
    ];
    expect(() => openDatabase(file, { migrations: broken })).toThrow('boom');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(tables(db)).not.toContain('half_done');
    db.close();
  });

  it('reopening is idempotent and keeps the data', async () => {
    const dir = tempDir();
    const a = openAppServices({ dataDir: dir });
    a.db.prepare("INSERT INTO holidays (date, name, kind) VALUES ('2026-05-19', 'Nghỉ bù', 'off')").run();
    const procs = a.db.prepare('SELECT count(*) FROM procedures').pluck().get() as number;
    expect(procs).toBeGreaterThan(10);
    a.close();
    const b = openAppServices({ dataDir: dir });
    expect(b.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(b.db.prepare('SELECT name FROM holidays').pluck().all()).toEqual(['Nghỉ bù']);
    expect(b.db.prepare('SELECT count(*) FROM procedures').pluck().get()).toBe(procs);
    b.close();
  });

  it('refuses a database made by a newer app version and does not change a byte', () => {
    const dir = tempDir();
    const file = path.join(dir, 'motcua.sqlite');
    const raw = new Database(file);
    raw.exec('CREATE TABLE future (x); INSERT INTO future VALUES (1);');
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const before = sha(file);
    expectRefused(() => openDatabase(file), /phiên bản mới hơn của ứng dụng.*dữ liệu không bị thay đổi/s);
    expectRefused(() => openAppServices({ dataDir: dir }), /phiên bản mới hơn/);
    expect(sha(file)).toBe(before);
    expect(new Database(file, { readonly: true }).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 5);
  });

  it('refuses a file that is not SQLite and does not change a byte', () => {
    const dir = tempDir();
    const file = path.join(dir, 'motcua.sqlite');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('Đây không phải cơ sở dữ liệu\n'), crypto.randomBytes(8192)]));
    const before = sha(file);
    expectRefused(() => openDatabase(file), /bị hỏng hoặc không phải tệp dữ liệu/);
    expectRefused(() => openAppServices({ dataDir: dir }), /bị hỏng/);
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['motcua.sqlite']);
  });

  it('refuses a SQLite file with damaged pages (quick_check) and does not change a byte', () => {
    const dir = tempDir();
    const file = path.join(dir, 'motcua.sqlite');
    const db = openDatabase(file);
    const ins = db.prepare('INSERT INTO citizens VALUES (?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) ins.run(String(100000000000 + i), 'Nguyễn Văn ' + i, '1990-01-01', 'Ấp ' + i, '', '', i);
    })();
    db.close(); // checkpoints the WAL into the main file
    const pageSize = 4096;
    const buf = fs.readFileSync(file);
    expect(buf.length).toBeGreaterThan(pageSize * 20);
    // Overwrite an interior page of the citizens b-tree with garbage.
    crypto.randomBytes(pageSize - 200).copy(buf, pageSize * (Math.floor(buf.length / pageSize) - 3) + 100);
    fs.writeFileSync(file, buf);
    const before = sha(file);
    expectRefused(() => openDatabase(file), /bị hỏng/);
    expect(sha(file)).toBe(before);
  });

  it('treats an empty file as a new database', () => {
    const file = path.join(tempDir(), 'empty.sqlite');
    fs.writeFileSync(file, '');
    const db = openDatabase(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('the partial index for overdue lists covers exactly OPEN_STATUSES = PENDING_STATUSES without 5 (paused)', () => {
    const db = openDatabase(path.join(tempDir(), 'i.sqlite'));
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'dossiers_open_due'").pluck().get() as string;
    expect(sql).toContain(`WHERE status IN (${OPEN_STATUSES.join(', ')})`);
    expect([...OPEN_STATUSES]).toEqual(PENDING_STATUSES.filter((s) => s !== 5));
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id, code, applicant_name, phone, status, received_at FROM dossiers d WHERE d.status IN (${OPEN_STATUSES.join(', ')}) AND d.appointment_at < 5 ORDER BY d.appointment_at LIMIT 50`,
      )
      .all() as { detail: string }[];
    // list() names the index (INDEXED BY): the query fails loudly if the index's WHERE stops matching.
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/dossiers_open_due|dossiers_status/);
    const forced = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT id FROM dossiers d INDEXED BY dossiers_open_due WHERE d.status IN (${OPEN_STATUSES.join(', ')}) AND d.appointment_at < 5 ORDER BY d.appointment_at LIMIT 50`,
      )
      .all() as { detail: string }[];
    expect(forced.map((p) => p.detail).join(' ')).not.toContain('TEMP B-TREE');
    db.close();
  });
});
