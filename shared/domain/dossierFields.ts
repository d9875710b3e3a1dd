// Correcting a dossier's details after receipt (dossiers.editFields; on the wire
// dossier.field_edited, shared/sync/protocol.ts EDITABLE_FIELDS): which fields the counter
// may correct, in which statuses, their Vietnamese labels and how a value is shown in the
// timeline and in the sync conflicts. Pure: used by the main process and the renderer.
import type { Dossier, DossierStatus } from './types';
import type { EditableField } from '../sync/protocol';
import { formatDateTime, isoToDisplay } from './vnTime';

/**
 * What the "Sửa thông tin" form may change: the applicant's details, the number of copies,
 * how the result is collected and the note. The appointment and processing time follow
 * from the procedure and the status moves, the reason from a refusal or stop, the channel
 * from how the dossier came in: the other EDITABLE_FIELDS are never typed by the clerk.
 */
export const CLERK_EDITABLE_FIELDS = [
  'applicant.fullName',
  'applicant.idNumber',
  'applicant.birthDate',
  'applicant.address',
  'applicant.phone',
  'applicant.email',
  'copies',
  'resultDelivery',
  'note',
] as const satisfies readonly EditableField[];
export type ClerkEditableField = (typeof CLERK_EDITABLE_FIELDS)[number];

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

export const FIELD_LABELS: Readonly<Record<EditableField, string>> = {
  'applicant.fullName': 'Họ và tên',
  'applicant.idNumber': 'Số định danh',
  'applicant.birthDate': 'Ngày sinh',
  'applicant.address': 'Địa chỉ',
  'applicant.phone': 'Số điện thoại',
  'applicant.email': 'Email',
  appointmentAt: 'Hẹn trả',
  processingHours: 'Thời gian giải quyết',
  note: 'Ghi chú',
  reason: 'Lý do',
  copies: 'Số bộ hồ sơ',
  resultDelivery: 'Nhận kết quả',
  channel: 'Kênh thực hiện',
  components: 'Thành phần hồ sơ',
};

/** The value of a field path ('applicant.phone', 'copies', …) on a dossier. */
export function fieldValue(d: Dossier, path: EditableField): unknown {
  if (path.startsWith('applicant.')) return (d.applicant as unknown as Record<string, unknown>)[path.slice('applicant.'.length)];
  return (d as unknown as Record<string, unknown>)[path];
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
