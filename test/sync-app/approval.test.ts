// Issue 13 §4, the app's side: a PC enrolled in a unit whose devices the province approves one
// by one is told at enrolment that it waits; its runs keep every change and page queued (none
// marked failed) with the hub's Vietnamese reason, the status says it waits for approval, and
// once the officer approves it the same outbox goes through and the unit's other PC receives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { backends, startTestHub, type TestHub } from '../sync-support/hubHarness';
import { UNIT, attachPage, configuredSyncApp, outboxStates, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

describe.each(await backends())('a PC waiting for approval on %s', (backend) => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  beforeAll(async () => {
    h = await startTestHub(backend);
    await h.hub.createUnit(UNIT.unitCode, UNIT.unitName ?? 'UBND xã', false);
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    await h?.stop();
  });
  const enrolled = async (name: string) => {
    const a = await configuredSyncApp();
    apps.push(a);
    const r = await a.call('sync.enroll', { hubUrl: h.url, code: (await h.hub.createEnrolmentCode(UNIT.unitCode)).code, deviceName: name });
    return { a, r };
  };

  it('keeps its changes and pages queued with the reason until the officer approves it, then sends them', async () => {
    const { a, r } = await enrolled('Quầy chờ duyệt');
    expect(r.awaitingApproval).toBe(true);
    expect((await a.call('sync.status', {})).awaitingApproval).toBe(true);
    const d = await a.call('dossiers.receive', receiveInput());
    await a.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển xử lý' });
    const sha = attachPage(a, d.id, 'banchinh', randomBytes(12_000));

    const waiting = await a.call('sync.now', {});
    expect(waiting.ok).toBe(false);
    expect(waiting.error).toMatch(/^Máy "Quầy chờ duyệt" đã đăng ký với tỉnh lúc .* đang chờ cán bộ quản trị của tỉnh duyệt\./);
    const st = await a.call('sync.status', {});
    expect(st).toMatchObject({ awaitingApproval: true, lastError: waiting.error, files: { queued: 1, failed: 0 } });
    expect(outboxStates(a)).toEqual({ queued: 3 });
    expect(st.items.every((it) => it.state === 'queued' && /chờ cán bộ quản trị của tỉnh duyệt/.test(it.reason ?? ''))).toBe(true);
    const held = await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE device_id = $1', [r.enrolment.deviceId]);
    expect(held.rows[0].n).toBe(0);

    await h.hub.approveDevice(r.enrolment.deviceId);
    const sent = await a.call('sync.now', {});
    expect(sent).toMatchObject({ ok: true, error: null, pushed: { accepted: 3 }, files: { uploaded: 1 } });
    expect(await a.call('sync.status', {})).toMatchObject({ awaitingApproval: false, lastError: null, files: { queued: 0, verified: 1 } });
    expect(outboxStates(a)).toEqual({ acked: 3 });

    // The unit's other PC waits too until approved, then receives the dossier and its page.
    const { a: b, r: rb } = await enrolled('Quầy bên');
    expect(rb.awaitingApproval).toBe(true);
    expect((await b.call('sync.now', {})).ok).toBe(false);
    await h.hub.approveDevice(rb.enrolment.deviceId);
    const got = await b.call('sync.now', {});
    expect(got).toMatchObject({ ok: true, pulled: { dossiersAdded: 1 } });
    const [bd] = (await b.call('dossiers.list', { query: d.code, limit: 1 })).items;
    expect((await b.call('dossiers.get', { id: bd.id })).dossier).toMatchObject({ code: d.code, status: 4 });
    expect((await b.call('pages.list', { dossierId: bd.id })).pages.map((p) => p.sha256)).toEqual([sha]);
    expect((await b.call('sync.status', {})).awaitingApproval).toBe(false);
  });
});
