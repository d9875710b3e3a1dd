// Issue 12 item 3: the fee of chứng thực bản sao depends on the pages of each copy
// (Thông tư 226/2016/TT-BTC: 2.000đ for each of the first two pages, 1.000đ from the third,
// at most 200.000đ per copy). The catalogue says so as data (Fee.byPage), the counter records
// the page count beside the copy counts, the receipt prints it, and another PC that pulls the
// dossier projects the same count. Real SQLite file, real dispatcher, real pdftotext.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { byPageProblem, perCopyAmount, quoteFee } from '../../shared/domain/fees';
import type { DossierComponent, Fee } from '../../shared/domain/types';
import { BUILTIN_CATALOGUE } from '../../shared/data/catalogue/index';
import { deriveDossier } from '../../shared/sync/derive';
import { type SyncEvent, syncEventSchema } from '../../shared/sync/protocol';
import { vnTime } from '../../shared/domain/vnTime';
import { OUTBOX_COLUMNS, type OutboxRow, toWireEvent } from '../../electron/services/events/outbox';
import { APPLICANT, UNIT, openConfiguredApp, removeTempDirs, type TestApp } from './helpers/services';

afterAll(() => removeTempDirs());
const open: TestApp[] = [];
afterEach(() => {
  while (open.length) open.pop()!.close();
});

const CERTIFY = BUILTIN_CATALOGUE.procedures.find((p) => p.code === '2.000815')!;
const TT226: Fee = { amount: 2000, description: '', byPage: { componentId: 'bansao', tiers: [{ fromPage: 3, amount: 1000 }], maxPerCopy: 200_000 } };

const papers = (copies: number, pages?: number): DossierComponent[] => [
  { componentId: 'banchinh', name: 'Bản chính giấy tờ', original: 1, certified: 0, photocopy: 0, received: true },
  { componentId: 'bansao', name: 'Bản sao cần chứng thực', original: 0, certified: 0, photocopy: copies, received: true, ...(pages ? { pages } : {}) },
];
const receive = (components: DossierComponent[]) => ({ procedureCode: '2.000815', applicant: APPLICANT, components, copies: 1, resultDelivery: 'counter', note: '' }) as const;

async function app() {
  const a = await openConfiguredApp({ now: () => vnTime(2026, 3, 2, 9, 0) });
  open.push(a);
  return a;
}

describe('lệ phí chứng thực bản sao: by the page of each copy', () => {
  it('follows TT 226/2016: 2.000đ for pages 1–2, 1.000đ from page 3, at most 200.000đ a copy', () => {
    expect([1, 2, 3, 4, 10, 198, 199, 500].map((n) => perCopyAmount(TT226, n))).toEqual([2000, 4000, 5000, 6000, 12_000, 200_000, 200_000, 200_000]);
    expect(quoteFee(TT226, papers(3, 4))).toEqual({ amount: 18_000, detail: '3 bản × 4 trang', pagesMissing: false });
    expect(quoteFee(TT226, papers(2))).toMatchObject({ amount: 0, pagesMissing: true });
    // A flat fee ignores pages; a paper not handed over is not charged.
    expect(quoteFee({ amount: 10_000, description: '' }, papers(2, 9)).amount).toBe(10_000);
    expect(
      quoteFee(
        TT226,
        papers(2, 9).map((c) => ({ ...c, received: false })),
      ).amount,
    ).toBe(0);
  });

  it('is data of the catalogue, checked like the rest of it', () => {
    expect(CERTIFY.fee.byPage).toEqual(TT226.byPage);
    expect(byPageProblem(TT226, ['banchinh'])).toContain('không có thành phần "bansao"');
    expect(byPageProblem({ ...TT226, byPage: { ...TT226.byPage!, tiers: [{ fromPage: 1, amount: 1 }] } }, ['bansao'])).toContain('từ trang 2');
    expect(byPageProblem(TT226, ['banchinh', 'bansao'])).toBeNull();
  });

  it('a unit editing the catalogue cannot point the fee at a paper the procedure lacks', async () => {
    const a = await app();
    const r = await a.raw('procedures.save', { ...CERTIFY, fee: { ...CERTIFY.fee, byPage: { ...TT226.byPage!, componentId: 'khac' } } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.fields?.['fee.byPage']).toContain('không có thành phần "khac"');
    expect((await a.call('procedures.get', { code: '2.000815' })).fee.byPage?.componentId).toBe('bansao');
  });
});

describe('the page count at the counter', () => {
  it('is required for the copies being certified: refused in Vietnamese, nothing written', async () => {
    const a = await app();
    const count = () => a.services.db.prepare('SELECT (SELECT count(*) FROM dossiers) + (SELECT count(*) FROM outbox)').pluck().get();
    const before = count();
    const r = await a.raw('dossiers.receive', receive(papers(2)));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid');
      expect(r.error.message).toBe('Chưa nhập số trang của "Bản sao cần chứng thực": lệ phí tính theo số trang của mỗi bản.');
    }
    const bad = await a.raw('dossiers.receive', receive(papers(2).map((c) => (c.componentId === 'bansao' ? { ...c, pages: 0 } : c))));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.fields?.['components.1.pages']).toBe('Số trang: ít nhất 1 trang.');
    expect(count()).toBe(before);
  });

  it('is recorded on the paper it counts (dropped from others), printed on Mẫu 01, and projected the same at another PC', async () => {
    const a = await app();
    const sent = papers(3, 4).map((c) => (c.componentId === 'banchinh' ? { ...c, pages: 7 } : c));
    const d = await a.call('dossiers.receive', receive(sent));
    const db = a.services.db;
    expect(db.prepare('SELECT component_id, pages FROM dossier_components WHERE dossier_id = ? ORDER BY position').raw().all(Number(d.id))).toEqual([
      ['banchinh', null],
      ['bansao', 4],
    ]);
    const detail = await a.call('dossiers.get', { id: d.id });
    expect(detail.dossier.components.map((c) => c.pages)).toEqual([undefined, 4]);
    expect(quoteFee(CERTIFY.fee, detail.dossier.components)).toMatchObject({ amount: 18_000, detail: '3 bản × 4 trang' });

    const form = await a.call('forms.render', { kind: 'mau01', id: d.id });
    const pdf = path.join(a.dir, 'mau01.pdf');
    fs.writeFileSync(pdf, a.services.files.read(form.url)!.body);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Bản sao cần chứng thực (4 trang/bản)');

    // On the wire and at another PC (the shared derivation the projector and the hub use).
    const wire = (db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox ORDER BY id`).all() as OutboxRow[]).map((r) =>
      toWireEvent(r, { deviceId: '3f1c2a9e-0000-4000-8000-000000000001', unitCode: UNIT.unitCode }),
    );
    const received = syncEventSchema.parse(wire.find((e) => e.type === 'dossier.received')) as Extract<SyncEvent, { type: 'dossier.received' }>;
    expect(received.body.components.find((c) => c.componentId === 'bansao')?.pages).toBe(4);
    expect(deriveDossier(wire).state!.components.find((c) => c.componentId === 'bansao')?.pages).toBe(4);
  });
});
