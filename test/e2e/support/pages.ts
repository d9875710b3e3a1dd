// Page objects: what a clerk does on each screen, in the app's own words.
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { UnitSettings } from '../../../shared/domain/types';
import { minutesToHhmmForTest } from './time';
import type { TestApplicant } from './data';

const tid = (page: Page, id: string): Locator => page.locator(`[data-testid="${id}"]`);

export async function waitVisible(l: Locator, timeout = 10_000): Promise<Locator> {
  await l.first().waitFor({ state: 'visible', timeout });
  return l;
}

export class SetupPage {
  constructor(readonly page: Page) {}
  form() {
    return tid(this.page, 'setup-form');
  }
  async fill(u: UnitSettings) {
    await waitVisible(this.form());
    const p = this.page;
    for (const k of ['unitCode', 'provinceName', 'unitName', 'parentName', 'placeName', 'clerkName', 'contactPhone'] as const) {
      await tid(p, `setup-${k}`).fill(u[k]);
    }
    const wh = u.workingHours;
    await tid(p, 'setup-morningStart').fill(minutesToHhmmForTest(wh.morningStart));
    await tid(p, 'setup-morningEnd').fill(minutesToHhmmForTest(wh.morningEnd));
    await tid(p, 'setup-afternoonStart').fill(minutesToHhmmForTest(wh.afternoonStart));
    await tid(p, 'setup-afternoonEnd').fill(minutesToHhmmForTest(wh.afternoonEnd));
  }
  async save() {
    await tid(this.page, 'setup-save').click();
    await waitVisible(tid(this.page, 'unit-name'));
  }
}

export class Shell {
  constructor(readonly page: Page) {}
  unitName() {
    return tid(this.page, 'unit-name');
  }
  savedIndicator() {
    return tid(this.page, 'saved-indicator');
  }
  async goIntake() {
    await this.page.keyboard.press('F2');
    await waitVisible(tid(this.page, 'intake'));
  }
  async goList() {
    await this.page.keyboard.press('F3');
    await waitVisible(tid(this.page, 'dossier-list'));
  }
  async goCatalogue() {
    await tid(this.page, 'nav-catalogue').click();
    await waitVisible(tid(this.page, 'catalogue'));
  }
  async goHolidays() {
    await tid(this.page, 'nav-holidays').click();
    await waitVisible(tid(this.page, 'holidays'));
  }
  /** Waits until the header says the draft was saved at or after `since`. */
  async waitDraftSaved() {
    await this.page.waitForFunction(
      () => {
        const el = document.querySelector('[data-testid="saved-indicator"]');
        return el?.getAttribute('data-state') === 'saved' && /bản nháp/.test(el.textContent ?? '');
      },
      undefined,
      { timeout: 5_000 },
    );
  }
  async scrollWidth(): Promise<number> {
    return this.page.evaluate(() => document.scrollingElement!.scrollWidth);
  }
}

export class IntakePage {
  constructor(readonly page: Page) {}
  t(id: string) {
    return tid(this.page, id);
  }
  field(k: keyof TestApplicant) {
    return tid(this.page, `applicant-${k}`);
  }
  error(k: string) {
    return tid(this.page, `err-applicant.${k}`);
  }
  /** Types into the procedure search and picks the option with this code, by keyboard. */
  async pickProcedureByKeyboard(query: string, code: string) {
    const search = this.t('procedure-search');
    await search.focus();
    await this.page.keyboard.type(query, { delay: 15 });
    const options = this.t('procedure-option');
    await expect.poll(async () => (await options.allTextContents()).some((t) => t.includes(code)), { timeout: 5_000 }).toBe(true);
    // Let the debounced search settle on the full query.
    await this.page.waitForTimeout(200);
    const texts = await options.allTextContents();
    const index = texts.findIndex((t) => t.includes(code));
    for (let i = 0; i < index; i++) await this.page.keyboard.press('ArrowDown');
    await this.page.keyboard.press('Enter');
    await waitVisible(this.t('procedure-selected'));
    expect(await this.t('procedure-selected').textContent()).toContain(code);
  }
  async fillApplicant(a: Partial<TestApplicant>) {
    for (const k of ['fullName', 'idNumber', 'birthDate', 'address', 'phone', 'email'] as const) {
      if (a[k] !== undefined) await this.field(k).fill(a[k]!);
    }
  }
  async tickAll() {
    const boxes = this.page.locator('[data-testid^="component-check-"]');
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
    await this.typePages();
  }
  /** The page count a by-page fee asks for (chứng thực bản sao), as the clerk types it from the paper. */
  async typePages(pages = 2) {
    const inputs = this.page.locator('[data-testid^="component-pages-"]');
    for (let i = 0; i < (await inputs.count()); i++) if ((await inputs.nth(i).inputValue()) === '') await inputs.nth(i).fill(String(pages));
  }
  async tickRequired() {
    const rows = this.t('component-row');
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      if ((await row.locator('.req-badge').count()) > 0) await row.locator('input[type="checkbox"]').check();
    }
    await this.typePages();
  }
  async saveReceipt(): Promise<{ code: string; appointment: string }> {
    await this.page.keyboard.press('Control+Enter');
    await waitVisible(this.t('result-code'), 15_000);
    return {
      code: (await this.t('result-code').textContent())!.trim(),
      appointment: (await this.t('result-appointment').textContent())!.trim(),
    };
  }
}

export class ListPage {
  constructor(readonly page: Page) {}
  t(id: string) {
    return tid(this.page, id);
  }
  async search(q: string) {
    await this.t('list-search').fill(q);
    // Debounce (200 ms) + round trip.
    await this.page.waitForTimeout(450);
  }
  rows() {
    return this.t('dossier-row');
  }
  async rowTexts(): Promise<string[]> {
    return this.rows().allTextContents();
  }
}

/** From anywhere: the list, the dossier found by its code, its detail with the pages panel. */
export async function openDossierPages(page: Page, code: string): Promise<void> {
  await new Shell(page).goList();
  const list = new ListPage(page);
  await list.search(code);
  await waitVisible(list.rows());
  await list.rows().first().click();
  await waitVisible(tid(page, 'pages-panel'));
}
