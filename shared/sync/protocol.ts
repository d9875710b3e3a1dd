// The device ⇄ province hub sync protocol, version 1 (see PROTOCOL.md beside this file).
// Pure TypeScript + zod: no Node, no DOM. Imported by the hub (server/), the device client
// (electron/services/sync/) and the tests. Every request body and every event is checked
// against these schemas at the hub; messages are Vietnamese, as in shared/ipc/contract.ts.
import { z } from 'zod';
import type { Applicant, Channel, DossierComponent, DossierStatus, EpochMs, ResultDelivery } from '../domain/types';
import { parseIsoDate, vnParts } from '../domain/vnTime';
import { applicantOnWire, componentOnWire, FIELD_PATHS, FIELD_WIRE_SCHEMAS, type EditableField } from '../domain/dossierFields';

export const PROTOCOL_VERSION = 'v1';
export const API_PREFIX = '/v1';

/** Hard limits enforced by the hub (413/400 beyond them) and respected by the client. */
export const LIMITS = {
  /** POST /v1/push body. */
  maxPushBodyBytes: 4 * 1024 * 1024,
  /** Events per push batch. */
  maxEventsPerBatch: 500,
  /** One PATCH /v1/files/:sha256 body. */
  maxChunkBytes: 1024 * 1024,
  /** A whole file (a scanned page or a PDF). */
  maxFileBytes: 64 * 1024 * 1024,
  /** Other JSON bodies (enrol, file creation). */
  maxSmallBodyBytes: 16 * 1024,
  /** Items per pull page. */
  maxPullLimit: 1000,
  defaultPullLimit: 500,
} as const;

/**
 * Default upload chunk. A chunk is the unit of resumption: a cut connection costs at most one
 * chunk of re-sent bytes. 64 KiB suits links of ~250 kbit/s with drops (≈2 s per chunk);
 * on ≥1 Mbit/s the client raises it (256 KiB) so each round trip carries more data.
 */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/** HTTP header names (lower case, as node:http reports them). */
export const HEADERS = {
  /** Every response: the hub's clock, epoch ms, for the clock-skew display. */
  hubTime: 'x-hub-time',
  protocol: 'x-sync-protocol',
  /** tus: bytes of the file the hub holds; request: where this chunk starts. */
  uploadOffset: 'upload-offset',
  uploadLength: 'upload-length',
  /** tus checksum extension: 'sha256 <base64 of the chunk's SHA-256>'. */
  uploadChecksum: 'upload-checksum',
} as const;

/** tus' status for a checksum mismatch. */
export const STATUS_CHECKSUM_MISMATCH = 460;

/**
 * The error code of every request of a device that enrolled but is not yet approved by the
 * province officer (403, PROTOCOL.md §3): the device keeps its changes queued and shows that
 * it waits for approval.
 */
export const DEVICE_PENDING_APPROVAL = 'device_pending_approval';

// ---------- building blocks ----------

const boundedText = (max: number, label: string) => z.string({ error: `${label}: phải là chuỗi ký tự.` }).max(max, { message: `${label}: dài quá ${max} ký tự.` });

export const uuidSchema = z.string({ error: 'Mã sự kiện phải là UUID.' }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Mã sự kiện phải là UUID.');

export const recordIdSchema = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'Mã định danh bản ghi không hợp lệ.');

export const deviceIdSchema = z.string().regex(/^[0-9A-Za-z_:-]{1,64}$/, 'Mã máy không hợp lệ.');

export const unitCodeSchema = z
  .string({ error: 'Mã định danh đơn vị phải là chuỗi ký tự.' })
  .regex(/^[0-9A-Z]{1,6}(\.[0-9A-Z]{1,6}){1,5}$/, 'Mã định danh đơn vị không hợp lệ (ví dụ 000.00.13.H12 hoặc H01.151).');

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 phải gồm 64 ký tự hex thường.');

const epochMs = z.number({ error: 'Thời điểm phải là số mili giây.' }).int().min(0).max(8_640_000_000_000);

export const dossierStatusSchema = z
  .number({ error: 'Trạng thái hồ sơ không hợp lệ.' })
  .int()
  .min(1, 'Trạng thái hồ sơ không hợp lệ.')
  .max(10, 'Trạng thái hồ sơ không hợp lệ.') as unknown as z.ZodType<DossierStatus>;

