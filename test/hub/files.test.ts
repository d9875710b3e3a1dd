import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestDevice, TestHub } from '../sync-support/hubHarness';
import { FaultProxy } from '../sync-support/faultProxy';
import { SyncClient, SyncError } from '../../electron/services/sync/client';
import { FsBlobStore } from '../../server/blobStore';
import { HEADERS, STATUS_CHECKSUM_MISMATCH } from '../../shared/sync/protocol';

const UNIT = '000.00.13.H12';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const b64 = (b: Buffer) => createHash('sha256').update(b).digest('base64');
const reader = (buf: Buffer) => (o: number, n: number) => buf.subarray(o, o + n);

function patch(url: string, token: string, sha256: string, offset: number, body: Buffer, checksum: string): Promise<{ status: number; offset: string | undefined; json: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(`/v1/files/${sha256}`, url);
    const req = http.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'PATCH',
        headers: {
          authorization: `Bearer ${token}`,
          [HEADERS.uploadOffset]: offset,
          [HEADERS.uploadChecksum]: checksum,
          'content-length': body.length,
          'content-type': 'application/offset+octet-stream',
        },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, offset: res.headers[HEADERS.uploadOffset] as string | undefined, json: JSON.parse(Buffer.concat(parts).toString() || 'null') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.each(await backends())('resumable files on %s', (backend) => {
  let h: TestHub;
  let a: TestDevice;
  let blobs: FsBlobStore;
  beforeAll(async () => {
    h = await startTestHub(backend);
    a = await h.device(UNIT, 'Máy A');
    blobs = h.hub.blobs as FsBlobStore;
  });
  afterAll(async () => h?.stop());

  async function expectStored(file: Buffer) {
    const s = sha(file);
    expect(Buffer.compare(await blobs.read(s), file)).toBe(0);
    const row = (await h.db.query<{ verified: boolean; size: number }>('SELECT verified, size FROM files WHERE sha256 = $1', [s])).rows[0];
    expect(row).toEqual({ verified: true, size: file.length });
    expect((await h.db.query('SELECT 1 FROM uploads WHERE sha256 = $1', [s])).rows).toHaveLength(0);
  }

  it('a file cut mid-upload resumes from the hub offset; at most one chunk is re-sent; the SHA-256 is verified', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), upBitsPerSec: 4_000_000, latencyMs: 10 });
    try {
      const chunk = 64 * 1024;
      const client = new SyncClient({ hubUrl: proxy.url, deviceToken: a.token, chunkBytes: chunk, backoff: { baseMs: 20, capMs: 100 } });
      const file = randomBytes(400_000);
      proxy.cutAfterUpstreamBytes(200_000, 'PATCH /v1/files/');
      const st = await client.uploadFile(sha(file), file.length, reader(file), 'image/webp');
      expect(proxy.stats.cuts).toBe(1);
      expect(st.complete).toBe(true);
      expect(st.bytesResent).toBeGreaterThan(0);
      expect(st.bytesResent).toBeLessThanOrEqual(chunk);
      await expectStored(file);
    } finally {
      await proxy.close();
    }
  });

  it('a device that restarts mid-file resumes without re-sending anything', async () => {
    const file = randomBytes(300_000);
    const s = sha(file);
    let reads = 0;
    const crashing = new SyncClient({ hubUrl: h.url, deviceToken: a.token, chunkBytes: 64 * 1024 });
    await expect(
      crashing.uploadFile(s, file.length, (o, n) => {
        if (++reads > 2) throw new Error('máy tắt đột ngột');
        return file.subarray(o, o + n);
      }),
    ).rejects.toThrow(/tắt đột ngột/);
    expect((await crashing.fileOffset(s)).offset).toBe(2 * 64 * 1024);
    const restarted = new SyncClient({ hubUrl: h.url, deviceToken: a.token, chunkBytes: 64 * 1024 });
    const st = await restarted.uploadFile(s, file.length, reader(file));
    expect(st.startOffset).toBe(2 * 64 * 1024);
    expect(st.bytesResent).toBe(0);
    await expectStored(file);
  });

  it('refuses a corrupted chunk (460) and a file whose whole SHA-256 does not match', async () => {
    const file = randomBytes(100_000);
    const s = sha(file);
    await a.client.request('POST', '/files', { json: { sha256: s, size: file.length, mime: 'image/webp' } });
    const first = file.subarray(0, 50_000);
    const corrupted = Buffer.from(first);
    corrupted[1234] ^= 0xff;
    const r = await patch(h.url, a.token, s, 0, corrupted, `sha256 ${b64(first)}`);
    expect(r.status).toBe(STATUS_CHECKSUM_MISMATCH);
    expect(r.json.error.message).toMatch(/không khớp mã kiểm tra/);
    expect(r.offset).toBe('0');
    expect((await a.client.fileOffset(s)).offset).toBe(0);
    // wrong offset → 409 with the hub's offset; no checksum → 400; too big → 413
    const wrongOffset = await patch(h.url, a.token, s, 777, first, `sha256 ${b64(first)}`);
    expect(wrongOffset.status).toBe(409);
    expect(wrongOffset.offset).toBe('0');
    const noSum = await patch(h.url, a.token, s, 0, first, 'md5 x');
    expect(noSum.status).toBe(400);
    const huge = randomBytes(1024 * 1024 + 1);
    const big = await patch(h.url, a.token, s, 0, huge, `sha256 ${b64(huge)}`);
    expect(big.status).toBe(413);
    // the good chunk is taken
    const ok = await patch(h.url, a.token, s, 0, first, `sha256 ${b64(first)}`);
    expect(ok.status).toBe(200);
    expect(ok.offset).toBe('50000');

    // Declared SHA-256 of other content: every chunk is fine, the whole file is not.
    const liar = randomBytes(70_000);
    const claimed = sha(randomBytes(70_000));
    const client = new SyncClient({ hubUrl: h.url, deviceToken: a.token, chunkBytes: 32 * 1024 });
    const err = await client.uploadFile(claimed, liar.length, reader(liar)).catch((e: SyncError) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).status).toBe(STATUS_CHECKSUM_MISMATCH);
    expect((err as SyncError).message).toMatch(/Toàn bộ tệp không khớp SHA-256/);
    expect((await h.db.query('SELECT verified FROM files WHERE sha256 = $1', [claimed])).rows).toHaveLength(0);
    expect(existsSync(blobs.pathFor(claimed))).toBe(false);
    // and the hub still serves
    expect((await a.client.pull(0)).hubTime).toBeGreaterThan(0);
  });

  it('a dossier is synced only when all its attached files are verified; a known file is not sent twice', async () => {
    const p1 = randomBytes(90_000),
      p2 = randomBytes(110_000);
    const id = randomUUID();
    await a.client.push([a.maker.received(id), a.maker.file(id, sha(p1), p1.length, 1), a.maker.file(id, sha(p2), p2.length, 2)]);
    let st = await a.client.syncState(id);
    expect(st).toMatchObject({ known: true, synced: false });
    expect(st.files.map((f) => f.verified)).toEqual([false, false]);
    await a.client.uploadFile(sha(p1), p1.length, reader(p1), 'image/webp');
    expect((await a.client.syncState(id)).synced).toBe(false);
    await a.client.uploadFile(sha(p2), p2.length, reader(p2), 'image/webp');
    st = await a.client.syncState(id);
    expect(st.synced).toBe(true);
    expect(st.files.every((f) => f.verified)).toBe(true);
    await expectStored(p1);
    await expectStored(p2);
    // Another device of the same unit with the same page: complete at once, no bytes.
    const sibling = await h.device(UNIT, 'Máy A2');
    const again = await sibling.client.uploadFile(sha(p1), p1.length, reader(p1));
    expect(again).toMatchObject({ complete: true, bytesSent: 0 });
    // A device of another unit must send the bytes itself (a hash proves nothing); the store keeps one copy.
    const other = await h.device('000.00.14.H12', 'Máy xã khác');
    const sent = await other.client.uploadFile(sha(p1), p1.length, reader(p1));
    expect(sent).toMatchObject({ complete: true, bytesSent: p1.length });
    await expectStored(p1);
    // A device cannot read the state of a file its unit never sent.
    const stranger = await h.device('000.00.15.H12', 'Máy lạ');
    await expect(stranger.client.fileOffset(sha(p2))).rejects.toMatchObject({ status: 404 });
    expect((await stranger.client.syncState(id)).known).toBe(false);
  });
});
