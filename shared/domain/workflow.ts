// Processing templates (quy trình xử lý): the steps a dossier goes through after receipt,
// who does each, how long it may take and what may be done from it (issue 10 item 1;
// DOMAIN.md §1 and the TH "TruongHopThuTuc" steps). The templates are data, versioned like
// the catalogue (shared/data/workflow/), edited by the administrator and published by the
// province; this module checks them and computes the step deadlines with the same working
// calendar as the appointment. Pure: the main process, the renderer and the hub use it.
import { z } from 'zod';
import type { WorkingCalendar } from './calendar/workingCalendar';
import { vnIsoDate } from './vnTime';
import type { DossierStatus, EpochMs, ProcessingTime } from './types';

/** The roles that do processing steps (the administrator, quản trị, does none). Same names as the account roles. */
export const STEP_ROLES = ['tiepNhan', 'chuyenMon', 'lanhDao'] as const;
export type StepRole = (typeof STEP_ROLES)[number];
export const STEP_ROLE_LABELS: Readonly<Record<StepRole, string>> = { tiepNhan: 'Tiếp nhận', chuyenMon: 'Chuyên môn', lanhDao: 'Lãnh đạo' };

/**
 * What the person holding the step may do: hand it to the next step, send it back to the
 * previous one, ask the citizen for more papers (Mẫu 02, status 5), propose a refusal
 * (Mẫu 03) or a stop (status 8), or finish processing (the result is ready: status 9).
 */
export const STEP_ACTIONS = ['forward', 'sendBack', 'requestSupplement', 'proposeRefusal', 'proposeStop', 'finish'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];
export const STEP_ACTION_LABELS: Readonly<Record<StepAction, string>> = {
  forward: 'Chuyển bước tiếp theo',
  sendBack: 'Trả lại bước trước',
  requestSupplement: 'Yêu cầu bổ sung',
  proposeRefusal: 'Đề xuất từ chối',
  proposeStop: 'Đề xuất dừng xử lý',
  finish: 'Hoàn thành xử lý',
};

/**
 * A step's time: fixed working hours, a share of the procedure's processing time (so one
 * default template fits procedures of 3 or 15 working days), or "by the appointment" for
 * same-day procedures, whose only step ends when the dossier is due.
 */
export type StepTime = { kind: 'hours'; hours: number } | { kind: 'share'; percent: number } | { kind: 'untilAppointment' };

export interface StepTemplate {
  /** Stable inside the template: 'thamdinh'. */
  id: string;
  name: string;
  role: StepRole;
  time: StepTime;
  /** The DVCQG status (TrangThaiHoSo) the dossier has while at this step. */
  status: DossierStatus;
  actions: StepAction[];
}

export interface ProcessTemplate {
  id: string;
  name: string;
  steps: StepTemplate[];
}

export interface TemplateSet {
  /** Stable id of the edition's publisher: 'builtin-2025.07', 'TH-2026.01'. */
  id: string;
  /** +1 on every published change of the same id. */
  version: number;
  effectiveFrom: string;
  legalBasis: string;
  source: string;
  templates: ProcessTemplate[];
  /** Which template a procedure follows: by its code, otherwise by its kind of processing time. */
  byProcedure: Record<string, string>;
  defaults: { sameDay: string; timed: string };
}

const slug = z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/, 'Mã chỉ gồm chữ, số, dấu chấm, gạch ngang, gạch dưới (tối đa 60 ký tự).');
const name = (label: string) =>
  z
    .string({ error: `${label}: phải là chuỗi ký tự.` })
    .transform((s) => s.normalize('NFC').trim())
    .refine((s) => s.length > 0 && s.length <= 200, { message: `${label}: không được để trống, tối đa 200 ký tự.` });

const stepSchema = z.object({
  id: slug,
  name: name('Tên bước'),
  role: z.enum(STEP_ROLES, { error: 'chưa có vai trò thực hiện (tiếp nhận, chuyên môn hoặc lãnh đạo).' }),
  time: z.discriminatedUnion(
    'kind',
    [
      z.object({
        kind: z.literal('hours'),
        hours: z
          .number()
          .min(0, 'Số giờ không được âm.')
          .max(8 * 365),
      }),
      z.object({ kind: z.literal('share'), percent: z.number().min(0, 'Tỷ lệ thời gian không được âm.').max(100, 'Tỷ lệ thời gian tối đa 100%.') }),
      z.object({ kind: z.literal('untilAppointment') }),
    ],
    { error: 'thời gian của bước phải là số giờ, tỷ lệ phần trăm hoặc "đến hạn trả".' },
  ),
  status: z.union([z.literal(2), z.literal(4), z.literal(9)], { error: 'trạng thái của bước chỉ có thể là 2 (tiếp nhận), 4 (đang xử lý) hoặc 9 (đã xử lý xong).' }),
  actions: z.array(z.enum(STEP_ACTIONS, { error: 'thao tác không hợp lệ.' })).min(1, 'chưa có thao tác nào được phép.'),
});

