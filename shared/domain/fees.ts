// What a dossier's fee comes to, from the procedure's fee as the catalogue gives it (data,
// versioned with the catalogue) and what the counter recorded. Pure: the intake shows the
// quote as the clerk types, the main process checks and records it, the receipt prints it.
//
// Most fees are one amount per case. Chứng thực bản sao từ bản chính is charged by the page
// of each copy (Thông tư 226/2016/TT-BTC, art. 4): 2.000đ for each of the first two pages,
// 1.000đ from the third, at most 200.000đ per copy. The catalogue says so with `byPage`
// (the tiers and the cap are data, so a new circular is a new catalogue version) and names
// the component whose copies are certified; the counter records that paper's page count
// beside its copy counts.
import type { DossierComponent, Fee } from './types';

export interface FeeQuote {
  /** VND. */
  amount: number;
  /** How it was reached, for the clerk and the receipt: '2 bản × 3 trang'. Empty for a flat fee. */
  detail: string;
  /** A by-page fee whose page count is not recorded yet: the amount is not known. */
  pagesMissing: boolean;
}

/** The charge for one copy of `pages` pages under the tiers (ascending fromPage, the first from page 1 at fee.amount). */
export function perCopyAmount(fee: Fee, pages: number): number {
  const by = fee.byPage;
  if (!by) return fee.amount;
  let sum = 0;
  for (let page = 1; page <= pages; page++) sum += pageRate(fee, page);
  return by.maxPerCopy > 0 ? Math.min(sum, by.maxPerCopy) : sum;
}

function pageRate(fee: Fee, page: number): number {
  let rate = fee.amount;
  for (const t of fee.byPage?.tiers ?? []) if (page >= t.fromPage) rate = t.amount;
  return rate;
}

/** How many copies of the paper are certified: every copy the citizen handed over of it. */
export function copiesOf(c: Pick<DossierComponent, 'original' | 'certified' | 'photocopy'>): number {
  return c.original + c.certified + c.photocopy;
}

/** The fee for the dossier's components as recorded (a paper not received or not applicable is not charged). */
export function quoteFee(fee: Fee, components: readonly Pick<DossierComponent, 'componentId' | 'original' | 'certified' | 'photocopy' | 'received' | 'notApplicable' | 'pages'>[]): FeeQuote {
  const by = fee.byPage;
  if (!by) return { amount: fee.amount, detail: '', pagesMissing: false };
  const c = components.find((x) => x.componentId === by.componentId);
  if (!c || !c.received || c.notApplicable) return { amount: 0, detail: '', pagesMissing: false };
  const copies = copiesOf(c);
  if (!c.pages) return { amount: 0, detail: `${copies} bản, chưa nhập số trang`, pagesMissing: copies > 0 };
  return { amount: perCopyAmount(fee, c.pages) * copies, detail: `${copies} bản × ${c.pages} trang`, pagesMissing: false };
}

/** The component whose page count the fee needs, or null. */
export function pagesComponentId(fee: Fee): string | null {
  return fee.byPage?.componentId ?? null;
}

/** What is wrong with a by-page fee's data, in Vietnamese, or null (catalogue validation and procedures.save). */
export function byPageProblem(fee: Fee, componentIds: readonly string[]): string | null {
  const by = fee.byPage;
  if (!by) return null;
  if (!componentIds.includes(by.componentId)) return `Lệ phí tính theo trang: thủ tục không có thành phần "${by.componentId}".`;
  let last = 1;
  for (const t of by.tiers) {
    if (t.fromPage <= last) return 'Lệ phí tính theo trang: các bậc phải bắt đầu từ trang 2 trở đi và tăng dần.';
    last = t.fromPage;
  }
  return null;
}
