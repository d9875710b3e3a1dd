// Wording of the printed forms (Mẫu 01 receipt, Mẫu 02 supplement request, Mẫu 03 refusal),
// versioned by legal basis and effective date (DOMAIN.md §0, §2). The layout lives in
// electron/services/forms/pdf.ts; only words live here, so a new decree or a province's own
// wording is a new entry in TEMPLATE_SETS, not a code change.
//
// The labels are written from the field lists in DOMAIN.md §2, not copied from the official
// forms: check them against the forms the province distributes before going live.
//
// Placeholders in braces ({name}) are filled by the renderer with the literal value.
// Pure data: no Node, no DOM. May be imported by any layer.
import type { EpochMs, IsoDate } from '../domain/types';
import { vnIsoDate } from '../domain/vnTime';

/** Labels shared by every form: header, motto, date line, signature hint. */
export interface CommonLabels {
  /** Left header, under the governing body; null = print the unit's own name in upper case. */
  unitLine: string | null;
  motto: string;
  mottoSub: string;
  /** '{place}, ngày {day} tháng {month} năm {year}'. */
  dateLine: string;
  signHint: string;
  /** '{hour} giờ {minute} phút, ngày {day} tháng {month} năm {year}'. */
  timeStamp: string;
  /** pagesEach: a paper with its page count recorded (a by-page fee), '{name} ({pages} trang/bản)'. */
  table: { no: string; name: string; original: string; certified: string; photocopy: string; pagesEach: string };
  /** Printed in the table when it has no row. */
  emptyTable: string;
}

export interface Mau01Labels {
  title: string;
  code: string; // {code}
  /** One label per copy (liên); the form is printed once per entry. */
  copies: string[];
  unit: string; // {unitName}
  applicant: string; // {name}
  address: string;
  phone: string;
  email: string;
  request: string; // {procedure}
  components: string;
  count: string; // {copies}
  processing: string; // {duration}
  /** '{days} ngày làm việc'; days printed with a decimal comma. */
  workingDays: string;
  sameDay: string;
  noDuration: string;
  receivedAt: string; // {time}
  appointmentAt: string; // {time}
  noAppointment: string;
  delivery: string; // {place}
  deliveryCounter: string;
  deliveryPost: string;
  register: string; // {book} {no}
  signers: [string, string];
}

export interface Mau02Labels {
  title: string;
  number: string; // {number} {year}
  intro: string; // {unitName} {name}
  request: string; // {procedure}
  address: string;
  phone: string;
  email: string;
  ask: string;
  reason: string;
  contact: string; // {person} {phone}
  signer: string;
}

export interface Mau03Labels {
  title: string;
  code: string; // {code}
  unit: string; // {unitName}
  applicant: string; // {name}
  address: string;
  phone: string;
  email: string;
  request: string; // {procedure}
  refusal: string; // {unitName}
  closing: string;
  signers: [string, string];
}

export interface FormTemplateSet {
  id: string;
  legalBasis: string;
  /** First day (Vietnam calendar) the set applies. */
  effectiveFrom: IsoDate;
  common: CommonLabels;
  forms: { mau01: Mau01Labels; mau02: Mau02Labels; mau03: Mau03Labels };
}

const COMMON: CommonLabels = {
  unitLine: 'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ',
  motto: 'CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  mottoSub: 'Độc lập - Tự do - Hạnh phúc',
  dateLine: '{place}, ngày {day} tháng {month} năm {year}',
  signHint: '(Ký và ghi rõ họ tên)',
  timeStamp: '{hour} giờ {minute} phút, ngày {day} tháng {month} năm {year}',
  table: { no: 'TT', name: 'Tên giấy tờ', original: 'Bản chính', certified: 'Bản chứng thực', photocopy: 'Bản photo', pagesEach: '{name} ({pages} trang/bản)' },
  emptyTable: '(Không có)',
};

