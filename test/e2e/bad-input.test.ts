// 4. Bad input: a wrong ID number, a future birth date and an empty name are refused
//    with Vietnamese messages and nothing is saved; HTML typed into text fields stays
//    text; hostile search strings do not break the list.
import { describe, expect, it } from 'vitest';
import { type Run, e2eRuns } from './support/harness';
import { IntakePage, ListPage, Shell, waitVisible } from './support/pages';
import { ANH, DANG } from './support/data';
import { receiveDossier, setUpUnit } from './support/seed';

const startRun = e2eRuns();
let run: Run | null = null;

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert("xss")</script>';

describe('dữ liệu sai và dữ liệu độc', () => {
  it('shows Vietnamese field messages and saves nothing for a wrong CCCD, a future birth date, an empty name', async () => {
    run = await startRun('bad-input-fields');
    await setUpUnit(run);
    const shell = new Shell(run.page);
    await shell.goIntake();
    const intake = new IntakePage(run.page);
    await intake.pickProcedureByKeyboard('khai sinh', '1.001193');
    await intake.tickAll();

    // Wrong CCCD: province code 000 does not exist.
    await intake.fillApplicant({ ...ANH, idNumber: '000190012345' });
    await waitVisible(intake.error('idNumber'));
    expect(await intake.error('idNumber').textContent()).toContain('Mã tỉnh "000"');
    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.t('intake-error'));
    expect(await intake.t('intake-error').textContent()).toMatch(/chưa hợp lệ/);
    expect(await run.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('applicant-idNumber');
    await run.shot('wrong-cccd');

    // Year in the ID does not match the birth date.
    await intake.field('idNumber').fill('089085012345');
    await intake.field('birthDate').fill('12/05/1990');
    await expect.poll(() => intake.error('idNumber').textContent()).toMatch(/không khớp/);

    // Future birth date.
    await intake.field('idNumber').fill(ANH.idNumber);
    await intake.field('birthDate').fill('01/01/2099');
    await waitVisible(intake.error('birthDate'));
    expect(await intake.error('birthDate').textContent()).toBe('Ngày sinh không được sau ngày hôm nay.');
    // A date that does not exist.
    await intake.field('birthDate').fill('31/02/1990');
    await expect.poll(() => intake.error('birthDate').textContent()).toMatch(/dd\/mm\/yyyy/);
    await run.shot('bad-birth-date');

    // Empty name.
    await intake.field('birthDate').fill(ANH.birthDate);
    await intake.field('fullName').fill('');
    await run.page.keyboard.press('Control+Enter');
    await waitVisible(intake.error('fullName'));
    expect(await intake.error('fullName').textContent()).toBe('Họ và tên: không được để trống.');
    await run.shot('empty-name');

    // The server's own check answers the same way (fields keyed 'applicant.idNumber').
    const bad = await run.rpc('dossiers.receive', {
      procedureCode: '1.001193',
      applicant: { fullName: 'A', idNumber: '000190012345', birthDate: ANH.birthIso, address: 'x', phone: '', email: '' },
      components: [],
      resultDelivery: 'counter',
    });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.fields?.['applicant.idNumber']).toMatch(/Mã tỉnh/);

    // Nothing was saved.
    const list = await run.call('dossiers.list', {});
    expect(list.total).toBe(0);
    expect(await intake.t('intake-result').count()).toBe(0);
    expect(run.dialogs).toEqual([]);
  });

  it('renders HTML typed into text fields as text, in the intake and in the detail view', async () => {
    run = await startRun('bad-input-html');
    await setUpUnit(run);
    const shell = new Shell(run.page);
    await shell.goIntake();
    const intake = new IntakePage(run.page);
    await intake.pickProcedureByKeyboard('1.001193', '1.001193');
    await intake.fillApplicant({ ...DANG, address: IMG });
    await intake.t('intake-note').fill(SCRIPT);
    await intake.tickAll();
    const { code } = await intake.saveReceipt();
    await run.page.waitForTimeout(500);
    await run.shot('saved-with-html');

    await intake.t('open-dossier').click();
    await waitVisible(run.page.locator('[data-testid="dossier-detail"]'));
    expect(await run.page.locator('[data-testid="detail-code"]').textContent()).toBe(code);
    expect(await run.page.locator('[data-testid="detail-address"]').textContent()).toBe(IMG);
    expect(await run.page.locator('[data-testid="detail-note"]').textContent()).toBe(SCRIPT);
    // Visible as literal text, and no element was created from it.
    await waitVisible(run.page.getByText(IMG, { exact: true }));
    await waitVisible(run.page.getByText(SCRIPT, { exact: true }));
    expect(await run.page.locator('[data-testid="dossier-detail"] img, [data-testid="dossier-detail"] script').count()).toBe(0);
    await run.page.waitForTimeout(300);
    await run.shot('detail-shows-text');
    expect(run.dialogs).toEqual([]);

    // Also in the list.
    await shell.goList();
    await waitVisible(run.page.locator('[data-testid="dossier-row"]'));
    expect(run.dialogs).toEqual([]);
  });

  it('accepts hostile search strings without an error', async () => {
    run = await startRun('bad-input-search');
    await setUpUnit(run);
    await receiveDossier(run, '1.001193', ANH);
    const shell = new Shell(run.page);
    await shell.goList();
    const list = new ListPage(run.page);
    await waitVisible(list.rows());
    for (const q of ['"', 'AND OR', '*', 'NEAR(', "'; DROP TABLE dossiers; --", '%_\\', IMG]) {
      await list.search(q);
      await waitVisible(run.page.locator('[data-testid="dossier-table"]'));
      expect(await list.t('list-error').count(), `query ${q}`).toBe(0);
      expect(await run.page.locator('[data-testid="error-boundary"]').count()).toBe(0);
    }
    await run.shot('hostile-search');
    // The app still works afterwards.
    await list.search('nguyen');
    await expect.poll(() => list.rows().count()).toBe(1);
    expect(run.dialogs).toEqual([]);
    expect(run.pageErrors, run.pageErrors.join('\n')).toEqual([]);
  });
});
