// One process per PGlite folder, and admin commands while the hub serves on it.
// PGlite is PostgreSQL in WebAssembly inside one process: a second process opening the same
// folder could corrupt it. Whoever opens the folder (the serving hub, or an admin command run
// directly) first takes HUB_DATA_DIR/hub.lock, a file (mode 0600) with its pid and the address
// and random secret of its admin channel: an HTTP listener on 127.0.0.1, a random port, apart
// from the device-facing server. A CLI finding the folder held by a serving hub forwards its
// command there (the hub runs the same command function, commands.ts); a second `serve` is
// refused. A lock is stale when its pid is gone or its channel no longer answers with that pid
// (the pid was reused, e.g. after a reboot); a stale lock is taken over under a short guard
// file so that two starters cannot both take it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import Fastify from 'fastify';
import type { OpenHub } from './app';
import { runCaptured } from './commands';

export const LOCK_FILE = 'hub.lock';
const HOST = '127.0.0.1';
const MAX_REQUEST = 64 * 1024 * 1024; // a catalogue file travels in the request
const PING_TIMEOUT_MS = 5000;

export interface LockInfo {
  pid: number;
  /** serve: the hub, which runs forwarded commands; admin: a CLI running one command directly. */
  role: 'serve' | 'admin';
  host: string;
  port: number;
  secret: string;
  since: string;
}

const lockSchema = z.object({
  pid: z.number().int().positive(),
  role: z.enum(['serve', 'admin']),
  host: z.string(),
  port: z.number().int().positive(),
  secret: z.string().min(32),
  since: z.string(),
});

const runRequestSchema = z.object({
  command: z.string().max(100),
  opts: z.record(z.string(), z.string()),
  inputs: z.record(z.string(), z.string()),
});

export type RunResult = Awaited<ReturnType<typeof runCaptured>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const digest = (s: string) => createHash('sha256').update(s).digest();
const errno = (e: unknown) => (e as NodeJS.ErrnoException).code;

export interface AdminChannel {
  lock(role: LockInfo['role']): LockInfo;
  /** Forwarded commands run on this hub from now on (they wait for it until then). */
  serve(h: Pick<OpenHub, 'hub' | 'db'>): void;
  close(): Promise<void>;
}

/** Starts the admin listener on 127.0.0.1 (random port) with a fresh secret. */
export async function openAdminChannel(): Promise<AdminChannel> {
  const secret = randomBytes(32).toString('base64url');
  const want = digest(`Bearer ${secret}`);
  let setHub!: (h: Pick<OpenHub, 'hub' | 'db'>) => void;
  const hubReady = new Promise<Pick<OpenHub, 'hub' | 'db'>>((r) => (setHub = r));
  let role: LockInfo['role'] = 'admin';
  // Fastify, like the device-facing server (http.ts). The secret is checked before anything
  // else (an unknown address without it is 401, not 404); the body is capped by bodyLimit.
  const app = Fastify({ logger: false, bodyLimit: MAX_REQUEST, requestTimeout: 0 });
  app.addHook('onRequest', async (req, reply) => {
    if (!timingSafeEqual(digest(req.headers.authorization ?? ''), want)) {
      return reply.code(401).send({ error: 'Mã bí mật của kênh quản trị không đúng.' });
    }
  });
  app.get('/ping', async () => ({ pid: process.pid, role }));
  app.post('/run', async (req, reply) => {
    if (role !== 'serve') return reply.code(503).send({ error: 'Tiến trình này đang chạy một lệnh quản trị, không nhận lệnh khác.' });
    const body = runRequestSchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: 'Yêu cầu không hợp lệ.' });
    return runCaptured(await hubReady, body.data.command, body.data.opts, body.data.inputs);
  });
  app.setNotFoundHandler(async (_req, reply) => reply.code(404).send({ error: 'Không có lệnh này trên kênh quản trị.' }));
  app.setErrorHandler(async (e: { statusCode?: number; message?: string }, _req, reply) => {
    if (e.statusCode === 413) return reply.code(413).send({ error: 'Yêu cầu quá lớn.' });
    if (e.statusCode && e.statusCode < 500) return reply.code(400).send({ error: 'Yêu cầu không hợp lệ.' });
    return reply.code(500).send({ error: e instanceof Error ? e.message : String(e) });
  });
  await app.listen({ host: HOST, port: 0 });
  const server = app.server;
  const port = (server.address() as AddressInfo).port;
  return {
    lock: (r) => {
      role = r;
      return { pid: process.pid, role: r, host: HOST, port, secret, since: new Date().toISOString() };
    },
    serve: setHub,
    close: () => app.close(),
  };
}

function request(lock: LockInfo, method: string, urlPath: string, body?: unknown, timeoutMs?: number): Promise<{ status: number; json: Record<string, unknown> }> {
  const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: lock.host,
        port: lock.port,
        path: urlPath,
        method,
        agent: false,
        timeout: timeoutMs,
        headers: { authorization: `Bearer ${lock.secret}`, ...(data && { 'content-type': 'application/json', 'content-length': data.length }) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown> });
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
    req.end(data);
  });
}

