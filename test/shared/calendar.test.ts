import { describe, it, expect } from 'vitest';
import { DEFAULT_WORKING_HOURS, type HolidayEntry } from '../../shared/domain/types';
import { vnTime } from '../../shared/domain/vnTime';
import { mergeHolidayTable, noticeEntries, ruleHolidays, ruleSetInForce } from '../../shared/domain/calendar/holidays';
import { WorkingCalendar, addPauseToAppointment, appointmentAfterPauses, computeAppointment, describeProcessingTime } from '../../shared/domain/calendar/workingCalendar';
import { HOLIDAY_RULE_SETS, OFFICIAL_NOTICES } from '../../shared/data/holidayRules';

// Every expected date below was worked out by hand (weekday of each date checked on a
// calendar) and is written as a literal.

function calendar(unit: HolidayEntry[] = []): WorkingCalendar {
  return new WorkingCalendar(DEFAULT_WORKING_HOURS, (y) =>
    mergeHolidayTable(
      ruleHolidays(y),
      unit.filter((e) => e.date.startsWith(`${y}-`)),
    ),
  );
}

const dates = (list: HolidayEntry[]) => list.map((e) => e.date);
const byDate = (list: HolidayEntry[], date: string) => list.find((e) => e.date === date);
const sameDay15 = { kind: 'sameDay', cutoffMinutes: 15 * 60 } as const;

