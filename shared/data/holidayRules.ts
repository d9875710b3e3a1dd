// Public holidays (ngày nghỉ lễ, tết) as versioned DATA, not code (DOMAIN.md §7).
// Each rule set carries its legal basis and the date it took effect; for any date the
// set with the latest effectiveFrom not after that date is in force
// (shared/domain/calendar/holidays.ts). When the law changes, ADD a rule set here;
// do not edit an old one, so that old dossiers keep their old due dates.
// The unit confirms each year in its editable holiday table (the official notices
// choose the exact Tết days and may swap working days); that table overrides these rules.

/** A fixed solar day, e.g. 1/1. */
export interface SolarHolidayRule {
  kind: 'solar';
  id: string;
  name: string;
  month: number;
  day: number;
  /** Present when the rule is not yet confirmed from the official text. */
  unverified?: string;
}

/**
 * The extra day next to a solar holiday (Quốc khánh: 2/9 "và 01 ngày liền kề trước hoặc sau").
 * - 'before' / 'after': the day before / after.
 * - 'joinWeekend': the side that joins the holiday to the weekend, the pattern of the
 *   notices 2021–2025 (Mon → Tue, Tue → Mon, Thu → Fri, Fri → Thu, Sat → Fri,
 *   Sun → Mon); for a Wednesday it takes the day after, a guess the unit must confirm.
 */
export interface AdjacentHolidayRule {
  kind: 'solarAdjacent';
  id: string;
  name: string;
  month: number;
  day: number;
  choose: 'before' | 'after' | 'joinWeekend';
}

/** A fixed day of the Vietnamese lunar calendar (the non-leap month), e.g. Giỗ Tổ 10/3. */
export interface LunarHolidayRule {
  kind: 'lunar';
  id: string;
  name: string;
  lunarMonth: number;
  lunarDay: number;
}

/**
 * Tết Nguyên đán: daysBefore days at the end of the old lunar year plus daysFrom days
 * from mùng 1. The law gives 5 days and leaves the choice to the Prime Minister each
 * year; the default pattern is the last day of the year + mùng 1–4.
 */
export interface LunarNewYearRule {
  kind: 'lunarNewYear';
  id: string;
  name: string;
  daysBefore: number;
  daysFrom: number;
}

/**
 * Nghỉ bù: a holiday falling on a weekly rest day gives the next working day off
 * (BLLĐ 45/2019 Điều 112 khoản 3; BLLĐ 10/2012 Điều 115 khoản 3).
 * weekdays: the weekly rest days, 0 = Sunday … 6 = Saturday.
 */
export interface CompensationRule {
  kind: 'compensation';
  id: string;
  name: string;
  weekdays: number[];
}

export type HolidayRule = SolarHolidayRule | AdjacentHolidayRule | LunarHolidayRule | LunarNewYearRule | CompensationRule;

export interface HolidayRuleSet {
  id: string;
  legalBasis: string;
  /** 'yyyy-mm-dd': the set applies to dates on or after this day. */
  effectiveFrom: string;
  note?: string;
  /**
   * Present while the set is not confirmed from the official text: its days are then only
   * proposed to the unit (the Holidays screen), and count in deadlines once the unit has
   * confirmed them; the certain rules in force apply meanwhile.
   */
  unverified?: string;
  rules: HolidayRule[];
}

const WEEKEND = [0, 6];

/** Labour Code 2012 (10/2012/QH13) Điều 115: 10 days; Quốc khánh 1 day. */
const LC2012_RULES: HolidayRule[] = [
  { kind: 'solar', id: 'tet-duong-lich', name: 'Tết Dương lịch', month: 1, day: 1 },
  { kind: 'lunarNewYear', id: 'tet-nguyen-dan', name: 'Tết Nguyên đán', daysBefore: 1, daysFrom: 4 },
  { kind: 'lunar', id: 'gio-to-hung-vuong', name: 'Giỗ Tổ Hùng Vương', lunarMonth: 3, lunarDay: 10 },
  { kind: 'solar', id: 'giai-phong-mien-nam', name: 'Ngày Giải phóng miền Nam', month: 4, day: 30 },
  { kind: 'solar', id: 'quoc-te-lao-dong', name: 'Ngày Quốc tế Lao động', month: 5, day: 1 },
  { kind: 'solar', id: 'quoc-khanh', name: 'Quốc khánh', month: 9, day: 2 },
  { kind: 'compensation', id: 'nghi-bu', name: 'Nghỉ bù', weekdays: WEEKEND },
];

/** Labour Code 2019 (45/2019/QH14) Điều 112 khoản 1: 11 days; Quốc khánh 2/9 plus one adjacent day. */
const LC2019_RULES: HolidayRule[] = [
  { kind: 'solar', id: 'tet-duong-lich', name: 'Tết Dương lịch', month: 1, day: 1 },
  { kind: 'lunarNewYear', id: 'tet-nguyen-dan', name: 'Tết Nguyên đán', daysBefore: 1, daysFrom: 4 },
  { kind: 'lunar', id: 'gio-to-hung-vuong', name: 'Giỗ Tổ Hùng Vương', lunarMonth: 3, lunarDay: 10 },
  { kind: 'solar', id: 'giai-phong-mien-nam', name: 'Ngày Giải phóng miền Nam', month: 4, day: 30 },
  { kind: 'solar', id: 'quoc-te-lao-dong', name: 'Ngày Quốc tế Lao động', month: 5, day: 1 },
  { kind: 'solar', id: 'quoc-khanh', name: 'Quốc khánh', month: 9, day: 2 },
  { kind: 'solarAdjacent', id: 'quoc-khanh-lien-ke', name: 'Quốc khánh (ngày liền kề)', month: 9, day: 2, choose: 'joinWeekend' },
  { kind: 'compensation', id: 'nghi-bu', name: 'Nghỉ bù', weekdays: WEEKEND },
];