/** Whether the process named in a lock still holds the folder. */
async function holderAlive(l: LockInfo): Promise<boolean> {
  if (l.pid === process.pid) return false; // left by an earlier life of this pid (a container restart)
  try {
    process.kill(l.pid, 0);
  } catch (e) {
    if (errno(e) === 'ESRCH') return false;
  }
  try {
    const r = await request(l, 'GET', '/ping', undefined, PING_TIMEOUT_MS);
    return r.status === 200 && r.json.pid === l.pid;
  } catch (e) {
    // Nothing listens on its port any more: that pid is now another program. A hub too busy to
    // answer in time still counts as alive.
    return errno(e) !== 'ECONNREFUSED' && !(e instanceof SyntaxError);
  }
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return null;
    if (errno(e) === 'EACCES' || errno(e) === 'EPERM') throw new Error(`Không đọc được ${file}: chỉ tài khoản chạy hub mới dùng được các lệnh quản trị.`);
    throw e;
  }
}

function unlinkIfExists(file: string) {
  try {
    unlinkSync(file);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw e;
  }
}

/** Creates `file` holding `content` (mode 0600) only if it does not exist; atomic: readers never see it half written. */
function createExclusive(file: string, content: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, content, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    // A file system without hard links: plain exclusive create.
    try {
      writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e2) {
      if (errno(e2) === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    unlinkIfExists(tmp);
  }
}

const ageMs = (file: string) => {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

/** Removes a stale lock, unless another process took the folder over meanwhile. */
async function removeStale(file: string, seen: string): Promise<void> {
  const guard = `${file}.takeover`;
  if (!createExclusive(guard, String(process.pid))) {
    // Another starter is taking it over; a guard left by a crash inside the few lines below
    // is removed once it is clearly old.
    if (ageMs(guard) > 10_000) unlinkIfExists(guard);
    await sleep(50);
    return;
  }
  try {
    if (readOrNull(file) === seen) unlinkSync(file);
  } finally {
    unlinkIfExists(guard);
  }
}

export type FolderClaim = { held: true; release(): void } | { held: false; holder: LockInfo };

/** Takes HUB_DATA_DIR/hub.lock, or names the live process that holds it. */
export async function claimFolder(dataDir: string, mine: LockInfo): Promise<FolderClaim> {
  const file = path.join(dataDir, LOCK_FILE);
  const content = JSON.stringify(mine);
  for (let attempt = 0; attempt < 100; attempt++) {
    if (createExclusive(file, content)) {
      return { held: true, release: () => readOrNull(file) === content && unlinkIfExists(file) };
    }
    const seen = readOrNull(file);
    if (seen === null) continue; // released meanwhile
    let holder: LockInfo | null = null;
    try {
      holder = lockSchema.parse(JSON.parse(seen));
    } catch {
      // Not a lock this hub wrote (or a file system without atomic create, caught mid-write).
      if (ageMs(file) < 2000) {
        await sleep(100);
        continue;
      }
    }
    if (holder && (await holderAlive(holder))) return { held: false, holder };
    await removeStale(file, seen);
  }
  throw new Error(`Không lấy được khoá ${file}. Thử lại sau.`);
}

/**
 * Claims the folder for `role`, waiting up to waitMs while an admin command run directly holds
 * it (those are short); a serving hub's lock is returned at once.
 */
export async function claimFolderOrFindHub(dataDir: string, channel: AdminChannel, role: LockInfo['role'], waitMs = 30_000): Promise<FolderClaim> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const claim = await claimFolder(dataDir, channel.lock(role));
    if (claim.held || claim.holder.role === 'serve') return claim;
    if (Date.now() > deadline) {
      throw new Error(`Thư mục dữ liệu ${dataDir} đang được một lệnh quản trị khác dùng (tiến trình ${claim.holder.pid}). Thử lại sau.`);
    }
    await sleep(200);
  }
}

/** Sends a command to the serving hub named in its lock; `null` when that hub has just stopped. */
export async function forwardCommand(hub: LockInfo, command: string, opts: Record<string, string>, inputs: Record<string, string>): Promise<RunResult | null> {
  let r: Awaited<ReturnType<typeof request>>;
  try {
    r = await request(hub, 'POST', '/run', { command, opts, inputs });
  } catch (e) {
    if (errno(e) === 'ECONNREFUSED') return null; // never reached it: safe to claim the folder again
    throw new Error(`Mất kết nối với hub đang chạy (tiến trình ${hub.pid}) giữa chừng (${e instanceof Error ? e.message : String(e)}); lệnh có thể đã được thực hiện, xem nhật ký của hub.`);
  }
  if (r.status !== 200) throw new Error(`Hub đang chạy (tiến trình ${hub.pid}) từ chối lệnh: ${String(r.json.error ?? r.status)}`);
  return r.json as unknown as RunResult;
}
