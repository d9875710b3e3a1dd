// 5. Every screen fits a 1366×768 counter screen without horizontal scrolling.
import { describe, expect, it } from 'vitest';
import { VIEWPORT, type Run, e2eRuns } from './support/harness';
import { IntakePage, Shell, waitVisible } from './support/pages';
import { ANH, DANG, LOAN } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';

const startRun = e2eRuns();
let run: Run | null = null;

async function fits(r: Run, step: string) {
  await r.page.waitForTimeout(250);
  const width = await new Shell(r.page).scrollWidth();
  await r.shot(step);
  expect(width, `${step}: scrollWidth ${width}`).toBeLessThanOrEqual(VIEWPORT.width);
}

describe('bố cục 1366×768', () => {
  it('fits every screen in 1366 px', async () => {
    run = await startRun('layout-1366x768');
    const { page } = run;
    await waitVisible(page.locator('[data-testid="setup-form"]'));
    await fits(run, 'setup');

    await setUpUnit(run);
    const long = {
      ...LOAN,
      fullName: 'Tôn Nữ Thị Hoàng Phương Quỳnh Như Ngọc Bảo Trâm',
      address: 'Số 1234/56/78 đường Nguyễn Thị Minh Khai, khu phố Định Thành Hưng Phát, xã Định Mỹ, tỉnh An Giang, Việt Nam',
    };
    const d1 = await receiveDossier(run, '1.001193', ANH, 'Ghi chú dài '.repeat(30));
    await receiveDossier(run, '1.000894', DANG);
    for (let i = 0; i < 14; i++) await receiveDossier(run, '2.000815', long);

    const shell = new Shell(page);
    const intake = new IntakePage(page);
    await shell.goIntake();
    await fits(run, 'intake-empty');
    await intake.t('procedure-search').fill('dang ky');
    await waitVisible(intake.t('procedure-option'));
    await fits(run, 'intake-search-list');
    await page.keyboard.press('Enter');
    await waitVisible(intake.t('procedure-selected'));
    await intake.fillApplicant(long);
    await fits(run, 'intake-incomplete');
    await intake.t('open-guidance').click();
    await waitVisible(intake.t('guidance-panel'));
    await fits(run, 'intake-guidance');
    await page.keyboard.press('Escape');
    await intake.t('open-refuse').click();
    await waitVisible(intake.t('refuse-panel'));
    await fits(run, 'intake-refuse');
    await page.keyboard.press('Escape');
    await intake.tickAll();
    await intake.fillApplicant({ ...long, idNumber: LOAN.idNumber, birthDate: LOAN.birthDate });
    await intake.saveReceipt();
    await fits(run, 'intake-result');

    await shell.goList();
    await waitVisible(page.locator('[data-testid="dossier-row"]'));
    await fits(run, 'list');
    await page.locator('[data-testid="filter-due-overdue"]').click();
    await fits(run, 'list-overdue-filter');

    await page.locator('[data-testid="filter-due-all"]').click();
    await page.locator('[data-testid="list-search"]').fill(d1.code);
    await page.waitForTimeout(400);
    await page.locator('[data-testid="dossier-row"]').first().click();
    await waitVisible(page.locator('[data-testid="dossier-detail"]'));
    await fits(run, 'detail');
    await page.locator('[data-testid="transition-4"]').click();
    await waitVisible(page.locator('[data-testid="transition-confirm"]'));
    await page.locator('[data-testid="transition-note"]').fill('Chuyển cán bộ tư pháp - hộ tịch');
    await page.locator('[data-testid="transition-ok"]').click();
    await expect.poll(() => page.locator('[data-testid="timeline-event"]').count()).toBeGreaterThan(1);
    await fits(run, 'detail-after-transition');
    await page.locator('[data-testid="reprint-mau01"]').click();
    await waitVisible(page.locator('[data-testid="pdf-frame"]'));
    await fits(run, 'detail-reprint');

    await shell.goCatalogue();
    await waitVisible(page.locator('[data-testid="catalogue-row"]'));
    await fits(run, 'catalogue');
    await page.locator('[data-testid="catalogue-row"]').first().click();
    await waitVisible(page.locator('[data-testid="procedure-form"]'));
    await fits(run, 'catalogue-edit');

    await shell.goHolidays();
    await waitVisible(page.locator('[data-testid="holiday-table"]'));
    await fits(run, 'holidays');
    await page.locator('[data-testid="holiday-date"]').fill('28/12/2026');
    await page.locator('[data-testid="holiday-name"]').fill('Nghỉ bù theo thông báo của tỉnh');
    await page.locator('[data-testid="holiday-save"]').click();
    await expect.poll(async () => (await page.locator('[data-testid="holiday-row"]').allTextContents()).some((t) => t.includes('28/12/2026'))).toBe(true);
    await fits(run, 'holidays-added');

    await page.locator('[data-testid="clerk-name"]').click();
    await waitVisible(page.locator('[data-testid="setup-form"]'));
    await fits(run, 'settings');
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