describe('ruleHolidays', () => {
  it('2026: Tết 16–20/02, Giỗ Tổ on Sunday 26/04 → nghỉ bù Monday 27/04', () => {
    const h = ruleHolidays(2026);
    expect(byDate(h, '2026-02-16')?.name).toBe('Tết Nguyên đán (29 tháng Chạp)');
    expect(byDate(h, '2026-02-17')).toEqual({ date: '2026-02-17', name: 'Tết Nguyên đán (mùng 1)', kind: 'off', origin: 'rule' });
    expect(byDate(h, '2026-02-20')?.name).toBe('Tết Nguyên đán (mùng 4)');
    expect(byDate(h, '2026-04-26')?.name).toBe('Giỗ Tổ Hùng Vương');
    expect(byDate(h, '2026-04-27')).toEqual({ date: '2026-04-27', name: 'Nghỉ bù Giỗ Tổ Hùng Vương', kind: 'off', origin: 'rule' });
    expect(dates(h)).toEqual([
      '2026-01-01',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-04-26',
      '2026-04-27',
      '2026-04-30',
      '2026-05-01',
      '2026-09-02',
      '2026-09-03',
      '2026-11-24',
    ]);
  });

  it('Giỗ Tổ 2027 = Friday 16/04/2027 and 2028 = Tuesday 04/04/2028, no nghỉ bù', () => {
    const h27 = ruleHolidays(2027);
    expect(byDate(h27, '2027-04-16')?.name).toBe('Giỗ Tổ Hùng Vương');
    expect(h27.some((e) => e.name === 'Nghỉ bù Giỗ Tổ Hùng Vương')).toBe(false);
    const h28 = ruleHolidays(2028);
    expect(byDate(h28, '2028-04-04')?.name).toBe('Giỗ Tổ Hùng Vương');
    expect(h28.some((e) => e.name === 'Nghỉ bù Giỗ Tổ Hùng Vương')).toBe(false);
  });

  it('Tết 2027 (mùng 1 on Saturday 06/02/2027) gives two nghỉ bù days after the break', () => {
    const h = ruleHolidays(2027).filter((e) => e.date >= '2027-02-01' && e.date <= '2027-02-28');
    expect(h.map((e) => `${e.date} ${e.name}`)).toEqual([
      '2027-02-05 Tết Nguyên đán (29 tháng Chạp)',
      '2027-02-06 Tết Nguyên đán (mùng 1)',
      '2027-02-07 Tết Nguyên đán (mùng 2)',
      '2027-02-08 Tết Nguyên đán (mùng 3)',
      '2027-02-09 Tết Nguyên đán (mùng 4)',
      '2027-02-10 Nghỉ bù Tết Nguyên đán',
      '2027-02-11 Nghỉ bù Tết Nguyên đán',
    ]);
  });

  it('a holiday on a weekend gives the next working day off', () => {
    const h28 = ruleHolidays(2028);
    // 01/01/2028 is a Saturday → Monday 03/01/2028.
    expect(byDate(h28, '2028-01-03')?.name).toBe('Nghỉ bù Tết Dương lịch');
    // 30/04/2028 is a Sunday; Monday 01/05 is itself a holiday → Tuesday 02/05/2028.
    expect(byDate(h28, '2028-05-02')?.name).toBe('Nghỉ bù Ngày Giải phóng miền Nam');
    // 01/05/2027 is a Saturday → Monday 03/05/2027.
    expect(byDate(ruleHolidays(2027), '2027-05-03')?.name).toBe('Nghỉ bù Ngày Quốc tế Lao động');
    // 02/09/2029 is a Sunday: adjacent day Monday 03/09, nghỉ bù Tuesday 04/09/2029.
    const h29 = ruleHolidays(2029).filter((e) => e.date.startsWith('2029-09'));
    expect(h29.map((e) => `${e.date} ${e.name}`)).toEqual(['2029-09-02 Quốc khánh', '2029-09-03 Quốc khánh (ngày liền kề)', '2029-09-04 Nghỉ bù Quốc khánh']);
    // 02/09/2028 is a Saturday: adjacent Friday 01/09, nghỉ bù Monday 04/09/2028.
    expect(dates(ruleHolidays(2028).filter((e) => e.date.startsWith('2028-09')))).toEqual(['2028-09-01', '2028-09-02', '2028-09-04']);
  });

  it('chooses the rule set in force on each date', () => {
    // Labour Code 2012 (before 2021): Quốc khánh 1 day. 02/09/2019 was a Monday.
    expect(dates(ruleHolidays(2019).filter((e) => e.date.startsWith('2019-09')))).toEqual(['2019-09-02']);
    expect(ruleSetInForce('2020-12-31')?.id).toBe('labour-code-2012');
    expect(ruleSetInForce('2021-01-01')?.id).toBe('labour-code-2019');
    expect(ruleSetInForce('2012-01-01')).toBeNull();
    // The unverified culture day (24/11) only from 01/07/2026.
    expect(byDate(ruleHolidays(2025), '2025-11-24')).toBeUndefined();
    expect(byDate(ruleHolidays(2026), '2026-11-24')?.name).toBe('Ngày Văn hóa Việt Nam');
    expect(ruleSetInForce('2026-11-24')?.unverified).toBeTruthy();
    // Without the unverified rule set.
    const verified = HOLIDAY_RULE_SETS.filter((s) => !s.id.includes('unverified'));
    expect(byDate(ruleHolidays(2026, verified), '2026-11-24')).toBeUndefined();
  });
});

describe('mergeHolidayTable', () => {
  it('unit entries override rule entries and the result is sorted', () => {
    const merged = mergeHolidayTable(ruleHolidays(2026), [
      { date: '2026-11-24', name: 'Làm việc', kind: 'work', origin: 'unit' },
      { date: '2026-01-02', name: 'Nghỉ hoán đổi', kind: 'off', origin: 'unit' },
    ]);
    expect(byDate(merged, '2026-11-24')?.kind).toBe('work');
    expect(byDate(merged, '2026-01-02')?.origin).toBe('unit');
    const d = dates(merged);
    expect([...d].sort()).toEqual(d);
  });
});

