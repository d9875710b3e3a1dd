// The fields of a dossier, described ONCE (issue 8; STYLE.md "Describe each fact once"):
// each field's path, its Vietnamese label, its row column, its schema on the wire (the hub
// bounds what a device sends), whether the counter may correct it after receipt, and the
// DongBoHoSoMC field it fills. From this table come: the protocol's editable fields and the
// applicant schema of dossier.received (shared/sync/protocol.ts), the edit form's fields and
// labels (CLERK_EDITABLE_FIELDS, FIELD_LABELS), the row mapping of the projector and the
// repository (electron/services/dossier/), the national record's plain fields
// (shared/national/records.ts), and the way a value is shown in the timeline and conflicts.
// Pure: used by the main process, the renderer and the hub.
import { z } from 'zod';
import type { Dossier, DossierStatus } from './types';
import { formatDateTime, isoToDisplay } from './vnTime';

const boundedText = (max: number, label: string) => z.string({ error: `${label}: phải là chuỗi ký tự.` }).max(max, { message: `${label}: dài quá ${max} ký tự.` });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày phải có dạng yyyy-mm-dd.');
const epochMs = z.number({ error: 'Thời điểm phải là số mili giây.' }).int().min(0).max(8_640_000_000_000);
const componentOnWire = z.object({
  componentId: z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/, 'Mã thành phần hồ sơ không hợp lệ.'),
  name: boundedText(500, 'Tên thành phần hồ sơ'),
  original: z.number().int().min(0).max(99),
  certified: z.number().int().min(0).max(99),
  photocopy: z.number().int().min(0).max(99),
  received: z.boolean(),
  /** "Không áp dụng" (shared/domain/componentApplies.ts): absent = the paper applies. */
  notApplicable: z.literal(true).optional(),
  /** Pages of one copy, for a by-page fee (shared/domain/fees.ts): absent = not asked. */
  pages: z.number().int().min(1).max(9999).optional(),
});

/**
 * Who may change a field after receipt: 'clerk' — the "Sửa thông tin" form; 'system' — only
 * through the events that set it (the appointment and processing time follow from the
 * procedure and the status moves, the reason from a refusal or stop, the channel from how
 * the dossier came in, the components from the intake).
 */
export type Editability = 'clerk' | 'system';

export interface FieldSpec {
  label: string;
  /** The dossiers column (snake case) and the row key (camel case); null: not a column of the row. */
  column: string | null;
  key: string | null;
  /** The value's schema on the wire (dossier.received, dossier.field_edited). */
  wire: z.ZodType;
  editable: Editability;
  /** The DongBoHoSoMC field the value goes to as it is (others are mapped by rule in records.ts). */
  national?: 'ChuHoSo' | 'ThongTinKhac' | 'Email' | 'SoDienThoai' | 'KenhThucHien';
}

export const DOSSIER_FIELDS = {
  'applicant.fullName': { label: 'Họ và tên', column: 'applicant_name', key: 'applicantName', wire: boundedText(120, 'Họ và tên'), editable: 'clerk', national: 'ChuHoSo' },
  'applicant.idNumber': {
    label: 'Số định danh',
    column: 'id_number',
    key: 'idNumber',
    wire: z.string().regex(/^(\d{9}|\d{12})?$/, 'Số định danh phải có 12 (CCCD) hoặc 9 (CMND) chữ số.'),
    editable: 'clerk',
  },
  'applicant.birthDate': { label: 'Ngày sinh', column: 'birth_date', key: 'birthDate', wire: isoDate.or(z.literal('')), editable: 'clerk' },
  'applicant.address': { label: 'Địa chỉ', column: 'address', key: 'address', wire: boundedText(300, 'Địa chỉ'), editable: 'clerk', national: 'ThongTinKhac' },
  'applicant.phone': { label: 'Số điện thoại', column: 'phone', key: 'phone', wire: boundedText(20, 'Số điện thoại'), editable: 'clerk', national: 'SoDienThoai' },
  'applicant.email': { label: 'Email', column: 'email', key: 'email', wire: boundedText(120, 'Email'), editable: 'clerk', national: 'Email' },
  copies: { label: 'Số bộ hồ sơ', column: 'copies', key: 'copies', wire: z.number().int().min(1).max(99), editable: 'clerk' },
  resultDelivery: {
    label: 'Nhận kết quả',
    column: 'result_delivery',
    key: 'resultDelivery',
    wire: z.enum(['counter', 'post'], { error: 'Hình thức nhận kết quả phải là counter hoặc post.' }),
    editable: 'clerk',
  },
  note: { label: 'Ghi chú', column: 'note', key: 'note', wire: boundedText(2000, 'Ghi chú'), editable: 'clerk' },
  appointmentAt: { label: 'Hẹn trả', column: 'appointment_at', key: 'appointmentAt', wire: epochMs.nullable(), editable: 'system' },
  processingHours: { label: 'Thời gian giải quyết', column: 'processing_hours', key: 'processingHours', wire: z.number().min(0).max(100_000).nullable(), editable: 'system' },
  reason: { label: 'Lý do', column: 'reason', key: 'reason', wire: boundedText(2000, 'Lý do'), editable: 'system' },
  channel: {
    label: 'Kênh thực hiện',
    column: 'channel',
    key: 'channel',
    wire: z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'Kênh thực hiện phải là 1, 2 hoặc 3.' }),
    editable: 'system',
    national: 'KenhThucHien',
  },
  components: { label: 'Thành phần hồ sơ', column: null, key: null, wire: z.array(componentOnWire).max(100), editable: 'system' },
} as const satisfies Record<string, FieldSpec>;

