// Processing templates as data (issue 10 item 1): the built-in set, which template a
// procedure follows, step deadlines on the working calendar (hand-computed below with the
// default hours 07:00–11:30 and 13:30–17:00), step outcomes, and every malformed template
// refused with a Vietnamese message naming the step.
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES } from '../../shared/data/workflow/index';
import { BUILTIN_CATALOGUE } from '../../shared/data/catalogue/index';
import { ruleHolidays } from '../../shared/domain/calendar/holidays';
import { WorkingCalendar, computeAppointment } from '../../shared/domain/calendar/workingCalendar';
import { DEFAULT_WORKING_HOURS } from '../../shared/domain/types';
import { formatDateTime, vnTime } from '../../shared/domain/vnTime';
import { TemplateError, stepBudgetHours, stepDueAt, stepOutcome, stepPlan, templateFor, validateTemplate, validateTemplateSet } from '../../shared/domain/workflow';
import raw from '../../shared/data/workflow/templates-2025-07.json';

const cal = new WorkingCalendar(DEFAULT_WORKING_HOURS, ruleHolidays);
const procedure = (code: string) => BUILTIN_CATALOGUE.procedures.find((p) => p.code === code)!;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('the built-in templates', () => {
  it('a timed procedure goes counter → specialist → leader → counter; a same-day one is one step at the counter', () => {
    const timed = templateFor(BUILTIN_TEMPLATES, procedure('1.004873'));
    expect(timed.steps.map((s) => [s.name, s.role, s.status])).toEqual([
      ['Tiếp nhận hồ sơ', 'tiepNhan', 2],
      ['Thẩm định hồ sơ', 'chuyenMon', 4],
      ['Phê duyệt kết quả', 'lanhDao', 4],
      ['Vào sổ, trả kết quả', 'tiepNhan', 9],
    ]);
    expect(timed.steps[1]!.actions).toEqual(['forward', 'sendBack', 'requestSupplement', 'proposeRefusal']);
    const sameDay = templateFor(BUILTIN_TEMPLATES, procedure('1.001193'));
    expect(sameDay.steps).toHaveLength(1);
    expect(sameDay.steps[0]).toMatchObject({ role: 'tiepNhan', time: { kind: 'untilAppointment' }, actions: ['finish', 'requestSupplement', 'proposeRefusal'] });
  });

  it('a procedure assigned its own template follows it', () => {
    const set = validateTemplateSet({ ...clone(raw), byProcedure: { '1.004873': 'xa-trong-ngay' } });
    expect(templateFor(set, procedure('1.004873')).id).toBe('xa-trong-ngay');
    expect(templateFor(set, procedure('1.001022')).id).toBe('xa-co-thoi-han');
  });
});