const channelSchema = z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'Kênh thực hiện phải là 1, 2 hoặc 3.' });
const resultDeliverySchema = z.enum(['counter', 'post'], { error: 'Hình thức nhận kết quả phải là counter hoặc post.' });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Ngày phải có dạng yyyy-mm-dd.');

/** Applicant as recorded at the counter. The hub bounds it; the device validated it in full. */
export const syncApplicantSchema = applicantOnWire satisfies z.ZodType<Applicant, unknown>;

export const syncComponentSchema = componentOnWire satisfies z.ZodType<DossierComponent, unknown>;

// ---------- events ----------

export const EVENT_TYPES = [
  'dossier.received',
  'dossier.status_changed',
  'dossier.field_edited',
  'dossier.file_attached',
  'dossier.file_removed',
  'dossier.pages_reordered',
  'dossier.conflict_resolved',
  'dossier.document_reviewed',
  'guidance.issued',
] as const;
export type SyncEventType = (typeof EVENT_TYPES)[number];

/** The full initial record of a dossier (Mẫu 01 data), made when the counter receives it. */
export const receivedBodySchema = z.object({
  code: z.string().max(80),
  procedureCode: z.string().regex(/^[0-9A-Za-z.\-_]{1,60}$/, 'Mã thủ tục không hợp lệ.'),
  procedureName: boundedText(500, 'Tên thủ tục'),
  fieldCode: boundedText(60, 'Mã lĩnh vực'),
  fieldName: boundedText(300, 'Tên lĩnh vực'),
  applicant: syncApplicantSchema,
  components: z.array(syncComponentSchema).max(100),
  copies: z.number().int().min(1).max(99),
  channel: channelSchema,
  resultDelivery: resultDeliverySchema,
  /** 2 Được tiếp nhận for a counter dossier, 1 for an online registration not yet checked. */
  status: dossierStatusSchema,
  receivedAt: epochMs,
  appointmentAt: epochMs.nullable(),
  processingHours: z.number().min(0).max(100_000).nullable(),
  receivedBy: boundedText(120, 'Người tiếp nhận'),
  note: boundedText(2000, 'Ghi chú'),
  registerBook: z.number().int().min(0).max(9999),
  registerNo: z.number().int().min(0).max(10_000_000),
});
export type ReceivedBody = z.infer<typeof receivedBodySchema>;

export const statusChangedBodySchema = z.object({
  from: dossierStatusSchema,
  to: dossierStatusSchema,
  note: boundedText(2000, 'Ghi chú'),
  /** Refusal reason (3) or stop reason (8). */
  reason: boundedText(2000, 'Lý do').optional(),
  /** ChucDanh and PhongBanXuLy of the national progress record. */
  actorTitle: boundedText(120, 'Chức danh').optional(),
  department: boundedText(200, 'Phòng ban xử lý').optional(),
});
export type StatusChangedBody = z.infer<typeof statusChangedBodySchema>;

/** The fields that may be edited after receipt (dossier.field_edited), each with the schema of its value: shared/domain/dossierFields.ts. */
export const EDITABLE_FIELDS = FIELD_WIRE_SCHEMAS;
export type { EditableField };
export const EDITABLE_FIELD_PATHS = FIELD_PATHS;

export const fieldEditedBodySchema = z
  .object({
    path: z.enum(EDITABLE_FIELD_PATHS as [EditableField, ...EditableField[]], { error: 'Trường không được phép sửa.' }),
    value: z.unknown(),
    previous: z.unknown(),
  })
  .superRefine((b, ctx) => {
    const schema = EDITABLE_FIELDS[b.path] as z.ZodType;
    if (!schema) return;
    for (const k of ['value', 'previous'] as const) {
      const r = schema.safeParse(b[k]);
      if (!r.success) ctx.addIssue({ code: 'custom', path: [k], message: `${b.path}: ${r.error.issues[0]?.message ?? 'giá trị không hợp lệ'}` });
    }
  });
export type FieldEditedBody = { path: EditableField; value: unknown; previous: unknown };

