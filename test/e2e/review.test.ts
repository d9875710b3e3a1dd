// Review of digitised papers and reuse of a dossier's result, in Chromium: the "Chờ duyệt"
// list reviewed by keyboard (Enter approves, R + reason rejects, the next paper opens by
// itself), and a result paper digitised on a finished dossier, approved from its badge,
// offered at the next intake of the same citizen as "Kết quả của hồ sơ …" and attached with
// component state 3. Real OCR on one sample page.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, Shell, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { SAMPLES } from '../pages/helpers';

const startRun = e2eRuns();
let run: Run | null = null;

const file = (name: string) => ({ name, dataBase64: fs.readFileSync(path.join(SAMPLES, name)).toString('base64') });

describe('duyệt giấy tờ số hoá', () => {
  it('reviews the Chờ duyệt list by keyboard: Enter approves, R rejects with a reason, the next paper opens by itself', async () => {
    run = await startRun('review-keyboard');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    const [first, second] = d.components.map((c) => c.componentId);
    await run.call('pages.add', { dossierId: d.id, componentId: first, files: [file('dev002-p2-scan.jpg')] });
    await run.call('pages.add', { dossierId: d.id, componentId: second, files: [file('dev002-p3-clean.png')] });
    await expect.poll(async () => (await run!.call('pages.list', { dossierId: d.id })).pages.every((p) => p.ocr?.state === 'done'), { timeout: 120_000, interval: 500 }).toBe(true);
    const page = run.page;

    await page.locator('[data-testid="nav-review"]').click();
    await waitVisible(page.locator('[data-testid="review-screen"]'));
    expect(await page.locator('[data-testid="review-item"]').count()).toBe(2);
    const form = page.locator('[data-testid="review-form"]');
    await waitVisible(page.locator('[data-testid="review-image"]'), 15_000);
    // The first paper: its recognised text, and Số, ký hiệu / Ngày ban hành suggested from it.
    expect(await page.locator('[data-testid="review-text"]').textContent()).toContain('Thủ tướng');
    expect(await page.locator('[data-testid="review-soKyHieu"]').inputValue()).toContain('1367/');
    expect(await page.locator('[data-testid="review-ngayBanHanh"]').inputValue()).toBe('13/09/2017');
    await run.shot('review-first');

    // A date that does not exist: the Vietnamese message, nothing saved.
    await page.locator('[data-testid="review-ngayBanHanh"]').fill('31/02/2017');
    await page.locator('[data-testid="review-ngayBanHanh"]').press('Enter');
    await waitVisible(page.locator('[data-testid="err-review-ngayBanHanh"]'));
    expect(await page.locator('[data-testid="err-review-ngayBanHanh"]').textContent()).toContain('không hợp lệ');
    expect((await run.call('review.get', { dossierId: d.id, componentId: first })).state).toBe(0);
    await page.locator('[data-testid="review-ngayBanHanh"]').fill('13/09/2017');

    // Enter (focus on the form, not on a button): approved; the second paper opens.
    await form.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await run!.call('review.get', { dossierId: d.id, componentId: first })).state, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.locator('[data-testid="review-item"]').count()).toBe(1);
    await expect.poll(() => page.locator('[data-testid="review-form"] h2').textContent()).toContain(d.components[1].name);
    const saved = await run.call('review.get', { dossierId: d.id, componentId: first });
    expect(saved.data).toMatchObject({ ngayBanHanh: '2017-09-13' });
    expect(saved.data.soKyHieu).toContain('1367/');
    expect(saved.reviewedBy).toBe('Trần Văn Bình');
    await run.shot('review-second');

    // R, the reason, Enter: not approved.
    await waitVisible(page.locator('[data-testid="review-image"]'), 15_000);
    await page.keyboard.press('r');
    const reason = page.locator('[data-testid="review-reason-input"]');
    await waitVisible(reason);
    await page.keyboard.type('Ảnh bị mờ, quét lại');
    await run.shot('review-reject-reason');
    await page.keyboard.press('Enter');
    await waitVisible(page.locator('[data-testid="review-empty"]'));
    const rejected = await run.call('review.get', { dossierId: d.id, componentId: second });
    expect(rejected).toMatchObject({ state: 2, reason: 'Ảnh bị mờ, quét lại' });
    await run.shot('review-done');

    // The dossier's pages panel shows both states as badges.
    const detail = await openDossier(run, d.code);
    expect(await detail.locator(`[data-testid="review-state-${first}"]`).textContent()).toBe('Đã duyệt');
    expect(await detail.locator(`[data-testid="review-state-${second}"]`).textContent()).toBe('Không duyệt');
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  }, 180_000);

  it('digitises the result of a finished dossier and reuses it at the next intake of the same citizen (state 3)', async () => {
    run = await startRun('review-result-reuse');
    await setUpUnit(run);
    const a = await receiveDossier(run, '2.000815', LOAN);
    await run.call('dossiers.transition', { id: a.id, to: 4 });
    await run.call('dossiers.transition', { id: a.id, to: 9 });
    const page = run.page;
    const detail = await openDossier(run, a.code);

    // The result paper: named, then a page through the same file input as a component.
    const results = detail.locator('[data-testid="results-panel"]');
    await waitVisible(results);
    await results.locator('[data-testid="result-name"]').fill('Bản sao đã chứng thực');
    await results.locator('[data-testid="result-name"]').press('Enter');
    await waitVisible(results.locator('[data-testid="result-KQ1"]'));
    await waitVisible(results.locator('[data-testid="scan-open-KQ1"]'));
    await page.locator('[data-testid="pages-input-KQ1"]').setInputFiles(path.join(SAMPLES, 'dev004-p4-scan.jpg'));
    const badge = page.locator('[data-testid="review-state-KQ1"]');
    await waitVisible(badge, 20_000);
    expect(await badge.textContent()).toBe('Chờ duyệt');
    await badge.scrollIntoViewIfNeeded();
    await run.shot('result-digitised');

    // Approved from the badge's dialog, by keyboard.
    await badge.click();
    await waitVisible(page.locator('[data-testid="review-dialog"] [data-testid="review-form"]'));
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('review-form');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="review-dialog"]').count()).toBe(0);
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Đã duyệt');

    // Next intake of the same citizen: the result is offered as "Kết quả của hồ sơ …".
    const shell = new Shell(page);
    await shell.goIntake();
    const intake = new IntakePage(page);
    await intake.pickProcedureByKeyboard('2.000815', '2.000815');
    await intake.fillApplicant(LOAN);
    const label = page.locator('[data-testid="reuse-result-label"]');
    await waitVisible(label, 10_000);
    expect(await label.textContent()).toBe(`Kết quả của hồ sơ ${a.code}`);
    await page.locator('[data-testid="reuse-tick-KQ1"]').check();
    await label.scrollIntoViewIfNeeded();
    await run.shot('intake-result-offered');
    await intake.tickAll();
    const saved = await intake.saveReceipt();
    const b = (await run.call('dossiers.list', { query: saved.code })).items[0];
    const list = await run.call('pages.list', { dossierId: b.id });
    const target = a.components[0].componentId;
    expect(list.components.find((c) => c.componentId === target)).toMatchObject({ state: 3, sourceDossierCode: a.code, pageCount: 1 });
    expect(list.pages[0]).toMatchObject({ source: 'reuse', reviewState: 1 });
    const events = (await run.call('dossiers.get', { id: b.id })).events;
    expect(events.find((e) => e.type === 'reused')?.note).toContain(`kết quả của hồ sơ ${a.code}`);
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  }, 180_000);
});

async function openDossier(r: Run, code: string) {
  const page = r.page;
  await page.keyboard.press('F3');
  await waitVisible(page.locator('[data-testid="dossier-list"]'));
  await page.locator('[data-testid="list-search"]').fill(code);
  await page.waitForTimeout(450);
  await page.locator('[data-testid="dossier-row"]').first().click();
  await waitVisible(page.locator('[data-testid="dossier-detail"]'));
  return page.locator('[data-testid="dossier-detail"]');
}
