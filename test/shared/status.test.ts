import { describe, it, expect } from 'vitest';
import type { DossierStatus } from '../../shared/domain/types';
import { ALL_STATUSES, FINISHED_STATUSES, PENDING_STATUSES, STATUS_LABELS, allowedTransitions, canTransition, eventTypeForTransition, transitionLabel } from '../../shared/domain/status';

describe('dossier status', () => {
  it('labels TrangThaiHoSo 1–10 in Vietnamese', () => {
    expect(STATUS_LABELS[1]).toBe('Mới đăng ký');
    expect(STATUS_LABELS[2]).toBe('Được tiếp nhận');
    expect(STATUS_LABELS[5]).toBe('Yêu cầu bổ sung giấy tờ');
    expect(STATUS_LABELS[10]).toBe('Đã trả kết quả');
    expect(Object.keys(STATUS_LABELS)).toHaveLength(10);
  });

  it('allowed transitions', () => {
    expect(allowedTransitions(1)).toEqual([2, 3]);
    expect(allowedTransitions(2)).toEqual([4, 5, 7, 8]);
    expect(allowedTransitions(4)).toEqual([5, 6, 7, 8, 9]);
    expect(allowedTransitions(5)).toEqual([4, 7, 8]);
    expect(allowedTransitions(6)).toEqual([4, 7, 8, 9]);
    expect(allowedTransitions(9)).toEqual([10]);
    for (const s of [3, 7, 8, 10] as DossierStatus[]) expect(allowedTransitions(s)).toEqual([]);
    expect(canTransition(2, 9)).toBe(false);
    expect(canTransition(10, 4)).toBe(false);
    expect(canTransition(9, 10)).toBe(true);
  });

  it('every allowed transition has an event type and a button label', () => {
    for (const from of ALL_STATUSES) {
      for (const to of allowedTransitions(from)) {
        expect(eventTypeForTransition(from, to)).toBeTruthy();
        expect(transitionLabel(from, to)).toBeTruthy();
      }
    }
    expect(eventTypeForTransition(1, 2)).toBe('received');
    expect(eventTypeForTransition(1, 3)).toBe('refused');
    expect(eventTypeForTransition(2, 4)).toBe('transferred');
    expect(eventTypeForTransition(4, 5)).toBe('supplement_requested');
    expect(eventTypeForTransition(5, 4)).toBe('supplemented');
    expect(eventTypeForTransition(4, 6)).toBe('payment_requested');
    expect(eventTypeForTransition(4, 7)).toBe('withdrawn');
    expect(eventTypeForTransition(4, 8)).toBe('stopped');
    expect(eventTypeForTransition(4, 9)).toBe('resolved');
    expect(eventTypeForTransition(9, 10)).toBe('result_returned');
    expect(transitionLabel(2, 4)).toBe('Chuyển xử lý');
    expect(transitionLabel(4, 5)).toBe('Yêu cầu bổ sung');
    expect(transitionLabel(9, 10)).toBe('Trả kết quả');
  });

  it('rejects transitions that are not allowed', () => {
    expect(() => eventTypeForTransition(10, 9)).toThrow(RangeError);
    expect(() => transitionLabel(3, 2)).toThrow(RangeError);
  });

  it('finished and pending groups split the received statuses', () => {
    expect([...FINISHED_STATUSES]).toEqual([3, 7, 8, 9, 10]);
    expect([...PENDING_STATUSES]).toEqual([2, 4, 5, 6]);
    expect(FINISHED_STATUSES.some((s) => PENDING_STATUSES.includes(s))).toBe(false);
  });
});
