// A review decision on a digitised paper reaches the unit's other counter (PROTOCOL.md §2
// dossier.document_reviewed): two apps and a REAL hub (PGlite). A approves a paper with its
// document data; after syncing, B shows it approved with the same data and no longer lists
// it as "Chờ duyệt"; a page A adds later makes it pending again on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { fakeEngine, textPage } from '../pages/helpers';
import { attachPage, configuredSyncApp, enrolApp, madeEvents, outboxStates, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

const DATA = {
  soKyHieu: '123/2026/QĐ-UBND',
  ngayBanHanh: '2026-03-05',
  coQuanBanHanh: 'Ủy ban nhân dân xã Định Mỹ',
  nguoiKy: 'Trần Văn Hùng',
  trichYeu: 'Quyết định công nhận hộ gia đình văn hoá',
  hieuLucDen: '2031-03-05',
  vinhVien: false,
};

describe('review decisions of the unit’s other counter', () => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  const app = async () => {
    const a = await configuredSyncApp({ ocrEngine: async () => fakeEngine(5, 'quyết định').engine });
    apps.push(a);
    return a;
  };
  beforeAll(async () => {
    h = await startTestHub('pglite');
  });
  afterAll(async () => {
    for (const a of apps) await a.services.closeAsync();
    await h?.stop();
  });

  it('A approves a paper with its document data; B after sync shows it approved with the same data, not in its Chờ duyệt list', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy 1');
    await enrolApp(b, h, h.url, 'Quầy 2');
    const d = await a.call('dossiers.receive', receiveInput());
    attachPage(a, d.id, 'banchinh', await textPage('Trang một'));
    attachPage(a, d.id, 'banchinh', await textPage('Trang hai'), 2);
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('sync.now', {})).ok).toBe(true);
    const bid = (await b.call('dossiers.list', { query: d.code, limit: 1 })).items[0].id;
    const pendingOnB = async () => (await b.call('review.pending', {})).filter((x) => x.dossierId === bid).map((x) => x.componentId);
    expect(await pendingOnB()).toEqual(['banchinh']);

    const saved = await a.call('review.save', { dossierId: d.id, componentId: 'banchinh', decision: 'approve', data: DATA });
    expect(saved.state).toBe(1);
    const sent = madeEvents(a).filter((e) => e.type === 'dossier.document_reviewed');
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toEqual({ componentId: 'banchinh', state: 1, reason: '', data: DATA, reviewedBy: saved.reviewedBy });
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect(outboxStates(a)).toEqual({ acked: madeEvents(a).length }); // the hub accepted the decision
    expect((await b.call('sync.now', {})).ok).toBe(true);

    const onB = await b.call('review.get', { dossierId: bid, componentId: 'banchinh' });
    expect(onB).toMatchObject({ state: 1, data: DATA, reviewedBy: saved.reviewedBy, reviewedAt: saved.reviewedAt, reason: '', pageCount: 2, suggested: [] });
    expect(onB.pages.map((p) => p.page.reviewState)).toEqual([1, 1]);
    expect(await pendingOnB()).toEqual([]);
    // B does not send A's decision back.
    expect(madeEvents(b).filter((e) => e.type === 'dossier.document_reviewed')).toEqual([]);

    // A adds a page after the review: pending again at A, and at B once it arrives (the
    // pulled decision covers only the pages digitised by then).
    attachPage(a, d.id, 'banchinh', await textPage('Trang ba'), 3);
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('review.get', { dossierId: bid, componentId: 'banchinh' })).state).toBe(0);
    expect(await pendingOnB()).toEqual(['banchinh']);
  });
});
