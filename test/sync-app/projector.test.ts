// One projector: the same events, made at counter A by its clerk, and pulled at counter B
// one page at a time in EVERY order of arrival, give byte-identical dossier rows, search
// entries and timelines (issue 8). Each order is applied inside a transaction rolled back
// afterwards, so all 720 orders run on one database in a second or two.
import { afterAll, describe, expect, it } from 'vitest';
import { configuredSyncApp, madeEvents, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';
import { applyPulledItems, type ApplyDeps, type ApplyStats } from '../../electron/services/sync/apply';
import { ProcedureStore } from '../../electron/services/procedures';
import { HolidayStore } from '../../electron/services/holidays';
import type { SyncEvent } from '../../shared/sync/protocol';
import type { Db } from '../../electron/services/db/database';
import { vnTime } from '../../shared/domain/vnTime';
import { permutations } from '../sync-support/events';

afterAll(() => removeSyncTempDirs());

const enrol = (app: SyncTestApp, deviceId: string, slot: number) =>
  app.services.db.prepare(`INSERT INTO sync_device VALUES (1, 'http://127.0.0.1:9', 0, ?, 'Máy', '000.00.13.H12', 'Xã', ?, 0)`).run(deviceId, slot);

/** Everything the projector wrote for the dossier `uid`, with the local row id left out. */
function projection(db: Db, uid: string) {
  const row = db.prepare('SELECT * FROM dossiers WHERE uid = ?').get(uid) as Record<string, unknown> & { id: number };
  const { id, ...rest } = row;
  const components = db.prepare('SELECT position, component_id, name, original, certified, photocopy, received FROM dossier_components WHERE dossier_id = ? ORDER BY position').all(id);
  const timeline = db.prepare('SELECT seq, type, from_status, to_status, actor, at, note, event_id, device_id, conflict FROM dossier_events WHERE dossier_id = ? ORDER BY seq').all(id);
  // The search entry: the terms of the row in the FTS index (an fts5vocab over the contentless table).
  db.exec("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, 'dossier_fts', 'instance')");
  const terms = db.prepare('SELECT term FROM temp.fts_terms WHERE doc = ? ORDER BY term').pluck().all(id);
  return JSON.stringify({ row: rest, components, timeline, terms });
}

describe('one projector for local and pulled events', () => {
  it('the same events applied locally and pulled in every order give the same rows, search entries and timelines', async () => {
    let t = vnTime(2026, 3, 2, 8, 0);
    const now = () => t;
    const a = await configuredSyncApp({ now });
    const b = await configuredSyncApp({ now });
    try {
      enrol(a, 'dev-a', 1);
      enrol(b, 'dev-b', 2);
      const d = await a.call('dossiers.receive', receiveInput());
      t += 3_600_000;
      await a.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển phòng chuyên môn' });
      t += 3_600_000;
      await a.call('dossiers.editFields', { id: d.id, applicant: { phone: '0987654321', address: 'Tổ 3, ấp Mỹ Hoà' } });
      t += 3_600_000;
      await a.call('dossiers.transition', { id: d.id, to: 5, note: 'Thiếu bản sao' });
      t += 26 * 3_600_000; // the supplement comes the next day: the appointment moves later
      await a.call('dossiers.transition', { id: d.id, to: 4, note: 'Đã bổ sung' });
      t += 3_600_000;
      await a.call('dossiers.transition', { id: d.id, to: 9, note: '' });
      const uid = a.services.db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(Number(d.id)) as string;
      const events: SyncEvent[] = madeEvents(a).filter((e) => e.dossierId === uid);
      expect(events.map((e) => e.type)).toEqual([
        'dossier.received',
        'dossier.status_changed',
        'dossier.field_edited',
        'dossier.field_edited',
        'dossier.status_changed',
        'dossier.status_changed',
        'dossier.status_changed',
      ]);
      const local = projection(a.services.db, uid);
      expect(JSON.parse(local).terms).toEqual(expect.arrayContaining(['0987654321']));
      // What the local actions produced: the appointment moved by the pause, one line per act.
      const detail = await a.call('dossiers.get', { id: d.id });
      expect(detail.dossier.appointmentAt).toBeGreaterThan(d.appointmentAt!);
      expect(detail.events.map((e) => e.type)).toEqual(['received', 'transferred', 'edited', 'supplement_requested', 'supplemented', 'resolved']);
      expect(detail.events[4]!.note).toMatch(/^Đã bổ sung \(hẹn trả mới: \d\d:\d\d \d\d\/\d\d\/2026\)$/);

      const db = b.services.db;
      const deps: ApplyDeps = { db, now, procedures: new ProcedureStore(db, now), holidays: new HolidayStore(db), projector: b.services.projector };
      const stats = (): ApplyStats => ({ events: 0, dossiersAdded: 0, updates: 0, problems: [] });
      const identity = { deviceId: 'dev-b', unitCode: '000.00.13.H12' };
      // The two field edits were saved together: they stay adjacent, in both their orders.
      const units: SyncEvent[][] = [[events[0]!], [events[1]!], [events[2]!, events[3]!], [events[4]!], [events[5]!], [events[6]!]];
      const rollback = new Error('rollback');
      let orders = 0;
      for (const order of permutations(units)) {
        for (const flip of [false, true]) {
          try {
            db.transaction(() => {
              let cursor = 0;
              for (const unit of order) {
                const batch = flip && unit.length > 1 ? unit.slice().reverse() : unit;
                applyPulledItems(
                  deps,
                  identity,
                  batch.map((event) => ({ cursor: ++cursor, kind: 'event' as const, event })),
                  stats(),
                );
              }
              expect(projection(db, uid)).toBe(local);
              throw rollback;
            })();
          } catch (e) {
            if (e !== rollback) throw e;
          }
          orders++;
        }
      }
      expect(orders).toBe(720 * 2);
    } finally {
      a.close();
      b.close();
    }
  });
});