export const fileAttachedBodySchema = z.object({
  sha256: sha256Schema,
  size: z.number().int().min(1).max(LIMITS.maxFileBytes),
  mime: z.string().regex(/^[a-z]+\/[0-9a-z.+-]{1,80}$/, 'Kiểu tệp (MIME) không hợp lệ.'),
  componentId: syncComponentSchema.shape.componentId,
  /** Page number inside the component, from 1. */
  page: z.number().int().min(1).max(10_000),
  fileName: boundedText(255, 'Tên tệp').optional(),
  /** Only on a page of a result paper (LoaiSoHoa 1; componentId is then the result's id): its name. */
  resultName: boundedText(500, 'Tên giấy tờ kết quả').optional(),
  /**
   * Only on a reused page: the component's digitisation state, 2 tái sử dụng or 3 tái sử dụng
   * từ kết quả hồ sơ khác (DOMAIN.md §5; DVCQG DuocTaiSuDung 1 or 2).
   */
  reuse: z.union([z.literal(2), z.literal(3)], { error: 'Trạng thái tái sử dụng phải là 2 hoặc 3.' }).optional(),
});
export type FileAttachedBody = z.infer<typeof fileAttachedBodySchema>;

/**
 * A page taken off a dossier: `attachedEventId` is the dossier.file_attached event it
 * withdraws (a later attach of the same file is a new page, not withdrawn); the other
 * fields repeat that event's, for readers that do not hold it.
 */
export const fileRemovedBodySchema = z.object({
  attachedEventId: uuidSchema,
  sha256: sha256Schema,
  componentId: syncComponentSchema.shape.componentId,
  page: fileAttachedBodySchema.shape.page,
});
export type FileRemovedBody = z.infer<typeof fileRemovedBodySchema>;

/** The clerk put a component's pages in a new order: `order` = their attach event ids, first page first. */
export const pagesReorderedBodySchema = z.object({
  componentId: syncComponentSchema.shape.componentId,
  order: z.array(uuidSchema).min(1).max(10_000),
});

/** yyyy-mm-dd of a day that exists (2023-02-30 is refused). */
const realIsoDate = isoDate.refine((s) => parseIsoDate(s) !== null, 'Ngày không có thật.');

/** Document data of a digitised paper (DOMAIN.md §5), as the review form bounds it; dates yyyy-mm-dd or ''. */
export const documentDataSchema = z.object({
  soKyHieu: boundedText(50, 'Số, ký hiệu'),
  ngayBanHanh: realIsoDate.or(z.literal('')),
  coQuanBanHanh: boundedText(200, 'Cơ quan ban hành'),
  nguoiKy: boundedText(120, 'Người ký'),
  trichYeu: boundedText(1000, 'Trích yếu nội dung'),
  /** ThoiHanHieuLuc ('' when none or vĩnh viễn). */
  hieuLucDen: realIsoDate.or(z.literal('')),
  /** ThoiHanVinhVien. */
  vinhVien: z.boolean({ error: 'Hiệu lực vĩnh viễn phải là có/không.' }),
});

/**
 * A review decision (TrangThaiSoHoa) on a digitised paper: the live pages of the component or
 * result `componentId`, 1 đã duyệt or 2 không duyệt (with its reason), and its document data.
 */
export const documentReviewedBodySchema = z
  .object({
    componentId: syncComponentSchema.shape.componentId,
    state: z.union([z.literal(1), z.literal(2)], { error: 'Trạng thái duyệt phải là 1 (đã duyệt) hoặc 2 (không duyệt).' }),
    reason: boundedText(500, 'Lý do không duyệt'),
    data: documentDataSchema,
    reviewedBy: boundedText(120, 'Người duyệt'),
  })
  .refine((b) => b.state === 1 || b.reason.trim() !== '', { message: 'Không duyệt: phải có lý do.', path: ['reason'] });
export type DocumentReviewedBody = z.infer<typeof documentReviewedBodySchema>;

/** A person settled conflicts reported by deriveDossier; the ids are the conflicts' ids. */
export const conflictResolvedBodySchema = z.object({
  conflictIds: z.array(z.string().max(200)).min(1).max(100),
  note: boundedText(2000, 'Ghi chú'),
});

/** Mẫu 02. dossierId of this event is the guidance slip's id (the slip is its own stream). */
export const guidanceIssuedBodySchema = z.object({
  number: z.number().int().min(1),
  year: z.number().int().min(2000).max(2200),
  procedureCode: receivedBodySchema.shape.procedureCode,
  procedureName: boundedText(500, 'Tên thủ tục'),
  applicant: syncApplicantSchema,
  missing: z.array(syncComponentSchema).max(100),
  reason: boundedText(2000, 'Lý do'),
  issuedBy: boundedText(120, 'Người hướng dẫn'),
  issuedAt: epochMs,
});