describe('WorkingCalendar', () => {
  it('a unit "work" entry on a Saturday makes it a working day; "off" removes a weekday', () => {
    const notice = OFFICIAL_NOTICES.find((n) => n.id === '2026-tet-duong-lich')!;
    const cal = calendar(noticeEntries(notice));
    expect(cal.isWorkingDay('2026-01-10')).toBe(true); // Saturday, làm bù
    expect(cal.isWorkingDay('2026-01-02')).toBe(false); // Friday, nghỉ hoán đổi
    expect(cal.isWorkingDay('2026-01-17')).toBe(false); // an ordinary Saturday
    expect(calendar().isWorkingDay('2026-01-02')).toBe(true);
    // Friday 09/01/2026 16:00 + 8 h: 1 h Friday, 7 h on the working Saturday → 16:00 Saturday 10/01.
    expect(cal.addWorkingHours(vnTime(2026, 1, 9, 16, 0), 8)).toBe(vnTime(2026, 1, 10, 16, 0));
    // Wednesday 31/12/2025 16:00 + 8 h: 1 h, then 01/01 holiday, 02/01 off, weekend → Monday 05/01 16:00.
    expect(cal.addWorkingHours(vnTime(2025, 12, 31, 16, 0), 8)).toBe(vnTime(2026, 1, 5, 16, 0));
    expect(cal.nextWorkingDay('2025-12-31')).toBe('2026-01-05');
  });

  it('sessions: exact session ends stay, lunch, before opening, after closing, day off', () => {
    const cal = calendar();
    // Monday 16/11/2026.
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 7, 0), 8)).toBe(vnTime(2026, 11, 16, 17, 0));
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 7, 0), 4.5)).toBe(vnTime(2026, 11, 16, 11, 30));
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 6, 0), 8)).toBe(vnTime(2026, 11, 16, 17, 0));
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 12, 0), 4)).toBe(vnTime(2026, 11, 17, 7, 30));
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 11, 30), 1)).toBe(vnTime(2026, 11, 16, 14, 30));
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 17, 0), 1)).toBe(vnTime(2026, 11, 17, 8, 0));
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 17, 30), 1)).toBe(vnTime(2026, 11, 17, 8, 0));
    expect(cal.addWorkingHours(vnTime(2026, 11, 14, 10, 0), 2)).toBe(vnTime(2026, 11, 16, 9, 0)); // Saturday
    expect(cal.addWorkingHours(vnTime(2026, 11, 16, 10, 0), 0)).toBe(vnTime(2026, 11, 16, 10, 0));
    expect(() => cal.addWorkingHours(vnTime(2026, 11, 16, 10, 0), -1)).toThrow(RangeError);
  });

  it('workingHoursBetween', () => {
    const cal = calendar();
    expect(cal.workingHoursBetween(vnTime(2026, 11, 16, 7, 0), vnTime(2026, 11, 17, 7, 0))).toBe(8);
    expect(cal.workingHoursBetween(vnTime(2026, 11, 20, 16, 0), vnTime(2026, 11, 23, 8, 0))).toBe(2);
    expect(cal.workingHoursBetween(vnTime(2026, 11, 16, 11, 0), vnTime(2026, 11, 16, 14, 0))).toBe(1);
    expect(cal.workingHoursBetween(vnTime(2026, 11, 23, 8, 0), vnTime(2026, 11, 20, 16, 0))).toBe(-2);
  });
});

