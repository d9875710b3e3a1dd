// 3. A reload mid-intake, and a closed-and-reopened page, bring the draft back with
//    every typed field.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, Shell, waitVisible } from './support/pages';
import { LOAN } from './support/data';
import { setUpUnit } from './support/seed';

const startRun = e2eRuns();
let run: Run | null = null;

const TYPED = { ...LOAN, email: 'loan.le@example.vn' };
const NOTE = 'Công dân hẹn quay lại bổ sung bản sao';

async function typeHalfIntake(page: Page) {
  const intake = new IntakePage(page);
  await intake.pickProcedureByKeyboard('chung thuc ban sao', '2.000815');
  await intake.fillApplicant(TYPED);
  // Tick only the first component, switch delivery to post if the procedure allows it.
  await page.locator('[data-testid^="component-check-"]').first().check();
  if (await intake.t('delivery-post').isEnabled()) await intake.t('delivery-post').check();
  await intake.t('intake-note').fill(NOTE);
  await new Shell(page).waitDraftSaved();
}

async function expectRestored(page: Page, expectPost: boolean) {
  const intake = new IntakePage(page);
  await waitVisible(intake.t('draft-offer'));
  expect(await intake.t('draft-offer').textContent()).toMatch(/lưu lúc \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
  await intake.t('draft-restore').click();
  await waitVisible(intake.t('procedure-selected'));
  expect(await intake.t('procedure-selected').textContent()).toContain('2.000815');
  for (const k of ['fullName', 'idNumber', 'birthDate', 'address', 'phone', 'email'] as const) {
    expect(await intake.field(k).inputValue(), k).toBe(TYPED[k]);
  }
  const boxes = page.locator('[data-testid^="component-check-"]');
  expect(await boxes.first().isChecked()).toBe(true);
  for (let i = 1; i < (await boxes.count()); i++) expect(await boxes.nth(i).isChecked()).toBe(false);
  expect(await intake.t(expectPost ? 'delivery-post' : 'delivery-counter').isChecked()).toBe(true);
  expect(await intake.t('intake-note').inputValue()).toBe(NOTE);
}

describe('bản nháp tiếp nhận', () => {
  it('survives page.reload() and a closed page reopened in the same context', async () => {
    run = await startRun('draft-restore');
    await setUpUnit(run);
    const shell = new Shell(run.page);
    await shell.goIntake();
    await typeHalfIntake(run.page);
    const expectPost = await new IntakePage(run.page).t('delivery-post').isChecked();
    await run.shot('half-typed');

    // Reload.
    await run.page.reload();
    await waitVisible(run.page.locator('[data-testid="draft-offer"]'));
    await run.shot('after-reload-offer');
    await expectRestored(run.page, expectPost);
    await run.shot('after-reload-restored');

    // Change a field, wait for the autosave, then close the page (no unload handlers run).
    const intake = new IntakePage(run.page);
    await intake.field('address').fill('tạm');
    await shell.waitDraftSaved();
    await intake.field('address').fill(TYPED.address);
    await run.page.waitForTimeout(400);
    await shell.waitDraftSaved();
    await run.page.close({ runBeforeUnload: false });

    const page2 = await run.openPage();
    await waitVisible(page2.locator('[data-testid="draft-offer"]'));
    await run.shot('new-page-offer', page2);
    await expectRestored(page2, expectPost);
    await run.shot('new-page-restored', page2);

    // 'Bỏ bản nháp' removes it for good.
    await page2.reload();
    await waitVisible(page2.locator('[data-testid="draft-offer"]'));
    await page2.locator('[data-testid="draft-discard"]').click();
    expect(await new IntakePage(page2).field('fullName').inputValue()).toBe('');
    await page2.reload();
    await waitVisible(page2.locator('[data-testid="procedure-search"]'));
    await page2.waitForTimeout(300);
    expect(await page2.locator('[data-testid="draft-offer"]').count()).toBe(0);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
