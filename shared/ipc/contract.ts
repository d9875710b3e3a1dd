// The one contract between the renderer and the main process.
// Every call: a channel name, an argument schema (validated at the boundary, whatever
// the transport: Electron IPC, the loopback HTTP transport, or in-memory in tests),
// and a result type. Results travel as { ok: true, value } | { ok: false, error }.
import { z } from 'zod';
import { checkCccd } from '../domain/cccd';
import { parseIsoDate } from '../domain/vnTime';
import type { Dossier, DossierEvent, DossierStatus, DossierSummary, GuidanceSlip, HolidayEntry, Procedure, UnitSettings, Applicant, EpochMs } from '../domain/types';
import { nfc } from '../domain/text';
import { byPageProblem } from '../domain/fees';
import { pagesCalls } from './pages';
import { captureCalls } from './capture';
import { syncCalls } from './sync';
import { CHANNEL_NAMES, type ChannelName } from './channels';

// ---------- building blocks ----------

/** Text from a person: NFC, control characters removed, trimmed, bounded. */
export const text = (max: number, label: string) =>
  z
    .string({ error: `${label}: phải là chuỗi ký tự.` })
    .transform((s) => nfc(s).trim())
    .refine((s) => s.length <= max, { message: `${label}: dài quá ${max} ký tự.` });

export const requiredText = (max: number, label: string) => text(max, label).refine((s) => s.length > 0, { message: `${label}: không được để trống.` });

const isoDate = (label: string) => z.string({ error: `${label}: phải là ngày.` }).refine((s) => parseIsoDate(s) !== null, { message: `${label}: ngày không hợp lệ.` });

const epochMs = z.number().int().min(0).max(8_640_000_000_000);

export const dossierStatus = z.union([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => z.literal(n)) as unknown as [z.ZodLiteral<1>, z.ZodLiteral<2>, ...z.ZodLiteral<DossierStatus>[]], {
  error: 'Trạng thái hồ sơ không hợp lệ.',
}) as unknown as z.ZodType<DossierStatus>;

const procedureCode = z.string().regex(/^[0-9A-Za-z.\-_]{1,60}$/, 'Mã thủ tục không hợp lệ.');

const id = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'Mã định danh bản ghi không hợp lệ.');

const todayIso = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

/** The applicant's fields one by one; dossiers.editFields checks each changed field with these. */
export const applicantFields = z.object({
  fullName: requiredText(120, 'Họ và tên')
    .transform((s) => s.replace(/\s+/g, ' '))
    .refine((s) => !/[<>{}\[\]\\|@#$%^*=+~`"]/.test(s) && !/\d/.test(s), {
      message: 'Họ và tên chỉ gồm chữ cái, dấu cách, dấu gạch nối và dấu nháy đơn.',
    }),
  idNumber: z.string().transform((s) => s.replace(/\s+/g, '')),
  birthDate: isoDate('Ngày sinh'),
  address: requiredText(300, 'Địa chỉ'),
  phone: text(20, 'Số điện thoại')
    .refine((s) => s === '' || /^(\+84|0)\d{8,10}$/.test(s.replace(/[\s.]/g, '')), {
      message: 'Số điện thoại không hợp lệ (10 số, bắt đầu bằng 0 hoặc +84).',
    })
    .transform((s) => s.replace(/[\s.]/g, '')),
  email: text(120, 'Email').refine((s) => s === '' || /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s), {
    message: 'Email không hợp lệ.',
  }),
});

/** The applicant with the checks across fields (birth date range, the ID number against the birth year). */
export const applicantSchema = applicantFields.superRefine((a, ctx) => {
  if (a.birthDate > todayIso()) {
    ctx.addIssue({ code: 'custom', path: ['birthDate'], message: 'Ngày sinh không được sau ngày hôm nay.' });
  }
  if (a.birthDate < '1900-01-01') {
    ctx.addIssue({ code: 'custom', path: ['birthDate'], message: 'Ngày sinh trước năm 1900: kiểm tra lại.' });
  }
  const c = checkCccd(a.idNumber, a.birthDate);
  if (!c.ok) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: c.message });
});