/** A field path: 'applicant.phone', 'copies', … (dossier.field_edited's `path`). */
export type EditableField = keyof typeof DOSSIER_FIELDS;
export const FIELD_PATHS = Object.keys(DOSSIER_FIELDS) as EditableField[];

/** The wire schema of each field path (dossier.field_edited checks value and previous with it). */
export const FIELD_WIRE_SCHEMAS = Object.fromEntries(FIELD_PATHS.map((p) => [p, DOSSIER_FIELDS[p].wire])) as { [P in EditableField]: (typeof DOSSIER_FIELDS)[P]['wire'] };

/** The applicant's fields on the wire (dossier.received, guidance.issued). */
export const applicantOnWire = z.object({
  fullName: DOSSIER_FIELDS['applicant.fullName'].wire,
  idNumber: DOSSIER_FIELDS['applicant.idNumber'].wire,
  birthDate: DOSSIER_FIELDS['applicant.birthDate'].wire,
  address: DOSSIER_FIELDS['applicant.address'].wire,
  phone: DOSSIER_FIELDS['applicant.phone'].wire,
  email: DOSSIER_FIELDS['applicant.email'].wire,
});
export { componentOnWire };

/** The fields of the "Sửa thông tin" form, in the table's order. */
export const CLERK_EDITABLE_FIELDS = FIELD_PATHS.filter((p) => DOSSIER_FIELDS[p].editable === 'clerk') as ClerkEditableField[];
export type ClerkEditableField = { [P in EditableField]: (typeof DOSSIER_FIELDS)[P]['editable'] extends 'clerk' ? P : never }[EditableField];

type ColumnPath = { [P in EditableField]: (typeof DOSSIER_FIELDS)[P]['key'] extends string ? P : never }[EditableField];
/** The part of a dossiers row the fields make: row key → value type, from the table. */
export type FieldRow = { [P in ColumnPath as (typeof DOSSIER_FIELDS)[P]['key'] & string]: z.infer<(typeof DOSSIER_FIELDS)[P]['wire']> };

/** The fields kept in a column of the dossiers row: [path, column, row key]. */
export const FIELD_COLUMNS = FIELD_PATHS.flatMap((p) => {
  const f: FieldSpec = DOSSIER_FIELDS[p];
  return f.column && f.key ? [[p, f.column, f.key as keyof FieldRow] as const] : [];
});

/**
 * No correction once the dossier is closed (DOMAIN.md §1, §4): refused (3, Mẫu 03 handed
 * over), withdrawn (7) and stopped (8) are terminal, a new request is a new dossier; after
 * the result is returned (10) the record is final. 9 (done, result not yet collected) stays
 * editable: the counter may still have to call the citizen to come for the result.
 */
export const EDIT_LOCKED_STATUSES: readonly DossierStatus[] = [3, 7, 8, 10];

export function canEditFields(status: DossierStatus): boolean {
  return !EDIT_LOCKED_STATUSES.includes(status);
}

export const FIELD_LABELS = Object.fromEntries(FIELD_PATHS.map((p) => [p, DOSSIER_FIELDS[p].label])) as Readonly<Record<EditableField, string>>;

/** The value of a field path ('applicant.phone', 'copies', …) on a dossier. */
export function fieldValue(d: Dossier, path: EditableField): unknown {
  if (path.startsWith('applicant.')) return (d.applicant as unknown as Record<string, unknown>)[path.slice('applicant.'.length)];
  return (d as unknown as Record<string, unknown>)[path];
}

/** Sets a field path on a dossier (the value is the caller's: a row's column, a derived value). */
export function setFieldValue(d: Dossier, path: EditableField, value: unknown): void {
  if (path.startsWith('applicant.')) (d.applicant as unknown as Record<string, unknown>)[path.slice('applicant.'.length)] = value;
  else (d as unknown as Record<string, unknown>)[path] = value;
}

const DELIVERY: Record<string, string> = { counter: 'tại Bộ phận Một cửa', post: 'qua bưu chính công ích' };
const CHANNEL: Record<number, string> = { 1: 'trực tiếp', 2: 'trực tuyến', 3: 'qua bưu chính công ích' };
/** A long address or note is cut in the timeline line (the full value is on the dossier). */
const MAX_SHOWN = 80;

/** A field's value as the clerk reads it ('(trống)' for an empty one). */
export function fieldValueText(path: EditableField, v: unknown): string {
  if (v === null || v === undefined || v === '') return '(trống)';
  let s: string;
  if (path === 'applicant.birthDate' && typeof v === 'string') s = isoToDisplay(v);
  else if (path === 'appointmentAt' && typeof v === 'number') s = formatDateTime(v);
  else if (path === 'processingHours' && typeof v === 'number') s = `${String(v / 8).replace('.', ',')} ngày làm việc`;
  else if (path === 'resultDelivery') s = DELIVERY[String(v)] ?? String(v);
  else if (path === 'channel') s = CHANNEL[Number(v)] ?? String(v);
  else if (path === 'components') s = Array.isArray(v) ? `${v.length} giấy tờ` : '(danh sách giấy tờ)';
  else s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN - 1)}…` : s;
}

/** One change for the timeline: 'Số điện thoại 0912345678 → 0987654321'. */
export function describeFieldEdit(path: EditableField, previous: unknown, value: unknown): string {
  return `${FIELD_LABELS[path] ?? path} ${fieldValueText(path, previous)} → ${fieldValueText(path, value)}`;
}