describe('step deadlines on the working calendar', () => {
  it('3 working days from Monday 02/03/2026 09:00: the steps share the time and the last is due at the appointment', () => {
    const p = procedure('1.004873');
    const receivedAt = vnTime(2026, 3, 2, 9, 0);
    const appt = computeAppointment(receivedAt, p.processing, cal);
    expect(formatDateTime(appt.appointmentAt!)).toBe('09:00 05/03/2026');
    const t = templateFor(BUILTIN_TEMPLATES, p);
    expect(t.steps.map((s) => stepBudgetHours(s, appt.processingHours))).toEqual([1.2, 14.4, 6, 2.4]);
    const plan = stepPlan(t, receivedAt, appt.processingHours, appt.appointmentAt, cal);
    // 1,2 h → 10:12 Mon; 14,4 h → Mon 4,8 + Tue 8 + Wed 1,6 → 08:36 Wed; 6 h → 2,9 + 3,1 → 16:36 Wed; 2,4 h → 0,4 + 2 → 09:00 Thu.
    expect(plan.map((x) => formatDateTime(x.dueAt!))).toEqual(['10:12 02/03/2026', '08:36 04/03/2026', '16:36 04/03/2026', '09:00 05/03/2026']);
  });

  it('skips the holidays (Giỗ Tổ 26/04/2026 is a Sunday: nghỉ bù Monday 27/04; 30/04 and 01/05)', () => {
    const t = templateFor(BUILTIN_TEMPLATES, procedure('1.004873'));
    const review = t.steps[1]!;
    // 14,4 h from Friday 24/04 16:00: Fri 1 h; Sat, Sun and Mon 27/04 off; Tue 28 8 h (9 h); Wed 29 the morning's 4,5 h (13,5 h) and 0,9 h from 13:30 → 14:24.
    expect(formatDateTime(stepDueAt(review, vnTime(2026, 4, 24, 16, 0), 24, null, cal)!)).toBe('14:24 29/04/2026');
  });

  it('a step is never due after the appointment; a same-day step is due at the appointment', () => {
    const t = templateFor(BUILTIN_TEMPLATES, procedure('1.004873'));
    const appt = vnTime(2026, 3, 3, 10, 0);
    expect(stepDueAt(t.steps[1]!, vnTime(2026, 3, 2, 9, 0), 24, appt, cal)).toBe(appt);
    const one = templateFor(BUILTIN_TEMPLATES, procedure('1.001193')).steps[0]!;
    expect(stepDueAt(one, vnTime(2026, 3, 2, 9, 0), 0, vnTime(2026, 3, 2, 17, 0), cal)).toBe(vnTime(2026, 3, 2, 17, 0));
    expect(stepDueAt(t.steps[1]!, vnTime(2026, 3, 2, 9, 0), null, null, cal)).toBeNull();
  });

  it('a step done on an earlier day is early, by the due time on time, after it late', () => {
    const due = vnTime(2026, 3, 4, 8, 36);
    expect(stepOutcome(vnTime(2026, 3, 3, 16, 0), due)).toBe('early');
    expect(stepOutcome(vnTime(2026, 3, 4, 8, 0), due)).toBe('onTime');
    expect(stepOutcome(vnTime(2026, 3, 4, 8, 37), due)).toBe('late');
    expect(stepOutcome(vnTime(2026, 3, 9, 8, 0), null)).toBe('onTime');
  });
});

describe('a malformed template is refused, naming the template and the step', () => {
  const base = () => clone(raw.templates[0]!) as unknown as { name: string; steps: Record<string, unknown>[] };
  const refused = (t: unknown) => {
    try {
      validateTemplate(t);
    } catch (e) {
      expect(e).toBeInstanceOf(TemplateError);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('a step with no role', () => {
    const t = base();
    delete t.steps[1]!.role;
    expect(refused(t)).toBe('Quy trình "Quy trình cấp xã (có thời hạn giải quyết)", bước 2 "Thẩm định hồ sơ": chưa có vai trò thực hiện (tiếp nhận, chuyên môn hoặc lãnh đạo).');
    t.steps[1]!.role = 'quanTri';
    expect(refused(t)).toContain('chưa có vai trò thực hiện');
  });

  it('shares that do not add up to 100 %, a last step that cannot finish, a middle step that cannot go on', () => {
    const a = base();
    a.steps[1]!.time = { kind: 'share', percent: 50 };
    expect(refused(a)).toContain('tổng tỷ lệ thời gian các bước phải là 100% (đang là 90%)');
    const b = base();
    b.steps[3]!.actions = ['sendBack'];
    expect(refused(b)).toContain('bước 4 "Vào sổ, trả kết quả": bước cuối phải cho phép "Hoàn thành xử lý"');
    const c = base();
    c.steps[2]!.actions = ['sendBack'];
    expect(refused(c)).toContain('bước 3 "Phê duyệt kết quả": phải cho phép "Chuyển bước tiếp theo"');
  });

  it('a first step not at the counter, a repeated step id, no step at all', () => {
    const a = base();
    a.steps[0]!.role = 'chuyenMon';
    expect(refused(a)).toContain('bước đầu là tiếp nhận hồ sơ');
    const b = base();
    b.steps[2]!.id = 'thamdinh';
    expect(refused(b)).toContain('mã bước "thamdinh" bị trùng');
    expect(refused({ ...base(), steps: [] })).toContain('chưa có bước nào');
  });

  it('a set naming a template it does not hold', () => {
    expect(() => validateTemplateSet({ ...clone(raw), byProcedure: { '1.004873': 'khong-co' } })).toThrow('thủ tục 1.004873 dùng quy trình "khong-co" không có trong bộ');
    expect(() => validateTemplateSet({ ...clone(raw), defaults: { sameDay: 'xa-co-thoi-han', timed: 'xa-co-thoi-han' } })).toThrow('phải có đúng một bước');
  });
});