const componentSchema = z.object({
  componentId: z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/),
  name: requiredText(500, 'Tên thành phần hồ sơ'),
  original: z.number().int().min(0).max(99),
  certified: z.number().int().min(0).max(99),
  photocopy: z.number().int().min(0).max(99),
  received: z.boolean(),
  /** "Không áp dụng" (shared/domain/componentApplies.ts): true, or absent when the paper applies. */
  notApplicable: z.literal(true, { error: 'Đánh dấu "không áp dụng" chỉ nhận giá trị true (hoặc bỏ trống).' }).optional(),
  pages: z.number({ error: 'Số trang phải là số.' }).int('Số trang phải là số nguyên.').min(1, 'Số trang: ít nhất 1 trang.').max(9999, 'Số trang: nhiều nhất 9.999 trang.').optional(),
});

const workingHoursSchema = z
  .object({
    morningStart: z.number().int().min(0).max(1440),
    morningEnd: z.number().int().min(0).max(1440),
    afternoonStart: z.number().int().min(0).max(1440),
    afternoonEnd: z.number().int().min(0).max(1440),
  })
  .refine((w) => w.morningStart < w.morningEnd && w.morningEnd <= w.afternoonStart && w.afternoonStart < w.afternoonEnd, {
    message: 'Giờ làm việc không hợp lệ.',
  });

export const unitSettingsSchema = z.object({
  unitCode: z
    .string()
    .transform((s) => s.trim())
    .refine((s) => s !== '', { message: 'Mã định danh đơn vị: không được để trống.', abort: true })
    .refine((s) => /^[0-9A-Z]{1,6}(\.[0-9A-Z]{1,6}){1,5}$/.test(s), {
      message: 'Mã định danh đơn vị không hợp lệ (ví dụ 000.00.13.H12 hoặc H01.151).',
    }),
  unitName: requiredText(200, 'Tên đơn vị'),
  parentName: requiredText(200, 'Cơ quan chủ quản'),
  provinceName: requiredText(100, 'Tỉnh/thành phố'),
  placeName: requiredText(100, 'Địa danh'),
  clerkName: requiredText(120, 'Tên cán bộ tiếp nhận'),
  contactPhone: text(30, 'Số điện thoại liên hệ'),
  workingHours: workingHoursSchema,
}) satisfies z.ZodType<UnitSettings, unknown>;

const processingSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('workingHours'),
    hours: z
      .number()
      .int()
      .min(1)
      .max(8 * 365),
  }),
  z.object({ kind: z.literal('sameDay'), cutoffMinutes: z.number().int().min(0).max(1440) }),
  z.object({ kind: z.literal('calendarDays'), days: z.number().int().min(1).max(365) }),
  z.object({ kind: z.literal('none') }),
]);

export const procedureSchema = z
  .object({
    code: procedureCode,
    name: requiredText(500, 'Tên thủ tục'),
    fieldCode: text(60, 'Mã lĩnh vực'),
    fieldName: requiredText(200, 'Lĩnh vực'),
    processing: processingSchema,
    fee: z.object({
      amount: z.number().int().min(0).max(1_000_000_000),
      description: text(500, 'Lệ phí'),
      byPage: z
        .object({
          componentId: z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/, 'Mã thành phần hồ sơ không hợp lệ.'),
          tiers: z.array(z.object({ fromPage: z.number().int().min(2).max(9999), amount: z.number().int().min(0).max(1_000_000_000) })).max(10),
          maxPerCopy: z.number().int().min(0).max(1_000_000_000),
        })
        .optional(),
    }),
    components: z
      .array(
        z.object({
          id: z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/),
          name: requiredText(500, 'Tên thành phần hồ sơ'),
          original: z.number().int().min(0).max(99),
          certified: z.number().int().min(0).max(99),
          photocopy: z.number().int().min(0).max(99),
          required: z.boolean(),
          note: text(500, 'Ghi chú').optional(),
        }),
      )
      .max(50),
    legalBasis: text(1000, 'Căn cứ pháp lý'),
    source: text(300, 'Nguồn'),
    postalAllowed: z.boolean(),
    active: z.boolean(),
  })
  .superRefine((p, ctx) => {
    const problem = byPageProblem(
      p.fee,
      p.components.map((c) => c.id),
    );
    if (problem) ctx.addIssue({ code: 'custom', path: ['fee', 'byPage'], message: problem });
  });

