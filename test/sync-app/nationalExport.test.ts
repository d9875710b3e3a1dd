// One national mapper (issue 8): the app's `export` and the hub's `export:national` give the
// same DongBoHoSoMC record for the same synced dossier, including the two cases where the
// two mappers used to disagree: GhiChu of a refused / withdrawn dossier (its reason), and
// DinhDanhCHS of an applicant without an ID number (no entry, not an empty one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { configuredSyncApp, enrolApp, receiveInput, removeSyncTempDirs, UNIT, type SyncTestApp } from './support';
import { exportNational } from '../../server/national';
import type { DongBoHoSoMC } from '../../shared/national/records';

afterAll(() => removeSyncTempDirs());

describe('the app and the hub export the same national record', () => {
  let h: TestHub;
  let a: SyncTestApp;
  beforeAll(async () => {
    h = await startTestHub('pglite');
    a = await configuredSyncApp();
    await enrolApp(a, h, h.url, 'Quầy A');
    // The hub knows the unit under the name the app prints (DonViXuLy).
    await h.db.query('UPDATE units SET name = $1 WHERE code = $2', [UNIT.unitName, UNIT.unitCode]);
  });
  afterAll(async () => {
    a?.close();
    await h?.stop();
  });

  it('for a returned, a refused, a withdrawn dossier and one without an ID number', async () => {
    const returned = await a.call('dossiers.receive', receiveInput());
    for (const to of [4, 9, 10] as const) await a.call('dossiers.transition', { id: returned.id, to, note: to === 10 ? 'Đã trả tận tay' : '' });
    const refused = await a.call('dossiers.refuse', { procedureCode: '2.000815', applicant: receiveInput().applicant, reason: 'Không thuộc thẩm quyền' });
    const withdrawn = await a.call('dossiers.receive', receiveInput({ note: 'Ghi chú lúc nhận' }));
    await a.call('dossiers.transition', { id: withdrawn.id, to: 7, note: 'Công dân xin rút hồ sơ' });
    // An online registration (status 1) whose applicant gave no ID number: recorded through
    // the projector as the online intake will (the counter itself always asks for the CCCD).
    const db = a.services.db;
    const noId = db
      .transaction(() => {
        const body = { ...JSON.parse(db.prepare("SELECT body FROM outbox WHERE type = 'dossier.received' ORDER BY id LIMIT 1").pluck().get() as string) };
        const p = a.services.projector.record([
          {
            type: 'dossier.received',
            stream: '5b0c7f5e-8a51-4c1e-9a55-2f0e8f7d1a01',
            at: Date.now(),
            actor: 'Cổng DVC',
            body: { ...body, code: `${UNIT.unitCode}-260101-1999`, status: 1, channel: 2, applicant: { ...body.applicant, idNumber: '' }, registerNo: 999 },
          },
        ]);
        return { code: p.state.code };
      })
      .immediate();
    expect((await a.call('sync.now', {})).ok).toBe(true);

    const fromApp = new Map([...(a.services.exportDossiers() as Iterable<DongBoHoSoMC>)].map((r) => [r.MaHoSo, r]));
    const fromHub = new Map((await exportNational(h.db, UNIT.unitCode)).DongBoHoSoMC.map((r) => [r.MaHoSo, r]));
    const codes = [returned.code, refused.code, withdrawn.code, noId.code];
    for (const code of codes) expect(fromApp.get(code), code).toEqual(fromHub.get(code));
    expect(fromApp.get(refused.code)).toMatchObject({ TrangThaiHoSo: 3, GhiChu: 'Không thuộc thẩm quyền' });
    expect(fromApp.get(withdrawn.code)).toMatchObject({ TrangThaiHoSo: 7, GhiChu: 'Công dân xin rút hồ sơ' });
    expect(fromApp.get(returned.code)).toMatchObject({ TrangThaiHoSo: 10, DonViXuLy: UNIT.unitName, DinhDanhCHS: [{ LoaiDinhDanh: 1, SoDinhDanh: receiveInput().applicant.idNumber }] });
    expect(fromApp.get(noId.code)).toMatchObject({ TrangThaiHoSo: 1, KenhThucHien: 2, DinhDanhCHS: [] });
  });
});
