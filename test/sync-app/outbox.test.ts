// The outbox is written in the transaction of the change (never one without the other),
// and dossier codes follow the device's slot (PROTOCOL.md §7).
import { afterAll, describe, expect, it } from 'vitest';
import { configuredSyncApp, removeSyncTempDirs, receiveInput, applicantNo, outboxStates, attachPage } from './support';
import { decideOnClose } from '../../electron/services/sync/closing';
import { vnTime } from '../../shared/domain/vnTime';
import { syncEventSchema } from '../../shared/sync/protocol';
import { madeEvents } from './support';

afterAll(() => removeSyncTempDirs());

describe('outbox', () => {
  it('receive, refuse, transition, guidance and a page each write their event in the same transaction', async () => {
    const app = await configuredSyncApp();
    try {
      const d = await app.call('dossiers.receive', receiveInput());
      await app.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển phòng chuyên môn' });
      const r = await app.call('dossiers.refuse', { procedureCode: '2.000815', applicant: applicantNo(1).applicant, reason: 'Không thuộc thẩm quyền' });
      const g = await app.call('guidance.create', { procedureCode: '2.000815', applicant: applicantNo(2).applicant, missing: receiveInput().components, reason: 'Thiếu bản chính' });
      attachPage(app, d.id, 'banchinh', Buffer.from('not really a png, but bytes'));
      const rows = app.services.db.prepare('SELECT type, stream, body, state FROM outbox ORDER BY id').all() as { type: string; stream: string; body: string; state: string }[];
      expect(rows.map((x) => x.type)).toEqual(['dossier.received', 'dossier.status_changed', 'dossier.received', 'dossier.status_changed', 'guidance.issued', 'dossier.file_attached']);
      expect(rows.every((x) => x.state === 'queued')).toBe(true);
      const uid = app.services.db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(Number(d.id));
      expect(rows[0].stream).toBe(uid);
      expect(JSON.parse(rows[0].body).code).toBe(d.code);
      expect(JSON.parse(rows[1].body)).toMatchObject({ from: 2, to: 4 });
      expect(JSON.parse(rows[2].body)).toMatchObject({ code: r.code, status: 1 });
      expect(JSON.parse(rows[3].body)).toMatchObject({ from: 1, to: 3, reason: 'Không thuộc thẩm quyền' });
      expect(JSON.parse(rows[4].body)).toMatchObject({ number: g.number, year: g.year });
      expect(JSON.parse(rows[5].body)).toMatchObject({ mime: 'image/png', componentId: 'banchinh', page: 1 });
      // Every event is valid on the wire once the device has an identity.
      app.services.db.prepare(`INSERT INTO sync_device VALUES (1, 'http://127.0.0.1:9', 0, 'dev-test', 'Máy', '000.00.13.H12', 'Xã', 1, 0)`).run();
      for (const e of madeEvents(app)) expect(syncEventSchema.safeParse(e).success, JSON.stringify(e)).toBe(true);
    } finally {
      app.close();
    }
  });

  it('a failure after the change rolls back both the change and its event', async () => {
    const app = await configuredSyncApp();
    try {
      const db = app.services.db;
      const d = await app.call('dossiers.receive', receiveInput());
      // The citizen record is written after the dossier and its event: make it fail.
      db.exec(`CREATE TEMP TRIGGER boom BEFORE INSERT ON citizens BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
      await expect(app.call('dossiers.receive', applicantNo(3))).rejects.toThrow();
      expect(db.prepare('SELECT count(*) FROM dossiers').pluck().get()).toBe(1);
      expect(outboxStates(app)).toEqual({ queued: 1 });
      db.exec('DROP TRIGGER boom');
      // The outbox write itself fails: the transition does not happen either.
      db.exec(`CREATE TEMP TRIGGER boom2 BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox broken'); END`);
      await expect(app.call('dossiers.transition', { id: d.id, to: 4, note: '' })).rejects.toThrow();
      expect((await app.call('dossiers.get', { id: d.id })).dossier.status).toBe(2);
      expect((await app.call('dossiers.get', { id: d.id })).events).toHaveLength(1);
      db.exec('DROP TRIGGER boom2');
      expect(outboxStates(app)).toEqual({ queued: 1 });
      // The code given back by the failed save is used by the next one (no gap).
      const next = await app.call('dossiers.receive', applicantNo(4));
      expect(Number(next.code.slice(-4))).toBe(Number(d.code.slice(-4)) + 1);
    } finally {
      app.close();
    }
  });
});

describe('dossier codes before enrolment', () => {
  it('an unenrolled PC numbers in slot 1 (1001…), never in the province slot 0', async () => {
    const at = vnTime(2026, 3, 2, 9, 0);
    const app = await configuredSyncApp();
    try {
      const a = await app.call('dossiers.receive', receiveInput({ receivedAt: at }));
      const b = await app.call('dossiers.receive', receiveInput({ receivedAt: at + 60_000 }));
      expect([a.code, b.code]).toEqual(['000.00.13.H12-260302-1001', '000.00.13.H12-260302-1002']);
    } finally {
      app.close();
    }
  });
});

describe('closing with unsynced work', () => {
  it('closes at once when nothing waits or the PC is not enrolled; otherwise syncs first, then asks', () => {
    expect(decideOnClose({ pending: 0, failed: 0, enrolled: true }, false)).toEqual({ action: 'close' });
    expect(decideOnClose({ pending: 5, failed: 0, enrolled: false }, false)).toEqual({ action: 'close' });
    expect(decideOnClose({ pending: 5, failed: 0, enrolled: true }, false)).toMatchObject({ action: 'sync-first' });
    expect(decideOnClose({ pending: 0, failed: 0, enrolled: true }, true)).toEqual({ action: 'close' });
    const ask = decideOnClose({ pending: 3, failed: 1, enrolled: true }, true);
    expect(ask).toMatchObject({ action: 'ask' });
    if (ask.action === 'ask') {
      expect(ask.message).toContain('3 thay đổi chưa gửi');
      expect(ask.message).toContain('1 thay đổi bị tỉnh từ chối');
    }
    // Failed items alone: no point syncing, but still a warning.
    expect(decideOnClose({ pending: 0, failed: 2, enrolled: true }, false)).toMatchObject({ action: 'ask' });
  });
});
