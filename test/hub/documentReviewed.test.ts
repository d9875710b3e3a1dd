// The hub takes dossier.document_reviewed from a device of the dossier's unit only, for a
// dossier it holds (or that the same batch brings), keeps the last decision in the derived
// state, and hands it to the unit's other devices by pull (PROTOCOL.md §2, §4).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestHub, type TestDevice, type TestHub } from '../sync-support/hubHarness';
import type { DerivedDossier } from '../../shared/sync/derive';
import type { SyncEvent } from '../../shared/sync/protocol';

const UNIT = '000.00.13.H12';
const OTHER = '000.00.14.H12';
const DATA = { soKyHieu: '45/GCS', ngayBanHanh: '2026-10-01', coQuanBanHanh: 'Trạm y tế xã', nguoiKy: 'Phạm Thu', trichYeu: '', hieuLucDen: '', vinhVien: true };

describe('dossier.document_reviewed at the hub (PGlite)', () => {
  let h: TestHub;
  let a: TestDevice, b: TestDevice, x: TestDevice;
  beforeAll(async () => {
    h = await startTestHub('pglite');
    a = await h.device(UNIT, 'Máy A');
    b = await h.device(UNIT, 'Máy B');
    x = await h.device(OTHER, 'Máy xã khác');
  });
  afterAll(async () => h?.stop());

  const stateOf = async (id: string) => (await h.db.query<{ state: DerivedDossier }>('SELECT state FROM dossiers WHERE dossier_id = $1', [id])).rows[0]?.state;

  it('accepts a decision on the unit’s dossier, keeps the last in the derived state, and B pulls it', async () => {
    const id = randomUUID();
    const first = a.maker.reviewed(id, 'chungsinh', 2, { reason: 'Ảnh mờ' });
    const r1 = await a.client.pushBatch(randomUUID(), [a.maker.received(id), first]); // the receipt in the same batch
    expect(r1.results.map((r) => r.outcome)).toEqual(['accepted', 'accepted']);
    const later = a.maker.reviewed(id, 'chungsinh', 1, { data: DATA }, first.at + 60_000);
    expect((await a.client.pushBatch(randomUUID(), [later])).accepted).toBe(1);
    const docs = (await stateOf(id))!.documents;
    expect(docs).toEqual([expect.objectContaining({ componentId: 'chungsinh', state: 1, data: DATA, eventId: later.eventId, deviceId: a.deviceId })]);
    const pulled: SyncEvent[] = [];
    await b.client.pullAll(0, (p) => {
      for (const i of p.items) if (i.kind === 'event' && i.event.type === 'dossier.document_reviewed') pulled.push(i.event);
    });
    expect(pulled.map((e) => e.eventId)).toEqual([first.eventId, later.eventId]);
  });

  it('refuses a decision on another unit’s dossier, on a dossier the hub does not hold, and a bad body; the state is unchanged', async () => {
    const id = randomUUID();
    expect((await a.client.pushBatch(randomUUID(), [a.maker.received(id)])).accepted).toBe(1);
    const hijack = x.maker.reviewed(id, 'chungsinh', 1); // x's own unit code, a's dossier
    const unknown = a.maker.reviewed(randomUUID(), 'chungsinh', 1);
    const noReason = a.maker.reviewed(id, 'chungsinh', 2, { reason: '' });
    const rx = await x.client.pushBatch(randomUUID(), [hijack]);
    expect(rx.results[0]).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/thuộc đơn vị khác/) });
    const ra = await a.client.pushBatch(randomUUID(), [unknown, noReason]);
    expect(ra.results.map((r) => r.outcome)).toEqual(['rejected', 'rejected']);
    expect(ra.results[0].reason).toMatch(/Hub chưa có hồ sơ này/);
    expect(ra.results[1].reason).toMatch(/phải có lý do/);
    expect((await stateOf(id))!.documents).toEqual([]);
    const stored = await h.db.query('SELECT 1 FROM events WHERE event_id::text = ANY($1::text[])', [[hijack, unknown, noReason].map((e) => e.eventId)]);
    expect(stored.rows).toEqual([]);
  });
});
