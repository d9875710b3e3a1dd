import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { backends, expectHubHoldsExactly, startTestHub } from '../sync-support/hubHarness';
import type { TestDevice, TestHub } from '../sync-support/hubHarness';
import { FaultProxy } from '../sync-support/faultProxy';
import { SyncClient, SyncError } from '../../electron/services/sync/client';
import { deriveDossier, canonicalJson } from '../../shared/sync/derive';
import type { SyncEvent } from '../../shared/sync/protocol';
import { HEADERS } from '../../shared/sync/protocol';

const UNIT = '000.00.13.H12';
const OTHER = '000.00.14.H12';

/** A raw HTTP request (to send what the client library never would). */
function raw(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string | number>,
  body?: Buffer | string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

function dossierDay(d: TestDevice, n: number): SyncEvent[] {
  const out: SyncEvent[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    out.push(d.maker.received(id), d.maker.status(id, 2, 4, 'Chuyển xử lý'));
  }
  return out;
}

describe.each(await backends())('push and pull on %s', (backend) => {
  let h: TestHub;
  let a: TestDevice, b: TestDevice, x: TestDevice;
  const made: SyncEvent[] = [];
  beforeAll(async () => {
    h = await startTestHub(backend);
    a = await h.device(UNIT, 'Máy A');
    b = await h.device(UNIT, 'Máy B');
    x = await h.device(OTHER, 'Máy xã khác');
  });
  afterAll(async () => h?.stop());

  it('accepts a batch, and the same batch twice changes nothing', async () => {
    const evs = dossierDay(a, 3);
    made.push(...evs);
    const batchId = randomUUID();
    const r1 = await a.client.pushBatch(batchId, evs);
    expect(r1.accepted).toBe(6);
    expect(r1.results.map((r) => r.outcome)).toEqual(Array(6).fill('accepted'));
    expect(r1.hubTime).toBeGreaterThan(0);
    const r2 = await a.client.pushBatch(batchId, evs);
    expect(r2.accepted).toBe(0);
    expect(r2.duplicates).toBe(6);
    // and the same events inside a new batch
    const r3 = await a.client.pushBatch(randomUUID(), [...evs.slice(0, 2), evs[0]]);
    expect(r3.results.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
    const st = await a.client.syncState(evs[0].dossierId);
    expect(st).toMatchObject({ known: true, status: 4, eventCount: 2, conflicts: 0, synced: true });
  });

  it('the reply is lost after the hub committed: the retry changes nothing (exactly once)', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port) });
    try {
      const client = new SyncClient({ hubUrl: proxy.url, deviceToken: a.token, backoff: { baseMs: 20, capMs: 100 } });
      const evs = dossierDay(a, 5);
      made.push(...evs);
      proxy.dropNextReply('POST /v1/push');
      const r = await client.push(evs);
      expect(proxy.stats.droppedReplies).toBe(1);
      // The retry found everything already there.
      expect(r.duplicates).toBe(10);
      expect(r.accepted).toBe(0);
      expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  it('a connection cut mid-request stores nothing; the retry stores everything once', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port) });
    try {
      const client = new SyncClient({ hubUrl: proxy.url, deviceToken: a.token, backoff: { baseMs: 20, capMs: 100 } });
      const evs = dossierDay(a, 20);
      made.push(...evs);
      proxy.cutAfterUpstreamBytes(800, 'POST /v1/push');
      const r = await client.push(evs);
      expect(proxy.stats.cuts).toBe(1);
      expect(r.accepted).toBe(40);
      expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  it('pushes through a 250 kbit/s link with 150 ms RTT and drops', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), upBitsPerSec: 250_000, downBitsPerSec: 250_000, latencyMs: 75 });
    try {
      const client = new SyncClient({ hubUrl: proxy.url, deviceToken: b.token, backoff: { baseMs: 50, capMs: 200 } });
      const evs = dossierDay(b, 40);
      made.push(...evs);
      const t0 = performance.now();
      proxy.cutAfterUpstreamBytes(2000, 'POST /v1/push');
      const r = await client.push(evs);
      const ms = performance.now() - t0;
      expect(r.accepted + r.duplicates).toBe(80);
      expect(proxy.stats.cuts).toBe(1);
      // The records travel gzip'd (~5× smaller); still at least that body's time at 250 kbit/s.
      const bytes = gzipSync(JSON.stringify({ batchId: randomUUID(), events: evs })).length;
      expect(bytes).toBeLessThan(Buffer.byteLength(JSON.stringify(evs)) / 3);
      expect(ms).toBeGreaterThan((bytes * 8) / 250);
      expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
    } finally {
      await proxy.close();
    }
  });

  it("pull from a cursor shows the other device its unit-mates' events, never its own or another unit's", async () => {
    const xs = dossierDay(x, 1);
    await x.client.push(xs);
    const pulledByB: SyncEvent[] = [];
    const cursorB = await b.client.pullAll(0, (p) => {
      for (const i of p.items) if (i.kind === 'event') pulledByB.push(i.event);
    });
    const fromA = made.filter((e) => e.deviceId === a.deviceId);
    expect(new Set(pulledByB.map((e) => e.eventId))).toEqual(new Set(fromA.map((e) => e.eventId)));
    expect(pulledByB.every((e) => e.unitCode === UNIT && e.deviceId !== b.deviceId)).toBe(true);
    expect(canonicalJson(pulledByB.find((e) => e.eventId === fromA[0].eventId))).toBe(canonicalJson(fromA[0]));
    // small pages, resumed from the cursor
    let cursor = 0,
      n = 0,
      pages = 0;
    for (;;) {
      const p = await b.client.pull(cursor, 7);
      n += p.items.length;
      pages++;
      expect(p.cursor).toBeGreaterThanOrEqual(cursor);
      cursor = p.cursor;
      if (!p.more) break;
    }
    expect(n).toBe(fromA.length);
    expect(cursor).toBe(cursorB);
    expect(pages).toBeGreaterThan(3);
    // nothing new after the cursor, until something is published or pushed
    expect((await b.client.pull(cursorB)).items).toEqual([]);
    await h.hub.publish('holidays', '2027.1', { entries: [{ date: '2027-01-01', name: 'Tết Dương lịch', kind: 'off' }] });
    const more = dossierDay(a, 1);
    made.push(...more);
    await a.client.push(more);
    const p = await b.client.pull(cursorB);
    expect(p.items.map((i) => i.kind)).toEqual(['holidays', 'event', 'event']);
    expect(p.items[0]).toMatchObject({ kind: 'holidays', version: '2027.1' });
    expect(p.items.every((i, k) => k === 0 || i.cursor > p.items[k - 1].cursor)).toBe(true);
    const pa = await a.client.pull(cursorB);
    expect(pa.items.map((i) => i.kind)).toEqual(['holidays']);
    // x sees only its own unit (nothing from others) and the publication
    const px = await x.client.pull(0);
    expect(px.items.map((i) => i.kind)).toEqual(['holidays']);
  });

  it("province status changes reach the unit's devices through pull", async () => {
    const before = (await a.client.pull(0, 1000)).cursor;
    const target = made.find((e) => e.type === 'dossier.received' && e.deviceId === a.deviceId)!;
    const ev: SyncEvent = {
      eventId: randomUUID(),
      deviceId: 'province',
      unitCode: UNIT,
      dossierId: target.dossierId,
      seq: 1,
      at: Date.now(),
      actor: 'Sở Tư pháp',
      type: 'dossier.status_changed',
      body: { from: 4, to: 9, note: 'Đã ký kết quả' },
    };
    const r = await h.hub.recordProvinceEvents(UNIT, [ev]);
    expect(r[0].outcome).toBe('accepted');
    const p = await a.client.pull(before);
    expect(p.items.filter((i) => i.kind === 'event').map((i) => (i as { event: SyncEvent }).event.eventId)).toEqual([ev.eventId]);
    expect((await a.client.syncState(target.dossierId)).status).toBe(9);
  });

  it('refuses a write to another unit (403, whole batch), a foreign dossier, a code outside the slot', async () => {
    const evs = dossierDay(a, 1);
    const foreign = x.maker.received(randomUUID());
    const err = await a.client.pushBatch(randomUUID(), [...evs, { ...foreign, deviceId: a.deviceId }]).catch((e: SyncError) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).status).toBe(403);
    expect((err as SyncError).message).toMatch(/không được ghi dữ liệu của đơn vị 000\.00\.14\.H12/);
    // x's dossier, addressed with a's unit code: refused per event
    const xDossier = (await h.db.query<{ dossier_id: string }>('SELECT dossier_id FROM dossiers WHERE unit_code = $1 LIMIT 1', [OTHER])).rows[0].dossier_id;
    const hijack = a.maker.status(xDossier, 2, 8, 'xâm nhập');
    const outOfSlot = a.maker.received(randomUUID(), { code: `${UNIT}-261122-${String(b.slot * 1000 + 1).padStart(4, '0')}` });
    const r = await a.client.pushBatch(randomUUID(), [hijack, outOfSlot]);
    expect(r.results.map((x) => x.outcome)).toEqual(['rejected', 'rejected']);
    expect(r.results[0].reason).toMatch(/thuộc đơn vị khác/);
    expect(r.results[1].reason).toMatch(/ngoài dải số/);
    expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
  });

  it('refuses malformed and oversized requests with a clear status, and keeps serving', async () => {
    const auth = { authorization: `Bearer ${a.token}` };
    const url = h.url;
    const bad = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json' }, '{"batchId":');
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/JSON/);
    expect(Number(bad.headers[HEADERS.hubTime])).toBeGreaterThan(0);
    const noType = await raw(url, 'POST', '/v1/push', auth, '{}');
    expect(noType.status).toBe(415);
    const tooMany = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json' }, JSON.stringify({ batchId: randomUUID(), events: Array(501).fill({}) }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.message).toMatch(/tối đa 500/);
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const big = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json', 'content-length': huge.length }, huge);
    expect(big.status).toBe(413);
    expect(big.json.error.message).toMatch(/lớn quá giới hạn 4096 KiB/);
    // Without a declared length (chunked), cut off while reading.
    const chunked = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, huge);
    expect(chunked.status).toBe(413);
    // gzip: accepted for push, but the unpacked size is capped too (a small "zip bomb" is refused)
    const bomb = gzipSync(Buffer.alloc(6 * 1024 * 1024, 0x20));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const bombed = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, bomb);
    expect(bombed.status).toBe(413);
    const brokenGzip = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip');
    expect(brokenGzip.status).toBe(400);
    const brotli = await raw(url, 'POST', '/v1/push', { ...auth, 'content-type': 'application/json', 'content-encoding': 'br' }, 'x');
    expect(brotli.status).toBe(415);
    const noAuth = await raw(url, 'GET', '/v1/pull', {});
    expect(noAuth.status).toBe(401);
    const unknown = await raw(url, 'GET', '/v1/nothing', auth);
    expect(unknown.status).toBe(404);
    const badCursor = await raw(url, 'GET', '/v1/pull?cursor=-5', auth);
    expect(badCursor.status).toBe(400);
    const wrongMethod = await raw(url, 'DELETE', '/v1/push', auth);
    expect(wrongMethod.status).toBe(405);
    // One bad event among good ones: only it is rejected, with a reason.
    const good = dossierDay(a, 1);
    made.push(...good);
    const r = await a.client.pushBatch(randomUUID(), [...good, { ...good[0], eventId: 'not-a-uuid' } as unknown as SyncEvent]);
    expect(r.results.map((x) => x.outcome)).toEqual(['accepted', 'accepted', 'rejected']);
    expect(r.results[2].reason).toBe('Mã sự kiện phải là UUID. (eventId)');
    // still serving
    expect((await a.client.pull(0, 1)).items.length).toBeLessThanOrEqual(1);
    expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
  });

  it('two devices with conflicting offline edits converge, and the conflict is reported', async () => {
    const id = randomUUID();
    const rec = a.maker.received(id);
    const toProcessing = a.maker.status(id, 2, 4);
    await a.client.push([rec, toProcessing]);
    // B pulls, then both work offline on the same dossier.
    let cb = 0;
    const bLog: SyncEvent[] = [];
    cb = await b.client.pullAll(cb, (p) => p.items.forEach((i) => i.kind === 'event' && i.event.dossierId === id && bLog.push(i.event)));
    expect(deriveDossier(bLog).state?.status).toBe(4);
    const aEdits = [a.maker.edit(id, 'applicant.phone', '0912345678', '0911111111'), a.maker.status(id, 4, 9, 'Hoàn thành')];
    const bEdits = [b.maker.edit(id, 'applicant.phone', '0912345678', '0922222222'), b.maker.status(id, 4, 5, 'Thiếu giấy chứng sinh'), b.maker.edit(id, 'note', '', 'Gọi lại cho công dân')];
    // They come back online in either order.
    await b.client.push(bEdits);
    await a.client.push(aEdits);
    made.push(rec, toProcessing, ...aEdits, ...bEdits);
    const hubView = await h.hub.getDossier(UNIT, id);
    expect(hubView?.conflicts.map((c) => c.kind).sort()).toEqual(['field', 'status']);
    // Each device pulls what the other did and derives the same state as the hub.
    const aLog: SyncEvent[] = [rec, toProcessing, ...aEdits];
    await a.client.pullAll(0, (p) => p.items.forEach((i) => i.kind === 'event' && i.event.dossierId === id && aLog.push(i.event)));
    await b.client.pullAll(cb, (p) => p.items.forEach((i) => i.kind === 'event' && i.event.dossierId === id && bLog.push(i.event)));
    bLog.push(...bEdits);
    const da = deriveDossier(aLog),
      db = deriveDossier(bLog);
    expect(canonicalJson(da)).toBe(canonicalJson(db));
    expect(canonicalJson(da.state)).toBe(canonicalJson(hubView?.state));
    expect(canonicalJson(da.conflicts)).toBe(canonicalJson(hubView?.conflicts));
    expect(da.state?.note).toBe('Gọi lại cho công dân');
    const st = await a.client.syncState(id);
    expect(st.conflicts).toBe(2);
    // A person settles them.
    const fix = a.maker.resolve(
      id,
      da.conflicts.map((c) => c.id),
      'Đã gọi điện thống nhất',
    );
    made.push(fix);
    await a.client.push([fix]);
    expect((await a.client.syncState(id)).conflicts).toBe(0);
    expect(await expectHubHoldsExactly(h, [a.deviceId, b.deviceId], made)).toBeNull();
  });
});
