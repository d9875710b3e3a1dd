// 1. First run, then a birth-registration dossier received entirely with the keyboard,
//    and the printed receipt (Mẫu 01) checked with pdftotext.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, SetupPage, Shell, waitVisible } from './support/pages';
import { ANH, UNIT, escapeRe } from './support/data';

const startRun = e2eRuns();
let run: Run | null = null;

describe('tiếp nhận bằng bàn phím', () => {
  it('sets up the unit, receives a birth registration by keyboard and prints Mẫu 01', async () => {
    run = await startRun('intake-keyboard');
    const { page } = run;
    const setup = new SetupPage(page);
    await waitVisible(setup.form());
    await run.shot('first-run-setup');
    await setup.fill(UNIT);
    await run.shot('setup-filled');
    await setup.save();
    const shell = new Shell(page);
    expect(await shell.unitName().textContent()).toBe(UNIT.unitName);

    const intake = new IntakePage(page);
    await shell.goIntake();
    await run.shot('intake-empty');

    // (1) Procedure: typed, then arrows + Enter.
    await intake.pickProcedureByKeyboard('khai sinh', '1.001193');
    // Focus moved to the name field.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('applicant-fullName');

    // (2) Applicant, field to field with Tab.
    const kb = page.keyboard;
    await kb.type(ANH.fullName);
    await kb.press('Tab');
    await kb.type(ANH.idNumber);
    await kb.press('Tab');
    await kb.type(ANH.birthDate);
    await kb.press('Tab');
    await kb.type(ANH.address);
    await kb.press('Tab');
    await kb.type(ANH.phone);
    await kb.press('Tab');
    await kb.type(ANH.email);

    // The note (beside the appointment, issue 12 item 1) comes next; Tab passes it.
    await kb.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('intake-note');

    // (3) Components: Tab to each checkbox, Space ticks it; Tab then passes its three copy counts (issue 12 item 3).
    const rows = await page.locator('[data-testid="component-row"]').count();
    expect(rows).toBeGreaterThan(0);
    const focusedType = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type);
    for (let i = 0; i < rows; i++) {
      await kb.press('Tab');
      expect(await focusedType()).toBe('checkbox');
      await kb.press('Space');
      if (i < rows - 1) {
        for (let k = 0; k < 3; k++) {
          await kb.press('Tab');
          expect(await focusedType()).toBe('number');
        }
      }
    }
    expect(await page.locator('[data-testid^="component-check-"]:checked').count()).toBe(rows);

    // (4) The live appointment preview.
    await waitVisible(intake.t('appointment-date'));
    expect((await intake.t('appointment-explanation').textContent())!.length).toBeGreaterThan(0);
    await run.shot('intake-filled');

    // (5) Ctrl+Enter: save and print.
    const { code, appointment } = await intake.saveReceipt();
    expect(code).toMatch(new RegExp(`^${escapeRe(UNIT.unitCode)}-\\d{6}-\\d{4}$`));
    expect(appointment).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await waitVisible(intake.t('pdf-frame'));
    expect(await intake.t('pdf-frame').getAttribute('src')).toMatch(/^blob:/);
    expect(await intake.t('pdf-download').getAttribute('download')).toMatch(/\.pdf$/i);
    // The draft is gone after a successful save.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('new-intake');
    await page.waitForTimeout(500);
    await run.shot('receipt-printed');

    // The receipt PDF, fetched over the contract with the session's secret, holds the code and date.
    const list = await run.call('dossiers.list', { query: code });
    expect(list.items.map((d) => d.code)).toContain(code);
    const id = list.items.find((d) => d.code === code)!.id;
    const form = await run.call('forms.render', { kind: 'mau01', id });
    const pdfFile = path.join(run.dataDir, 'mau01.pdf');
    fs.writeFileSync(pdfFile, Buffer.from(form.pdfBase64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain(code);
    const [dd, mm, yyyy] = appointment.split('/');
    // The form may write the date as dd/mm/yyyy or as 'ngày dd tháng mm năm yyyy'.
    const dateRe = new RegExp(`${dd}\\s*/\\s*${mm}\\s*/\\s*${yyyy}|ngày\\s*${dd}\\s*tháng\\s*${mm}\\s*năm\\s*${yyyy}`);
    expect(flat).toMatch(dateRe);

    // Enter on the focused button starts a new intake.
    await kb.press('Enter');
    await waitVisible(intake.t('procedure-search'));
    expect(await intake.t('draft-offer').count()).toBe(0);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
