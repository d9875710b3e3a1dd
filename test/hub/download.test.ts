// Downloading verified files from the hub (PROTOCOL.md §5 "Download"): whole or by HTTP Range,
// only for devices of a unit that holds the file, only once verified; the device client
// resumes a download cut mid-file from the bytes it already has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestDevice, TestHub } from '../sync-support/hubHarness';
import { FaultProxy } from '../sync-support/faultProxy';
import { SyncClient } from '../../electron/services/sync/client';
import { parseRange } from '../../server/http';

const UNIT = '000.00.13.H12';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const reader = (buf: Buffer) => (o: number, n: number) => buf.subarray(o, o + n);

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Got> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(await backends())('file download on %s', (backend) => {
  let h: TestHub;
  let a: TestDevice;
  let b: TestDevice;
  const file = randomBytes(300_000);
  const s = sha(file);
  const content = `/v1/files/${s}/content`;
  const auth = (d: TestDevice) => ({ authorization: `Bearer ${d.token}` });
  beforeAll(async () => {
    h = await startTestHub(backend);
    a = await h.device(UNIT, 'Quầy 1');
    b = await h.device(UNIT, 'Quầy 2');
    await a.client.uploadFile(s, file.length, reader(file), 'image/png');
  });
  afterAll(async () => h?.stop());

  it('serves a verified file to another device of the unit, whole and by Range, with its length and SHA-256', async () => {
    const whole = await get(h.url, content, auth(b));
    expect(whole.status).toBe(200);
    expect(whole.body.equals(file)).toBe(true);
    expect(whole.headers).toMatchObject({
      'content-length': String(file.length),
      'content-type': 'image/png',
      'accept-ranges': 'bytes',
      etag: `"${s}"`,
      'repr-digest': `sha-256=:${Buffer.from(s, 'hex').toString('base64')}:`,
    });
    expect(Number(whole.headers['x-hub-time'])).toBeGreaterThan(0);

    const rest = await get(h.url, content, { ...auth(b), range: 'bytes=123456-' });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(`bytes 123456-${file.length - 1}/${file.length}`);
    expect(rest.headers['content-length']).toBe(String(file.length - 123456));
    expect(rest.body.equals(file.subarray(123456))).toBe(true);

    const middle = await get(h.url, content, { ...auth(b), range: 'bytes=1000-1999' });
    expect(middle.status).toBe(206);
    expect(middle.body.equals(file.subarray(1000, 2000))).toBe(true);

    const past = await get(h.url, content, { ...auth(b), range: `bytes=${file.length}-` });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${file.length}`);
    expect(JSON.parse(past.body.toString()).error.message).toMatch(/vượt quá kích thước tệp/);

    const head = await get(h.url, content, auth(b), 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(file.length));
    expect(head.body.length).toBe(0);
  });

  it('ranges: the forms served, the ones ignored (whole file) and the unsatisfiable', () => {
    expect(parseRange('bytes=10-', 100)).toEqual({ start: 10, end: 99 });
    expect(parseRange('bytes=10-1000', 100)).toEqual({ start: 10, end: 99 });
    expect(parseRange('bytes=-30', 100)).toEqual({ start: 70, end: 99 });
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    for (const ignored of [undefined, '', 'bytes=0-1,5-9', 'bytes=9-3', 'items=0-1', 'bytes=-']) expect(parseRange(ignored, 100)).toBeNull();
  });

  it('refuses another unit’s device, an unverified or unknown file (the same 404), no token (401)', async () => {
    const stranger = await h.device('000.00.14.H12', 'Xã bên');
    const foreign = await get(h.url, content, auth(stranger));
    expect(foreign.status).toBe(404);
    expect(foreign.body.includes(file.subarray(0, 64))).toBe(false);
    const unknown = await get(h.url, `/v1/files/${sha(randomBytes(16))}/content`, auth(stranger));
    expect(JSON.parse(unknown.body.toString()).error).toEqual(JSON.parse(foreign.body.toString()).error);

    // Half uploaded: not served yet, to anyone of the unit.
    const half = randomBytes(200_000);
    await a.client.request('POST', '/files', { json: { sha256: sha(half), size: half.length, mime: 'image/png' } });
    const partial = new SyncClient({ hubUrl: h.url, deviceToken: a.token, chunkBytes: 64 * 1024 });
    let reads = 0;
    await expect(partial.uploadFile(sha(half), half.length, (o, n) => (++reads > 1 ? Promise.reject(new Error('mất điện')) : half.subarray(o, o + n)))).rejects.toThrow(/mất điện/);
    expect((await a.client.fileOffset(sha(half))).offset).toBe(64 * 1024);
    const unverified = await get(h.url, `/v1/files/${sha(half)}/content`, auth(b));
    expect(unverified.status).toBe(404);
    expect(JSON.parse(unverified.body.toString()).error.message).toMatch(/chưa nhận đủ tệp/);

    expect((await get(h.url, `/v1/files/${sha(randomBytes(10))}/content`, auth(b))).status).toBe(404);
    expect((await get(h.url, '/v1/files/NOT-A-HASH/content', auth(b))).status).toBe(400);
    expect((await get(h.url, content)).status).toBe(401);
    const post = await new Promise<number>((resolve, reject) => {
      const u = new URL(content, h.url);
      http
        .request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers: auth(b) }, (res) => resolve(res.statusCode ?? 0))
        .on('error', reject)
        .end();
    });
    expect(post).toBe(405);
  });

  it('the client resumes a download cut mid-file from the bytes it already has', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), downBitsPerSec: 8_000_000, latencyMs: 5 });
    try {
      const client = new SyncClient({ hubUrl: proxy.url, deviceToken: b.token, backoff: { baseMs: 20, capMs: 100 } });
      const got = Buffer.alloc(file.length);
      proxy.cutAfterDownstreamBytes(150_000, `GET ${content}`);
      const st = await client.downloadFile(s, file.length, 0, async (piece, pos) => void got.set(piece, pos));
      expect(proxy.stats.cuts).toBe(1);
      expect(got.equals(file)).toBe(true);
      expect(st.offsets).toHaveLength(2);
      expect(st.offsets[0]).toBe(0);
      // It asked for the rest from what it had kept: at most about one chunk of what reached it
      // before the cut (bytes still in the socket and stream buffers) is sent again.
      expect(st.offsets[1]).toBeGreaterThan(150_000 - 64 * 1024);
      expect(st.offsets[1]).toBeLessThanOrEqual(150_000);
      expect(st.bytesReceived).toBe(file.length);

      // Starting from an offset (a restart of the app with part of the file on disk).
      const tail = Buffer.alloc(file.length);
      const st2 = await client.downloadFile(s, file.length, 250_000, async (piece, pos) => void tail.set(piece, pos));
      expect(st2).toMatchObject({ offsets: [250_000], bytesReceived: file.length - 250_000 });
      expect(tail.subarray(250_000).equals(file.subarray(250_000))).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});
