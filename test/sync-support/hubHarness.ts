// Starts a REAL hub for tests and benches: the embedded PGlite, or a fresh database on the
// local PostgreSQL (127.0.0.1:5432, trust auth) when it answers, dropped at the end.
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openHub } from '../../server/app';
import type { OpenHub } from '../../server/app';
import type { StorageLimits } from '../../server/hub';
import { startHubServer } from '../../server/http';
import type { RunningHubServer } from '../../server/http';
import { SyncClient, enroll } from '../../electron/services/sync/client';
import type { SyncClientOptions } from '../../electron/services/sync/client';
import { EventMaker } from './events';
import type { SyncEvent } from '../../shared/sync/protocol';
import { canonicalJson } from '../../shared/sync/derive';

export type Backend = 'pglite' | 'pg';

export const PG_ADMIN_URL = process.env.HUB_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function pgAvailable(timeoutMs = 1000): Promise<boolean> {
  const u = new URL(PG_ADMIN_URL);
  return new Promise((resolve) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || 5432) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** PGlite always; PostgreSQL when 127.0.0.1:5432 answers (a note on stderr otherwise). */
export async function backends(): Promise<Backend[]> {
  if (await pgAvailable()) return ['pglite', 'pg'];
  console.error('[hub tests] PostgreSQL 127.0.0.1:5432 không trả lời: chỉ chạy với PGlite.');
  return ['pglite'];
}

export async function createTempDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hub_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export interface TestDevice {
  deviceId: string;
  token: string;
  slot: number;
  unitCode: string;
  client: SyncClient;
  maker: EventMaker;
}

export interface TestHub extends OpenHub {
  backend: Backend;
  url: string;
  dataDir: string;
  server: RunningHubServer;
  /** Creates the unit if needed and enrols a device through HTTP. */
  device(unitCode: string, name?: string, clientOpts?: Partial<SyncClientOptions> & { via?: string }): Promise<TestDevice>;
  stop(): Promise<void>;
}

export async function startTestHub(
  backend: Backend,
  opts: {
    poolSize?: number;
    log?: (l: string) => void;
    storage?: Partial<StorageLimits>;
    /** The units device() creates approve their devices by themselves (default); false: the unit's own setting (a new one: each device waits for Hub.approveDevice). */
    autoApprove?: boolean;
  } = {},
): Promise<TestHub> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-test-'));
  const temp = backend === 'pg' ? await createTempDatabase() : null;
  const opened = await openHub({ databaseUrl: temp?.url, dataDir, pgliteInMemory: true, poolSize: opts.poolSize, storage: opts.storage });
  const server = await startHubServer(opened.hub, { host: '127.0.0.1', port: 0, log: opts.log ?? (() => undefined) });
  const units = new Set<string>();
  return {
    ...opened,
    backend,
    url: server.url,
    dataDir,
    server,
    async device(unitCode, name = 'Máy tiếp nhận', clientOpts = {}) {
      if (!units.has(unitCode)) {
        await opened.hub.createUnit(unitCode, `UBND xã ${unitCode}`, opts.autoApprove === false ? undefined : true);
        units.add(unitCode);
      }
      const { code } = await opened.hub.createEnrolmentCode(unitCode);
      const e = await enroll(server.url, code, name);
      const client = new SyncClient({
        hubUrl: clientOpts.via ?? server.url,
        deviceToken: e.deviceToken,
        backoff: { baseMs: 20, capMs: 200 },
        timeoutMs: 30_000,
        ...clientOpts,
      });
      return { deviceId: e.deviceId, token: e.deviceToken, slot: e.slot, unitCode, client, maker: new EventMaker({ deviceId: e.deviceId, unitCode, slot: e.slot }) };
    },
    async stop() {
      await server.close();
      await opened.close();
      await temp?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The hub holds exactly `events` for these devices (each once, byte-for-byte the same JSON
 * value) and exactly one dossier row per dossier among them.
 */
export async function expectHubHoldsExactly(h: OpenHub, deviceIds: string[], events: SyncEvent[]): Promise<string | null> {
  const r = await h.db.query<{ event_id: string; body: SyncEvent }>('SELECT event_id, body FROM events WHERE device_id = ANY($1::text[])', [deviceIds]);
  const want = new Map(events.map((e) => [e.eventId, e]));
  if (r.rows.length !== want.size) return `hub has ${r.rows.length} events, devices made ${want.size}`;
  for (const row of r.rows) {
    const e = want.get(row.event_id);
    if (!e) return `hub has an event no device made: ${row.event_id}`;
    if (canonicalJson(row.body) !== canonicalJson(e)) return `event ${row.event_id} differs at the hub`;
  }
  const dossierIds = [...new Set(events.filter((e) => e.type.startsWith('dossier.')).map((e) => e.dossierId))];
  const d = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dossiers WHERE dossier_id = ANY($1::text[])', [dossierIds]);
  if (d.rows[0].n !== dossierIds.length) return `hub has ${d.rows[0].n} dossiers, devices made ${dossierIds.length}`;
  return null;
}
