// Vietnamese labels for codes shown in the UI. Status labels and transition verbs come
// from shared/domain/status.ts (TrangThaiHoSo, DOMAIN.md §4); the server remains the
// authority on which transitions are allowed (dossiers.get → allowedTransitions).
import type { DossierEventType, DossierStatus, Fee, ProcessingTime, ResultDelivery } from '../../shared/domain/types';
import { FINISHED_STATUSES as FINISHED, STATUS_LABELS, transitionLabel } from '../../shared/domain/status';

export const STATUS_TEXT: Readonly<Record<DossierStatus, string>> = STATUS_LABELS;

/** The button text for a transition the server allowed; never throws. */
export function transitionText(from: DossierStatus, to: DossierStatus): string {
  try {
    return transitionLabel(from, to);
  } catch {
    return `Chuyển sang "${STATUS_LABELS[to] ?? to}"`;
  }
}

/** Statuses after which a dossier no longer runs against its appointment date. */
export const FINISHED_STATUSES: ReadonlySet<DossierStatus> = new Set<DossierStatus>(FINISHED);

export const EVENT_TEXT: Record<DossierEventType, string> = {
  received: 'Tiếp nhận hồ sơ',
  refused: 'Từ chối tiếp nhận',
  transferred: 'Chuyển hồ sơ',
  supplement_requested: 'Yêu cầu bổ sung',
  supplemented: 'Đã bổ sung hồ sơ',
  payment_requested: 'Yêu cầu nghĩa vụ tài chính',
  withdrawn: 'Công dân rút hồ sơ',
  stopped: 'Dừng xử lý',
  resolved: 'Đã xử lý xong',
  result_returned: 'Trả kết quả',
  form_printed: 'In phiếu',
  edited: 'Sửa thông tin',
  reused: 'Tái sử dụng giấy tờ đã số hoá',
};

export const DELIVERY_TEXT: Record<ResultDelivery, string> = {
  counter: 'Tại Bộ phận Một cửa',
  post: 'Qua bưu chính công ích',
};

export function processingText(p: ProcessingTime): string {
  switch (p.kind) {
    case 'workingHours': {
      const days = p.hours / 8;
      return `${Number.isInteger(days) ? days : days.toFixed(1).replace('.', ',')} ngày làm việc`;
    }
    case 'sameDay': {
      const h = Math.floor(p.cutoffMinutes / 60);
      const m = p.cutoffMinutes % 60;
      return `Trong ngày (nhận sau ${h}:${String(m).padStart(2, '0')} trả ngày làm việc tiếp theo)`;
    }
    case 'calendarDays':
      return `${p.days} ngày`;
    case 'none':
      return 'Không có ngày hẹn trả';
  }
}

export function feeText(amount: number): string {
  return amount === 0 ? 'Miễn phí' : `${amount.toLocaleString('vi-VN')} đ`;
}

/** A procedure's fee as the catalogue gives it: '2.000 đ/trang' when it is charged by the page. */
export function feeRateText(fee: Fee): string {
  return fee.byPage && fee.amount > 0 ? `${feeText(fee.amount)}/trang` : feeText(fee.amount);
}

const WEEKDAYS = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'];
export function weekdayText(weekday: number): string {
  return WEEKDAYS[weekday] ?? '';
}

/** A short form for tables. */
export function processingShort(p: ProcessingTime): string {
  if (p.kind === 'sameDay') return `Trong ngày (chốt ${Math.floor(p.cutoffMinutes / 60)}:${String(p.cutoffMinutes % 60).padStart(2, '0')})`;
  return processingText(p);
}
