// Dossier status (TrangThaiHoSo of the national portal, DOMAIN.md §4) and the
// transitions the counter allows between them (workflow of ND 61/2018, DOMAIN.md §1).
import type { DossierEventType, DossierStatus } from './types';

export const STATUS_LABELS: Readonly<Record<DossierStatus, string>> = {
  1: 'Mới đăng ký',
  2: 'Được tiếp nhận',
  3: 'Không được tiếp nhận',
  4: 'Đang xử lý',
  5: 'Yêu cầu bổ sung giấy tờ',
  6: 'Yêu cầu thực hiện nghĩa vụ tài chính',
  7: 'Công dân yêu cầu rút hồ sơ',
  8: 'Dừng xử lý',
  9: 'Đã xử lý xong',
  10: 'Đã trả kết quả',
};

export const ALL_STATUSES: readonly DossierStatus[] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * Allowed transitions.
 * - 1 Mới đăng ký (an online/postal registration): the counter checks it and either
 *   receives it (2, Mẫu 01) or refuses it (3, Mẫu 03).
 * - 2 Được tiếp nhận: transferred to the resolving body (4, Mẫu 05); the resolving body
 *   may ask for a supplement before starting (5); the citizen may withdraw (7); or the
 *   dossier is stopped (8). It cannot be resolved without passing through processing.
 * - 4 Đang xử lý: the outcomes of §1 step 3: supplement (5), financial obligation (6),
 *   withdrawal (7), stop (8), done (9).
 * - 5 Yêu cầu bổ sung: back to processing once supplemented (4; the clock resumes, see
 *   addPauseToAppointment), or withdrawn (7) / stopped (8) if never supplemented.
 * - 6 Nghĩa vụ tài chính: back to processing once paid (4), or straight to done (9) when
 *   the payment was the last step; withdrawn (7) or stopped (8).
 * - 9 Đã xử lý xong: the result is returned to the citizen (10).
 * - 3, 7, 8, 10 are terminal: a refused, withdrawn or stopped dossier is closed, and a new
 *   request is a new dossier with a new code; a returned result ends the dossier.
 */
const TRANSITIONS: Readonly<Record<DossierStatus, readonly DossierStatus[]>> = {
  1: [2, 3],
  2: [4, 5, 7, 8],
  3: [],
  4: [5, 6, 7, 8, 9],
  5: [4, 7, 8],
  6: [4, 7, 8, 9],
  7: [],
  8: [],
  9: [10],
  10: [],
};

/** Not counted as pending or overdue: refused, withdrawn, stopped, done, returned. */
export const FINISHED_STATUSES: readonly DossierStatus[] = [3, 7, 8, 9, 10];

/**
 * Received and not finished. 1 (registered online, not yet received at the counter) is
 * neither: its deadline has not started (DOMAIN.md §1: the clock runs from receipt of a
 * complete, valid dossier).
 */
export const PENDING_STATUSES: readonly DossierStatus[] = [2, 4, 5, 6];

export function statusLabel(s: DossierStatus): string {
  return STATUS_LABELS[s];
}

export function isFinished(s: DossierStatus): boolean {
  return FINISHED_STATUSES.includes(s);
}

export function isPending(s: DossierStatus): boolean {
  return PENDING_STATUSES.includes(s);
}

export function allowedTransitions(from: DossierStatus): readonly DossierStatus[] {
  return TRANSITIONS[from] ?? [];
}

export function canTransition(from: DossierStatus, to: DossierStatus): boolean {
  return allowedTransitions(from).includes(to);
}

function checkTransition(from: DossierStatus, to: DossierStatus): void {
  if (!canTransition(from, to)) {
    throw new RangeError(`Không thể chuyển hồ sơ từ "${STATUS_LABELS[from] ?? from}" sang "${STATUS_LABELS[to] ?? to}".`);
  }
}

/** The event recorded for a transition; throws RangeError for a transition that is not allowed. */
export function eventTypeForTransition(from: DossierStatus, to: DossierStatus): DossierEventType {
  checkTransition(from, to);
  switch (to) {
    case 2:
      return 'received';
    case 3:
      return 'refused';
    case 4:
      // 2 → 4 hands the dossier to the resolving body; 5 → 4 receives the supplement;
      // 6 → 4 records that the citizen met the financial obligation (the receipt is
      // handed in like a supplement).
      return from === 2 ? 'transferred' : 'supplemented';
    case 5:
      return 'supplement_requested';
    case 6:
      return 'payment_requested';
    case 7:
      return 'withdrawn';
    case 8:
      return 'stopped';
    case 9:
      return 'resolved';
    case 10:
      return 'result_returned';
    default:
      throw new RangeError(`Không có sự kiện cho trạng thái ${to}.`);
  }
}

/** The button text of a transition; throws RangeError for a transition that is not allowed. */
export function transitionLabel(from: DossierStatus, to: DossierStatus): string {
  checkTransition(from, to);
  switch (to) {
    case 2:
      return 'Tiếp nhận';
    case 3:
      return 'Từ chối tiếp nhận';
    case 4:
      if (from === 2) return 'Chuyển xử lý';
      if (from === 5) return 'Nhận hồ sơ bổ sung';
      return 'Đã thực hiện nghĩa vụ tài chính';
    case 5:
      return 'Yêu cầu bổ sung';
    case 6:
      return 'Yêu cầu nghĩa vụ tài chính';
    case 7:
      return 'Công dân rút hồ sơ';
    case 8:
      return 'Dừng xử lý';
    case 9:
      return 'Hoàn thành xử lý';
    case 10:
      return 'Trả kết quả';
    default:
      throw new RangeError(`Không có thao tác cho trạng thái ${to}.`);
  }
}