const templateSchema = z.object({ id: slug, name: name('Tên quy trình'), steps: z.array(z.unknown()).min(1, 'Quy trình chưa có bước nào.') });

function fail(message: string): never {
  throw new TemplateError(message);
}

/** A template set (or one template) that cannot be used; the message names the template and the step, in Vietnamese. */
export class TemplateError extends Error {}

/** Checks one template; returns it normalised or throws a TemplateError naming the step. */
export function validateTemplate(raw: unknown): ProcessTemplate {
  const t = templateSchema.safeParse(raw);
  if (!t.success) fail(`Quy trình không hợp lệ: ${t.error.issues[0]?.message ?? 'dữ liệu sai.'}`);
  const label = `Quy trình "${t.data.name}"`;
  const steps: StepTemplate[] = [];
  const ids = new Set<string>();
  t.data.steps.forEach((rawStep, i) => {
    const rec = (typeof rawStep === 'object' && rawStep !== null ? rawStep : {}) as Record<string, unknown>;
    const stepLabel = `${label}, bước ${i + 1}${typeof rec.name === 'string' && rec.name.trim() ? ` "${rec.name.trim()}"` : ''}`;
    const s = stepSchema.safeParse(rawStep);
    if (!s.success) fail(`${stepLabel}: ${s.error.issues[0]?.message ?? 'dữ liệu sai.'}`);
    if (ids.has(s.data.id)) fail(`${stepLabel}: mã bước "${s.data.id}" bị trùng.`);
    ids.add(s.data.id);
    const last = i === t.data.steps.length - 1;
    if (last && !s.data.actions.includes('finish')) fail(`${stepLabel}: bước cuối phải cho phép "${STEP_ACTION_LABELS.finish}".`);
    if (last && s.data.actions.includes('forward')) fail(`${stepLabel}: bước cuối không có bước tiếp theo để chuyển.`);
    if (!last && !s.data.actions.includes('forward')) fail(`${stepLabel}: phải cho phép "${STEP_ACTION_LABELS.forward}".`);
    if (i === 0 && s.data.actions.includes('sendBack')) fail(`${stepLabel}: bước đầu không có bước trước để trả lại.`);
    steps.push({ ...s.data, actions: [...new Set(s.data.actions)] });
  });
  if (steps[0]!.role !== 'tiepNhan') fail(`${label}: bước đầu là tiếp nhận hồ sơ, do cán bộ tiếp nhận thực hiện.`);
  const untilAppointment = steps.filter((s) => s.time.kind === 'untilAppointment').length;
  if (untilAppointment > 0 && steps.length > 1) fail(`${label}: chỉ quy trình một bước (giải quyết trong ngày) mới tính thời gian "đến hạn trả".`);
  const shares = steps.flatMap((s) => (s.time.kind === 'share' ? [s.time.percent] : []));
  if (shares.length > 0) {
    const sum = shares.reduce((a, b) => a + b, 0);
    if (Math.abs(sum - 100) > 1e-9) fail(`${label}: tổng tỷ lệ thời gian các bước phải là 100% (đang là ${Number(sum.toFixed(2))}%).`);
  }
  return { id: t.data.id, name: t.data.name, steps };
}