export const dossierFilterSchema = z.object({
  query: text(200, 'Từ khoá tìm kiếm').optional(),
  statuses: z.array(dossierStatus).max(10).optional(),
  procedureCode: procedureCode.optional(),
  receivedFrom: isoDate('Từ ngày').optional(),
  receivedTo: isoDate('Đến ngày').optional(),
  /** 'soon' = due within the next 2 working days and not finished; 'overdue' = past due and not finished. */
  due: z.enum(['soon', 'overdue']).optional(),
  limit: z.number().int().min(1).max(500).default(50),
  offset: z.number().int().min(0).max(10_000_000).default(0),
});

// ---------- the calls ----------

export interface AppInfo {
  version: string;
  dataDir: string;
  settings: UnitSettings | null;
  now: EpochMs;
}

export interface DossierDetail {
  dossier: Dossier;
  events: DossierEvent[];
  allowedTransitions: DossierStatus[];
}

export interface RenderedForm {
  kind: FormKind;
  fileName: string;
  /** Where the PDF is served for a few minutes (a relative address: /files/<token>). */
  url: string;
}

export type FormKind = 'mau01' | 'mau02' | 'mau03';

export interface AppointmentPreview {
  receivedAt: EpochMs;
  appointmentAt: EpochMs | null;
  processingHours: number | null;
  /** Human explanation, e.g. 'Nhận sau 15:00: trả trong ngày làm việc tiếp theo'. */
  explanation: string;
}

export const receiveSchema = z.object({
  procedureCode,
  applicant: applicantSchema,
  components: z.array(componentSchema).max(50),
  copies: z.number().int().min(1).max(99).default(1),
  resultDelivery: z.enum(['counter', 'post']),
  note: text(2000, 'Ghi chú').default(''),
  /** Set only by tests and data import; the counter uses the current time. */
  receivedAt: epochMs.optional(),
});

export const refuseSchema = z.object({
  procedureCode,
  applicant: applicantSchema,
  reason: requiredText(2000, 'Lý do từ chối'),
});

export const guidanceSchema = z.object({
  procedureCode,
  applicant: applicantSchema,
  missing: z.array(componentSchema).min(1, 'Chọn ít nhất một thành phần cần bổ sung.').max(50),
  reason: requiredText(2000, 'Lý do'),
});

export const transitionSchema = z.object({
  id,
  to: dossierStatus,
  note: text(2000, 'Ghi chú').default(''),
});

/**
 * Corrections after receipt (shared/domain/dossierFields.ts CLERK_EDITABLE_FIELDS): only the
 * fields given are changed; each is checked with the intake rules, and the service checks
 * the applicant as a whole (the ID number against the birth year) with the stored values.
 */
export const editFieldsSchema = z.object({
  id,
  applicant: applicantFields.partial().optional(),
  copies: z.number({ error: 'Số bộ hồ sơ phải là số.' }).int('Số bộ hồ sơ phải là số nguyên.').min(1, 'Số bộ hồ sơ: ít nhất 1 bộ.').max(99, 'Số bộ hồ sơ: nhiều nhất 99 bộ.').optional(),
  resultDelivery: z.enum(['counter', 'post'], { error: 'Hình thức nhận kết quả không hợp lệ.' }).optional(),
  note: text(2000, 'Ghi chú').optional(),
});