/**
 * UNVERIFIED: Ngày Văn hóa Việt Nam 24/11 as a paid day off from 01/7/2026, reported by
 * several repositories as NQ 28/2026/QH16 (DOMAIN.md §7, ◐). Not checked against the
 * official text. Kept as its own rule so that it can be dropped; a unit that does not
 * observe it enters 24/11 as a 'work' day in its holiday table.
 */
export const CULTURE_DAY_RULE: SolarHolidayRule = {
  kind: 'solar',
  id: 'culture-day-24-11-unverified',
  name: 'Ngày Văn hóa Việt Nam',
  month: 11,
  day: 24,
  unverified: 'NQ 28/2026/QH16 (chưa xác minh văn bản gốc): kiểm tra trước khi dùng.',
};

export const HOLIDAY_RULE_SETS: readonly HolidayRuleSet[] = [
  {
    id: 'labour-code-2012',
    legalBasis: 'Bộ luật Lao động số 10/2012/QH13, Điều 115',
    effectiveFrom: '2013-05-01',
    rules: LC2012_RULES,
  },
  {
    id: 'labour-code-2019',
    legalBasis: 'Bộ luật Lao động số 45/2019/QH14, Điều 112',
    effectiveFrom: '2021-01-01',
    rules: LC2019_RULES,
  },
  {
    id: 'labour-code-2019-culture-day-unverified',
    legalBasis: 'Bộ luật Lao động số 45/2019/QH14, Điều 112; NQ 28/2026/QH16 (chưa xác minh)',
    effectiveFrom: '2026-07-01',
    note: 'Thêm Ngày Văn hóa Việt Nam 24/11 (chưa xác minh văn bản gốc).',
    unverified: 'NQ 28/2026/QH16: chưa đối chiếu văn bản gốc.',
    rules: [...LC2019_RULES, CULTURE_DAY_RULE],
  },
];

/** One day of an official notice: 'off' = a day off, 'work' = a weekend day worked (hoán đổi). */
export interface OfficialNoticeDay {
  date: string;
  name: string;
  kind: 'off' | 'work';
}

/**
 * A year's official arrangement for civil servants (công chức, viên chức), to be offered to
 * the unit for its holiday table. Only notices whose days were seen in a source are here;
 * `confidence` says how sure: 'secondary' = seen in press reports, not in the notice itself.
 */
export interface OfficialNotice {
  id: string;
  year: number;
  legalBasis: string;
  confidence: 'official' | 'secondary';
  source: string;
  note: string;
  days: OfficialNoticeDay[];
}

export const OFFICIAL_NOTICES: readonly OfficialNotice[] = [
  {
    id: '2026-tet-duong-lich',
    year: 2026,
    legalBasis: 'Công văn 12729/VPCP-KGVX ngày 25/12/2025',
    confidence: 'secondary',
    source: 'Báo chí đưa tin về Công văn 12729/VPCP-KGVX (chưa đối chiếu văn bản gốc)',
    note: 'Nghỉ từ thứ Năm 01/01/2026 đến hết Chủ nhật 04/01/2026; làm bù thứ Bảy 10/01/2026.',
    days: [
      { date: '2026-01-02', name: 'Nghỉ hoán đổi Tết Dương lịch', kind: 'off' },
      { date: '2026-01-10', name: 'Làm việc bù (hoán đổi ngày 02/01/2026)', kind: 'work' },
    ],
  },
  {
    id: '2026-tet-nguyen-dan',
    year: 2026,
    legalBasis: 'Thông báo 9441/TB-BNV (theo DOMAIN.md §7, ◐)',
    confidence: 'secondary',
    source: 'congan.com.vn: nghỉ từ thứ Bảy 14/02/2026 (27 tháng Chạp) đến hết Chủ nhật 22/02/2026 (mùng 6)',
    note: 'Trùng với cách tính mặc định (29 tháng Chạp và mùng 1–4); không có hoán đổi.',
    days: [
      { date: '2026-02-16', name: 'Tết Nguyên đán (29 tháng Chạp)', kind: 'off' },
      { date: '2026-02-17', name: 'Tết Nguyên đán (mùng 1)', kind: 'off' },
      { date: '2026-02-18', name: 'Tết Nguyên đán (mùng 2)', kind: 'off' },
      { date: '2026-02-19', name: 'Tết Nguyên đán (mùng 3)', kind: 'off' },
      { date: '2026-02-20', name: 'Tết Nguyên đán (mùng 4)', kind: 'off' },
    ],
  },
  // Quốc khánh 2026 (2/9 is a Wednesday): press reports a 5-day break for civil servants,
  // but the exact days and swaps were not found, so no entry: the unit enters them.
];