describe('computeAppointment', () => {
  it('16:55 on Friday 24/04/2026 before Giỗ Tổ (Sun 26/04), nghỉ bù (27/04) and 30/4–1/5', () => {
    const cal = calendar();
    const at = vnTime(2026, 4, 24, 16, 55);
    // 8 h: 5 min Friday; Sat, Sun, Mon (nghỉ bù) off; 7 h 55 min on Tuesday 28/04 → 16:55.
    const a8 = computeAppointment(at, { kind: 'workingHours', hours: 8 }, cal);
    expect(a8.appointmentAt).toBe(vnTime(2026, 4, 28, 16, 55));
    expect(a8.processingHours).toBe(8);
    // 24 h: 5 min Fri + Tue 28 + Wed 29 (16 h 5 min); Thu 30/4, Fri 1/5, weekend off → Monday 04/05 16:55.
    expect(computeAppointment(at, { kind: 'workingHours', hours: 24 }, cal).appointmentAt).toBe(vnTime(2026, 5, 4, 16, 55));
  });

  it('16:55 on Thursday 04/02/2027, the last working day before Tết 2027 (rule defaults)', () => {
    const cal = calendar();
    const at = vnTime(2027, 2, 4, 16, 55);
    // Off: Fri 05/02 – Thu 11/02 (Tết + 2 nghỉ bù). 8 h → Friday 12/02 16:55.
    expect(computeAppointment(at, { kind: 'workingHours', hours: 8 }, cal).appointmentAt).toBe(vnTime(2027, 2, 12, 16, 55));
    // 24 h → 5 min + Fri 12/02 + Mon 15/02 + 7 h 55 min → Tuesday 16/02/2027 16:55.
    expect(computeAppointment(at, { kind: 'workingHours', hours: 24 }, cal).appointmentAt).toBe(vnTime(2027, 2, 16, 16, 55));
  });

  it('explains a start outside working time', () => {
    const cal = calendar();
    expect(computeAppointment(vnTime(2026, 11, 16, 12, 0), { kind: 'workingHours', hours: 8 }, cal).explanation).toContain('Nhận trong giờ nghỉ trưa: tính từ 13:30.');
    expect(computeAppointment(vnTime(2026, 11, 16, 6, 30), { kind: 'workingHours', hours: 8 }, cal).explanation).toContain('Nhận trước giờ làm việc');
    const late = computeAppointment(vnTime(2026, 11, 16, 17, 30), { kind: 'workingHours', hours: 8 }, cal);
    expect(late.appointmentAt).toBe(vnTime(2026, 11, 17, 17, 0));
    expect(late.explanation).toContain('Nhận sau 17:00: tính từ 07:00 ngày làm việc tiếp theo.');
  });

  it('15:00 cut-off for same-day procedures', () => {
    const cal = calendar();
    // Wednesday 25/11/2026.
    const a = computeAppointment(vnTime(2026, 11, 25, 14, 59), sameDay15, cal);
    expect(a.appointmentAt).toBe(vnTime(2026, 11, 25, 17, 0));
    expect(a.processingHours).toBe(0); // printed 'Trong ngày làm việc'
    expect(a.explanation).toBe('Nhận trước 15:00: trả trong ngày.');
    const b = computeAppointment(vnTime(2026, 11, 25, 15, 0), sameDay15, cal);
    expect(b.appointmentAt).toBe(vnTime(2026, 11, 26, 17, 0));
    expect(b.explanation).toBe('Nhận sau 15:00: trả trong ngày làm việc tiếp theo.');
    expect(computeAppointment(vnTime(2026, 11, 25, 15, 30), sameDay15, cal).appointmentAt).toBe(vnTime(2026, 11, 26, 17, 0));
    // Friday 27/11 15:30 → Monday 30/11 17:00.
    expect(computeAppointment(vnTime(2026, 11, 27, 15, 30), sameDay15, cal).appointmentAt).toBe(vnTime(2026, 11, 30, 17, 0));
    // Before opening and during lunch: still the same day.
    expect(computeAppointment(vnTime(2026, 11, 25, 6, 30), sameDay15, cal).appointmentAt).toBe(vnTime(2026, 11, 25, 17, 0));
    expect(computeAppointment(vnTime(2026, 11, 25, 12, 0), sameDay15, cal).appointmentAt).toBe(vnTime(2026, 11, 25, 17, 0));
    // Saturday 28/11 → Monday 30/11 17:00.
    const sat = computeAppointment(vnTime(2026, 11, 28, 9, 0), sameDay15, cal);
    expect(sat.appointmentAt).toBe(vnTime(2026, 11, 30, 17, 0));
    expect(sat.explanation).toBe('Nhận vào ngày nghỉ: trả trong ngày làm việc tiếp theo.');
    // Friday 13/02/2026 15:30, before Tết (16–20/02 off) → Monday 23/02/2026 17:00.
    expect(computeAppointment(vnTime(2026, 2, 13, 15, 30), sameDay15, cal).appointmentAt).toBe(vnTime(2026, 2, 23, 17, 0));
  });

  it('calendar days: counted from the day after receipt; a last day off moves to the next working day', () => {
    const cal = calendar();
    const three = computeAppointment(vnTime(2026, 11, 16, 10, 0), { kind: 'calendarDays', days: 3 }, cal);
    expect(three.appointmentAt).toBe(vnTime(2026, 11, 19, 17, 0));
    expect(three.processingHours).toBe(24);
    // 5 days from Monday 16/11 → Saturday 21/11 → Monday 23/11.
    const five = computeAppointment(vnTime(2026, 11, 16, 10, 0), { kind: 'calendarDays', days: 5 }, cal);
    expect(five.appointmentAt).toBe(vnTime(2026, 11, 23, 17, 0));
    expect(five.explanation).toContain('chuyển sang ngày làm việc tiếp theo');
  });

  it('none → no appointment', () => {
    expect(computeAppointment(vnTime(2026, 11, 16, 10, 0), { kind: 'none' }, calendar())).toEqual({
      appointmentAt: null,
      processingHours: null,
      explanation: 'Thủ tục không có ngày hẹn trả.',
    });
  });

  it('describeProcessingTime', () => {
    expect(describeProcessingTime({ kind: 'workingHours', hours: 24 })).toBe('3 ngày làm việc');
    expect(describeProcessingTime({ kind: 'workingHours', hours: 12 })).toBe('1,5 ngày làm việc');
    expect(describeProcessingTime(sameDay15)).toBe('Trong ngày (nhận sau 15:00 trả trong ngày làm việc tiếp theo)');
    expect(describeProcessingTime({ kind: 'calendarDays', days: 5 })).toBe('5 ngày');
  });
});

