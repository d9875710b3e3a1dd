// Wiring: configuration from the environment → database, blob store, hub.
import { mkdirSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDb, migrate } from './db';
import type { Db } from './db';
import { FsBlobStore } from './blobStore';
import { Hub } from './hub';
import type { HubFaults } from './hub';

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
  cfg: Pick<HubConfig, 'databaseUrl' | 'dataDir'> & { pgliteInMemory?: boolean; poolSize?: number; faults?: HubFaults },
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
  const hub = new Hub({ db, blobs: new FsBlobStore(path.join(cfg.dataDir, 'blobs')), uploadDir: path.join(cfg.dataDir, 'uploads'), faults: cfg.faults });
  return { hub, db, close: () => db.close() };
}
