// Issue 12 item 2 — papers that apply only sometimes, in Chromium at 1366×768. Đăng ký khai
// sinh lists two optional papers: the parents' marriage certificate ("nếu cha, mẹ đã đăng ký
// kết hôn") and a power of attorney ("trường hợp uỷ quyền"). Marked "không áp dụng" (by the
// row's K key, or the row's third option with the mouse), they are not on the printed Mẫu 02
// (read back with pdftotext), the dossier can be saved without them, and the detail says so.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { e2eRuns } from './support/harness';
import { IntakePage, Shell, waitVisible } from './support/pages';
import { ANH } from './support/data';
import { setUpUnit } from './support/seed';

const startRun = e2eRuns();
const MARRIAGE = 'Giấy chứng nhận kết hôn';
const ATTORNEY = 'Văn bản uỷ quyền';

/** A fresh unit, on the intake screen, with a birth registration for ANH filled in. */
async function birthIntake(name: string) {
  const run = await startRun(name);
  await setUpUnit(run);
  await new Shell(run.page).goIntake();
  const intake = new IntakePage(run.page);
  await intake.pickProcedureByKeyboard('khai sinh', '1.001193');
  await intake.fillApplicant(ANH);
  return { run, intake };
}

describe('giấy tờ không áp dụng', () => {
  it('keyboard: K marks optional papers không áp dụng and Mẫu 02 lists only what applies and is missing', async () => {
    const { run, intake } = await birthIntake('not-applicable-mau02');
    // The citizen brings the declaration and the birth certificate; the ID paper is missing.
    await intake.t('component-check-tokhai').focus();
    await run.page.keyboard.press('Space');
    await intake.t('component-check-giaychungsinh').focus();
    await run.page.keyboard.press('Space');
    // The parents never married and nobody acts by power of attorney: K cycles missing → received → không áp dụng.
    for (const id of ['kethon', 'uyquyen']) {
      await intake.t(`component-check-${id}`).focus();
      await run.page.keyboard.press('k');
      await run.page.keyboard.press('k');
    }
    const row = (id: string) => run.page.locator('[data-testid="component-row"]', { has: run.page.locator(`[data-testid="component-check-${id}"]`) });
    const hint = (await row('kethon').textContent())!;
    await run.shot('intake-not-applicable');

    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.t('guidance-panel'));
    const listed = (await intake.t('guidance-panel').textContent())!;
    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.t('result-number'), 15_000);

    const [slip] = await run.call('guidance.list', {});
    const form = await run.call('forms.render', { kind: 'mau02', id: slip!.id });
    const pdfFile = path.join(run.dataDir, 'mau02.pdf');
    fs.writeFileSync(pdfFile, await run.file(form.url));
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain('Giấy tờ tuỳ thân');
    expect(text).not.toContain(MARRIAGE);
    expect(text).not.toContain(ATTORNEY);
    // The panel listed the same, and the row says what its key does.
    expect(listed).toContain('Giấy tờ tuỳ thân');
    expect(listed).not.toContain(MARRIAGE);
    expect(hint).toContain('Phím K: nhận → không áp dụng → thiếu');
    await run.shot('mau02-printed');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });

  it('mouse: the row’s third option; the dossier is saved and its detail says "Không áp dụng"', async () => {
    const { run, intake } = await birthIntake('not-applicable-detail');
    await intake.tickAll();
    // A required paper has no such option.
    expect(await intake.t('component-na-tokhai').count()).toBe(0);
    expect(await intake.t('component-na-kethon').count()).toBe(1);
    await intake.t('component-na-kethon').click();
    await intake.t('component-na-uyquyen').click();
    expect(await intake.t('component-check-kethon').isChecked()).toBe(false);
    const { code } = await intake.saveReceipt();
    const listed = (await run.call('dossiers.list', { query: code })).items[0]!;
    const d = (await run.call('dossiers.get', { id: listed.id })).dossier;
    expect(d.components.filter((c) => c.notApplicable).map((c) => c.componentId)).toEqual(['kethon', 'uyquyen']);
    await intake.t('open-dossier').click();
    await waitVisible(run.page.locator('[data-testid="detail-component-kethon"]'));
    expect(await run.page.locator('[data-testid="detail-component-kethon"]').textContent()).toContain('Không áp dụng');
    expect(await run.page.locator('[data-testid="detail-component-tokhai"]').textContent()).toContain('✓');
    await run.shot('detail-not-applicable');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
