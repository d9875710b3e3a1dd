// Opens the app's SQLite file: refuses files it must not touch (not SQLite, corrupt, made
// by a newer app version) BEFORE writing anything, then applies pending migrations.
//
// Durability: WAL + synchronous=FULL, so every committed transaction is fsynced to the WAL
// before the call returns; a power cut loses nothing the clerk saw as saved (the cost is
// measured by bench/run.ts, save_dossier_p95_ms).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../errors';
import { MIGRATIONS, SCHEMA_VERSION, type Migration } from './migrations';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Migrations to apply (tests pass a prefix of MIGRATIONS). */
  migrations?: Migration[];
  readonly?: boolean;
  /** Path of the better-sqlite3 native module (the Electron build); default: the Node build. */
  nativeBinding?: string;
  /**
   * Integrity check of an existing file before anything is written:
   * - 'quick': PRAGMA quick_check of the whole file (≈ 8 s for 1,000,000 dossiers / 1.2 GB);
   * - 'header': only the SQLite header and the schema (child processes, benchmarks);
   * - 'auto' (default): 'quick' up to AUTO_FULL_CHECK_BYTES (≈ 400,000 dossiers, a few
   *   seconds at most), above that quick_check of the schema and the small tables (settings,
   *   sequences, procedures, holidays, citizens) so that start-up stays fast; damage in the
   *   big tables then surfaces as an error on the query that reads it.
   */
  check?: 'quick' | 'header' | 'auto';
}

/** 'auto' check: files up to this size get a full quick_check on open. */
export const AUTO_FULL_CHECK_BYTES = 512 * 1024 * 1024;
const SMALL_TABLES = ['settings', 'sequences', 'procedures', 'holidays', 'citizens'];

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

const CORRUPT_MESSAGE = (file: string, detail: string) =>
  `Tệp dữ liệu ${file} bị hỏng hoặc không phải tệp dữ liệu của ứng dụng (${detail}). ` + 'Ứng dụng không mở và không sửa đổi tệp này. Hãy khôi phục từ bản sao lưu hoặc báo cán bộ CNTT.';

/** Reads the first 100 bytes (the SQLite header) of an existing, non-empty file. */
function checkHeader(file: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new AppError('unavailable', `Không đọc được tệp dữ liệu ${file}: ${(e as Error).message}`);
  }
  try {
    const buf = Buffer.alloc(100);
    const n = fs.readSync(fd, buf, 0, 100, 0);
    if (n === 0) return; // empty file: SQLite treats it as a new database
    if (n < 100 || !buf.subarray(0, 16).equals(SQLITE_HEADER)) {
      throw new AppError('unavailable', CORRUPT_MESSAGE(file, 'phần đầu tệp không đúng định dạng SQLite'));
    }
  } finally {
    fs.closeSync(fd);
  }
}

export function openDatabase(file: string, opts: OpenDatabaseOptions = {}): Db {
  const migrations = opts.migrations ?? MIGRATIONS;
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  const exists = file !== ':memory:' && fs.existsSync(file);
  if (exists) checkHeader(file);

  // Open without creating anything: 'fileMustExist' for existing files keeps a refused
  // file untouched. Setting journal_mode=WAL writes to the file, so it happens only after
  // every check has passed.
  let db: Db;
  try {
    db = new Database(file, {
      fileMustExist: exists,
      readonly: opts.readonly ?? false,
      ...(opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {}),
    });
  } catch (e) {
    throw new AppError('unavailable', CORRUPT_MESSAGE(file, (e as Error).message));
  }
  try {
    if (exists) {
      let version: number;
      try {
        version = db.pragma('user_version', { simple: true }) as number;
        // Reading the schema fails on most damaged files even when the header survived.
        db.prepare('SELECT count(*) FROM sqlite_master').get();
        const mode = opts.check ?? 'auto';
        if (mode === 'quick' || (mode === 'auto' && fs.statSync(file).size <= AUTO_FULL_CHECK_BYTES)) {
          const check = db.pragma('quick_check', { simple: true }) as string;
          if (check !== 'ok') throw new Error(String(check));
        } else if (mode === 'auto') {
          const present = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
          for (const t of ['sqlite_schema', ...SMALL_TABLES.filter((n) => present.has(n))]) {
            const check = db.pragma(`quick_check(${t})`, { simple: true }) as string;
            if (check !== 'ok') throw new Error(String(check));
          }
        }
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError('unavailable', CORRUPT_MESSAGE(file, (e as Error).message));
      }
      if (version > known) {
        throw new AppError(
          'unavailable',
          `Tệp dữ liệu được tạo bởi phiên bản mới hơn của ứng dụng (phiên bản dữ liệu ${version}, ứng dụng này chỉ hiểu đến ${known}). ` + 'Hãy cập nhật ứng dụng; dữ liệu không bị thay đổi.',
        );
      }
    }
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    if (!opts.readonly) {
      // Checkpoints normally run from an idle timer (scheduleIdleMaintenance); this is only the
      // backstop that bounds the WAL (16 MB) if the app never goes idle.
      db.pragma('wal_autocheckpoint = 4000');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!opts.readonly) migrate(db, migrations);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Applies each pending migration in its own IMMEDIATE transaction together with its user_version. */
export function migrate(db: Db, migrations: Migration[] = MIGRATIONS): number {
  for (const m of migrations) {
    const apply = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= m.version) return;
      if (current !== m.version - 1) {
        throw new Error(`Migration ${m.version} expects user_version ${m.version - 1}, found ${current}`);
      }
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    });
    apply.immediate();
  }
  return db.pragma('user_version', { simple: true }) as number;
}

export { SCHEMA_VERSION };

const pending = new WeakMap<Db, ReturnType<typeof setTimeout>>();

/**
 * Idle-time upkeep, scheduled after each write and run shortly after the last one while
 * the clerk is idle, so a save rarely pays for it:
 * - FTS5 segment merging: the search index is created with automerge = 0 (migrations.ts),
 *   so a save only appends a small segment; here up to a few hundred pages of merging run
 *   per idle period ('merge'; crisismerge = 64 is the backstop if the app never idles).
 * - WAL checkpoint (PASSIVE: never waits for readers or other processes);
 *   wal_autocheckpoint = 4000 pages is the backstop.
 * The timer does not keep Node alive; errors (busy, closed) are left to the next run.
 */
export function scheduleIdleMaintenance(db: Db, delayMs = 1500): void {
  const prev = pending.get(db);
  if (prev) clearTimeout(prev);
  const t = setTimeout(() => {
    pending.delete(db);
    if (!db.open) return;
    try {
      runIdleMaintenance(db);
    } catch {
      // busy or closed: the next write schedules another run, and the backstops remain
    }
  }, delayMs);
  t.unref?.();
  pending.set(db, t);
}

/** One round of idle upkeep (see scheduleIdleMaintenance). */
export function runIdleMaintenance(db: Db): void {
  db.prepare("INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('merge', 300)").run();
  db.pragma('wal_checkpoint(PASSIVE)');
}

export function cancelIdleMaintenance(db: Db): void {
  const prev = pending.get(db);
  if (prev) clearTimeout(prev);
  pending.delete(db);
}