describe('addPauseToAppointment', () => {
  it('moves the due date later by the working hours of the pause', () => {
    const cal = calendar();
    // Pause Mon 16/11 15:00 → Tue 17/11 09:00 = 2 h + 2 h = 4 h; due Thu 19/11 17:00 → Fri 20/11 11:00.
    expect(addPauseToAppointment(vnTime(2026, 11, 19, 17, 0), vnTime(2026, 11, 16, 15, 0), vnTime(2026, 11, 17, 9, 0), cal)).toBe(vnTime(2026, 11, 20, 11, 0));
    // A pause over a weekend only counts working hours: Fri 20/11 17:00 → Mon 23/11 07:00 = 0 h.
    const due = vnTime(2026, 11, 25, 17, 0);
    expect(addPauseToAppointment(due, vnTime(2026, 11, 20, 17, 0), vnTime(2026, 11, 23, 7, 0), cal)).toBe(due);
  });
});

describe('appointmentAfterPauses', () => {
  it('adds every supplement pause of a history, each from the latest move into 5, and nothing else', () => {
    const cal = calendar();
    const due = vnTime(2026, 11, 19, 17, 0);
    const at = (d: number, h: number) => vnTime(2026, 11, d, h, 0);
    const moves = [
      { from: 2, to: 4, at: at(16, 8) },
      { from: 4, to: 5, at: at(16, 15) }, // Mon 15:00 → Tue 09:00: 4 h
      { from: 5, to: 4, at: at(17, 9) },
      { from: 4, to: 5, at: at(17, 14) }, // Tue 14:00 → Wed 14:00: 8 h
      { from: 5, to: 4, at: at(18, 14) },
      { from: 4, to: 6, at: at(18, 15) }, // a financial obligation does not pause the clock
      { from: 6, to: 4, at: at(19, 8) },
    ];
    // 12 working hours after Thu 17:00: Fri 07:00 + 8 h = Mon 23/11 07:00 + 4 h = 11:00.
    expect(appointmentAfterPauses(due, moves, cal)).toBe(vnTime(2026, 11, 23, 11, 0));
    // The first pause alone gives what addPauseToAppointment gives.
    expect(appointmentAfterPauses(due, moves.slice(0, 3), cal)).toBe(addPauseToAppointment(due, at(16, 15), at(17, 9), cal));
    // Still paused (no 5 → 4 yet), no appointment, or a resume not after the pause: unchanged.
    expect(appointmentAfterPauses(due, moves.slice(0, 2), cal)).toBe(due);
    expect(appointmentAfterPauses(null, moves, cal)).toBeNull();
    expect(
      appointmentAfterPauses(
        due,
        [
          { from: 4, to: 5, at: at(17, 9) },
          { from: 5, to: 4, at: at(16, 15) },
        ],
        cal,
      ),
    ).toBe(due);
  });
});