const envelope = {
  /** Made by the device (UUID v4); the hub ignores a second copy. */
  eventId: uuidSchema,
  deviceId: deviceIdSchema,
  unitCode: unitCodeSchema,
  /** The stream the event belongs to: the dossier id (the guidance slip id for guidance.issued). */
  dossierId: recordIdSchema,
  /** Per-device sequence number, from 1, no reuse. */
  seq: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  /** Device clock, epoch ms. Only orders events; the hub stamps its own ingest cursor. */
  at: epochMs,
  /** The clerk (họ tên) who did it. */
  actor: boundedText(120, 'Người thực hiện'),
};

export const syncEventSchema = z.discriminatedUnion(
  'type',
  [
    z.object({ ...envelope, type: z.literal('dossier.received'), body: receivedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.status_changed'), body: statusChangedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.field_edited'), body: fieldEditedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.file_attached'), body: fileAttachedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.file_removed'), body: fileRemovedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.pages_reordered'), body: pagesReorderedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.conflict_resolved'), body: conflictResolvedBodySchema }),
    z.object({ ...envelope, type: z.literal('dossier.document_reviewed'), body: documentReviewedBodySchema }),
    z.object({ ...envelope, type: z.literal('guidance.issued'), body: guidanceIssuedBodySchema }),
  ],
  { error: 'Loại sự kiện không hợp lệ.' },
);
export type SyncEvent = z.infer<typeof syncEventSchema>;
export type SyncEventOf<T extends SyncEventType> = Extract<SyncEvent, { type: T }>;

// ---------- requests and responses ----------

export const pushRequestSchema = z.object({
  batchId: z.string({ error: 'Mã lô (batchId) phải là UUID.' }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'Mã lô (batchId) phải là UUID.'),
  /** Each event is validated on its own, so one bad event does not sink the batch. */
  events: z.array(z.unknown()).min(1, 'Lô đồng bộ không có sự kiện nào.').max(LIMITS.maxEventsPerBatch, `Một lô tối đa ${LIMITS.maxEventsPerBatch} sự kiện.`),
});
export type PushRequest = { batchId: string; events: SyncEvent[] };

export type PushOutcome = 'accepted' | 'duplicate' | 'rejected';
export interface PushResult {
  eventId: string;
  outcome: PushOutcome;
  /** Why it was rejected (Vietnamese); a rejected event will be rejected again, do not retry it. */
  reason?: string;
}
export interface PushResponse {
  hubTime: EpochMs;
  batchId: string;
  results: PushResult[];
  accepted: number;
  duplicates: number;
  rejected: number;
}

export const enrollRequestSchema = z.object({
  enrolmentCode: z.string().max(40),
  deviceName: z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(z.string().min(1, 'Tên máy không được để trống.').max(100, 'Tên máy dài quá 100 ký tự.')),
  /**
   * The token the device made for itself (≥ 256 bits, base64url). Optional; when given, a retry
   * with the same code and token after a lost reply returns the same enrolment.
   */
  deviceToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43,200}$/, 'Mã truy cập do máy tạo phải có ít nhất 43 ký tự base64url.')
    .optional(),
});
export interface EnrollResponse {
  hubTime: EpochMs;
  deviceId: string;
  /** Shown once; the hub keeps only its SHA-256. */
  deviceToken: string;
  unitCode: string;
  unitName: string;
  /** The device's dossier-code slot, see sequenceForSlot. */
  slot: number;
  /**
   * false: the device must wait for the province officer's approval before its requests work
   * (403 DEVICE_PENDING_APPROVAL until then). Absent from an older hub: approved.
   */
  approved?: boolean;
}

export const fileCreateRequestSchema = z.object({
  sha256: sha256Schema,
  size: z
    .number()
    .int()
    .min(1, 'Tệp rỗng.')
    .max(LIMITS.maxFileBytes, `Tệp lớn quá ${LIMITS.maxFileBytes / 1024 / 1024} MiB.`),
  mime: fileAttachedBodySchema.shape.mime,
});
export interface FileStateResponse {
  hubTime: EpochMs;
  sha256: string;
  size: number;
  offset: number;
  complete: boolean;
}

