// A supplement pause (5 → 4) pulled from another counter moves the local appointment exactly
// as the local 5 → 4 moved it on the counter that made it, and applying the pulled events
// twice or in another order gives the same date. Two apps against a REAL hub (PGlite).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { vnTime } from '../../shared/domain/vnTime';
import type { PullItem, SyncEvent } from '../../shared/sync/protocol';
import { applyPulledItems, applyStream, type ApplyDeps, type ApplyStats } from '../../electron/services/sync/apply';
import { HolidayStore } from '../../electron/services/holidays';
import { ProcedureStore } from '../../electron/services/procedures';
import { SettingsStore } from '../../electron/services/settings';
import { clock } from '../electron/helpers/services';
import { UNIT, configuredSyncApp, enrolApp, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

describe('a pulled 5 → 4 moves the appointment like a local one', () => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  beforeAll(async () => {
    h = await startTestHub('pglite');
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    await h?.stop();
  });

  it('on the other counter, for pauses made on either side, in any order and however often applied', async () => {
    const c = clock(vnTime(2026, 3, 2, 9, 0)); // Monday 2 March 2026, no holiday that week
    const a = await configuredSyncApp({ now: c.now });
    const b = await configuredSyncApp({ now: c.now });
    apps.push(a, b);
    await enrolApp(a, h, h.url, 'Quầy 1');
    await enrolApp(b, h, h.url, 'Quầy 2');
    const d = await a.call('dossiers.receive', receiveInput({ procedureCode: '1.004873' })); // 24 working hours
    expect(d.appointmentAt).toBe(vnTime(2026, 3, 5, 9, 0)); // Thursday 09:00
    await a.call('dossiers.transition', { id: d.id, to: 4 });
    c.set(vnTime(2026, 3, 3, 10, 0)); // Tuesday 10:00: A asks for a supplement
    await a.call('dossiers.transition', { id: d.id, to: 5, note: 'Thiếu giấy tờ' });
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    const onB = async () => (await b.call('dossiers.get', { id: bId })).dossier;
    const bId = (await b.call('dossiers.list', { query: d.code, limit: 1 })).items[0].id;
    expect(await onB()).toMatchObject({ status: 5, appointmentAt: vnTime(2026, 3, 5, 9, 0) });

    // Pause 1, resumed on A (local path): Tuesday 10:00 → Wednesday 10:00 = 8 working hours.
    c.set(vnTime(2026, 3, 4, 10, 0));
    const localA = (await a.call('dossiers.transition', { id: d.id, to: 4 })).dossier.appointmentAt;
    expect(localA).toBe(vnTime(2026, 3, 6, 9, 0)); // Friday 09:00
    await a.call('sync.now', {});
    await b.call('sync.now', {});
    expect(await onB()).toMatchObject({ status: 4, appointmentAt: localA });

    // Pause 2, made and resumed on B (local path): Wednesday 15:00 → Thursday 09:00 = 2 h + 2 h.
    c.set(vnTime(2026, 3, 4, 15, 0));
    await b.call('dossiers.transition', { id: bId, to: 5, note: 'Thiếu bản sao' });
    c.set(vnTime(2026, 3, 5, 9, 0));
    const localB = (await b.call('dossiers.transition', { id: bId, to: 4 })).dossier.appointmentAt;
    expect(localB).toBe(vnTime(2026, 3, 6, 15, 0)); // Friday 09:00 + 4 working hours
    await b.call('sync.now', {});
    await a.call('sync.now', {});
    expect((await a.call('dossiers.get', { id: d.id })).dossier).toMatchObject({ status: 4, appointmentAt: localB });

    // A third PC gets the same events in reverse order, in three pulls, then once more: the same date.
    const uid = a.services.db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(Number(d.id)) as string;
    const logged = await h.hub.db.query<{ cursor: number; body: SyncEvent }>('SELECT ingest_seq AS cursor, body FROM events WHERE dossier_id = $1 ORDER BY ingest_seq', [uid]);
    const items: PullItem[] = logged.rows.map((r) => ({ cursor: Number(r.cursor), kind: 'event', event: r.body }));
    expect(items.map((i) => (i.kind === 'event' ? i.event.type : '')).filter((t) => t === 'dossier.status_changed')).toHaveLength(5);
    const third = await configuredSyncApp({ now: c.now });
    apps.push(third);
    const db = third.services.db;
    const deps: ApplyDeps = { db, now: c.now, procedures: new ProcedureStore(db, c.now), holidays: new HolidayStore(db), projector: third.services.projector };
    const id = { deviceId: 'may-3', unitCode: UNIT.unitCode };
    const stats = (): ApplyStats => ({ events: 0, dossiersAdded: 0, updates: 0, problems: [] });
    const reversed = items.slice().reverse();
    for (const page of [reversed.slice(0, 2), reversed.slice(2, 4), reversed.slice(4)]) db.transaction(() => applyPulledItems(deps, id, page, stats()))();
    const appointmentOnThird = () => db.prepare('SELECT appointment_at FROM dossiers WHERE uid = ?').pluck().get(uid);
    expect(appointmentOnThird()).toBe(localB);
    db.transaction(() => applyPulledItems(deps, id, items, stats()))();
    db.transaction(() => applyStream(deps, id, uid, new Set(), stats()))();
    expect(appointmentOnThird()).toBe(localB);
  });
});
