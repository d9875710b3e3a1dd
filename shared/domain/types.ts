// The domain model of the commune one-stop counter (DOMAIN.md §1–§4, §7, §10).
// Pure types: no Node, no DOM, no Electron. Imported by every layer.
//
// Time: every instant is epoch milliseconds (UTC). Calendar rules work on
// Vietnam wall-clock time (UTC+7, no daylight saving since 1975), see
// shared/domain/vnTime.ts. Calendar dates without a time are 'yyyy-mm-dd'.

export type EpochMs = number;
/** A calendar date 'yyyy-mm-dd' (no time, no zone). */
export type IsoDate = string;

/** TrangThaiHoSo codes of the national portal (DOMAIN.md §4). */
export type DossierStatus = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;

/** KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 qua bưu chính công ích. */
export type Channel = 1 | 2 | 3;

/** HinhThuc nhận kết quả: 0 tại Bộ phận Một cửa, 1 qua bưu chính công ích. */
export type ResultDelivery = 'counter' | 'post';

/** The unit's own settings, set on first run. */
export interface UnitSettings {
  /** Mã định danh of the receiving unit, e.g. '000.00.13.H12' or 'H01.151'. */
  unitCode: string;
  /** e.g. 'Trung tâm Phục vụ hành chính công xã Định Mỹ'. */
  unitName: string;
  /** The governing body printed above the unit on forms, e.g. 'UBND XÃ ĐỊNH MỸ'. */
  parentName: string;
  /** Province name, e.g. 'An Giang'. */
  provinceName: string;
  /** Place name printed before the date on forms ('Định Mỹ, ngày … tháng … năm …'). */
  placeName: string;
  /** Name of the clerk using this counter (printed on receipts). */
  clerkName: string;
  /** Contact phone printed on Mẫu 02. */
  contactPhone: string;
  /** Working hours; default 07:00–11:30 and 13:30–17:00 (DOMAIN.md §7). */
  workingHours: WorkingHours;
}

/** Minutes since midnight, Vietnam time. */
export interface WorkingHours {
  morningStart: number;
  morningEnd: number;
  afternoonStart: number;
  afternoonEnd: number;
}

export const DEFAULT_WORKING_HOURS: WorkingHours = {
  morningStart: 7 * 60,
  morningEnd: 11 * 60 + 30,
  afternoonStart: 13 * 60 + 30,
  afternoonEnd: 17 * 60,
};

/**
 * How the processing time of a procedure is counted (DOMAIN.md §7).
 * - workingHours: N working hours, 8 h = 1 working day.
 * - sameDay: returned the same working day if received before the cut-off
 *   (15:00 for civil status and certification), otherwise the next working day.
 * - calendarDays: N calendar days; a due date on a day off moves to the next working day.
 * - none: the procedure has no appointment date (KhongCoNgayHenTra).
 */
export type ProcessingTime = { kind: 'workingHours'; hours: number } | { kind: 'sameDay'; cutoffMinutes: number } | { kind: 'calendarDays'; days: number } | { kind: 'none' };

export interface ProcedureComponent {
  /** Stable id inside the procedure, e.g. 'tokhai'. */
  id: string;
  name: string;
  /** Number of originals (bản chính), certified copies (bản chứng thực), photocopies (bản photo). */
  original: number;
  certified: number;
  photocopy: number;
  /** Whether the dossier is incomplete without it. */
  required: boolean;
  note?: string;
}

export interface Fee {
  /** VND; 0 = free. */
  amount: number;
  /** How it is charged, e.g. 'Miễn lệ phí nếu đăng ký đúng hạn'. */
  description: string;
  /**
   * Charged by the page of each copy of one paper (chứng thực bản sao, TT 226/2016/TT-BTC):
   * `amount` is the rate from page 1, each tier the rate from its page on, at most maxPerCopy
   * per copy (0 = no cap). shared/domain/fees.ts computes it.
   */
  byPage?: { componentId: string; tiers: { fromPage: number; amount: number }[]; maxPerCopy: number };
}

export interface Procedure {
  /** National code, e.g. '1.001193'. */
  code: string;
  name: string;
  fieldCode: string;
  fieldName: string;
  processing: ProcessingTime;
  fee: Fee;
  components: ProcedureComponent[];
  /** The legal basis the procedure is run under. */
  legalBasis: string;
  /** Where the record came from (catalogue file and version, or 'unit edit'). */
  source: string;
  /** Whether the procedure can be received by public postal service (QĐ 45/2016). */
  postalAllowed: boolean;
  active: boolean;
}

