// The sync calls of the contract (device ⇄ province hub, shared/sync/PROTOCOL.md): argument
// schemas with Vietnamese messages and result types. Spread into `contract` (contract.ts).
// Pure: no Node, no DOM. The handlers live in electron/services/sync/engine.ts.
import { z } from 'zod';
import { nfc } from '../domain/text';
import type { DossierStatus, EpochMs } from '../domain/types';

/** A clock difference with the hub above this is shown as a warning (appointment times would be wrong). */
export const CLOCK_SKEW_WARNING_MS = 5 * 60_000;

/** What the sync panel and the CLI say while the hub keeps this PC waiting for approval (SyncStatus.awaitingApproval). */
export const AWAITING_APPROVAL_TEXT =
  'Máy đã đăng ký và đang chờ cán bộ quản trị của tỉnh duyệt. Hồ sơ vẫn được tiếp nhận và lưu trên máy; khi tỉnh duyệt, máy tự gửi các thay đổi đang chờ và nhận hồ sơ của đơn vị.';

export type SyncItemState = 'queued' | 'sending' | 'acked' | 'failed';

export interface SyncItem {
  /** Outbox row id (= the event's per-device seq). */
  id: number;
  type: string;
  /** What the change was, in Vietnamese ('Tiếp nhận hồ sơ', 'Chuyển trạng thái 4 → 9', …). */
  label: string;
  /** Dossier code when the item belongs to a dossier on this PC. */
  dossierCode: string | null;
  /** The dossier's id on this PC (to open it), when known. */
  dossierId: string | null;
  state: SyncItemState;
  attempts: number;
  /** Why it failed, or the last error while it waits (Vietnamese). */
  reason: string | null;
  at: EpochMs;
}

export interface SyncEnrolment {
  hubUrl: string;
  allowInsecureHttp: boolean;
  deviceId: string;
  deviceName: string;
  unitCode: string;
  unitName: string;
  slot: number;
  enrolledAt: EpochMs;
}

export interface SyncStatus {
  enrolled: SyncEnrolment | null;
  counts: { queued: number; sending: number; failed: number; acked: number };
  files: { queued: number; verified: number; failed: number };
  /** Files of other PCs' pages to fetch from the hub: waiting (retried at each sync) and failed (never readable). */
  downloads: { waiting: number; failed: number };
  /** Items not yet acknowledged (failed first), at most 200. */
  items: SyncItem[];
  running: boolean;
  /** The hub answered the last probe (null: not probed yet). */
  reachable: boolean | null;
  lastSuccessAt: EpochMs | null;
  lastAttemptAt: EpochMs | null;
  lastError: string | null;
  lastErrorAt: EpochMs | null;
  /** hub clock − this PC's clock, ms (null: never measured). */
  clockSkewMs: number | null;
  /** |clockSkewMs| > CLOCK_SKEW_WARNING_MS. */
  clockWarning: boolean;
  openConflicts: number;
  /** Next automatic attempt (while the hub is unreachable), if scheduled. */
  nextAttemptAt: EpochMs | null;
  /**
   * The hub said this PC's enrolment waits for the province officer's approval (at enrolment or
   * at the last run; issue 13 §4): nothing is sent or received until then.
   */
  awaitingApproval: boolean;
}

export interface SyncRunReport {
  ok: boolean;
  pushed: { accepted: number; duplicates: number; rejected: number };
  files: { uploaded: number; failed: number; bytes: number };
  pulled: { events: number; dossiersAdded: number; updates: number };
  /** Files of other PCs' pages fetched after the pull; bytes = body bytes received. */
  downloads: { done: number; failed: number; bytes: number };
  /** Items that are 'failed' after the run. */
  failed: number;
  /** Still waiting (queued) after the run. */
  remaining: number;
  error: string | null;
  seconds: number;
}

export interface SyncEnrolResult {
  enrolment: SyncEnrolment;
  /** A caution to show the clerk (e.g. codes issued before enrolment outside the slot given). */
  warning: string | null;
  /** The device must wait for the province officer's approval before it syncs. */
  awaitingApproval: boolean;
}

export interface SyncConflictSide {
  deviceId: string;
  actor: string;
  at: EpochMs;
  /** The status chosen by that side (status conflicts) or the value set. */
  value: unknown;
  label: string;
}

export interface SyncConflict {
  id: string;
  dossierId: string | null;
  dossierCode: string | null;
  kind: 'status' | 'field' | 'received';
  reason: 'concurrent' | 'stale';
  base: unknown;
  kept: SyncConflictSide | null;
  other: SyncConflictSide;
  resolved: boolean;
  /** The status the dossier shows now on this PC. */
  currentStatus: DossierStatus | null;
}

const hubUrl = z
  .string({ error: 'Nhập địa chỉ hub của tỉnh.' })
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, { message: 'Nhập địa chỉ hub của tỉnh.' })
  .refine((s) => s.length <= 300, { message: 'Địa chỉ hub dài quá 300 ký tự.' })
  .refine((s) => /^https?:\/\/[^\s/]+/i.test(s), { message: 'Địa chỉ hub phải bắt đầu bằng https:// (ví dụ https://dongbo.angiang.gov.vn).' });

/** Enrolment codes: 4 groups of 4 characters (PROTOCOL.md §3); spaces and case are forgiven. */
const enrolmentCode = z
  .string({ error: 'Nhập mã đăng ký do tỉnh cấp.' })
  .transform((s) => s.toUpperCase().replace(/[\s_]/g, ''))
  .refine((s) => /^[A-Z0-9]{4}-?[A-Z0-9]{4}-?[A-Z0-9]{4}-?[A-Z0-9]{4}$/.test(s), {
    message: 'Mã đăng ký gồm 16 ký tự, dạng XXXX-XXXX-XXXX-XXXX.',
  })
  .transform((s) => (s.includes('-') ? s : s.replace(/(.{4})(?=.)/g, '$1-')));

export const syncSchemas = {
  enroll: z.object({
    hubUrl,
    code: enrolmentCode,
    deviceName: z
      .string({ error: 'Nhập tên máy.' })
      .transform((s) => nfc(s).trim())
      .refine((s) => s.length > 0, { message: 'Nhập tên máy (ví dụ "Máy tiếp nhận 1").' })
      .refine((s) => s.length <= 100, { message: 'Tên máy dài quá 100 ký tự.' }),
    allowInsecureHttp: z.boolean().optional(),
  }),
  resolveConflict: z.object({
    conflictId: z.string().min(1).max(200),
    status: z.number().int().min(1, 'Trạng thái không hợp lệ.').max(10, 'Trạng thái không hợp lệ.') as unknown as z.ZodType<DossierStatus>,
    note: z
      .string()
      .transform((s) => nfc(s).trim())
      .refine((s) => s.length <= 2000, { message: 'Ghi chú dài quá 2000 ký tự.' })
      .default(''),
  }),
};

function call<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

export const syncCalls = {
  'sync.status': call<SyncStatus>()(z.object({})),
  'sync.now': call<SyncRunReport>()(z.object({})),
  'sync.enroll': call<SyncEnrolResult>()(syncSchemas.enroll),
  'sync.retryFailed': call<{ requeued: number }>()(z.object({})),
  'sync.conflicts': call<SyncConflict[]>()(z.object({})),
  'sync.resolveConflict': call<SyncConflict[]>()(syncSchemas.resolveConflict),
} as const;