const MAU01: Mau01Labels = {
  title: 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
  code: 'Mã hồ sơ: {code}',
  copies: ['(Liên 1: Lưu)', '(Liên 2: Giao người nộp hồ sơ)'],
  unit: 'Bộ phận tiếp nhận và trả kết quả: {unitName}',
  applicant: 'Tiếp nhận hồ sơ của: {name}',
  address: 'Địa chỉ: {address}',
  phone: 'Số điện thoại: {phone}',
  email: 'Email: {email}',
  request: 'Nội dung yêu cầu giải quyết: {procedure}',
  components: '1. Thành phần hồ sơ nộp gồm:',
  count: '2. Số lượng hồ sơ: {copies} (bộ)',
  processing: '3. Thời gian giải quyết hồ sơ theo quy định là: {duration}',
  workingDays: '{days} ngày làm việc',
  sameDay: 'Trong ngày làm việc',
  noDuration: 'Không quy định',
  receivedAt: '4. Thời gian nhận hồ sơ: {time}',
  appointmentAt: '5. Thời gian trả kết quả giải quyết hồ sơ: {time}',
  noAppointment: 'Không có hẹn trả',
  delivery: '6. Đăng ký nhận kết quả tại: {place}',
  deliveryCounter: 'Bộ phận Một cửa',
  deliveryPost: 'qua dịch vụ bưu chính công ích',
  register: 'Vào Sổ theo dõi hồ sơ, Quyển số: {book} Số thứ tự: {no}',
  signers: ['NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ'],
};

const MAU02: Mau02Labels = {
  title: 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
  number: 'Số: {number}/HDHS',
  intro: '{unitName} tiếp nhận hồ sơ/yêu cầu của Ông/Bà: {name}',
  request: 'Nội dung yêu cầu giải quyết: {procedure}',
  address: 'Địa chỉ: {address}',
  phone: 'Số điện thoại: {phone}',
  email: 'Email: {email}',
  ask: 'Đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ với các nội dung sau:',
  reason: 'Lý do: {reason}',
  contact: 'Khi cần trao đổi thêm trong quá trình hoàn thiện hồ sơ, Ông/Bà liên hệ {person} theo số điện thoại {phone} để được hướng dẫn.',
  signer: 'NGƯỜI HƯỚNG DẪN',
};

const MAU03: Mau03Labels = {
  title: 'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
  code: 'Mã hồ sơ: {code}',
  unit: 'Bộ phận tiếp nhận và trả kết quả: {unitName}',
  applicant: 'Tiếp nhận hồ sơ của: {name}',
  address: 'Địa chỉ: {address}',
  phone: 'Số điện thoại: {phone}',
  email: 'Email: {email}',
  request: 'Nội dung yêu cầu giải quyết: {procedure}',
  refusal: 'Sau khi xem xét, {unitName} thông báo không tiếp nhận, giải quyết hồ sơ này vì lý do sau:',
  closing: 'Thông báo để Ông/Bà được biết và thực hiện./.',
  signers: ['NGƯỜI NỘP HỒ SƠ', 'NGƯỜI TIẾP NHẬN HỒ SƠ'],
};

/** Every template set, oldest first. */
export const TEMPLATE_SETS: readonly FormTemplateSet[] = [
  {
    id: 'tt01-2018',
    legalBasis: 'Thông tư 01/2018/TT-VPCP hướng dẫn Nghị định 61/2018/NĐ-CP',
    // Date of issue (23/11/2018, DOMAIN.md §0). Also the fallback for anything earlier.
    effectiveFrom: '2018-11-23',
    common: COMMON,
    forms: {
      // ND 61/2018 names the unit 'Bộ phận Tiếp nhận và Trả kết quả' in the forms.
      mau01: { ...MAU01, deliveryCounter: 'Bộ phận Tiếp nhận và Trả kết quả' },
      mau02: MAU02,
      mau03: MAU03,
    },
  },
  {
    id: 'nd118-2025',
    legalBasis: 'Nghị định 118/2025/NĐ-CP',
    // Effective 01/7/2025 (DOMAIN.md §0 ◐). Same layout as TT 01/2018 until the official
    // forms (TT 03/2025/TT-VPCP ◐) are checked.
    effectiveFrom: '2025-07-01',
    common: COMMON,
    forms: { mau01: MAU01, mau02: MAU02, mau03: MAU03 },
  },
];

/** The template set in force on a date (Vietnam calendar day of an instant, or 'yyyy-mm-dd'). */
export function templateFor(date: EpochMs | IsoDate, sets: readonly FormTemplateSet[] = TEMPLATE_SETS): FormTemplateSet {
  const day = typeof date === 'number' ? vnIsoDate(date) : date;
  const byDate = [...sets].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  let chosen = byDate[0]; // before every set: the oldest one
  for (const set of byDate) if (set.effectiveFrom <= day) chosen = set;
  if (!chosen) throw new Error('templateFor: no form template set given');
  return chosen;
}
