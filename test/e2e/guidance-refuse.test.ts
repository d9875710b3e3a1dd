// Incomplete dossier → Mẫu 02 (one-time written guidance); refused dossier → Mẫu 03.
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, Shell, waitVisible } from './support/pages';
import { DANG } from './support/data';
import { setUpUnit } from './support/seed';

const startRun = e2eRuns();
let run: Run | null = null;

describe('hồ sơ chưa đủ và từ chối', () => {
  it('prints Mẫu 02 for missing components and Mẫu 03 for a refusal', async () => {
    run = await startRun('guidance-and-refusal');
    await setUpUnit(run);
    const shell = new Shell(run.page);
    await shell.goIntake();
    const intake = new IntakePage(run.page);
    await intake.pickProcedureByKeyboard('Đăng ký kết hôn', '1.000894');
    await intake.fillApplicant(DANG);
    expect(await intake.t('save-receipt').textContent()).toMatch(/Hồ sơ chưa đủ/);
    expect(await intake.t('save-receipt').isDisabled()).toBe(true);
    // Ctrl+Enter on an incomplete dossier opens the guidance panel; again prints it.
    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.t('guidance-panel'));
    await run.shot('guidance-panel');
    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.t('result-number'), 15_000);
    expect(await intake.t('result-number').textContent()).toMatch(/^\d+\/HDHS$/);
    await waitVisible(intake.t('pdf-frame'));
    expect((await run.call('guidance.list', {})).length).toBe(1);
    expect((await run.call('dossiers.list', {})).total).toBe(0);
    await run.page.waitForTimeout(400);
    await run.shot('guidance-printed');

    await intake.t('new-intake').press('Enter');
    await intake.pickProcedureByKeyboard('khai sinh', '1.001193');
    await intake.fillApplicant(DANG);
    await intake.t('open-refuse').click();
    await intake.t('refuse-reason').fill('Không thuộc thẩm quyền giải quyết của UBND xã');
    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.t('result-code'), 15_000);
    await waitVisible(intake.t('pdf-frame'));
    await run.page.waitForTimeout(400);
    await run.shot('refusal-printed');
    await intake.t('open-dossier').click();
    await waitVisible(run.page.locator('[data-testid="reprint-mau03"]'));
    expect(await run.page.locator('[data-testid="detail-reason"]').textContent()).toContain('Không thuộc thẩm quyền');
    await run.shot('refused-detail');
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