export const pullQuerySchema = z.object({
  cursor: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(LIMITS.maxPullLimit).default(LIMITS.defaultPullLimit),
});

export type PullItem = { cursor: number; kind: 'event'; event: SyncEvent } | { cursor: number; kind: 'catalogue' | 'holidays'; version: string; payload: unknown };
export interface PullResponse {
  hubTime: EpochMs;
  items: PullItem[];
  /** Pass it back as ?cursor= next time; it may move past items that were not for this device. */
  cursor: number;
  more: boolean;
  /**
   * The hub's identity (PROTOCOL.md §6): a new epoch, or a cursor past `head`, means the hub's
   * database was restored or replaced; the device pulls again from 0 and re-sends. Absent
   * from hubs older than issue 13.
   */
  epoch?: string;
  /** The highest cursor the hub has handed out. */
  head?: number;
}

export interface DossierSyncState {
  hubTime: EpochMs;
  dossierId: string;
  /** The hub has the dossier's received event. */
  known: boolean;
  eventCount: number;
  status: DossierStatus | null;
  files: { sha256: string; size: number; verified: boolean }[];
  conflicts: number;
  /** known and every attached file verified. */
  synced: boolean;
}

export interface ErrorResponse {
  hubTime: EpochMs;
  error: { code: string; message: string; details?: unknown };
}

/** 'sha256 <base64>' for the Upload-Checksum header. */
export function formatChunkChecksum(sha256Base64: string): string {
  return `sha256 ${sha256Base64}`;
}

export function parseChunkChecksum(header: string | undefined): string | null {
  const m = /^sha256 ([A-Za-z0-9+/]{43}=)$/.exec((header ?? '').trim());
  return m?.[1] ?? null;
}

/** The first Zod issue as one Vietnamese line, with its path. */
export function describeZodError(error: z.ZodError): string {
  const i = error.issues[0];
  if (!i) return 'Dữ liệu không hợp lệ.';
  const where = i.path.length ? ` (${i.path.join('.')})` : '';
  return `${i.message}${where}`;
}

// ---------- dossier codes across devices ----------
//
// Mã hồ sơ '{unit}-{yyMMdd}-{NNNN}' (DOMAIN.md §3) is counted per unit per day. Two PCs of one
// commune offline all day cannot share a counter, so the hub gives each enrolled device of a
// unit a SLOT and the device numbers inside it: NNNN = slot × 1000 + n, n = 1…999.
//   slot 0 (0001–0999) is reserved for the provincial system / online dossiers (the design risk
//     of DOMAIN.md §3: the province issues codes for the same unit and day);
//   slots 1…9 (1001–1999 … 9001–9999) go to devices; at most 9 active devices per unit;
//   a device can issue at most 999 codes a day; the 1000th must be refused at the counter;
//   a revoked device's slot is given again only after the day it was revoked (it may still
//     issue codes offline until it learns of the revocation).
// The codes stay 4 digits and inside the national format, but they are no longer consecutive
// per unit and day; the yearly numbers below (Mẫu 02, Sổ theo dõi) use the same slots.

export const SLOT_SIZE = 1000;
export const FIRST_DEVICE_SLOT = 1;
export const MAX_SLOT = 9;
export const MAX_PER_SLOT = SLOT_SIZE - 1;
export const PROVINCE_SLOT = 0;

export function isValidSlot(slot: number): boolean {
  return Number.isInteger(slot) && slot >= PROVINCE_SLOT && slot <= MAX_SLOT;
}

/** NNNN for the n-th dossier (n from 1) of the day on a device holding `slot`. */
export function sequenceForSlot(slot: number, n: number): number {
  if (!isValidSlot(slot)) throw new RangeError(`Ô số thứ tự của máy phải từ ${PROVINCE_SLOT} đến ${MAX_SLOT} (nhận được ${slot}).`);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PER_SLOT) {
    throw new RangeError(`Máy này đã cấp đủ ${MAX_PER_SLOT} mã hồ sơ trong ngày (hoặc số thứ tự ${n} không hợp lệ).`);
  }
  return slot * SLOT_SIZE + n;
}

/** The slot a 4-digit NNNN belongs to, or null for 0000 / out of range. */
export function slotOfSequence(seq: number): number | null {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SLOT * SLOT_SIZE + MAX_PER_SLOT) return null;
  if (seq % SLOT_SIZE === 0) return null;
  return Math.floor(seq / SLOT_SIZE);
}

