// A page deleted on one counter is withdrawn everywhere: dossier.file_removed is written with
// the deletion (one SQLite transaction), accepted by a REAL hub (PGlite), dropped from the
// hub's derived dossier and from the other counter's merged log; a removal made at the
// province marks the attaching PC's own page row deleted on pull.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { deriveDossier } from '../../shared/sync/derive';
import type { SyncEvent, SyncEventOf } from '../../shared/sync/protocol';
import { streamEvents } from '../../electron/services/sync/apply';
import { UNIT, attachPage, configuredSyncApp, enrolApp, madeEvents, outboxStates, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

describe('page deletion travels to the hub and the other counter', () => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  beforeAll(async () => {
    h = await startTestHub('pglite');
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    await h?.stop();
  });

  /** The files of a dossier as a PC knows them: derived from its own and pulled events. */
  const filesOn = (app: SyncTestApp, uid: string) => deriveDossier(streamEvents(app.services.db, uid, app.services.sync.identity()!)).state?.files.map((f) => f.sha256) ?? null;
  const filesAtHub = async (uid: string) => (await h.hub.getDossier(UNIT.unitCode, uid))?.state?.files.map((f) => f.sha256) ?? null;
  const attachOf = (app: SyncTestApp, sha: string) => madeEvents(app).find((e): e is SyncEventOf<'dossier.file_attached'> => e.type === 'dossier.file_attached' && e.body.sha256 === sha)!;

  it('A deletes a page: B no longer has it after pull, nor the hub; a province removal deletes A’s own page row', async () => {
    const a = await configuredSyncApp();
    const b = await configuredSyncApp();
    apps.push(a, b);
    await enrolApp(a, h, h.url, 'Quầy 1');
    await enrolApp(b, h, h.url, 'Quầy 2');
    const d = await a.call('dossiers.receive', receiveInput());
    const uid = a.services.db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(Number(d.id)) as string;
    const sha1 = attachPage(a, d.id, 'banchinh', randomBytes(3000), 1);
    const sha2 = attachPage(a, d.id, 'banchinh', randomBytes(3000), 2);
    const sha0 = attachPage(a, d.id, 'banchinh', randomBytes(3000), 3);
    // The clerk moves the last page to the front; the same order again sends nothing.
    const listed = (await a.call('pages.list', { dossierId: d.id })).pages;
    const order = [sha0, sha1, sha2].map((sha) => listed.find((p) => p.sha256 === sha)!.id);
    await a.call('pages.reorder', { dossierId: d.id, componentId: 'banchinh', pageIds: order });
    await a.call('pages.reorder', { dossierId: d.id, componentId: 'banchinh', pageIds: order });
    expect(madeEvents(a).filter((e) => e.type === 'dossier.pages_reordered')).toHaveLength(1);
    expect((await a.call('sync.now', {})).pushed.rejected).toBe(0);
    expect((await b.call('sync.now', {})).ok).toBe(true);
    expect(filesOn(b, uid)).toEqual([sha0, sha1, sha2]);
    expect(await filesAtHub(uid)).toEqual([sha0, sha1, sha2]);
    expect((await h.hub.getDossier(UNIT.unitCode, uid))?.state?.files.map((f) => f.page)).toEqual([1, 2, 3]);

    // The removal is written in the deletion's own transaction: if it cannot be written, the
    // page is not deleted either.
    const page1 = (await a.call('pages.list', { dossierId: d.id })).pages.find((p) => p.sha256 === sha1)!;
    a.services.db.exec(`CREATE TEMP TRIGGER refuse_removal BEFORE INSERT ON outbox WHEN NEW.type = 'dossier.file_removed' BEGIN SELECT RAISE(ABORT, 'ổ đĩa đầy'); END`);
    await expect(a.call('pages.delete', { pageId: page1.id })).rejects.toThrow();
    expect((await a.call('pages.list', { dossierId: d.id })).pages).toHaveLength(3);
    a.services.db.exec('DROP TRIGGER refuse_removal');

    await a.call('pages.delete', { pageId: page1.id });
    expect((await a.call('pages.list', { dossierId: d.id })).pages.map((p) => p.sha256)).toEqual([sha0, sha2]);
    const removal = madeEvents(a).at(-1)!;
    expect(removal).toMatchObject({
      type: 'dossier.file_removed',
      dossierId: uid,
      actor: UNIT.clerkName,
      body: { attachedEventId: attachOf(a, sha1).eventId, sha256: sha1, componentId: 'banchinh', page: 1 },
    });

    const ra = await a.call('sync.now', {});
    expect(ra.pushed.rejected).toBe(0);
    expect(outboxStates(a)).toEqual({ acked: madeEvents(a).length });
    expect(await filesAtHub(uid)).toEqual([sha0, sha2]);
    expect((await b.call('sync.now', {})).pulled.events).toBeGreaterThanOrEqual(1);
    expect(filesOn(b, uid)).toEqual([sha0, sha2]);
    const sent = (await a.call('sync.status', {})).items;
    expect(sent).toEqual([]); // nothing left waiting or failed

    // The province withdraws page 2 (made at the hub): A's own page row follows on pull,
    // without sending an event back.
    const made = madeEvents(a).length;
    const attach2 = attachOf(a, sha2);
    const province: SyncEvent = {
      eventId: randomUUID(),
      deviceId: 'province',
      unitCode: UNIT.unitCode,
      dossierId: uid,
      seq: 1,
      at: Date.now(),
      actor: 'Sở Tư pháp',
      type: 'dossier.file_removed',
      body: { attachedEventId: attach2.eventId, sha256: sha2, componentId: 'banchinh', page: 2 },
    };
    expect((await h.hub.recordProvinceEvents(UNIT.unitCode, [province]))[0].outcome).toBe('accepted');
    expect(await filesAtHub(uid)).toEqual([sha0]);
    expect((await a.call('pages.list', { dossierId: d.id })).pages).toHaveLength(2);
    expect((await a.call('sync.now', {})).ok).toBe(true);
    const after = await a.call('pages.list', { dossierId: d.id });
    expect(after.pages.map((p) => p.sha256)).toEqual([sha0]);
    expect(after.components.find((c) => c.componentId === 'banchinh')).toMatchObject({ pageCount: 1 });
    expect(madeEvents(a)).toHaveLength(made);
    await b.call('sync.now', {});
    expect(filesOn(b, uid)).toEqual([sha0]);
  });

  it('the hub takes removals only for dossiers of the device’s unit that it already has', async () => {
    const own = await h.device(UNIT.unitCode, 'Quầy 3');
    const other = await h.device('000.00.14.H12', 'Xã bên');
    const rec = own.maker.received(randomUUID());
    const attach = own.maker.file(rec.dossierId, 'a'.repeat(64), 100, 1, 'tokhai');
    // Receipt, page and its removal in one batch (a PC that worked offline): all accepted.
    const r1 = await own.client.pushBatch(randomUUID(), [rec, attach, own.maker.removeFile(attach)]);
    expect(r1.results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await filesAtHub(rec.dossierId)).toEqual([]);

    // Another unit's device cannot withdraw it; nor can anyone name a dossier the hub has not seen.
    const attach2 = own.maker.file(rec.dossierId, 'b'.repeat(64), 100, 2, 'tokhai');
    expect((await own.client.pushBatch(randomUUID(), [attach2])).accepted).toBe(1);
    const foreign = { ...other.maker.removeFile(attach2) };
    const unknown = own.maker.removeFile({ ...attach2, dossierId: randomUUID() });
    const r2 = await other.client.pushBatch(randomUUID(), [foreign]);
    expect(r2.results[0]).toMatchObject({ outcome: 'rejected', reason: 'Hồ sơ này thuộc đơn vị khác.' });
    const r3 = await own.client.pushBatch(randomUUID(), [unknown]);
    expect(r3.results[0].outcome).toBe('rejected');
    expect(r3.results[0].reason).toMatch(/Hub chưa có hồ sơ này/);
    expect(await filesAtHub(rec.dossierId)).toEqual(['b'.repeat(64)]);
    const rows = await h.hub.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dossiers WHERE dossier_id = $1', [unknown.dossierId]);
    expect(rows.rows[0].n).toBe(0);
  });
});