/** Checks a published set of templates (the built-in file or a province's). */
export function validateTemplateSet(raw: unknown): TemplateSet {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('Bộ quy trình phải là một đối tượng JSON.');
  const o = raw as Record<string, unknown>;
  const text = (k: string, label: string) => {
    const v = o[k];
    if (typeof v !== 'string' || !v.trim()) fail(`Bộ quy trình: thiếu ${label} ("${k}").`);
    return v.normalize('NFC').trim();
  };
  const id = slug.safeParse(o.id);
  if (!id.success) fail('Bộ quy trình: mã ("id") không hợp lệ.');
  if (typeof o.version !== 'number' || !Number.isInteger(o.version) || o.version < 1) fail('Bộ quy trình: phiên bản ("version") phải là số nguyên từ 1 trở lên.');
  const effectiveFrom = text('effectiveFrom', 'ngày hiệu lực');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(effectiveFrom)) fail('Bộ quy trình: ngày hiệu lực phải có dạng yyyy-mm-dd.');
  if (!Array.isArray(o.templates) || o.templates.length === 0) fail('Bộ quy trình: chưa có quy trình nào.');
  const templates = o.templates.map(validateTemplate);
  const known = new Set<string>();
  for (const t of templates) {
    if (known.has(t.id)) fail(`Bộ quy trình: mã quy trình "${t.id}" bị trùng.`);
    known.add(t.id);
  }
  const byProcedure = (typeof o.byProcedure === 'object' && o.byProcedure !== null ? o.byProcedure : {}) as Record<string, unknown>;
  for (const [code, tid] of Object.entries(byProcedure)) if (typeof tid !== 'string' || !known.has(tid)) fail(`Bộ quy trình: thủ tục ${code} dùng quy trình "${String(tid)}" không có trong bộ.`);
  const d = (typeof o.defaults === 'object' && o.defaults !== null ? o.defaults : {}) as Record<string, unknown>;
  for (const k of ['sameDay', 'timed'] as const) if (typeof d[k] !== 'string' || !known.has(d[k] as string)) fail(`Bộ quy trình: quy trình mặc định "${k}" không có trong bộ.`);
  const sameDay = templates.find((t) => t.id === d.sameDay)!;
  if (sameDay.steps.length !== 1) fail(`Bộ quy trình: quy trình trong ngày "${sameDay.name}" phải có đúng một bước.`);
  return {
    id: id.data,
    version: o.version,
    effectiveFrom,
    legalBasis: text('legalBasis', 'căn cứ pháp lý'),
    source: text('source', 'nguồn'),
    templates,
    byProcedure: byProcedure as Record<string, string>,
    defaults: { sameDay: d.sameDay as string, timed: d.timed as string },
  };
}

/** The template a procedure follows: its own assignment, else the same-day or the timed default. */
export function templateFor(set: TemplateSet, procedure: { code: string; processing: ProcessingTime }): ProcessTemplate {
  const id = set.byProcedure[procedure.code] ?? (procedure.processing.kind === 'sameDay' ? set.defaults.sameDay : set.defaults.timed);
  return set.templates.find((t) => t.id === id)!;
}

/** A step's time budget in working hours for a dossier of `processingHours` (null: no appointment, no budget). */
export function stepBudgetHours(step: StepTemplate, processingHours: number | null): number | null {
  switch (step.time.kind) {
    case 'hours':
      return step.time.hours;
    case 'share':
      return processingHours === null ? null : Math.round(((processingHours * step.time.percent) / 100) * 60) / 60;
    case 'untilAppointment':
      return null;
  }
}

/**
 * When the step must be done if it starts at `startAt`: its budget in working hours from then
 * (same working calendar as the appointment), never after the dossier's appointment; a
 * same-day step, or a dossier with no budget, is due at the appointment (null if none).
 */
export function stepDueAt(step: StepTemplate, startAt: EpochMs, processingHours: number | null, appointmentAt: EpochMs | null, cal: WorkingCalendar): EpochMs | null {
  const budget = stepBudgetHours(step, processingHours);
  if (budget === null) return appointmentAt;
  const due = cal.addWorkingHours(startAt, budget);
  return appointmentAt !== null && due > appointmentAt ? appointmentAt : due;
}

export type StepOutcome = 'early' | 'onTime' | 'late';
export const STEP_OUTCOME_LABELS: Readonly<Record<StepOutcome, string>> = { early: 'Trước hạn', onTime: 'Đúng hạn', late: 'Quá hạn' };

/** Done before the due date's day: early; on that day by the due time: on time; after it: late. No due time: on time. */
export function stepOutcome(doneAt: EpochMs, dueAt: EpochMs | null): StepOutcome {
  if (dueAt === null) return 'onTime';
  if (doneAt > dueAt) return 'late';
  return vnIsoDate(doneAt) < vnIsoDate(dueAt) ? 'early' : 'onTime';
}

/** The planned deadlines of every step when each starts as the previous one is due (the work list's first view of a dossier). */
export function stepPlan(
  template: ProcessTemplate,
  receivedAt: EpochMs,
  processingHours: number | null,
  appointmentAt: EpochMs | null,
  cal: WorkingCalendar,
): { step: StepTemplate; dueAt: EpochMs | null }[] {
  let start = receivedAt;
  return template.steps.map((step) => {
    const dueAt = stepDueAt(step, start, processingHours, appointmentAt, cal);
    if (dueAt !== null) start = dueAt;
    return { step, dueAt };
  });
}
