// Issue 8 item 7: every screen has an address, so a reload (or a bookmark) keeps the screen.
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { waitVisible } from './support/pages';
import { ANH } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';

const startRun = e2eRuns();

describe('màn hình có địa chỉ', () => {
  it('keeps the dossier detail and the catalogue across a reload, and back goes to the list', async () => {
    const run: Run = await startRun('routing-reload-keeps-screen');
    await setUpUnit(run);
    const d = await receiveDossier(run, '1.001193', ANH);
    const page = run.page;

    await page.keyboard.press('F3');
    await waitVisible(page.locator('[data-testid="dossier-row"]'));
    await page.locator('[data-testid="dossier-row"]').first().click();
    await waitVisible(page.locator('[data-testid="dossier-detail"]'));
    expect(new URL(page.url()).hash).toBe(`#/ho-so/${d.id}`);
    await page.reload();
    await waitVisible(page.locator('[data-testid="dossier-detail"]'));
    expect(await page.locator('[data-testid="detail-code"]').textContent()).toBe(d.code);
    await run.shot('detail-after-reload');

    await page.goBack();
    await waitVisible(page.locator('[data-testid="dossier-list"]'));

    await page.locator('[data-testid="nav-catalogue"]').click();
    await waitVisible(page.locator('[data-testid="catalogue"]'));
    await page.reload();
    await waitVisible(page.locator('[data-testid="catalogue"]'));
    // The secret never shows in the address, even after reloads.
    expect(page.url()).not.toContain('token=');
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