export interface Applicant {
  fullName: string;
  /** 12-digit personal ID (CCCD / số định danh cá nhân). */
  idNumber: string;
  birthDate: IsoDate;
  address: string;
  phone: string;
  email: string;
}

export interface DossierComponent {
  componentId: string;
  name: string;
  original: number;
  certified: number;
  photocopy: number;
  /** Ticked at the counter: the citizen handed it over. */
  received: boolean;
  /** "Không áp dụng": an optional paper that does not apply to this citizen (never received, never missing). Absent = applies. */
  notApplicable?: true;
  /** Pages of one copy, recorded for the paper a by-page fee counts (Fee.byPage). Absent = not asked. */
  pages?: number;
}

export interface Dossier {
  id: string;
  /** Mã hồ sơ '{unit code}-{yyMMdd}-{NNNN}'. */
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName: string;
  fieldCode: string;
  fieldName: string;
  applicant: Applicant;
  components: DossierComponent[];
  /** Số lượng hồ sơ (bộ). */
  copies: number;
  channel: Channel;
  resultDelivery: ResultDelivery;
  status: DossierStatus;
  receivedAt: EpochMs;
  /** Ngày hẹn trả; null for procedures with no appointment date. */
  appointmentAt: EpochMs | null;
  /** Processing time in working hours as printed on Mẫu 01 (÷ 8 = days). */
  processingHours: number | null;
  receivedBy: string;
  note: string;
  /** Refusal reason (status 3) or stop reason (status 8). */
  reason: string;
  finishedAt: EpochMs | null;
  returnedAt: EpochMs | null;
  updatedAt: EpochMs;
  /** Sổ theo dõi: quyển số (the year) and số thứ tự (the number in the year). */
  registerBook: number;
  registerNo: number;
}

export type DossierEventType =
  | 'received'
  | 'refused'
  | 'transferred'
  | 'supplement_requested'
  | 'supplemented'
  | 'payment_requested'
  | 'withdrawn'
  | 'stopped'
  | 'resolved'
  | 'result_returned'
  | 'form_printed'
  | 'edited'
  /** Digitised components of an earlier dossier attached to this one (DOMAIN.md §5). */
  | 'reused';

export interface DossierEvent {
  id: string;
  dossierId: string;
  type: DossierEventType;
  fromStatus: DossierStatus | null;
  toStatus: DossierStatus | null;
  actor: string;
  at: EpochMs;
  note: string;
}

/** Mẫu 02: one-time written guidance for an incomplete dossier, recorded. */
export interface GuidanceSlip {
  id: string;
  /** Số …/HDHS, numbered per unit per year inside the issuing PC's slot (yearlyNumberForSlot). */
  number: number;
  year: number;
  unitCode: string;
  procedureCode: string;
  procedureName: string;
  applicant: Applicant;
  /** The components to supply or complete. */
  missing: DossierComponent[];
  reason: string;
  issuedBy: string;
  issuedAt: EpochMs;
  /** The counter PC whose slot holds the number (PROTOCOL.md §7); null for numbers made before slots. */
  counterSlot: number | null;
  /** The device id of another PC of the unit that issued it (pulled from the hub); null = this PC. */
  fromDevice: string | null;
}

/** A day off or a swapped working day in the unit's editable holiday table. */
export interface HolidayEntry {
  date: IsoDate;
  name: string;
  /** 'off' = not a working day; 'work' = a weekend day made a working day (official swap). */
  kind: 'off' | 'work';
  /**
   * 'rule' = computed from the holiday rules; 'unit' = entered by the unit; 'proposed' = a day
   * of a rule not yet confirmed (shared/data/holidayRules.ts `unverified`), listed for the
   * unit to confirm and not counted in deadlines until it does.
   */
  origin: 'rule' | 'unit' | 'proposed';
}

export interface DossierSummary {
  id: string;
  code: string;
  procedureCode: string;
  procedureName: string;
  applicantName: string;
  idNumber: string;
  phone: string;
  status: DossierStatus;
  receivedAt: EpochMs;
  appointmentAt: EpochMs | null;
}
