// 2. Searching the dossier list without diacritics finds Vietnamese names.
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { ListPage, Shell, waitVisible } from './support/pages';
import { ANH, DANG, LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';

const startRun = e2eRuns();
let run: Run | null = null;

describe('tìm hồ sơ không dấu', () => {
  it("finds 'Nguyễn Thị Ánh …' by 'nguyen thi anh' and 'Đặng' by 'dang'", async () => {
    run = await startRun('search-without-diacritics');
    await setUpUnit(run);
    const anh = await receiveDossier(run, '1.001193', ANH);
    const dang = await receiveDossier(run, '1.000894', DANG);
    const loan = await receiveDossier(run, '2.000815', LOAN);

    const shell = new Shell(run.page);
    await shell.goList();
    const list = new ListPage(run.page);
    await waitVisible(list.rows());
    expect(await list.rows().count()).toBe(3);
    await run.shot('list-all');

    await list.search('nguyen thi anh');
    await expect.poll(() => list.rowTexts()).toHaveLength(1);
    const [row] = await list.rowTexts();
    expect(row).toContain(ANH.fullName);
    expect(row).toContain(anh.code);
    await run.shot('search-nguyen-thi-anh');

    await list.search('dang');
    await expect.poll(async () => (await list.rowTexts()).some((t) => t.includes(DANG.fullName))).toBe(true);
    const texts = await list.rowTexts();
    expect(texts.some((t) => t.includes(dang.code))).toBe(true);
    expect(texts.some((t) => t.includes(loan.code))).toBe(false);
    await run.shot('search-dang');

    // Enter on the first row opens the dossier.
    await list.t('list-search').press('ArrowDown');
    await run.page.keyboard.press('Enter');
    await waitVisible(run.page.locator('[data-testid="dossier-detail"]'));
    expect(await run.page.locator('[data-testid="detail-applicant-name"]').textContent()).toBe(DANG.fullName);
    await run.shot('detail-dang');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
