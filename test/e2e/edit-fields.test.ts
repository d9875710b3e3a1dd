// Correcting a mistyped phone number on the dossier detail, by keyboard only: F4 opens the
// prefilled form, a bad number gets its Vietnamese message next to the field and saves
// nothing, Ctrl+Enter saves the good one; the detail and the timeline show the correction.
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { ListPage, Shell, waitVisible } from './support/pages';
import { ANH } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';

const startRun = e2eRuns();
let run: Run | null = null;

describe('sửa thông tin hồ sơ', () => {
  it('corrects the phone number by keyboard and shows it in the detail and the timeline', async () => {
    run = await startRun('edit-fields-phone');
    await setUpUnit(run);
    const d = await receiveDossier(run, '2.000815', ANH);
    const page = run.page;
    const tid = (id: string) => page.locator(`[data-testid="${id}"]`);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

    // Open the dossier from the list by keyboard.
    await new Shell(page).goList();
    const list = new ListPage(page);
    await waitVisible(list.rows());
    await list.t('list-search').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await waitVisible(tid('dossier-detail'));
    expect(await tid('detail-phone').textContent()).toBe(ANH.phone);

    // F4: the form, prefilled, focus on the first field; Tab to the phone.
    await page.keyboard.press('F4');
    await waitVisible(tid('edit-fields'));
    expect(await focused()).toBe('edit-fullName');
    expect(await tid('edit-fullName').inputValue()).toBe(ANH.fullName);
    expect(await tid('edit-birthDate').inputValue()).toBe(ANH.birthDate);
    expect(await tid('edit-phone').inputValue()).toBe(ANH.phone);
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('edit-phone');
    await run.shot('form-open');

    // A number too short: its message next to the field, nothing saved.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0987 65', { delay: 10 });
    await page.keyboard.press('Control+Enter');
    await waitVisible(tid('err-edit-phone'));
    expect(await tid('err-edit-phone').textContent()).toMatch(/^Số điện thoại không hợp lệ/);
    expect(await tid('edit-fields').isVisible()).toBe(true);
    expect((await run.call('dossiers.get', { id: d.id })).dossier.applicant.phone).toBe(ANH.phone);
    await run.shot('bad-phone');

    // The right number: Ctrl+Enter saves and closes the form.
    await page.keyboard.press('Control+A');
    await page.keyboard.type('0987 654 321', { delay: 10 });
    expect(await tid('err-edit-phone').count()).toBe(0);
    await page.keyboard.press('Control+Enter');
    await tid('edit-fields').waitFor({ state: 'detached', timeout: 10_000 });
    await expect.poll(() => tid('detail-phone').textContent()).toBe('0987654321');
    const lastEvent = tid('timeline-event').last();
    expect(await lastEvent.locator('.tl-type').textContent()).toBe('Sửa thông tin');
    expect(await lastEvent.locator('.tl-note').textContent()).toBe('Số điện thoại 0912345678 → 0987654321');
    expect(await tid('saved-indicator').textContent()).toMatch(/thông tin hồ sơ/);
    await run.shot('saved');

    // Stored: a fresh load shows it, and Esc still goes back to the list.
    const stored = await run.call('dossiers.get', { id: d.id });
    expect(stored.dossier.applicant.phone).toBe('0987654321');
    expect(stored.events.filter((e) => e.type === 'edited')).toHaveLength(1);
    await page.keyboard.press('Escape');
    await waitVisible(tid('dossier-list'));
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
    expect(run.dialogs).toEqual([]);
  });
});