export const holidaySchema = z.object({
  date: isoDate('Ngày'),
  name: requiredText(200, 'Tên ngày nghỉ'),
  kind: z.enum(['off', 'work']),
});

/** One call: its argument schema and (as a type only) its result. */
function call<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

export const contract = {
  'app.info': call<AppInfo>()(z.object({})),
  'settings.save': call<UnitSettings>()(unitSettingsSchema),

  'procedures.search': call<Procedure[]>()(z.object({ query: text(200, 'Từ khoá'), includeInactive: z.boolean().optional() })),
  'procedures.get': call<Procedure>()(z.object({ code: procedureCode })),
  'procedures.save': call<Procedure>()(procedureSchema),

  'citizens.lookup': call<Applicant | null>()(z.object({ idNumber: z.string().regex(/^\d{12}$/, 'Số định danh phải gồm 12 chữ số.') })),

  'dossiers.previewAppointment': call<AppointmentPreview>()(z.object({ procedureCode, receivedAt: epochMs.optional() })),
  'dossiers.receive': call<Dossier>()(receiveSchema),
  'dossiers.refuse': call<Dossier>()(refuseSchema),
  'dossiers.list': call<{ items: DossierSummary[]; total: number }>()(dossierFilterSchema),
  'dossiers.get': call<DossierDetail>()(z.object({ id })),
  'dossiers.transition': call<DossierDetail>()(transitionSchema),
  'dossiers.editFields': call<DossierDetail>()(editFieldsSchema),

  'guidance.create': call<GuidanceSlip>()(guidanceSchema),
  'guidance.list': call<GuidanceSlip[]>()(z.object({ limit: z.number().int().min(1).max(500).default(50) })),

  'forms.render': call<RenderedForm>()(z.object({ kind: z.enum(['mau01', 'mau02', 'mau03']), id })),

  'holidays.list': call<HolidayEntry[]>()(z.object({ year: z.number().int().min(1900).max(2199) })),
  'holidays.save': call<HolidayEntry[]>()(holidaySchema),
  'holidays.delete': call<HolidayEntry[]>()(z.object({ date: isoDate('Ngày') })),

  // Digitisation: pages, OCR queue, searchable PDF, reuse (./pages.ts).
  ...pagesCalls,

  // Capture: scanners, the watched scan folder and its inbox (./capture.ts).
  ...captureCalls,

  // Sync with the province hub: status, run now, enrolment, failed items, conflicts (./sync.ts).
  ...syncCalls,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const CHANNELS: readonly Channel[] = CHANNEL_NAMES;

// channels.ts must name exactly the calls of the contract (both directions).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelListMatchesContract: Same<ChannelName, Channel> = true;
void channelListMatchesContract;

/** What the caller passes (before defaults and transforms). */
export type CallInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What the handler receives (validated, normalised). */
export type HandlerInput<C extends Channel> = z.output<Contract[C]['input']>;
export type CallOutput<C extends Channel> = Contract[C]['output'];

export interface CallError {
  /** 'invalid' = bad argument; 'not_found'; 'conflict' = not allowed in this state; 'internal'. */
  code: 'invalid' | 'not_found' | 'conflict' | 'unavailable' | 'internal';
  /** For the clerk, in Vietnamese. */
  message: string;
  /** Per-field messages, keyed by dotted path ('applicant.idNumber'). */
  fields?: Record<string, string>;
}

export type CallResult<T> = { ok: true; value: T } | { ok: false; error: CallError };

/** The typed client every transport provides to the renderer. */
export type Api = {
  [C in Channel]: (input: CallInput<C>) => Promise<CallResult<CallOutput<C>>>;
};

export function isChannel(s: unknown): s is Channel {
  return typeof s === 'string' && Object.prototype.hasOwnProperty.call(contract, s);
}
