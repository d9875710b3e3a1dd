// Issue 12: the counter screens as a new clerk meets them at 1366×768. Each test keeps one
// of the things a clerk met fixed (the item number is in the test's name); each failed on
// the code before the fix.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { type Run, e2eRuns, VIEWPORT } from './support/harness';
import { IntakePage, ListPage, SetupPage, Shell, waitVisible } from './support/pages';
import { ANH, DANG, LOAN, UNIT } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { SAMPLES } from '../pages/helpers';

const startRun = e2eRuns();
const tid = (run: Run, id: string) => run.page.locator(`[data-testid="${id}"]`);

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/** The element is inside the viewport below the header, and no other box given covers it. */
async function expectVisibleUncovered(l: Locator, covers: Locator[], label: string) {
  const box = (await l.boundingBox())!;
  expect(box, label).not.toBeNull();
  expect(box.y, `${label}: top`).toBeGreaterThanOrEqual(56);
  expect(box.y + box.height, `${label}: bottom`).toBeLessThanOrEqual(VIEWPORT.height);
  for (const c of covers) {
    const cb = await c.boundingBox();
    if (cb) expect(overlaps(box, cb), `${label} covered`).toBe(false);
  }
}

/** Fully shown: nothing cut by an ellipsis or a clamp. */
const notCut = (l: Locator) => l.evaluate((el) => el.scrollWidth <= el.clientWidth + 1 && el.scrollHeight <= el.clientHeight + 1);

async function startIntake(run: Run, code: string) {
  const shell = new Shell(run.page);
  await shell.goIntake();
  const intake = new IntakePage(run.page);
  await intake.pickProcedureByKeyboard(code, code);
  return intake;
}

