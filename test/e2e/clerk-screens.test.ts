// Issue 12 items 6 and 7: every screen at 1366×768, walked as a clerk walks them, with a
// screenshot each: no developer words or internal codes in the rendered text (confidence
// tags, 'chỉ là ví dụ', '(chưa xác minh)', component codes), and the layout points a new
// clerk met (catalogue names squeezed, page tile label wrapping, the list's columns
// jumping, 'Đồng bộ ngay' touching the table heading).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, ListPage, Shell, waitVisible } from './support/pages';
import { ANH, DANG, LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';
import { SAMPLES } from '../pages/helpers';

const startRun = e2eRuns();
const DEVELOPER_WORDS = /[✱◐✔]|chỉ là ví dụ|chưa xác minh|cần đối chiếu|\bundefined\b|\bnull\b|\[object/;

async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

describe('mọi màn hình ở 1366×768 (issue 12, mục 6–7)', () => {
  it('walks every screen: plain Vietnamese, no internal codes, a layout that uses the width', async () => {
    const run: Run = await startRun('clerk-every-screen');
    await setUpUnit(run);
    const d = await receiveDossier(run, '1.001193', ANH);
    await receiveDossier(run, '2.000815', LOAN);
    await receiveDossier(run, '1.000894', DANG);
    const image = fs.readFileSync(path.join(SAMPLES, 'dev002-p3-clean.png')).toString('base64');
    await run.call('pages.add', { dossierId: d.id, componentId: d.components[0].componentId, files: [{ name: 'p1.png', dataBase64: image }] });
    const codes = new Set<string>();
    for (const code of ['1.001193', '2.000815', '1.000894']) for (const c of (await run.call('procedures.get', { code })).components) codes.add(c.id);
    const page = run.page;
    const checked: string[] = [];
    const check = async (name: string) => {
      await page.waitForTimeout(300);
      await run.shot(name);
      const text = await screenText(page);
      expect(text, `${name}: developer words`).not.toMatch(DEVELOPER_WORDS);
      for (const c of codes) expect(text, `${name}: internal code ${c}`).not.toMatch(new RegExp(`(^|[^\\p{L}\\p{N}.])${c}($|[^\\p{L}\\p{N}])`, 'u'));
      checked.push(name);
    };

    const shell = new Shell(page);
    await shell.goIntake();
    await new IntakePage(page).pickProcedureByKeyboard('khai sinh', '1.001193');
    await check('intake');

    await shell.goList();
    const list = new ListPage(page);
    await waitVisible(list.rows());
    await check('list');
    // The columns keep their widths as the results change.
    const widths = () => page.locator('[data-testid="dossier-table"] thead th').evaluateAll((ths) => ths.map((th) => Math.round(th.getBoundingClientRect().width)));
    const all = await widths();
    await list.search('dang');
    await expect.poll(() => list.rowTexts()).toHaveLength(1);
    expect(await widths()).toEqual(all);

    await page.goto(`${run.origin}/#/ho-so/${d.id}`);
    await waitVisible(page.locator('[data-testid="dossier-detail"]'));
    await waitVisible(page.locator('.pg-thumb, [data-testid^="page-thumb"]'));
    await check('detail');
    // 'Trang 1' on the page tile stays on one line.
    const label = page.locator('.pg-thumbs').getByText('Trang 1', { exact: true }).first();
    const lh = await label.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20);
    expect((await label.boundingBox())!.height).toBeLessThan(lh * 1.6);

    await shell.goCatalogue();
    await check('catalogue');
    // The catalogue's names have the room they need: none wraps over more than three lines.
    const rows = page.locator('[data-testid="catalogue-row"]');
    const tallest = Math.max(...(await rows.evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().height))));
    expect(tallest).toBeLessThan(3.5 * 20);
    await rows.first().click();
    await waitVisible(page.locator('[data-testid="procedure-form"]'));
    await check('catalogue-procedure');
    expect(await page.locator('[data-testid="procedure-unconfirmed"]').textContent()).toContain('Chưa được tỉnh xác nhận — kiểm tra và xác nhận');

    await shell.goHolidays();
    await check('holidays');
    for (const [nav, testid] of [
      ['nav-review', 'screen-review'],
      ['nav-guidance', 'screen-guidance'],
      ['clerk-name', 'screen-settings'],
      ['sync-indicator', 'sync-screen'],
    ] as const) {
      await page.locator(`[data-testid="${nav}"]`).click();
      await waitVisible(page.locator(`[data-testid="${testid}"]`));
      await check(testid.replace('screen-', ''));
    }
    // 'Đồng bộ ngay' keeps its distance from the heading of the table under it.
    const button = (await page.locator('[data-testid="sync-now"]').boundingBox())!;
    const heading = (await page.getByRole('heading', { name: 'Các thay đổi chưa gửi' }).boundingBox())!;
    expect(heading.y - (button.y + button.height)).toBeGreaterThanOrEqual(8);
    expect(checked).toHaveLength(10);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
