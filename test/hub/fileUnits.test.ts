// Issue 13 §1 and §8: files are per unit and upload sessions per device; finishing an upload
// survives a failure between the blob store and the database. On PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestDevice, TestHub } from '../sync-support/hubHarness';
import { SyncClient, SyncError } from '../../electron/services/sync/client';
import { HEADERS } from '../../shared/sync/protocol';

const UNIT_A = '000.00.13.H12';
const UNIT_B = '000.00.14.H12';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const reader = (buf: Buffer) => (o: number, n: number) => buf.subarray(o, o + n);

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: any;
}

function raw(url: string, method: string, p: string, token: string, body?: Buffer | object, headers: Record<string, string | number> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const u = new URL(p, url);
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const h: Record<string, string | number> = { authorization: `Bearer ${token}`, ...headers };
    if (data) {
      h['content-length'] = data.length;
      h['content-type'] ??= Buffer.isBuffer(body) ? 'application/offset+octet-stream' : 'application/json';
    }
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: h }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** A reply without what legitimately differs between two requests (the clock, the hash asked). */
const shape = (r: Raw, s: string) => ({
  status: r.status,
  body: JSON.parse(JSON.stringify(r.json ?? null).replaceAll(s, '<sha>'), (k, v) => (k === 'hubTime' ? 0 : v)),
  offset: r.headers[HEADERS.uploadOffset],
  length: r.headers[HEADERS.uploadLength],
});

describe.each(await backends())('files per unit on %s', (backend) => {
  let h: TestHub;
  let a: TestDevice;
  let b: TestDevice;
  const secret = randomBytes(120_000);
  const s = sha(secret);
  beforeAll(async () => {
    h = await startTestHub(backend);
    a = await h.device(UNIT_A, 'Quầy A');
    b = await h.device(UNIT_B, 'Quầy B');
    const id = randomUUID();
    await a.client.push([a.maker.received(id), a.maker.file(id, s, secret.length, 1)]);
    await a.client.uploadFile(s, secret.length, reader(secret), 'image/png');
  });
  afterAll(async () => h?.stop());

  it('a device of another unit that knows the hash cannot read the file, nor tell it from an unknown hash', async () => {
    const unknown = sha(randomBytes(120_000));
    // Download and state: the same 404 for the foreign and the unknown hash.
    for (const [method, suffix] of [
      ['GET', '/content'],
      ['HEAD', '/content'],
      ['GET', ''],
      ['HEAD', ''],
    ] as const) {
      const foreign = await raw(h.url, method, `/v1/files/${s}${suffix}`, b.token);
      const never = await raw(h.url, method, `/v1/files/${unknown}${suffix}`, b.token);
      expect(foreign.status, `${method} ${suffix}`).toBe(404);
      expect(shape(foreign, s), `${method} ${suffix}`).toEqual(shape(never, unknown));
    }
    // Creating an upload: the same fresh session, whatever size is declared; never the real size.
    for (const size of [secret.length, secret.length + 1, 7]) {
      const foreign = await raw(h.url, 'POST', '/v1/files', b.token, { sha256: s, size, mime: 'image/png' });
      const never = await raw(h.url, 'POST', '/v1/files', b.token, { sha256: unknown, size, mime: 'image/png' });
      expect(foreign.status).toBe(201);
      expect(shape(foreign, s)).toEqual(shape(never, unknown));
      expect(JSON.stringify(foreign.json)).not.toContain(String(secret.length === size ? 'complete":true' : secret.length));
    }
    // Opening sessions granted nothing: still no download, and the dossier state of B knows nothing.
    expect((await raw(h.url, 'GET', `/v1/files/${s}/content`, b.token)).status).toBe(404);
    // Unit A's own devices still read it.
    const a2 = await h.device(UNIT_A, 'Quầy A2');
    const got = await raw(h.url, 'HEAD', `/v1/files/${s}/content`, a2.token);
    expect(got.status).toBe(200);
  });

  it('a device of another unit that sends the bytes itself gets the file for its unit (the store keeps one copy)', async () => {
    const page = randomBytes(50_000);
    const p = sha(page);
    await a.client.uploadFile(p, page.length, reader(page), 'image/png');
    const st = await b.client.uploadFile(p, page.length, reader(page), 'image/png');
    expect(st.bytesSent).toBe(page.length);
    expect((await raw(h.url, 'HEAD', `/v1/files/${p}/content`, b.token)).status).toBe(200);
    const files = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM files WHERE sha256 = $1', [p]);
    expect(files.rows[0].n).toBe(1);
    expect((await h.db.query('SELECT unit_code FROM file_units WHERE sha256 = $1 ORDER BY unit_code', [p])).rows).toEqual([{ unit_code: UNIT_A }, { unit_code: UNIT_B }]);
  });

  it('another device cannot append to, restart or block a session it does not own', async () => {
    const file = randomBytes(200_000);
    const f = sha(file);
    const first = file.subarray(0, 64 * 1024);
    expect((await raw(h.url, 'POST', '/v1/files', a.token, { sha256: f, size: file.length, mime: 'image/png' })).status).toBe(201);
    expect((await raw(h.url, 'PATCH', `/v1/files/${f}`, a.token, first, { [HEADERS.uploadOffset]: 0, [HEADERS.uploadChecksum]: `sha256 ${b64(first)}` })).status).toBe(200);

    // B appends garbage at A's offset: no session of B's → 404; A's session is untouched.
    const junk = randomBytes(1000);
    for (const who of [b, await h.device(UNIT_A, 'Quầy A3')]) {
      const r = await raw(h.url, 'PATCH', `/v1/files/${f}`, who.token, junk, { [HEADERS.uploadOffset]: first.length, [HEADERS.uploadChecksum]: `sha256 ${b64(junk)}` });
      expect(r.status).toBe(404);
    }
    // B declares a wrong size: its own session, A's is untouched.
    const wrong = await raw(h.url, 'POST', '/v1/files', b.token, { sha256: f, size: 5, mime: 'image/png' });
    expect(wrong.status).toBe(201);
    expect(wrong.json).toMatchObject({ offset: 0, size: 5 });
    expect(await a.client.fileOffset(f)).toEqual({ offset: first.length, size: file.length });

    // A resumes where it stopped and finishes.
    const st = await a.client.uploadFile(f, file.length, reader(file), 'image/png');
    expect(st).toMatchObject({ complete: true, startOffset: first.length, bytesResent: 0 });
    expect((await raw(h.url, 'HEAD', `/v1/files/${f}/content`, a.token)).status).toBe(200);
    // …and B, which never sent the bytes, still cannot read it.
    expect((await raw(h.url, 'HEAD', `/v1/files/${f}/content`, b.token)).status).toBe(404);
  });
});

