// A page the OCR found unreadable, through the queue and the pages service on real SQLite
// files: flagged with its reason in the page list and the review list, its text kept and
// shown but neither searched nor used to prefill the document's data; the clerk's typed
// text lifts the flag. A turn the OCR checked is shown, the clerk's still wins. The engine is a fake (the verdict is given: quality.ts and the real
// pool are tested in test/ocr/turn.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OcrEngine } from '../../electron/services/pages/ocrQueue';
import { removeTempDirs } from '../electron/helpers/services';
import { fakeEngine, newDossier, openPagesApp, textPage, type PagesApp } from './helpers';

const OCR_TEXT = 'UBND XÃ ĐỊNH MỸ Số: 12/2023/TLKS-BS Định Mỹ, ngày 05 tháng 4 năm 2023 TRÍCH LỤC KHAI SINH';

describe('an unreadable page', () => {
  let app: PagesApp;
  let png: Buffer;
  const verdicts: boolean[] = [];
  /** A turn the (fake) engine decided after checking it, for the next page. */
  const checkedTurns: (0 | 90 | 180 | 270)[] = [];

  beforeAll(async () => {
    const { engine: base } = fakeEngine(5, OCR_TEXT);
    // The next page's verdict is taken from `verdicts` (readable when empty).
    const engine: OcrEngine = {
      recognize: async (image, o) => {
        const r = await base.recognize(image, o);
        const readable = verdicts.shift() ?? true;
        const turn = checkedTurns.shift();
        const turned = turn === undefined ? r : { ...r, page: { ...r.page, rotationDeg: turn }, turn: { basis: 'read' as const, tried: [turn, 0 as const], osd: null } };
        return readable ? turned : { ...turned, readability: { readable: false, reason: 'blurred' } };
      },
      terminate: () => base.terminate(),
    };
    app = await openPagesApp({ engine: async () => engine });
    png = await textPage('Trich luc', 400, 560);
  });

  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  const addPage = async (dossierId: string, readable: boolean) => {
    verdicts.push(readable);
    const [p] = await app.call('pages.add', { dossierId, componentId: 'banchinh', files: [{ name: 'trang.png', dataBase64: png.toString('base64') }] });
    await app.services.ocr.whenIdle();
    return p;
  };

  it('is flagged with its reason; its text is kept but not searched and not used for suggestions; typed text lifts the flag', async () => {
    const d = await newDossier(app);
    const page = await addPage(d.id, false);
    const listed = (await app.call('pages.list', { dossierId: d.id })).pages[0];
    expect(listed).toMatchObject({ id: page.id, hasText: true, unreadable: 'blurred' });
    expect((await app.call('pages.text', { pageId: page.id })).text).toBe(OCR_TEXT); // kept

    const review = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(review.pages[0].text).toBe(OCR_TEXT);
    expect(review.suggested).toEqual([]);
    expect(review.data).toMatchObject({ soKyHieu: '', ngayBanHanh: '' });
    expect(review.unreadablePages).toBe(1);
    const pending = (await app.call('review.pending', {})).find((x) => x.dossierId === d.id);
    expect(pending).toMatchObject({ pageCount: 1, unreadablePages: 1 });
    expect((await app.call('dossiers.list', { query: 'trich luc khai sinh' })).items.map((i) => i.id)).not.toContain(d.id);

    // The clerk types the page's text: that is reliable, so it is searched and suggests.
    await app.call('pages.saveText', { pageId: page.id, text: OCR_TEXT });
    expect((await app.call('pages.list', { dossierId: d.id })).pages[0].unreadable).toBeNull();
    const after = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(after.data).toMatchObject({ soKyHieu: '12/2023/TLKS-BS', ngayBanHanh: '2023-04-05' });
    expect((await app.call('dossiers.list', { query: 'trich luc khai sinh' })).items.map((i) => i.id)).toContain(d.id);
  });

  it('a readable page of the same text is searched and suggests (the control)', async () => {
    const d = await newDossier(app);
    await addPage(d.id, true);
    expect((await app.call('pages.list', { dossierId: d.id })).pages[0].unreadable).toBeNull();
    const review = await app.call('review.get', { dossierId: d.id, componentId: 'banchinh' });
    expect(review.suggested.sort()).toEqual(['ngayBanHanh', 'soKyHieu']);
    expect(review.unreadablePages).toBe(0);
    expect((await app.call('dossiers.list', { query: 'trich luc khai sinh' })).items.map((i) => i.id)).toContain(d.id);
  });

  it("a turn the OCR checked and found other than the import's is shown, unless the clerk has turned the page", async () => {
    const d = await newDossier(app);
    checkedTurns.push(90);
    const page = await addPage(d.id, true);
    const listed = (await app.call('pages.list', { dossierId: d.id })).pages[0];
    expect(listed.rotation).toBe((90 - (page.autoRotation ?? 0) + 360) % 360);
    const row = app.services.db.prepare('SELECT turn_basis AS basis, turn_tried AS tried FROM page_text WHERE page_id = ?').get(Number(page.id));
    expect(row).toEqual({ basis: 'read', tried: '90,0' });
    // The clerk's turn is given to the engine on re-OCR and kept whatever the engine says.
    await app.call('pages.rotate', { pageId: page.id, rotation: 180 });
    checkedTurns.push(90);
    await app.call('ocr.retry', { pageId: page.id });
    await app.services.ocr.whenIdle();
    expect((await app.call('pages.list', { dossierId: d.id })).pages[0].rotation).toBe(180);
  });
});
