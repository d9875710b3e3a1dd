// Wiring: configuration from the environment → database, blob store, hub.
import { mkdirSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDb, migrate } from './db';
import type { Db } from './db';
import { FsBlobStore } from './blobStore';
import { Hub } from './hub';
import type { HubFaults, StorageLimits } from './hub';

export interface HubConfig {
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  tls: { certFile: string; keyFile: string } | undefined;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): HubConfig {
  const tls = env.HUB_TLS_CERT && env.HUB_TLS_KEY ? { certFile: env.HUB_TLS_CERT, keyFile: env.HUB_TLS_KEY } : undefined;
  if (!!env.HUB_TLS_CERT !== !!env.HUB_TLS_KEY) throw new Error('Cần cả HUB_TLS_CERT và HUB_TLS_KEY để bật HTTPS.');
  const port = Number(env.HUB_PORT ?? (tls ? 8443 : 8080));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`HUB_PORT không hợp lệ: ${env.HUB_PORT}`);
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.HUB_DATA_DIR || '.hub-data'),
    host: env.HUB_HOST || '127.0.0.1',
    port,
    tls,
  };
}

export interface OpenHub {
  hub: Hub;
  db: Db;
  close(): Promise<void>;
}

export function ensureDataDir(dataDir: string): void {
  if (!existsSync(dataDir)) {
    mkdirSync(dataDir, { recursive: true });
    // Keep the hub's data out of version control when it sits inside a work tree.
    writeFileSync(path.join(dataDir, '.gitignore'), '*\n');
  }
}

/**
 * Storage quotas and cleaning (issue 13 §2) from the environment: HUB_QUOTA_UNIT_GIB,
 * HUB_QUOTA_DEVICE_GIB, HUB_PARTIAL_TTL_HOURS, HUB_ORPHAN_GRACE_DAYS (unset = the defaults).
 */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<StorageLimits> {
  const out: Partial<StorageLimits> = {};
  const num = (name: string, scale: number, key: keyof StorageLimits) => {
    const v = env[name];
    if (v === undefined || v === '') return;
    const n = Number(v);
    if (!(n > 0)) throw new Error(`${name} phải là số dương: ${v}`);
    out[key] = Math.round(n * scale);
  };
  num('HUB_QUOTA_UNIT_GIB', 1024 ** 3, 'perUnitBytes');
  num('HUB_QUOTA_DEVICE_GIB', 1024 ** 3, 'perDeviceBytes');
  num('HUB_PARTIAL_TTL_HOURS', 3600_000, 'partialTtlMs');
  num('HUB_ORPHAN_GRACE_DAYS', 24 * 3600_000, 'orphanGraceMs');
  return out;
}

/** Opens the database (PostgreSQL or the embedded PGlite), migrates it and builds the hub. */
/**
 * The hub's test seam (issue 13 §8), from HUB_TEST_FAULT; unset in production.
 * `kill-after-blob-stored`: the process dies (SIGKILL) once a finished upload's bytes are in the
 * blob store and before the database records them, the worst moment for a crash.
 */
export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): HubFaults {
  if (env.HUB_TEST_FAULT === 'kill-after-blob-stored') {
    return {
      afterBlobStored() {
        process.kill(process.pid, 'SIGKILL');
      },
    };
  }
  return {};
}

export async function openHub(
  cfg: Pick<HubConfig, 'databaseUrl' | 'dataDir'> & { pgliteInMemory?: boolean; poolSize?: number; faults?: HubFaults; storage?: Partial<StorageLimits> },
): Promise<OpenHub> {
  ensureDataDir(cfg.dataDir);
  const db = await openDb({
    databaseUrl: cfg.databaseUrl,
    dataDir: cfg.pgliteInMemory ? null : path.join(cfg.dataDir, 'db'),
    poolSize: cfg.poolSize,
  });
  try {
    await migrate(db);
  } catch (e) {
    await db.close();
    throw e;
  }
  const hub = new Hub({
    db,
    blobs: new FsBlobStore(path.join(cfg.dataDir, 'blobs')),
    uploadDir: path.join(cfg.dataDir, 'uploads'),
    updatesDir: path.join(cfg.dataDir, 'updates'),
    faults: cfg.faults,
    storage: cfg.storage ?? storageFromEnv(),
  });
  let recordHead: () => Promise<void>;
  try {
    recordHead = await settleIdentity(hub, cfg.dataDir);
  } catch (e) {
    await db.close();
    throw e;
  }
  // The side record follows the head, so that a physical copy of an older database put back
  // later is recognised (settleIdentity); at most 10 s behind, and exact after a clean stop.
  const timer = setInterval(() => void recordHead().catch(() => undefined), 10_000);
  timer.unref();
  return {
    hub,
    db,
    close: async () => {
      clearInterval(timer);
      await recordHead().catch(() => undefined);
      await db.close();
    },
  };
}

export const IDENTITY_FILE = 'hub-identity.json';

/**
 * The hub's epoch (issue 13 §3, PROTOCOL.md §6). The database keeps it, and renews it itself
 * when it was restored from a logical dump or replaced (Hub.loadIdentity). A physical copy
 * of an older database (a PGlite folder put back, a file-system snapshot) keeps the epoch, so
 * the database also counts the hub's active periods (a beat, one more each 10 s in which
 * anything was stored) and the data folder keeps the last beat beside the epoch
 * (HUB_DATA_DIR/hub-identity.json, outside db/): a database whose beat is below it is older
 * than what devices may have seen, and gets a new epoch. Returns the recorder of the beat.
 */
async function settleIdentity(hub: Hub, dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, IDENTITY_FILE);
  let side: { epoch?: unknown; beat?: unknown } | null = null;
  try {
    side = JSON.parse(readFileSync(file, 'utf8')) as { epoch?: unknown; beat?: unknown };
  } catch {
    side = null;
  }
  const { epoch, renewed } = await hub.loadIdentity();
  const beat = await hub.beat(true);
  if (!renewed && side?.epoch === epoch && typeof side.beat === 'number' && side.beat > beat) {
    await hub.loadIdentity(true);
    console.error(
      `[hub] cơ sở dữ liệu cũ hơn lần chạy trước (nhịp ${beat} < ${side.beat}): đã khôi phục từ bản sao lưu? Hub nhận danh tính mới; các máy sẽ nhận lại từ đầu và gửi lại những gì hub thiếu.`,
    );
  } else if (renewed) {
    console.error('[hub] cơ sở dữ liệu đã được khôi phục hoặc thay: hub nhận danh tính mới; các máy sẽ nhận lại từ đầu và gửi lại những gì hub thiếu.');
  }
  let seen = -1;
  const record = async () => {
    const seq = await hub.sequenceValue();
    if (seq === seen) return;
    const b = await hub.beat();
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ epoch: hub.epoch, beat: b }), { mode: 0o600 });
    renameSync(tmp, file);
    seen = seq;
  };
  await record();
  return record;
}