/** A reason (Vietnamese) when `code` is not a code this device (unit, slot) may issue, else null. */
export function checkCodeForSlot(code: string, unitCode: string, slot: number): string | null {
  const m = /^(.+)-(\d{2})(\d{2})(\d{2})-(\d{4})$/.exec(code);
  if (!m) return `Mã hồ sơ "${code}" không đúng dạng {mã đơn vị}-{yyMMdd}-{NNNN}.`;
  if (m[1] !== unitCode) return `Mã hồ sơ "${code}" không thuộc đơn vị ${unitCode}.`;
  const month = Number(m[3]),
    day = Number(m[4]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return `Mã hồ sơ "${code}" có ngày không hợp lệ.`;
  const s = slotOfSequence(Number(m[5]));
  if (s !== slot) return `Mã hồ sơ "${code}" nằm ngoài dải số của máy (ô ${slot}: ${slot * SLOT_SIZE + 1}–${slot * SLOT_SIZE + MAX_PER_SLOT}).`;
  return null;
}

// ---------- yearly running numbers across devices (PROTOCOL.md §7) ----------
//
// The Mẫu 02 number (Số …/HDHS) and the Sổ theo dõi số thứ tự are counted per unit per YEAR.
// They use the same slots as dossier codes: number = slot × size + n, n counted per device
// per year, so the first digit(s) on paper name the PC: 10012/HDHS is PC 1's 12th slip,
// 20003/HDHS PC 2's 3rd. Slot 0 (1…size−1) is the province's, and also holds the plain
// per-unit numbers issued before this scheme, so those never clash with a device's.

/** Numbers per slot per year: a Mẫu 02 slip is rare (≤ 9 999 per PC a year); the register holds every dossier. */
export const YEARLY_SLOT_SIZE = { guidance: 10_000, register: 100_000 } as const;
export type YearlyNumberKind = keyof typeof YEARLY_SLOT_SIZE;
const YEARLY_LABEL: Record<YearlyNumberKind, string> = { guidance: 'phiếu hướng dẫn (Mẫu 02)', register: 'số thứ tự Sổ theo dõi hồ sơ' };

/** The number of the n-th (n from 1) slip / register entry of the year on the device holding `slot`. */
export function yearlyNumberForSlot(kind: YearlyNumberKind, slot: number, n: number): number {
  const size = YEARLY_SLOT_SIZE[kind];
  if (!isValidSlot(slot)) throw new RangeError(`Ô số thứ tự của máy phải từ ${PROVINCE_SLOT} đến ${MAX_SLOT} (nhận được ${slot}).`);
  if (!Number.isInteger(n) || n < 1 || n > size - 1) {
    throw new RangeError(`Máy này đã cấp đủ ${size - 1} ${YEARLY_LABEL[kind]} trong năm (hoặc số thứ tự ${n} không hợp lệ).`);
  }
  return slot * size + n;
}

/** The slot a yearly number belongs to, or null when it is no slot's (0, a multiple of the size, too large). */
export function slotOfYearlyNumber(kind: YearlyNumberKind, num: number): number | null {
  const size = YEARLY_SLOT_SIZE[kind];
  if (!Number.isInteger(num) || num < 1 || num >= (MAX_SLOT + 1) * size || num % size === 0) return null;
  return Math.floor(num / size);
}

/** A reason (Vietnamese) when a device holding `slot` may not issue this Mẫu 02 number, else null. */
export function checkGuidanceNumberForSlot(b: { number: number; year: number; issuedAt: EpochMs }, slot: number): string | null {
  const size = YEARLY_SLOT_SIZE.guidance;
  if (b.year !== vnParts(b.issuedAt).year) return `Phiếu hướng dẫn số ${b.number}/${b.year} ghi năm khác với ngày lập phiếu.`;
  if (slotOfYearlyNumber('guidance', b.number) !== slot) {
    return `Phiếu hướng dẫn số ${b.number}/HDHS nằm ngoài dải số của máy (ô ${slot}: ${slot * size + 1}–${slot * size + size - 1}).`;
  }
  return null;
}

// Re-exported domain types used on the wire, for convenience.
export type { Applicant, Channel, DossierComponent, DossierStatus, EpochMs, ResultDelivery };
