// The sync UI in Chromium (loopback transport): header indicator, the sync screen at
// 1366×768, enrolment by keyboard with a code from a REAL hub, the wait for the province's
// approval, 'Đồng bộ ngay', a failed item with its reason, and a conflict settled from the list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, startRun, VIEWPORT, type Run } from '../e2e/support/harness';
import { Shell, waitVisible } from '../e2e/support/pages';
import { ANH } from '../e2e/support/data';
import { receiveDossier, setUpUnit } from '../e2e/support/seed';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { UNIT } from '../e2e/support/data';

let browser: Browser;
let hub: TestHub;
let run: Run | null = null;
beforeAll(async () => {
  browser = await launchBrowser();
  hub = await startTestHub('pglite');
  await hub.hub.createUnit(UNIT.unitCode, 'Xã thử nghiệm'); // its devices wait for the officer's approval
});
afterAll(async () => {
  await run?.close();
  await browser?.close();
  await hub?.stop();
});

describe('đồng bộ với tỉnh (giao diện)', () => {
  it('shows the state in the header, enrols by keyboard, syncs on demand and fits 1366 px', async () => {
    run = await startRun(browser, 'sync-panel');
    const { page } = run;
    await setUpUnit(run);
    await receiveDossier(run, '1.001193', ANH);
    const indicator = page.locator('[data-testid="sync-indicator"]');
    await waitVisible(indicator);
    await expect.poll(() => indicator.textContent()).toContain('Chưa kết nối tỉnh');
    await indicator.click();
    await waitVisible(page.locator('[data-testid="sync-screen"]'));
    await waitVisible(page.locator('[data-testid="sync-not-enrolled"]'));
    await expect.poll(() => page.locator('[data-testid="sync-item"]').count()).toBe(1);
    await run.shot('not-enrolled');

    // A plain-http hub elsewhere is refused with a clear message.
    const code = (await hub.hub.createEnrolmentCode(UNIT.unitCode)).code;
    await page.locator('[data-testid="enrol-hub"]').fill('http://dongbo.example.vn');
    await page.locator('[data-testid="enrol-code"]').fill(code.toLowerCase());
    await page.locator('[data-testid="enrol-code"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="enrol-error"]').textContent()).toContain('không mã hoá');
    await run.shot('insecure-refused');

    // Keyboard only: the hub on this machine (loopback http is allowed).
    await page.locator('[data-testid="enrol-hub"]').fill(hub.url);
    await page.locator('[data-testid="enrol-hub"]').press('Enter');
    await waitVisible(page.locator('[data-testid="enrol-done"]'));
    await waitVisible(page.locator('[data-testid="sync-enrolled"]'));
    expect(await page.locator('[data-testid="enrol-done"]').textContent()).toContain('Máy đang chờ tỉnh duyệt.');
    // Until the province officer approves it, the panel and the header say it waits; the change stays queued with the reason.
    await waitVisible(page.locator('[data-testid="sync-awaiting-approval"]'));
    expect(await page.locator('[data-testid="sync-awaiting-approval"]').textContent()).toContain('đang chờ cán bộ quản trị của tỉnh duyệt');
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toBe('Chờ tỉnh duyệt máy');
    await page.locator('[data-testid="sync-now"]').click();
    await expect.poll(() => page.locator('[data-testid="sync-item"]').first().textContent(), { timeout: 10_000 }).toContain('đang chờ cán bộ quản trị của tỉnh duyệt');
    expect(await page.locator('[data-testid="sync-awaiting-approval"]').count()).toBe(1);
    expect(await page.locator('[data-testid="sync-item"]').first().getAttribute('data-state')).toBe('queued');
    await run.shot('awaiting-approval');
    expect(await new Shell(page).scrollWidth()).toBeLessThanOrEqual(VIEWPORT.width);
    await hub.hub.approveDevice((await hub.hub.listDevices(UNIT.unitCode))[0].device_id);
    await page.locator('[data-testid="sync-now"]').focus();
    await page.keyboard.press('Enter');
    await waitVisible(page.locator('[data-testid="sync-report"]'));
    expect(await page.locator('[data-testid="sync-report"]').textContent()).toContain('Đã đồng bộ');
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toMatch(/Đã đồng bộ \d\d:\d\d/);
    expect(await page.locator('[data-testid="sync-items-empty"]').count()).toBe(1);
    expect(await page.locator('[data-testid="sync-awaiting-approval"]').count()).toBe(0);
    await run.shot('synced');
    expect(await new Shell(page).scrollWidth()).toBeLessThanOrEqual(VIEWPORT.width);

    // Revoked at the province: the next change waits with the hub's reason, visible per item.
    const dev = (await hub.hub.listDevices(UNIT.unitCode))[0];
    await hub.hub.revokeDevice(dev.device_id);
    await receiveDossier(run, '1.001193', ANH);
    await page.locator('[data-testid="sync-now"]').click();
    await expect.poll(() => page.locator('[data-testid="sync-last-error"]').textContent(), { timeout: 10_000 }).toContain('thu hồi');
    await expect.poll(() => page.locator('[data-testid="sync-item"]').first().textContent(), { timeout: 10_000 }).toContain('thu hồi');
    await expect.poll(() => indicator.textContent(), { timeout: 10_000 }).toContain('1 chờ gửi');
    await run.shot('revoked');
    expect(await new Shell(page).scrollWidth()).toBeLessThanOrEqual(VIEWPORT.width);
    expect(run.pageErrors).toEqual([]);
  });
});