describe.each(await backends())('finishing an upload on %s', (backend) => {
  let h: TestHub;
  let a: TestDevice;
  beforeAll(async () => {
    h = await startTestHub(backend);
    a = await h.device(UNIT_A, 'Quầy A');
  });
  afterAll(async () => h?.stop());

  it('a failure between the blob store and the database is repaired at the next request, never a lasting internal error', async () => {
    const file = randomBytes(150_000);
    const f = sha(file);
    let fail = 1;
    (h.hub.faults as { afterBlobStored?: () => void }).afterBlobStored = () => {
      if (fail-- > 0) throw new Error('giả lập: hub dừng giữa kho tệp và cơ sở dữ liệu');
    };
    try {
      const once = new SyncClient({ hubUrl: h.url, deviceToken: a.token, chunkBytes: 64 * 1024, maxAttempts: 1 });
      const err = await once.uploadFile(f, file.length, reader(file), 'image/png').catch((e: SyncError) => e);
      expect(err).toBeInstanceOf(SyncError);
      expect((err as SyncError).status).toBe(500);
      // The bytes are in the store, the database does not know yet.
      expect((await h.db.query('SELECT 1 FROM files WHERE sha256 = $1', [f])).rows).toHaveLength(0);
      // The next run: the hub completes the upload by itself, nothing re-sent.
      const st = await a.client.uploadFile(f, file.length, reader(file), 'image/png');
      expect(st).toMatchObject({ complete: true, bytesSent: 0 });
      expect((await raw(h.url, 'HEAD', `/v1/files/${f}/content`, a.token)).status).toBe(200);
      expect((await h.db.query('SELECT 1 FROM uploads WHERE sha256 = $1', [f])).rows).toHaveLength(0);
    } finally {
      delete (h.hub.faults as { afterBlobStored?: () => void }).afterBlobStored;
    }
  });

  it('a session whose partial file was lost starts again at 0 instead of failing', async () => {
    const file = randomBytes(150_000);
    const f = sha(file);
    const partial = new SyncClient({ hubUrl: h.url, deviceToken: a.token, chunkBytes: 64 * 1024 });
    let reads = 0;
    await expect(partial.uploadFile(f, file.length, (o, n) => (++reads > 1 ? Promise.reject(new Error('mất điện')) : file.subarray(o, o + n)))).rejects.toThrow(/mất điện/);
    for (const name of await fsp.readdir(path.join(h.dataDir, 'uploads'))) if (name.startsWith(f)) await fsp.rm(path.join(h.dataDir, 'uploads', name));
    expect(await a.client.fileOffset(f)).toEqual({ offset: 0, size: file.length });
    const st = await a.client.uploadFile(f, file.length, reader(file), 'image/png');
    expect(st.complete).toBe(true);
    expect((await raw(h.url, 'HEAD', `/v1/files/${f}/content`, a.token)).status).toBe(200);
  });
});
