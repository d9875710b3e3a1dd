// The app's sync engine against a REAL hub (PGlite, and PostgreSQL when it answers), through
// the fault proxy: exactly once through cuts and lost replies on a 250 kbit/s link, revoked
// devices, pulled dossiers in the local list and search, conflicts on two counters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { backends, expectHubHoldsExactly, startTestHub, type TestHub } from '../sync-support/hubHarness';
import { FaultProxy } from '../sync-support/faultProxy';
import { vnTime } from '../../shared/domain/vnTime';
import { checkCodeForSlot } from '../../shared/sync/protocol';
import { UNIT, applicantNo, attachPage, configuredSyncApp, enrolApp, madeEvents, outboxStates, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

describe.each(await backends())('app sync engine on %s', (backend) => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  const app = async () => {
    const a = await configuredSyncApp();
    apps.push(a);
    return a;
  };
  beforeAll(async () => {
    h = await startTestHub(backend);
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    await h?.stop();
  });

  it('pushes a day of dossiers exactly once through a cut mid-request and a reply lost after commit, at 250 kbit/s', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), upBitsPerSec: 250_000, downBitsPerSec: 250_000, latencyMs: 40 });
    try {
      const a = await app();
      const { enrolment } = await enrolApp(a, h, proxy.url, 'Máy A');
      expect(enrolment.slot).toBeGreaterThanOrEqual(1);
      for (let i = 0; i < 30; i++) {
        const d = await a.call('dossiers.receive', applicantNo(i));
        if (i % 2) await a.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển xử lý' });
        if (i % 5 === 0) attachPage(a, d.id, 'banchinh', randomBytes(20_000 + i));
      }
      await a.call('guidance.create', { procedureCode: '2.000815', applicant: applicantNo(1).applicant, missing: receiveInput().components, reason: 'Thiếu giấy tờ' });
      // A cut in the middle of the push request: the client tries again within the run.
      proxy.cutAfterUpstreamBytes(2000, 'POST /v1/push');
      const r1 = await a.call('sync.now', {});
      expect(r1.error).toBeNull();
      expect(proxy.stats.cuts).toBe(1);
      expect(r1.ok).toBe(true);
      // More work, and this time the hub's reply is lost after it committed.
      for (let i = 0; i < 10; i++) await a.call('dossiers.receive', applicantNo(i));
      proxy.dropNextReply('POST /v1/push');
      const r2 = await a.call('sync.now', {});
      expect(proxy.stats.droppedReplies).toBe(1);
      expect(r2.ok).toBe(true);
      expect(r2.pushed.duplicates).toBeGreaterThan(0);
      expect(outboxStates(a)).toEqual({ acked: madeEvents(a).length });
      expect(await expectHubHoldsExactly(h, [enrolment.deviceId], madeEvents(a))).toBeNull();
      // Files: byte-identical at the hub, and every dossier counts as synced.
      for (const f of a.services.db.prepare('SELECT sha256 FROM sync_files').pluck().all() as string[]) {
        const local = a.services.db.prepare('SELECT compact_sha256 FROM pages WHERE compact_sha256 = ?').pluck().get(f);
        expect(local).toBe(f);
        const stored = await h.hub.blobs.read(f);
        expect(stored.length).toBeGreaterThan(0);
      }
      expect(a.services.db.prepare('SELECT count(*) FROM sync_dossiers').pluck().get()).toBe(40);
      const st = await a.call('sync.status', {});
      expect(st.counts).toMatchObject({ queued: 0, sending: 0, failed: 0 });
      expect(st.lastSuccessAt).not.toBeNull();
      expect(Math.abs(st.clockSkewMs ?? 1e9)).toBeLessThan(5000);
      expect(st.clockWarning).toBe(false);
    } finally {
      await proxy.close();
    }
  });

  it('two devices of one unit, offline all day, never issue the same code; the hub accepts both', async () => {
    const a = await app();
    const b = await app();
    const ea = (await enrolApp(a, h, h.url, 'Máy 1')).enrolment;
    const eb = (await enrolApp(b, h, h.url, 'Máy 2')).enrolment;
    expect(ea.slot).not.toBe(eb.slot);
    const at = vnTime(2026, 11, 20, 8, 0);
    const codes = { a: [] as string[], b: [] as string[] };
    for (let i = 0; i < 25; i++) {
      codes.a.push((await a.call('dossiers.receive', receiveInput({ receivedAt: at + i * 60_000 }))).code);
      codes.b.push((await b.call('dossiers.receive', receiveInput({ receivedAt: at + i * 60_000 }))).code);
    }
    expect(new Set([...codes.a, ...codes.b]).size).toBe(50);
    for (const c of codes.a) expect(checkCodeForSlot(c, UNIT.unitCode, ea.slot)).toBeNull();
    for (const c of codes.b) expect(checkCodeForSlot(c, UNIT.unitCode, eb.slot)).toBeNull();
    const [ra, rb] = [await a.call('sync.now', {}), await b.call('sync.now', {})];
    expect([ra.pushed.rejected, rb.pushed.rejected]).toEqual([0, 0]);
    expect([ra.ok, rb.ok]).toEqual([true, true]);
  });

  it('pull brings the other counter’s dossier into the local list and search', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy 1');
    await enrolApp(b, h, h.url, 'Quầy 2');
    const d = await a.call('dossiers.receive', receiveInput({ applicant: { ...receiveInput().applicant, fullName: 'Lê Văn Tám' } }));
    await a.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển phòng Tư pháp' });
    expect((await a.call('sync.now', {})).ok).toBe(true);
    const rb = await b.call('sync.now', {});
    expect(rb.ok).toBe(true);
    expect(rb.pulled.dossiersAdded).toBeGreaterThanOrEqual(1);
    const found = await b.call('dossiers.list', { query: 'le van tam', limit: 10 });
    expect(found.items.map((x) => x.code)).toContain(d.code);
    const byCode = await b.call('dossiers.list', { query: d.code, limit: 10 });
    expect(byCode.items).toHaveLength(1);
    const detail = await b.call('dossiers.get', { id: byCode.items[0].id });
    expect(detail.dossier).toMatchObject({ code: d.code, status: 4, applicant: { fullName: 'Lê Văn Tám' } });
    expect(detail.events.map((e) => e.toStatus)).toEqual([2, 4]);
    // B may work on it: its change reaches A.
    await b.call('dossiers.transition', { id: byCode.items[0].id, to: 9, note: 'Đã có kết quả' });
    expect((await b.call('sync.now', {})).ok).toBe(true);
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect((await a.call('dossiers.get', { id: d.id })).dossier.status).toBe(9);
  });

  it('conflicting offline moves (4→9 here, 4→8 there) converge on both devices and are listed on both', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy A');
    await enrolApp(b, h, h.url, 'Quầy B');
    const d = await a.call('dossiers.receive', receiveInput());
    await a.call('dossiers.transition', { id: d.id, to: 4, note: '' });
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    const bid = (await b.call('dossiers.list', { query: d.code, limit: 1 })).items[0].id;
    expect((await b.call('dossiers.get', { id: bid })).dossier.status).toBe(4);
    // Offline, two clerks decide differently.
    await a.call('dossiers.transition', { id: d.id, to: 9, note: 'Đã giải quyết' });
    await b.call('dossiers.transition', { id: bid, to: 8, note: 'Dừng xử lý' });
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    await a.call('sync.now', {});
    const sa = (await a.call('dossiers.get', { id: d.id })).dossier.status;
    const sb = (await b.call('dossiers.get', { id: bid })).dossier.status;
    expect(sa).toBe(sb);
    const ca = (await a.call('sync.conflicts', {})).filter((c) => !c.resolved);
    const cb = (await b.call('sync.conflicts', {})).filter((c) => !c.resolved);
    expect(ca).toHaveLength(1);
    expect(cb.map((c) => c.id)).toEqual(ca.map((c) => c.id));
    expect(ca[0]).toMatchObject({ kind: 'status', dossierCode: d.code, base: 4 });
    expect(new Set([ca[0].kept?.value, ca[0].other.value])).toEqual(new Set([8, 9]));
    // B settles it: 9. Both converge on 9 and the conflict is settled on both.
    await b.call('sync.resolveConflict', { conflictId: cb[0].id, status: 9, note: 'Đã thống nhất với quầy A' });
    await b.call('sync.now', {});
    await a.call('sync.now', {});
    expect((await a.call('dossiers.get', { id: d.id })).dossier.status).toBe(9);
    expect((await b.call('dossiers.get', { id: bid })).dossier.status).toBe(9);
    expect((await a.call('sync.conflicts', {})).filter((c) => !c.resolved)).toHaveLength(0);
    expect((await b.call('sync.conflicts', {})).filter((c) => !c.resolved)).toHaveLength(0);
  });

  it("a revoked device's sync fails with the hub's Vietnamese message and keeps its outbox", async () => {
    const a = await app();
    const { enrolment } = await enrolApp(a, h, h.url, 'Máy bị thu hồi');
    await a.call('dossiers.receive', receiveInput());
    await h.hub.revokeDevice(enrolment.deviceId);
    const r = await a.call('sync.now', {});
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/thu hồi/);
    expect(outboxStates(a)).toEqual({ queued: 1 });
    const st = await a.call('sync.status', {});
    expect(st.lastError).toMatch(/thu hồi/);
    expect(st.items[0]).toMatchObject({ state: 'queued', reason: expect.stringMatching(/thu hồi/) });
  });

  it('refuses plain http:// to another machine unless allowed, with a Vietnamese message', async () => {
    const a = await app();
    const code = 'ABCD-EFGH-JKMN-PQRT';
    await expect(a.call('sync.enroll', { hubUrl: 'http://hub.angiang.gov.vn', code, deviceName: 'Máy' })).rejects.toThrow(/không mã hoá/);
    expect(a.services.sync.identity()).toBeNull();
  });
});
