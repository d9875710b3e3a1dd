// A thin database interface over node-postgres (a real PostgreSQL, DATABASE_URL) and the
// embedded PGlite (a data folder, the default: a user's machine has no PostgreSQL).
// One set of numbered SQL migrations (server/migrations/NNN_name.sql) serves both.
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

export interface Db extends Queryable {
  readonly kind: 'pg' | 'pglite';
  /**
   * Runs fn in one transaction (BEGIN … COMMIT, ROLLBACK on a throw). `first`, when given, is a
   * statement (SQL with its literals, no parameters) run right after BEGIN: on PostgreSQL in the
   * same round trip as BEGIN (e.g. taking the transaction's advisory locks).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, first?: string): Promise<T>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs fn while holding a lock named `key` across every process using this database (PostgreSQL
   * advisory lock). Absent on PGlite, which only one process can open anyway.
   */
  withLock?<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

// int8 (bigint, bigserial) as a JS number: cursors and sizes stay far below 2^53.
const int8AsNumber = (v: string) => Number(v);
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return int8AsNumber;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** Statement names for node-postgres' prepared statements: one per SQL text. */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let n = statementNames.get(sql);
  if (!n) {
    n = 'h' + createHash('sha1').update(sql).digest('hex').slice(0, 20);
    statementNames.set(sql, n);
  }
  return n;
}

function pgQueryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(sql: string, params: unknown[] = []) {
      const r = await client.query({ name: statementName(sql), text: sql, values: params });
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  };
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

export class PgDb implements Db {
  readonly kind = 'pg' as const;
  readonly pool: pg.Pool;
  private readonly q: Queryable;
  constructor(connectionString: string, max = 10) {
    this.pool = new pg.Pool({ connectionString, max, types: pgTypes, idleTimeoutMillis: 30_000 });
    this.pool.on('error', (e) => console.error('[hub] lỗi kết nối PostgreSQL rảnh:', e.message));
    this.q = pgQueryable(this.pool);
  }
  query<T>(sql: string, params?: unknown[]) {
    return this.q.query<T>(sql, params);
  }
  async transaction<T>(fn: (tx: Queryable) => Promise<T>, first?: string): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.pool.connect();
      let broken = false;
      try {
        // One simple-protocol message: BEGIN and the first statement in one round trip.
        await client.query(first ? `BEGIN; ${first}` : 'BEGIN');
        const r = await fn(pgQueryable(client));
        await client.query('COMMIT');
        return r;
      } catch (e) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        const code = (e as { code?: string }).code;
        if (code && RETRYABLE.has(code) && attempt < 3) continue;
        throw e;
      } finally {
        client.release(broken);
      }
    }
  }
  async exec(sql: string) {
    await this.pool.query(sql);
  }
  // Lock connections come from their own small pool: a holder's work uses the main pool, so
  // holders can never starve each other of connections.
  private lockPool: pg.Pool | null = null;
  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (!this.lockPool) {
      this.lockPool = new pg.Pool({ connectionString: (this.pool.options as { connectionString?: string }).connectionString, max: 16, idleTimeoutMillis: 30_000 });
      // An idle connection closed by the server (restart, admin) must not crash the hub.
      this.lockPool.on('error', (e) => console.error('[hub] lỗi kết nối PostgreSQL rảnh (khoá tệp):', e.message));
    }
    const client = await this.lockPool.connect();
    let broken = false;
    try {
      await client.query('SELECT pg_advisory_lock(3, hashtext($1))', [key]);
      try {
        return await fn();
      } finally {
        try {
          await client.query('SELECT pg_advisory_unlock(3, hashtext($1))', [key]);
        } catch {
          broken = true; // the lock goes with the connection
        }
      }
    } finally {
      client.release(broken);
    }
  }
  async close() {
    await this.pool.end();
    await this.lockPool?.end();
  }
}

export class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  private constructor(readonly pglite: PGlite) {}
  static async open(dataDir: string | null): Promise<PgliteDb> {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    // Durable like a server PostgreSQL (issue 13 §8): PGlite's defaults start it with -F
    // (fsync off), so an acknowledged push could vanish in a power cut after the device had
    // dropped it from its outbox. Every commit is flushed before the hub answers.
    const startParams = [...PGlite.defaultStartParams.filter((p) => p !== '-F'), '-c', 'fsync=on', '-c', 'synchronous_commit=on'];
    const db = dataDir ? await PGlite.create(dataDir, { startParams, relaxedDurability: false }) : await PGlite.create({ startParams });
    return new PgliteDb(db as PGlite);
  }
  async query<T>(sql: string, params: unknown[] = []) {
    const r = await this.pglite.query<T>(sql, params);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>, first?: string): Promise<T> {
    // PGlite is one connection: its transaction() holds a mutex, so transactions never interleave.
    return this.pglite.transaction(async (tx) => {
      if (first) await tx.exec(first);
      return fn({
        async query<R>(sql: string, params: unknown[] = []) {
          const r = await tx.query<R>(sql, params);
          return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
        },
      });
    });
  }
  async exec(sql: string) {
    await this.pglite.exec(sql);
  }
  async close() {
    await this.pglite.close();
  }
}

export interface DbConfig {
  /** postgres://… ; empty → embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data folder; null = in memory (tests). */
  dataDir?: string | null;
  poolSize?: number;
}

export async function openDb(cfg: DbConfig): Promise<Db> {
  if (cfg.databaseUrl) return new PgDb(cfg.databaseUrl, cfg.poolSize);
  return PgliteDb.open(cfg.dataDir === undefined ? path.resolve('.hub-data', 'db') : cfg.dataDir);
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f, sql: readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * Applies the migrations not yet applied, each in its own transaction, recorded in
 * schema_migrations. Refuses a database that is newer than this hub. An advisory lock keeps
 * two hubs starting at once from racing. Returns the versions applied.
 */
export async function migrate(db: Db, migrations = loadMigrations()): Promise<number[]> {
  const applied: number[] = [];
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const latest = migrations.at(-1)?.version ?? 0;
  for (const m of migrations) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(727274)');
      const done = await tx.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version = $1', [m.version]);
      if (done.rows.length) return;
      for (const stmt of splitSql(m.sql)) await tx.query(stmt);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    });
  }
  const max = await db.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  if ((max.rows[0]?.v ?? 0) > latest) {
    throw new Error(`Cơ sở dữ liệu mới hơn phiên bản hub này (lược đồ ${max.rows[0].v} > ${latest}); hãy cập nhật hub.`);
  }
  return applied;
}

/** Splits a migration file on ';' at line ends (the files keep one statement per ';'). */
export function splitSql(sql: string): string[] {
  return sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter((s) => s.length > 0);
}
