// Phiếu hướng dẫn: the Mẫu 02 slips of this PC and of the unit's other counters (pulled from
// the hub) in one list, with the counter and clerk of each, and a reprint that works for both.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { VIEWPORT, type Run, e2eRuns } from './support/harness';
import { Shell, waitVisible } from './support/pages';
import { ANH, DANG } from './support/data';
import { setUpUnit } from './support/seed';
import { storePulledSlip } from '../../electron/services/guidance';
import { DB_FILE_NAME } from '../../electron/services/app';
import { vnParts } from '../../shared/domain/vnTime';

const startRun = e2eRuns();
let run: Run | null = null;

describe('danh sách phiếu hướng dẫn', () => {
  it('lists this PC’s and another counter’s slips with counter and clerk, and reprints the other’s', async () => {
    run = await startRun('guidance-list');
    await setUpUnit(run);
    const p = await run.call('procedures.get', { code: '1.001193' });
    const missing = p.components.map((c) => ({ componentId: c.id, name: c.name, original: c.original, certified: c.certified, photocopy: c.photocopy, received: false }));
    const own = await run.call('guidance.create', {
      procedureCode: p.code,
      applicant: { fullName: ANH.fullName, idNumber: ANH.idNumber, birthDate: ANH.birthIso, address: ANH.address, phone: ANH.phone, email: ANH.email },
      missing,
      reason: 'Thiếu giấy chứng sinh',
    });
    // A slip of counter 2, as a pull stores it (sync/apply.ts → storePulledSlip), written by a
    // second connection to the app's database file.
    const issuedAt = Date.now() - 3600_000;
    const db = new Database(path.join(run.dataDir, DB_FILE_NAME));
    db.pragma('busy_timeout = 5000');
    db.transaction(() =>
      storePulledSlip(db, {
        eventId: randomUUID(),
        deviceId: 'dev-quay-2',
        unitCode: own.unitCode,
        dossierId: randomUUID(),
        seq: 1,
        at: issuedAt,
        actor: 'Trần Văn Bảo',
        type: 'guidance.issued',
        body: {
          number: 20_001,
          year: vnParts(issuedAt).year,
          procedureCode: p.code,
          procedureName: p.name,
          applicant: { fullName: DANG.fullName, idNumber: DANG.idNumber, birthDate: DANG.birthIso, address: DANG.address, phone: DANG.phone, email: DANG.email },
          missing,
          reason: 'Giấy tờ chưa chứng thực',
          issuedBy: 'Trần Văn Bảo',
          issuedAt,
        },
      }),
    )();
    db.close();

    const { page } = run;
    await page.locator('[data-testid="nav-guidance"]').click();
    await waitVisible(page.locator('[data-testid="guidance-table"]'));
    const rows = page.locator('[data-testid="guidance-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    // Newest first: this PC's slip, then counter 2's.
    expect(await rows.nth(0).getAttribute('data-number')).toBe(String(own.number));
    expect(await rows.nth(0).locator('[data-testid="guidance-counter"]').textContent()).toBe('Máy này (ô 1)');
    expect(await rows.nth(1).locator('td').first().textContent()).toBe('20001/HDHS');
    expect(await rows.nth(1).locator('[data-testid="guidance-counter"]').textContent()).toBe('Máy khác (ô 2)');
    expect(await rows.nth(1).locator('[data-testid="guidance-clerk"]').textContent()).toBe('Trần Văn Bảo');
    await run.shot('guidance-list');

    // Search by the number the citizen brings back.
    await page.locator('[data-testid="guidance-search"]').fill('20001');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.first().locator('[data-testid="guidance-reprint"]').click();
    await waitVisible(page.locator('[data-testid="pdf-frame"]'), 15_000);
    expect(await page.locator('.pdf-title').textContent()).toBe(`mau02-${vnParts(issuedAt).year}-20001.pdf`);
    expect(await new Shell(page).scrollWidth()).toBeLessThanOrEqual(VIEWPORT.width);
    await page.waitForTimeout(300);
    await run.shot('guidance-reprint');
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
