// Corrections after receipt travel as dossier.field_edited through a REAL hub (PGlite): the
// other counter's row, search entry and timeline follow; two different offline corrections of
// the same field converge on both counters and are listed as a conflict for a person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { configuredSyncApp, enrolApp, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

describe('field edits between two counters (hub on PGlite)', () => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  const app = async () => {
    const a = await configuredSyncApp();
    apps.push(a);
    return a;
  };
  beforeAll(async () => {
    h = await startTestHub('pglite');
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    await h?.stop();
  });

  const idOnB = async (b: SyncTestApp, code: string) => (await b.call('dossiers.list', { query: code, limit: 1 })).items[0]?.id;
  const edits = (events: { type: string; note: string }[]) => events.filter((e) => e.type === 'edited').map((e) => e.note);

  it('A corrects the dossier; B sees the correction after a pull, in the detail, the search and the timeline', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy A');
    await enrolApp(b, h, h.url, 'Quầy B');
    const d = await a.call('dossiers.receive', receiveInput());
    // Corrected before B ever saw the dossier: B inserts it with the corrected address.
    await a.call('dossiers.editFields', { id: d.id, applicant: { address: 'Tổ 3, ấp Mỹ Hoà, xã Định Mỹ' } });
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('sync.now', {})).pulled.dossiersAdded).toBe(1);
    const bid = await idOnB(b, d.code);
    const first = await b.call('dossiers.get', { id: bid });
    expect(first.dossier.applicant.address).toBe('Tổ 3, ấp Mỹ Hoà, xã Định Mỹ');
    expect(edits(first.events)).toEqual(['Địa chỉ Ấp Mỹ Hoà, xã Định Mỹ, An Giang → Tổ 3, ấp Mỹ Hoà, xã Định Mỹ (máy khác)']);

    // Corrected again once B holds it: B's row, search entry and timeline follow.
    await a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0987654321' }, copies: 2 });
    expect((await b.call('dossiers.list', { query: '0912345678', limit: 5 })).items.map((x) => x.id)).toEqual([bid]);
    expect((await a.call('sync.now', {})).ok).toBe(true);
    const rb = await b.call('sync.now', {});
    expect(rb.ok).toBe(true);
    expect(rb.pulled.events).toBe(2);
    const after = await b.call('dossiers.get', { id: bid });
    expect(after.dossier.applicant.phone).toBe('0987654321');
    expect(after.dossier.copies).toBe(2);
    expect(edits(after.events)).toEqual([
      'Địa chỉ Ấp Mỹ Hoà, xã Định Mỹ, An Giang → Tổ 3, ấp Mỹ Hoà, xã Định Mỹ (máy khác)',
      // The corrections A saved together are one line, on B as on A (one projector).
      'Số điện thoại 0912345678 → 0987654321; Số bộ hồ sơ 1 → 2 (máy khác)',
    ]);
    expect((await b.call('dossiers.list', { query: '0987654321', limit: 5 })).items.map((x) => x.id)).toEqual([bid]);
    expect((await b.call('dossiers.list', { query: '0912345678', limit: 5 })).items).toEqual([]);
    expect(await b.call('sync.conflicts', {})).toEqual([]);
    // B's own correction on top of A's reaches A.
    await b.call('dossiers.editFields', { id: bid, applicant: { email: 'hong@example.vn' } });
    await b.call('sync.now', {});
    await a.call('sync.now', {});
    expect((await a.call('dossiers.get', { id: d.id })).dossier.applicant).toMatchObject({ phone: '0987654321', email: 'hong@example.vn' });
    expect(await a.call('sync.conflicts', {})).toEqual([]);
  });

  it('two different offline corrections of the phone converge on both counters and are listed as a field conflict', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy A');
    await enrolApp(b, h, h.url, 'Quầy B');
    const d = await a.call('dossiers.receive', receiveInput());
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    const bid = await idOnB(b, d.code);
    // Offline, each counter corrects the same phone differently.
    await a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0987000111' } });
    await b.call('dossiers.editFields', { id: bid, applicant: { phone: '0987000222' } });
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    await a.call('sync.now', {});
    const pa = (await a.call('dossiers.get', { id: d.id })).dossier.applicant.phone;
    const pb = (await b.call('dossiers.get', { id: bid })).dossier.applicant.phone;
    expect(pa).toBe(pb);
    expect(['0987000111', '0987000222']).toContain(pa);
    // The search entry follows the value the row shows.
    expect((await b.call('dossiers.list', { query: pb, limit: 5 })).items.map((x) => x.id)).toEqual([bid]);

    const ca = (await a.call('sync.conflicts', {})).filter((c) => !c.resolved);
    const cb = (await b.call('sync.conflicts', {})).filter((c) => !c.resolved);
    expect(ca).toHaveLength(1);
    expect(cb.map((c) => c.id)).toEqual(ca.map((c) => c.id));
    expect(ca[0]).toMatchObject({ kind: 'field', reason: 'concurrent', dossierCode: d.code, base: '0912345678' });
    expect(ca[0].kept?.label).toBe(`Số điện thoại: ${pa}`);
    expect(new Set([ca[0].kept?.label, ca[0].other.label])).toEqual(new Set(['Số điện thoại: 0987000111', 'Số điện thoại: 0987000222']));
    // The losing side's edit is in each timeline, marked as not applied.
    const loser = pa === '0987000111' ? '0987000222' : '0987000111';
    const marked = `Số điện thoại 0912345678 → ${loser} (máy khác; xung đột, chưa áp dụng)`;
    const loserIsA = loser === '0987000111';
    const remoteNotes = edits((await (loserIsA ? b.call('dossiers.get', { id: bid }) : a.call('dossiers.get', { id: d.id }))).events);
    expect(remoteNotes).toContain(marked);

    // Settled on B by keeping what is shown: both counters see it settled.
    await b.call('sync.resolveConflict', { conflictId: cb[0].id, status: 2, note: 'Đã gọi lại cho công dân' });
    await b.call('sync.now', {});
    await a.call('sync.now', {});
    expect((await a.call('sync.conflicts', {})).filter((c) => !c.resolved)).toHaveLength(0);
    expect((await b.call('sync.conflicts', {})).filter((c) => !c.resolved)).toHaveLength(0);
    expect((await a.call('dossiers.get', { id: d.id })).dossier.applicant.phone).toBe(pa);
    expect((await b.call('dossiers.get', { id: bid })).dossier).toMatchObject({ status: 2, applicant: { phone: pa } });
  });
});