describe('quầy tiếp nhận ở 1366×768 (issue 12)', () => {
  it('1: the appointment and the note stay visible with the Mẫu 02 panel open', async () => {
    const run = await startRun('clerk-1-appointment-visible');
    await setUpUnit(run);
    const intake = await startIntake(run, '1.001193');
    await intake.fillApplicant(ANH);
    await run.shot('incomplete');
    await tid(run, 'open-guidance').click();
    await waitVisible(tid(run, 'guidance-panel'));
    await run.shot('guidance-panel-open');
    const bar = run.page.locator('.action-bar');
    await expectVisibleUncovered(tid(run, 'appointment-date'), [bar], 'appointment');
    await expectVisibleUncovered(tid(run, 'intake-note'), [bar], 'note');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });

  it('3: a keyboard-only intake types the copy counts and starts the next dossier with F2', async () => {
    const run = await startRun('clerk-3-keyboard-copies-f2');
    await setUpUnit(run);
    const intake = await startIntake(run, '2.000815');
    await intake.fillApplicant(LOAN);
    const p = await run.call('procedures.get', { code: '2.000815' });
    const first = p.components[0];
    // Tick the first paper with Space, then Tab through Chính and C.thực to Photo and type 3.
    await tid(run, `component-check-${first.id}`).focus();
    await run.page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await run.page.keyboard.press('Tab');
    await run.page.keyboard.press('Control+A');
    await run.page.keyboard.type('3');
    expect(await run.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(`component-photocopy-${first.id}`);
    for (const c of p.components.slice(1)) if (c.required) await tid(run, `component-check-${c.id}`).check();
    await tid(run, 'component-pages-bansao').fill('2');
    await run.shot('copies-typed');
    const { code } = await intake.saveReceipt();
    await run.shot('receipt');
    await run.page.keyboard.press('F2');
    await waitVisible(tid(run, 'procedure-search'));
    expect(await tid(run, 'intake-result').count()).toBe(0);
    expect(await tid(run, 'procedure-search').evaluate((el) => el === document.activeElement)).toBe(true);
    const list = await run.call('dossiers.list', { query: code });
    const saved = await run.call('dossiers.get', { id: list.items[0].id });
    expect(saved.dossier.components.find((c) => c.componentId === first.id)?.photocopy).toBe(3);
  });

  it('3: the page count of the copies to certify is asked, by keyboard, and the fee follows it (TT 226/2016)', async () => {
    const run = await startRun('clerk-3-pages-fee');
    await setUpUnit(run);
    const intake = await startIntake(run, '2.000815');
    await intake.fillApplicant(LOAN);
    await tid(run, 'component-check-banchinh').check();
    await tid(run, 'component-check-bansao').focus();
    await run.page.keyboard.press('Space');
    await expect.poll(() => tid(run, 'fee-quote').textContent()).toContain('nhập số trang');
    // The next stop after the paper's tick is its page count, then its copy counts.
    await run.page.keyboard.press('Tab');
    expect(await run.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('component-pages-bansao');
    await run.page.keyboard.type('4');
    for (let i = 0; i < 3; i++) await run.page.keyboard.press('Tab');
    await run.page.keyboard.press('Control+A');
    await run.page.keyboard.type('2');
    // 2 copies × (2.000 + 2.000 + 1.000 + 1.000).
    await expect.poll(() => tid(run, 'fee-quote').textContent()).toBe('Lệ phí: 12.000 đ (2 bản × 4 trang)');
    await run.shot('pages-fee');
    const { code } = await intake.saveReceipt();
    const list = await run.call('dossiers.list', { query: code });
    const saved = await run.call('dossiers.get', { id: list.items[0].id });
    expect(saved.dossier.components.find((c) => c.componentId === 'bansao')).toMatchObject({ photocopy: 2, pages: 4 });
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });

  it('4: 12031995, 12-03-1995, 12/03/95 and 12/03/1995 are all 12/03/1995', async () => {
    const run = await startRun('clerk-4-dates-as-typed');
    await setUpUnit(run);
    const intake = await startIntake(run, '1.001193');
    for (const typed of ['12031995', '12-03-1995', '12/03/95', '12/03/1995']) {
      await intake.field('birthDate').fill(typed);
      await intake.field('address').focus();
      expect(await intake.field('birthDate').inputValue(), typed).toBe('12/03/1995');
      expect(await intake.error('birthDate').count(), typed).toBe(0);
    }
    await run.shot('date-normalised');
  });

  it('5: messages go with their cause: set-up errors, the earlier-dossier banner, the save message, the fee line', async () => {
    const run = await startRun('clerk-5-stale-messages');
    // Set-up: an empty unit code is refused, and the message goes as soon as it is typed.
    const setup = new SetupPage(run.page);
    await setup.fill({ ...UNIT, unitCode: '' });
    await tid(run, 'setup-save').click();
    await waitVisible(tid(run, 'err-unitCode'));
    expect(await tid(run, 'err-unitCode').textContent()).toMatch(/không được để trống/);
    await run.shot('setup-empty-code');
    await tid(run, 'setup-unitCode').fill(UNIT.unitCode);
    await expect.poll(() => tid(run, 'err-unitCode').count()).toBe(0);
    await setup.save();

    // The banner 'Đã điền từ hồ sơ trước: …' leaves with the ID number it was found for.
    await receiveDossier(run, '1.001193', ANH);
    const intake = await startIntake(run, '1.001193');
    await intake.field('idNumber').fill(ANH.idNumber);
    await waitVisible(tid(run, 'lookup-note'));
    await run.shot('lookup-banner');
    await intake.field('idNumber').fill(DANG.idNumber);
    await expect.poll(() => tid(run, 'lookup-note').count()).toBe(0);
    expect(await tid(run, 'lookup-offer').count()).toBe(0);

    // The fee line opens in full.
    const meta = tid(run, 'procedure-meta');
    if (!(await notCut(meta))) {
      await tid(run, 'procedure-meta-toggle').click();
      expect(await notCut(meta)).toBe(true);
    }
    await run.shot('fee-line');

    // The header's save message keeps its end.
    await intake.fillApplicant(DANG);
    await intake.tickAll();
    await new Shell(run.page).waitDraftSaved();
    const { code } = await intake.saveReceipt();
    const saved = new Shell(run.page).savedIndicator();
    await expect.poll(() => saved.textContent()).toContain(code);
    expect(await saved.textContent()).toMatch(/lúc \d{2}:\d{2}:\d{2}$/);
    expect(await notCut(saved)).toBe(true);
    await run.shot('save-message');
  });

  it('8: the register number prints as a clerk counts, and the sync waiting count equals its rows', async () => {
    const run = await startRun('clerk-8-numbers');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    await receiveDossier(run, '1.001193', ANH);
    const image = fs.readFileSync(path.join(SAMPLES, 'dev002-p3-clean.png')).toString('base64');
    await run.call('pages.add', { dossierId: d.id, componentId: d.components[0].componentId, files: [{ name: 'p1.png', dataBase64: image }] });

    const form = await run.call('forms.render', { kind: 'mau01', id: d.id });
    const pdfFile = path.join(run.dataDir, 'mau01.pdf');
    fs.writeFileSync(pdfFile, await run.file(form.url));
    const flat = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(flat).toMatch(/Quyển số: \d{4} Số thứ tự: 1\b/);

    await run.page.locator('[data-testid="nav-sync"], [data-testid="sync-indicator"]').first().click();
    await waitVisible(tid(run, 'sync-screen'));
    await expect.poll(async () => Number(await tid(run, 'sync-count-queued').locator('b').textContent())).toBeGreaterThan(0);
    const waiting = Number(await tid(run, 'sync-count-queued').locator('b').textContent());
    expect(await tid(run, 'sync-item').count()).toBe(waiting);
    await run.shot('sync-counts');
  });

  it('9: a phone typed with spaces finds the dossier; a lone quote lists nothing', async () => {
    const run = await startRun('clerk-9-search-as-typed');
    await setUpUnit(run);
    const anh = await receiveDossier(run, '1.001193', ANH);
    await receiveDossier(run, '1.000894', DANG);
    const shell = new Shell(run.page);
    await shell.goList();
    const list = new ListPage(run.page);
    await list.search('0912 345 678');
    await expect.poll(() => list.rowTexts()).toHaveLength(1);
    expect((await list.rowTexts())[0]).toContain(anh.code);
    await run.shot('phone-with-spaces');

    await shell.goIntake();
    await tid(run, 'procedure-search').fill('"');
    await run.page.waitForTimeout(400);
    expect(await tid(run, 'procedure-option').count()).toBe(0);
    await run.shot('lone-quote');
  });

  it("10: the page picker's button speaks Vietnamese", async () => {
    const run = await startRun('clerk-10-file-button');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', LOAN);
    await new Shell(run.page).goList();
    await run.page.locator('[data-testid="dossier-row"]').first().click();
    await waitVisible(tid(run, 'dossier-detail'));
    const cid = d.components[0].componentId;
    await waitVisible(tid(run, `pages-pick-${cid}`));
    expect(await tid(run, `pages-pick-${cid}`).textContent()).toBe('Chọn tệp…');
    // The browser's own file button ('Choose Files') is not shown.
    expect(await tid(run, `pages-input-${cid}`).evaluate((el) => el.getBoundingClientRect().width <= 1)).toBe(true);
    await run.shot('detail-pages');
  });
});
