// The province hub's operations, independent of HTTP: enrolment, push, pull, resumable file
// upload and the download check, sync state. server/http.ts maps requests onto these; the admin CLI and the tests
// call them directly.
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Db, Queryable } from './db';
import type { BlobStore } from './blobStore';
import {
  DEVICE_PENDING_APPROVAL,
  STATUS_CHECKSUM_MISMATCH,
  checkCodeForSlot,
  checkGuidanceNumberForSlot,
  describeZodError,
  syncEventSchema,
  MAX_SLOT,
  FIRST_DEVICE_SLOT,
} from '../shared/sync/protocol';
import type { DossierSyncState, EnrollResponse, FileStateResponse, PullItem, PullResponse, PushResponse, PushResult, SyncEvent, SyncEventOf } from '../shared/sync/protocol';
import { deriveDossier, openConflicts } from '../shared/sync/derive';
import type { Conflict, DerivedDossier } from '../shared/sync/derive';
import { formatDateTime, vnStartOfDay } from '../shared/domain/vnTime';

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export interface AuthedDevice {
  deviceId: string;
  unitCode: string;
  unitName: string;
  slot: number;
  name: string;
}

/** The device id of events made at the province (status changes by the provincial system). */
export const PROVINCE_DEVICE_ID = 'province';

export const sha256Hex = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

// Enrolment codes: 4 groups of 4, without 0/O, 1/I/L, 5/S, 8/B (read aloud over the phone).
const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY234679';
export function makeEnrolmentCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 4; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}
export function normaliseEnrolmentCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, '');
}

// Advisory lock keys (two-int form, apart from the one-int keys of migrations).
const LOCK_PUBLISH = 1; // (1, 0): exclusive for publications, shared for every push
const LOCK_UNIT = 2; // (2, hashtext(unit)): one ingest at a time per unit

/**
 * The locks that keep the pull cursor safe: every cursor value a unit can see is allocated
 * while its unit lock is held, and publications wait for all pushes in flight, so a reader
 * never sees cursor N+1 committed while N is still to come.
 */
function lockUnitForIngestSql(unitCode: string): string {
  // A literal, not a parameter, so that it travels with BEGIN in one round trip (Db.transaction).
  return `SELECT pg_advisory_xact_lock_shared(${LOCK_PUBLISH}, 0), pg_advisory_xact_lock(${LOCK_UNIT}, hashtext('${unitCode.replace(/'/g, "''")}'))`;
}

// The batch is one json parameter (no per-element escaping): json_array_elements gives each
// event's text as its body, json_to_recordset its columns (events.body is json: no jsonb build).
const INSERT_EVENTS_SELECT = `INSERT INTO events (event_id, unit_code, device_id, dossier_id, seq, type, at, body)
    SELECT x.id, $1, $2, x.dossier, x.seq, x.type, x.at, x.e
    FROM ROWS FROM (json_array_elements($3::text::json),
                    json_to_recordset($3::text::json) AS ("eventId" uuid, "dossierId" text, seq bigint, type text, at bigint))
         AS x(e, id, dossier, seq, type, at)
    ON CONFLICT (event_id) DO NOTHING`;
const INSERT_EVENTS_SQL = `${INSERT_EVENTS_SELECT} RETURNING event_id`;
// The device's last seq: the highest seq among the events actually inserted, only when any was.
const INSERT_EVENTS_AND_DEVICE_SQL = `WITH ins AS (${INSERT_EVENTS_SELECT} RETURNING event_id, seq),
  dev AS (UPDATE devices SET last_seq = GREATEST(last_seq, (SELECT max(seq) FROM ins)), last_seen_at = now()
          WHERE device_id = $2 AND EXISTS (SELECT 1 FROM ins))
  SELECT event_id FROM ins`;

export interface HubOptions {
  db: Db;
  blobs: BlobStore;
  /** Folder for uploads in progress (same file system as the blob store, for rename). */
  uploadDir: string;
  now?: () => number;
  /** Test seams (issue 13 §8): called at the named points, e.g. to kill the hub there. */
  faults?: HubFaults;
  /** Where the app's update feed lives (server/updates.ts); none = no feed. */
  updatesDir?: string;
  /** Enrolment rate limits (issue 13 §4); defaults ENROL_LIMITS. */
  enrolLimits?: Partial<EnrolLimits>;
  /** Storage quotas and cleaning (issue 13 §2); defaults STORAGE_LIMITS. */
  storage?: Partial<StorageLimits>;
}

export interface StorageLimits {
  /** Bytes a unit may hold: its files plus its devices' open upload sessions (declared sizes). */
  perUnitBytes: number;
  /** Bytes one device may hold: the files it sent plus its open upload sessions. */
  perDeviceBytes: number;
  /** A partial upload untouched this long is removed by cleanStorage. */
  partialTtlMs: number;
  /** A blob no event refers to (and no session needs) is removed once it is this old. */
  orphanGraceMs: number;
}

const GiB = 1024 ** 3;
export const STORAGE_LIMITS: StorageLimits = { perUnitBytes: 20 * GiB, perDeviceBytes: 5 * GiB, partialTtlMs: 48 * 3600_000, orphanGraceMs: 7 * 24 * 3600_000 };

/** HTTP 507 Insufficient Storage: the unit's or the device's quota is used up. */
export const STATUS_INSUFFICIENT_STORAGE = 507;

const mib = (n: number) => `${(n / 1024 / 1024).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} MiB`;

export interface EnrolLimits {
  /** Failed attempts (unknown, used or expired code) from one address per window. */
  perAddress: number;
  /** Attempts with a code of one unit (successful or not) per window. */
  perUnit: number;
  windowMs: number;
}

export const ENROL_LIMITS: EnrolLimits = { perAddress: 10, perUnit: 12, windowMs: 15 * 60_000 };

/** Enrolment codes expire after this many hours unless enroll:create says otherwise. */
export const DEFAULT_ENROL_TTL_HOURS = 24;

export interface HubFaults {
  /** After a finished upload's bytes are in the blob store, before the database records them. */
  afterBlobStored?(sha256: string): void | Promise<void>;
}

interface EventRow {
  body: SyncEvent;
}

export class Hub {
  readonly db: Db;
  readonly blobs: BlobStore;
  readonly uploadDir: string;
  readonly now: () => number;
  readonly faults: HubFaults;
  readonly enrolLimits: EnrolLimits;
  readonly storage: StorageLimits;
  readonly updatesDir: string | null;
  private readonly fileLocks = new Map<string, Promise<unknown>>();

  constructor(opts: HubOptions) {
    this.db = opts.db;
    this.blobs = opts.blobs;
    this.uploadDir = opts.uploadDir;
    this.now = opts.now ?? Date.now;
    this.faults = opts.faults ?? {};
    this.enrolLimits = { ...ENROL_LIMITS, ...opts.enrolLimits };
    this.storage = { ...STORAGE_LIMITS, ...opts.storage };
    this.updatesDir = opts.updatesDir ?? null;
  }

  // ---------- identity (issue 13 §3) ----------

  /** The epoch devices see with every pull (set by loadIdentity at start). */
  epoch = '';

  /**
   * Reads the hub's epoch, or makes a new one when there is none, when the database was
   * restored from a logical dump or replaced (the events table's OID differs from the one
   * recorded), or when `forceNew` (the side record of the data folder saw a higher head than
   * this database holds: a physical copy of an older database, app.ts).
   */
  async loadIdentity(forceNew = false): Promise<{ epoch: string; renewed: boolean }> {
    const marker = (await this.db.query<{ oid: number }>("SELECT 'events'::regclass::oid::bigint AS oid")).rows[0].oid;
    const row = (await this.db.query<{ epoch: string; marker: number }>('SELECT epoch, marker FROM hub_identity WHERE id = 1')).rows[0];
    if (row && Number(row.marker) === Number(marker) && !forceNew) {
      this.epoch = row.epoch;
      return { epoch: row.epoch, renewed: false };
    }
    const epoch = randomUUID();
    await this.db.query(
      `INSERT INTO hub_identity (id, epoch, marker) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET epoch = EXCLUDED.epoch, marker = EXCLUDED.marker, created_at = now()`,
      [epoch, marker],
    );
    this.epoch = epoch;
    return { epoch, renewed: row !== undefined };
  }

  /**
   * The highest cursor of the items a unit's devices can see (its events and the
   * publications for it). Read from the tables, not the sequence, whose value a copy of the
   * database may show ahead of what was handed out (PostgreSQL logs sequences ahead).
   */
  async head(unitCode: string): Promise<number> {
    const r = await this.db.query<{ v: number }>(
      `SELECT GREATEST((SELECT max(ingest_seq) FROM events WHERE unit_code = $1),
                       (SELECT max(ingest_seq) FROM publications WHERE unit_code IS NULL OR unit_code = $1), 0) AS v`,
      [unitCode],
    );
    return Number(r.rows[0]?.v ?? 0);
  }

  /** The ingest sequence's value now (changes whenever anything was stored). */
  async sequenceValue(): Promise<number> {
    const r = await this.db.query<{ v: number }>('SELECT last_value AS v FROM hub_cursor');
    return Number(r.rows[0]?.v ?? 0);
  }

  /** Counts one more active period of the hub (app.ts settleIdentity); returns the new beat. */
  async beat(read = false): Promise<number> {
    const r = await this.db.query<{ beat: number }>(read ? 'SELECT beat FROM hub_identity WHERE id = 1' : 'UPDATE hub_identity SET beat = beat + 1 WHERE id = 1 RETURNING beat');
    return Number(r.rows[0]?.beat ?? 0);
  }

  // ---------- admin ----------

  /**
   * Creates (or renames) a unit. `autoApprove`: its new devices are usable at once, without the
   * province officer's approval (issue 13 §4); left as it was when not given (a new unit: no).
   */
  async createUnit(code: string, name: string, autoApprove?: boolean): Promise<void> {
    await this.db.query(
      `INSERT INTO units (code, name, auto_approve) VALUES ($1, $2, COALESCE($3::boolean, false))
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, auto_approve = COALESCE($3::boolean, units.auto_approve)`,
      [code, name, autoApprove ?? null],
    );
  }

  /** Sets whether a unit's new devices need the province officer's approval (units:set). */
  async setUnitAutoApprove(code: string, autoApprove: boolean): Promise<void> {
    const r = await this.db.query('UPDATE units SET auto_approve = $2 WHERE code = $1 RETURNING code', [code, autoApprove]);
    if (!r.rows.length) throw new HubError(404, 'unit_not_found', `Không có đơn vị ${code}. Tạo đơn vị trước (unit:create).`);
  }

  async listUnits() {
    const r = await this.db.query<{ code: string; name: string; auto_approve: boolean; devices: number; pending: number }>(
      `SELECT u.code, u.name, u.auto_approve,
         (SELECT count(*)::int FROM devices d WHERE d.unit_code = u.code AND NOT d.revoked) AS devices,
         (SELECT count(*)::int FROM devices d WHERE d.unit_code = u.code AND NOT d.revoked AND d.approved_at IS NULL) AS pending
       FROM units u ORDER BY u.code`,
    );
    return r.rows;
  }

  /** A one-time enrolment code for a unit; only its hash is stored. */
  async createEnrolmentCode(unitCode: string, ttlHours = DEFAULT_ENROL_TTL_HOURS): Promise<{ code: string; expiresAt: Date }> {
    const unit = await this.db.query('SELECT code FROM units WHERE code = $1', [unitCode]);
    if (!unit.rows.length) throw new HubError(404, 'unit_not_found', `Không có đơn vị ${unitCode}. Tạo đơn vị trước (unit:create).`);
    const code = makeEnrolmentCode();
    const expiresAt = new Date(this.now() + ttlHours * 3600_000);
    await this.db.query('INSERT INTO enrolment_codes (code_hash, unit_code, expires_at) VALUES ($1, $2, $3)', [sha256Hex(normaliseEnrolmentCode(code)), unitCode, expiresAt]);
    return { code, expiresAt };
  }

  async listDevices(unitCode?: string) {
    const r = await this.db.query<{
      device_id: string;
      unit_code: string;
      name: string;
      slot: number;
      revoked: boolean;
      enrolled_at: Date;
      enrolled_from: string | null;
      approved_at: Date | null;
      approved_by: string | null;
      last_seen_at: Date | null;
      last_seq: number;
    }>(
      `SELECT device_id, unit_code, name, slot, revoked, enrolled_at, enrolled_from, approved_at, approved_by, last_seen_at, last_seq FROM devices
       WHERE ($1::text IS NULL OR unit_code = $1) ORDER BY unit_code, slot, enrolled_at`,
      [unitCode ?? null],
    );
    return r.rows;
  }

  /**
   * The province officer approves a device waiting since its enrolment (issue 13 §4): its next
   * request works. `device` is its id, or a unique start of it (≥ 8 characters) as
   * devices:list shows it. Refuses an unknown, ambiguous, revoked or already approved device
   * with the reason.
   */
  async approveDevice(device: string, by = 'tỉnh'): Promise<{ deviceId: string; name: string; unitCode: string; approvedAt: Date }> {
    const key = device.trim().toLowerCase();
    const found = await this.db.query<{ device_id: string; name: string; unit_code: string; revoked: boolean; approved_at: Date | null }>(
      `SELECT device_id, name, unit_code, revoked, approved_at FROM devices
       WHERE device_id = $1 OR (length($1) >= 8 AND starts_with(device_id, $1)) ORDER BY device_id = $1 DESC LIMIT 2`,
      [key],
    );
    const rows = found.rows[0]?.device_id === key ? found.rows.slice(0, 1) : found.rows;
    if (!rows.length) throw new HubError(404, 'device_not_found', `Không có máy nào mang mã ${device}. Xem mã máy bằng devices:list.`);
    if (rows.length > 1) throw new HubError(409, 'device_ambiguous', `Có nhiều máy có mã bắt đầu bằng ${device}; nhập đủ mã máy.`);
    const d = rows[0];
    if (d.revoked) throw new HubError(409, 'device_revoked', `Máy "${d.name}" đã bị thu hồi; không duyệt được. Máy cần đăng ký lại bằng mã mới.`);
    if (d.approved_at) throw new HubError(409, 'device_already_approved', `Máy "${d.name}" đã được duyệt lúc ${d.approved_at.toISOString()}.`);
    const r = await this.db.query<{ approved_at: Date }>(
      'UPDATE devices SET approved_at = now(), approved_by = $2 WHERE device_id = $1 AND approved_at IS NULL AND NOT revoked RETURNING approved_at',
      [d.device_id, by],
    );
    if (!r.rows.length) throw new HubError(409, 'device_changed', `Máy "${d.name}" vừa được duyệt hoặc thu hồi ở nơi khác; xem lại bằng devices:list.`);
    return { deviceId: d.device_id, name: d.name, unitCode: d.unit_code, approvedAt: r.rows[0].approved_at };
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    const r = await this.db.query('UPDATE devices SET revoked = true, revoked_at = now() WHERE device_id = $1 AND NOT revoked RETURNING device_id', [deviceId]);
    return r.rows.length > 0;
  }

  /** Publishes a catalogue or holiday-table update; devices receive it through pull. */
  async publish(kind: 'catalogue' | 'holidays', version: string, payload: unknown, unitCode: string | null = null): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1::int, 0)', [LOCK_PUBLISH]);
      const r = await tx.query<{ ingest_seq: number }>('INSERT INTO publications (kind, unit_code, version, payload) VALUES ($1, $2, $3, $4::text::jsonb) RETURNING ingest_seq', [
        kind,
        unitCode,
        version,
        JSON.stringify(payload),
      ]);
      return r.rows[0].ingest_seq;
    });
  }

  // ---------- auth and enrolment ----------

  async authenticate(authorization: string | undefined): Promise<AuthedDevice> {
    const m = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(authorization ?? '');
    if (!m) throw new HubError(401, 'unauthenticated', 'Thiếu mã truy cập của máy (Authorization: Bearer …). Máy cần đăng ký với hub trước.');
    const r = await this.db.query<{
      device_id: string;
      unit_code: string;
      unit_name: string;
      slot: number;
      name: string;
      revoked: boolean;
      revoked_at: Date | null;
      approved: boolean;
      enrolled_at: Date;
    }>(
      `SELECT d.device_id, d.unit_code, u.name AS unit_name, d.slot, d.name, d.revoked, d.revoked_at, d.approved_at IS NOT NULL AS approved, d.enrolled_at
       FROM devices d JOIN units u ON u.code = d.unit_code WHERE d.token_hash = $1`,
      [sha256Hex(m[1])],
    );
    const d = r.rows[0];
    if (!d) throw new HubError(401, 'unauthenticated', 'Mã truy cập của máy không đúng. Máy cần đăng ký lại với hub.');
    if (d.revoked) {
      throw new HubError(
        401,
        'device_revoked',
        `Máy "${d.name}" đã bị thu hồi quyền đồng bộ${d.revoked_at ? ` lúc ${d.revoked_at.toISOString()}` : ''}. Liên hệ quản trị hệ thống của tỉnh để đăng ký lại.`,
      );
    }
    if (!d.approved) {
      // Enrolled but not yet approved by the province officer (issue 13 §4): nothing is read or
      // written for it; the device keeps its changes and tries again later.
      throw new HubError(
        403,
        DEVICE_PENDING_APPROVAL,
        `Máy "${d.name}" đã đăng ký với tỉnh lúc ${formatDateTime(d.enrolled_at.getTime())} và đang chờ cán bộ quản trị của tỉnh duyệt. Hồ sơ vẫn được lưu trên máy; máy sẽ tự gửi và nhận khi được duyệt.`,
      );
    }
    return { deviceId: d.device_id, unitCode: d.unit_code, unitName: d.unit_name, slot: d.slot, name: d.name };
  }

  /**
   * Enrols a device (below), rate-limited and logged (issue 13 §4): an address with too many
   * failed attempts, or a unit with too many attempts, in the window gets 429 with the time to
   * wait; every attempt, refused or not, is a row of enrolment_log.
   */
  async enroll(enrolmentCode: string, deviceName: string, deviceToken?: string, address = 'unknown'): Promise<Omit<EnrollResponse, 'hubTime'>> {
    const { perAddress, windowMs } = this.enrolLimits;
    const since = new Date(this.now() - windowMs);
    const failed = await this.db.query<{ n: number; first: Date | null }>(
      "SELECT count(*)::int AS n, min(at) AS first FROM enrolment_log WHERE address = $1 AND at > $2 AND outcome NOT IN ('enrolled', 'repeated')",
      [address, since],
    );
    const log = (unitCode: string | null, deviceId: string | null, outcome: string) =>
      this.db.query('INSERT INTO enrolment_log (address, unit_code, device_id, device_name, outcome) VALUES ($1, $2, $3, $4, $5)', [address, unitCode, deviceId, deviceName, outcome]);
    if (failed.rows[0].n >= perAddress) {
      await log(null, null, 'rate_limited_address');
      throw this.tooMany(failed.rows[0].first, `Máy này đã nhập sai mã đăng ký quá ${perAddress} lần`);
    }
    try {
      const r = await this.enrollOnce(enrolmentCode, deviceName, deviceToken, address);
      await log(r.unitCode, r.deviceId, r.repeated ? 'repeated' : 'enrolled');
      return r.response;
    } catch (e) {
      if (e instanceof HubError) await log((e.details as { unitCode?: string } | undefined)?.unitCode ?? null, null, e.code);
      if (e instanceof HubError && e.details && typeof e.details === 'object') throw new HubError(e.status, e.code, e.message, undefined, e.headers);
      throw e;
    }
  }

  private tooMany(first: Date | null, why: string): HubError {
    const retryMs = Math.max(1000, (first ? first.getTime() : this.now()) + this.enrolLimits.windowMs - this.now());
    const seconds = Math.ceil(retryMs / 1000);
    return new HubError(429, 'too_many_enrolments', `${why}; thử lại sau ${Math.ceil(seconds / 60)} phút.`, { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
  }

  /** The log of enrolment attempts, newest first (enrolments:list). */
  async listEnrolments(unitCode?: string, limit = 200) {
    const r = await this.db.query<{ at: Date; address: string; unit_code: string | null; device_id: string | null; device_name: string | null; outcome: string }>(
      `SELECT at, address, unit_code, device_id, device_name, outcome FROM enrolment_log
       WHERE ($1::text IS NULL OR unit_code = $1) ORDER BY id DESC LIMIT $2`,
      [unitCode ?? null, limit],
    );
    return r.rows;
  }

  private async enrollOnce(
    enrolmentCode: string,
    deviceName: string,
    deviceToken: string | undefined,
    address: string,
  ): Promise<{ response: Omit<EnrollResponse, 'hubTime'>; unitCode: string; deviceId: string; repeated: boolean }> {
    const hash = sha256Hex(normaliseEnrolmentCode(enrolmentCode));
    const token = deviceToken ?? 'dt_' + randomBytes(32).toString('base64url');
    const deviceId = randomUUID();
    return this.db.transaction(async (tx) => {
      // The UPDATE consumes the code: of two devices racing with one code, the second waits on
      // the row lock, re-reads used_at, and matches nothing.
      const used = await tx.query<{ unit_code: string }>(
        `UPDATE enrolment_codes SET used_at = now(), used_by = $2
         WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING unit_code`,
        [hash, deviceId],
      );
      if (!used.rows.length) {
        const why = await tx.query<{ used_at: Date | null; expires_at: Date; unit_code: string }>('SELECT used_at, expires_at, unit_code FROM enrolment_codes WHERE code_hash = $1', [hash]);
        const row = why.rows[0];
        if (!row) throw new HubError(403, 'enrolment_code_invalid', 'Mã đăng ký máy không đúng. Kiểm tra lại (16 ký tự, dạng XXXX-XXXX-XXXX-XXXX).');
        if (row.used_at && deviceToken) {
          // The same device asking again (its first reply was lost): the same enrolment.
          const again = await tx.query<{ device_id: string; unit_code: string; slot: number; unit_name: string; approved: boolean }>(
            `SELECT d.device_id, d.unit_code, d.slot, u.name AS unit_name, d.approved_at IS NOT NULL AS approved FROM enrolment_codes c
             JOIN devices d ON d.device_id = c.used_by JOIN units u ON u.code = d.unit_code
             WHERE c.code_hash = $1 AND d.token_hash = $2 AND NOT d.revoked`,
            [hash, sha256Hex(deviceToken)],
          );
          const a = again.rows[0];
          if (a)
            return {
              response: { deviceId: a.device_id, deviceToken, unitCode: a.unit_code, unitName: a.unit_name, slot: a.slot, approved: a.approved },
              unitCode: a.unit_code,
              deviceId: a.device_id,
              repeated: true,
            };
        }
        if (row.used_at) throw new HubError(409, 'enrolment_code_used', 'Mã đăng ký máy này đã được dùng. Mỗi mã chỉ dùng một lần; xin mã mới từ quản trị tỉnh.', { unitCode: row.unit_code });
        throw new HubError(410, 'enrolment_code_expired', 'Mã đăng ký máy đã hết hạn; xin mã mới từ quản trị tỉnh.', { unitCode: row.unit_code });
      }
      const unitCode = used.rows[0].unit_code;
      // Per unit: a code read out to the wrong person, tried in a loop, stops here (the
      // transaction rolls back, the code stays unused).
      const recent = await tx.query<{ n: number; first: Date | null }>('SELECT count(*)::int AS n, min(at) AS first FROM enrolment_log WHERE unit_code = $1 AND at > $2', [
        unitCode,
        new Date(this.now() - this.enrolLimits.windowMs),
      ]);
      if (recent.rows[0].n >= this.enrolLimits.perUnit) {
        const e = this.tooMany(recent.rows[0].first, `Đơn vị ${unitCode} đã có quá ${this.enrolLimits.perUnit} lượt đăng ký máy gần đây`);
        throw new HubError(e.status, 'too_many_enrolments_unit', e.message, { unitCode }, e.headers);
      }
      const unit = await tx.query<{ name: string; auto_approve: boolean }>('SELECT name, auto_approve FROM units WHERE code = $1 FOR UPDATE', [unitCode]);
      // A revoked device may still issue codes offline until the end of the day it learnt of
      // it, so its slot is free again only from the next Vietnam day.
      const taken = await tx.query<{ slot: number }>('SELECT slot FROM devices WHERE unit_code = $1 AND (NOT revoked OR revoked_at >= $2)', [unitCode, new Date(vnStartOfDay(this.now()))]);
      const busy = new Set(taken.rows.map((r) => r.slot));
      let slot = -1;
      for (let s = FIRST_DEVICE_SLOT; s <= MAX_SLOT; s++)
        if (!busy.has(s)) {
          slot = s;
          break;
        }
      if (slot < 0)
        throw new HubError(409, 'no_free_slot', `Đơn vị ${unitCode} đã có đủ ${MAX_SLOT} máy đang hoạt động. Thu hồi một máy không dùng nữa rồi đăng ký lại (ô số được cấp lại từ ngày hôm sau).`);
      // Usable at once only in a unit set to auto-approve; otherwise it waits for devices:approve.
      const approved = unit.rows[0].auto_approve;
      await tx.query(
        `INSERT INTO devices (device_id, unit_code, name, token_hash, slot, enrolled_from, approved_at, approved_by)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::boolean THEN now() END, CASE WHEN $7::boolean THEN 'tự động' END)`,
        [deviceId, unitCode, deviceName, sha256Hex(token), slot, address, approved],
      );
      return { response: { deviceId, deviceToken: token, unitCode, unitName: unit.rows[0].name, slot, approved }, unitCode, deviceId, repeated: false };
    });
  }

  // ---------- push ----------

  async push(device: AuthedDevice, batchId: string, rawEvents: unknown[]): Promise<Omit<PushResponse, 'hubTime'>> {
    // A device writes only its own unit's data: one foreign event refuses the whole batch.
    for (const raw of rawEvents) {
      const unit = raw && typeof raw === 'object' ? (raw as { unitCode?: unknown }).unitCode : undefined;
      if (typeof unit === 'string' && unit !== device.unitCode) {
        throw new HubError(403, 'forbidden_unit', `Máy của đơn vị ${device.unitCode} không được ghi dữ liệu của đơn vị ${unit}. Cả lô bị từ chối.`);
      }
    }
    const results: PushResult[] = new Array(rawEvents.length);
    const valid: { i: number; e: SyncEvent }[] = [];
    const seenIds = new Set<string>();
    rawEvents.forEach((raw, i) => {
      const id = raw && typeof raw === 'object' && typeof (raw as { eventId?: unknown }).eventId === 'string' ? (raw as { eventId: string }).eventId : '';
      const reject = (reason: string) => (results[i] = { eventId: id, outcome: 'rejected', reason });
      const parsed = syncEventSchema.safeParse(raw);
      if (!parsed.success) return reject(describeZodError(parsed.error));
      const e = parsed.data as SyncEvent;
      if (e.deviceId !== device.deviceId) return reject(`Sự kiện mang mã máy ${e.deviceId}, khác máy đã xác thực.`);
      if (e.type === 'dossier.received' || e.type === 'guidance.issued') {
        const bad = e.type === 'dossier.received' ? checkCodeForSlot(e.body.code, device.unitCode, device.slot) : checkGuidanceNumberForSlot(e.body, device.slot);
        if (bad) return reject(bad);
      }
      const key = e.eventId.toLowerCase();
      if (seenIds.has(key)) return (results[i] = { eventId: e.eventId, outcome: 'duplicate' });
      seenIds.add(key);
      if (key !== e.eventId) e.eventId = key; // e is zod's fresh copy: ours to change
      valid.push({ i, e });
    });
    if (valid.length) {
      const outcomes = await this.ingest(
        device.unitCode,
        device.deviceId,
        valid.map((v) => v.e),
      );
      valid.forEach((v, k) => (results[v.i] = outcomes[k]));
    }
    let accepted = 0,
      duplicates = 0,
      rejected = 0;
    for (const r of results) {
      if (r.outcome === 'accepted') accepted++;
      else if (r.outcome === 'duplicate') duplicates++;
      else rejected++;
    }
    return { batchId, results, accepted, duplicates, rejected };
  }

  /**
   * Status changes and other events made at the province, stored like a device's and pulled by
   * the unit's devices. Their seq is the hub's own (the caller's is replaced).
   */
  async recordProvinceEvents(unitCode: string, events: SyncEvent[]): Promise<PushResult[]> {
    const checked: SyncEvent[] = [];
    for (const e of events) {
      if (e.unitCode !== unitCode || e.deviceId !== PROVINCE_DEVICE_ID) throw new Error('province events must carry the unit and device "province"');
      const seq = (await this.db.query<{ s: number }>("SELECT nextval('province_event_seq') AS s")).rows[0].s;
      const r = syncEventSchema.safeParse({ ...e, seq });
      if (!r.success) throw new HubError(400, 'invalid_event', describeZodError(r.error));
      checked.push(r.data as SyncEvent);
    }
    return this.ingest(unitCode, PROVINCE_DEVICE_ID, checked);
  }

  /**
   * Stores events exactly once and updates the derived dossiers, in ONE transaction:
   * INSERT … ON CONFLICT DO NOTHING makes a repeated batch a no-op, even when the first copy
   * committed and the reply was lost. Batch statements: one insert, one read of the touched
   * dossiers' logs, one upsert of their states.
   */
  private async ingest(unitCode: string, deviceId: string, events: SyncEvent[]): Promise<PushResult[]> {
    return this.db.transaction(async (tx) => {
      const out: (PushResult | null)[] = events.map(() => null);
      const dossierIds = [...new Set(events.map((e) => e.dossierId))];
      const codes = events.flatMap((e) => (e.type === 'dossier.received' ? [e.body.code] : []));

      // One read: the touched dossiers (those of another unit are not writable) and the unit's
      // dossiers already holding one of the batch's codes (a code used by another dossier is refused).
      const found = await tx.query<{ dossier_id: string; unit_code: string; code: string | null; listed: boolean }>(
        `SELECT dossier_id, unit_code, code, dossier_id = ANY($1::text[]) AS listed FROM dossiers
         WHERE dossier_id = ANY($1::text[]) OR (unit_code = $2 AND code = ANY($3::text[]))`,
        [dossierIds, unitCode, codes],
      );
      const ownerOf = new Map<string, { dossier_id: string; unit_code: string; code: string | null }>();
      const codeOwners = new Map<string, string>();
      const codeSet = new Set(codes);
      for (const row of found.rows) {
        if (row.listed) ownerOf.set(row.dossier_id, row);
        if (row.unit_code === unitCode && row.code !== null && codeSet.has(row.code)) codeOwners.set(row.code, row.dossier_id);
      }
      const inBatch = new Set<string>(); // dossiers an earlier event of this batch (not refused) writes to
      events.forEach((e, k) => {
        const owner = ownerOf.get(e.dossierId);
        if (owner && owner.unit_code !== unitCode) {
          out[k] = { eventId: e.eventId, outcome: 'rejected', reason: 'Hồ sơ này thuộc đơn vị khác.' };
        } else if (e.type === 'dossier.received') {
          const other = codeOwners.get(e.body.code);
          if (other && other !== e.dossierId) out[k] = { eventId: e.eventId, outcome: 'rejected', reason: `Mã hồ sơ ${e.body.code} đã được dùng cho hồ sơ khác.` };
          else codeOwners.set(e.body.code, e.dossierId);
        } else if ((e.type === 'dossier.file_removed' || e.type === 'dossier.pages_reordered') && !owner && !inBatch.has(e.dossierId)) {
          // Pages are withdrawn or re-ordered only in a dossier the unit already sent: such an
          // event cannot claim a dossier id the hub has not seen (another unit's, not sent yet).
          out[k] = { eventId: e.eventId, outcome: 'rejected', reason: 'Hub chưa có hồ sơ này của đơn vị nên không gỡ hay sắp xếp được trang; gửi hồ sơ và trang trước.' };
        } else if (e.type === 'dossier.document_reviewed' && !owner && !inBatch.has(e.dossierId)) {
          // Likewise a review decision: only on a dossier of the unit the hub already holds.
          out[k] = { eventId: e.eventId, outcome: 'rejected', reason: 'Hub chưa có hồ sơ này của đơn vị nên chưa ghi được kết quả duyệt giấy tờ số hoá; gửi hồ sơ trước.' };
        }
        if (!out[k]) inBatch.add(e.dossierId);
      });
      await refuseUsedGuidanceNumbers(tx, unitCode, events, out);

      const toInsert = events.filter((_, k) => !out[k]);
      const inserted = new Set<string>();
      if (toInsert.length) {
        // One statement: the events (one JSON parameter rather than per-column arrays: no
        // per-element escaping, one parse) and, when any was new, the device's last seq.
        const r = await tx.query<{ event_id: string }>(deviceId === PROVINCE_DEVICE_ID ? INSERT_EVENTS_SQL : INSERT_EVENTS_AND_DEVICE_SQL, [unitCode, deviceId, JSON.stringify(toInsert)]);
        for (const row of r.rows) inserted.add(row.event_id);
      }
      // Not inserted = the hub already had that event id: a duplicate, changing nothing.
      events.forEach((e, k) => {
        if (out[k]) return;
        out[k] = { eventId: e.eventId, outcome: inserted.has(e.eventId) ? 'accepted' : 'duplicate' };
      });

      if (inserted.size) {
        const touched = [...new Set(toInsert.filter((e) => inserted.has(e.eventId) && e.type.startsWith('dossier.')).map((e) => e.dossierId))];
        if (touched.length) {
          // Dossiers the hub had no row for: their whole log is in this batch (no read needed).
          const fresh = new Map<string, SyncEvent[]>();
          for (const e of toInsert) {
            if (!inserted.has(e.eventId) || ownerOf.has(e.dossierId) || !e.type.startsWith('dossier.')) continue;
            let l = fresh.get(e.dossierId);
            if (!l) fresh.set(e.dossierId, (l = []));
            l.push(e);
          }
          await this.rederive(tx, unitCode, touched, fresh);
        }
      }
      return out as PushResult[];
    }, lockUnitForIngestSql(unitCode));
  }

  private async rederive(tx: Queryable, unitCode: string, dossierIds: string[], known: Map<string, SyncEvent[]>) {
    const byDossier = new Map<string, SyncEvent[]>(known);
    const toRead = dossierIds.filter((id) => !known.has(id));
    if (toRead.length) {
      const r = await tx.query<EventRow & { dossier_id: string }>('SELECT dossier_id, body FROM events WHERE dossier_id = ANY($1::text[]) AND unit_code = $2', [toRead, unitCode]);
      for (const row of r.rows) {
        let list = byDossier.get(row.dossier_id);
        if (!list) byDossier.set(row.dossier_id, (list = []));
        list.push(row.body);
      }
    }
    const rows = dossierIds.map((id) => {
      const evs = byDossier.get(id) ?? [];
      const { state, conflicts } = deriveDossier(evs);
      return {
        id,
        code: state?.code ?? null,
        status: state?.status ?? null,
        state,
        conflicts,
        open: openConflicts(conflicts).length,
        count: evs.length,
        last: evs.reduce((m, e) => Math.max(m, e.at), 0),
      };
    });
    await tx.query(
      `INSERT INTO dossiers (dossier_id, unit_code, code, status, state, conflicts, open_conflicts, event_count, last_event_at, updated_at)
       SELECT d.id, $1, d.code, d.status, d.state, d.conflicts, d.open, d.count, d.last, now()
       FROM json_to_recordset($2::text::json)
            AS d(id text, code text, status int, state json, conflicts json, open int, count int, last bigint)
       ON CONFLICT (dossier_id) DO UPDATE SET code = EXCLUDED.code, status = EXCLUDED.status, state = EXCLUDED.state,
         conflicts = EXCLUDED.conflicts, open_conflicts = EXCLUDED.open_conflicts, event_count = EXCLUDED.event_count,
         last_event_at = EXCLUDED.last_event_at, updated_at = now()
       WHERE dossiers.unit_code = EXCLUDED.unit_code`,
      [unitCode, JSON.stringify(rows)],
    );
  }

  // ---------- pull ----------

  async pull(device: AuthedDevice, cursor: number, limit: number): Promise<Omit<PullResponse, 'hubTime'>> {
    const r = await this.db.query<{ cursor: number; kind: string; device_id: string | null; data: unknown; version: string | null }>(
      `SELECT * FROM (
         (SELECT ingest_seq AS cursor, 'event' AS kind, device_id, body AS data, NULL::text AS version
            FROM events WHERE unit_code = $1 AND ingest_seq > $2 ORDER BY ingest_seq LIMIT $3)
         UNION ALL
         (SELECT ingest_seq AS cursor, kind, NULL::text AS device_id, payload::json AS data, version
            FROM publications WHERE ingest_seq > $2 AND (unit_code IS NULL OR unit_code = $1) ORDER BY ingest_seq LIMIT $3)
       ) x ORDER BY cursor LIMIT $3`,
      [device.unitCode, cursor, limit + 1],
    );
    const more = r.rows.length > limit;
    const page = r.rows.slice(0, limit);
    const items: PullItem[] = [];
    for (const row of page) {
      if (row.kind === 'event') {
        if (row.device_id === device.deviceId) continue; // its own events: it has them
        items.push({ cursor: row.cursor, kind: 'event', event: row.data as SyncEvent });
      } else {
        items.push({ cursor: row.cursor, kind: row.kind as 'catalogue' | 'holidays', version: row.version ?? '', payload: row.data });
      }
    }
    return { items, cursor: page.length ? page[page.length - 1].cursor : cursor, more, epoch: this.epoch, head: await this.head(device.unitCode) };
  }

  // ---------- dossiers ----------

  async getDossier(unitCode: string, dossierId: string): Promise<{ state: DerivedDossier | null; conflicts: Conflict[] } | null> {
    const r = await this.db.query<{ unit_code: string; state: DerivedDossier | null; conflicts: Conflict[] }>('SELECT unit_code, state, conflicts FROM dossiers WHERE dossier_id = $1', [
      dossierId,
    ]);
    const row = r.rows[0];
    if (!row || row.unit_code !== unitCode) return null;
    return { state: row.state, conflicts: row.conflicts };
  }

  async syncState(device: AuthedDevice, dossierId: string): Promise<Omit<DossierSyncState, 'hubTime'>> {
    const d = await this.getDossier(device.unitCode, dossierId);
    if (!d) return { dossierId, known: false, eventCount: 0, status: null, files: [], conflicts: 0, synced: false };
    const files = d.state?.files ?? [];
    const shas = [...new Set(files.map((f) => f.sha256))];
    const verified = new Set<string>();
    if (shas.length) {
      const r = await this.db.query<{ sha256: string }>(
        'SELECT f.sha256 FROM files f JOIN file_units u ON u.sha256 = f.sha256 AND u.unit_code = $2 WHERE f.sha256 = ANY($1::text[]) AND f.verified',
        [shas, device.unitCode],
      );
      for (const row of r.rows) verified.add(row.sha256);
    }
    const fileStates = shas.map((sha) => ({ sha256: sha, size: files.find((f) => f.sha256 === sha)!.size, verified: verified.has(sha) }));
    const known = d.state !== null;
    return {
      dossierId,
      known,
      eventCount: d.state?.eventCount ?? 0,
      status: d.state?.status ?? null,
      files: fileStates,
      conflicts: openConflicts(d.conflicts).length,
      synced: known && fileStates.every((f) => f.verified),
    };
  }

  // ---------- files (tus-like, keyed by SHA-256; per unit, sessions per device) ----------
  //
  // Storage deduplicates (one blob per SHA-256), access does not: a unit reads a file only once
  // one of its own devices has sent the bytes (file_units, written when an upload finishes). A
  // hash alone proves nothing, so every answer about a file the unit does not hold is the same
  // as for a hash nobody ever sent: a device cannot learn whether another unit holds a document.

  /**
   * One operation at a time per file: in this process (a promise chain per SHA-256) and, on
   * PostgreSQL, across hub processes (an advisory lock), so two PATCHes of one file (a retry
   * racing its own lingering first attempt) never interleave.
   */
  private async withFileLock<T>(sha256: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.fileLocks.get(sha256) ?? Promise.resolve();
    const guarded = this.db.withLock ? () => this.db.withLock!(`file:${sha256}`, fn) : fn;
    const run = prev.catch(() => undefined).then(guarded);
    const tail = run.catch(() => undefined);
    this.fileLocks.set(sha256, tail);
    try {
      return await run;
    } finally {
      if (this.fileLocks.get(sha256) === tail) this.fileLocks.delete(sha256);
    }
  }

  /** The partial file of one device's session (sha256 and device id are checked ids: no path parts). */
  private tempPath(sha256: string, deviceId: string) {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !/^[A-Za-z0-9-]{1,64}$/.test(deviceId)) throw new Error('invalid upload session key');
    return path.join(this.uploadDir, `${sha256}.${deviceId}.part`);
  }

  /** The verified file, when the device's unit holds it (one of its devices sent the bytes). */
  private async heldByUnit(sha256: string, unitCode: string): Promise<{ size: number; mime: string } | null> {
    const r = await this.db.query<{ size: number; mime: string }>(
      `SELECT f.size, f.mime FROM files f JOIN file_units u ON u.sha256 = f.sha256 AND u.unit_code = $2
       WHERE f.sha256 = $1 AND f.verified`,
      [sha256, unitCode],
    );
    return r.rows[0] ?? null;
  }

  private notFound(): HubError {
    return new HubError(404, 'file_not_found', 'Hub chưa có tệp này từ đơn vị của máy và máy chưa mở lượt tải lên nào cho nó; tạo lượt tải lên trước (POST /v1/files).');
  }

  /**
   * The device's own upload session, brought to a state it can resume from (issue 13 §8): a
   * finish cut between the blob store and the database is completed (the bytes were verified
   * and recorded as such before they moved), and a session whose partial file is gone starts
   * again at 0. Never an internal error for the device to retry for ever.
   */
  private async ownSession(device: AuthedDevice, sha256: string): Promise<{ size: number; offset: number; mime: string; complete: boolean } | null> {
    const r = await this.db.query<{ size: number; upload_offset: number; mime: string }>('SELECT size, upload_offset, mime FROM uploads WHERE sha256 = $1 AND device_id = $2', [
      sha256,
      device.deviceId,
    ]);
    const row = r.rows[0];
    if (!row) return null;
    const temp = this.tempPath(sha256, device.deviceId);
    const tempSize = await fsp.stat(temp).then(
      (s) => s.size,
      () => -1,
    );
    if (row.upload_offset >= row.size) {
      // Verified at the last chunk; storing it or recording it did not finish.
      if (tempSize >= 0 || (await this.blobs.has(sha256))) {
        await this.finishUpload(device, sha256, row.size, row.mime);
        return { size: row.size, offset: row.size, mime: row.mime, complete: true };
      }
    } else if (tempSize >= row.upload_offset) {
      return { size: row.size, offset: row.upload_offset, mime: row.mime, complete: false };
    }
    // The partial file is lost (or shorter than recorded): start this session again from 0.
    await fsp.mkdir(this.uploadDir, { recursive: true });
    await fsp.writeFile(temp, Buffer.alloc(0));
    await this.db.query('UPDATE uploads SET upload_offset = 0, updated_at = now() WHERE sha256 = $1 AND device_id = $2', [sha256, device.deviceId]);
    return { size: row.size, offset: 0, mime: row.mime, complete: false };
  }

  async createFile(device: AuthedDevice, sha256: string, size: number, mime: string): Promise<Omit<FileStateResponse, 'hubTime'>> {
    return this.withFileLock(sha256, async () => {
      const held = await this.heldByUnit(sha256, device.unitCode);
      if (held) {
        if (held.size !== size) throw new HubError(409, 'size_mismatch', `Hub đã có tệp ${sha256.slice(0, 12)}… của đơn vị với kích thước ${held.size} byte, khác ${size}.`);
        return { sha256, size, offset: size, complete: true };
      }
      const own = await this.ownSession(device, sha256);
      if (own && own.size === size) return { sha256, size, offset: own.offset, complete: own.complete };
      // No session yet, or this device's own one with another size (its own mistake): a fresh
      // session of this device; no other device's session is read or touched.
      await this.checkQuota(device, sha256, size);
      const temp = this.tempPath(sha256, device.deviceId);
      await fsp.mkdir(this.uploadDir, { recursive: true });
      await fsp.writeFile(temp, Buffer.alloc(0));
      await this.db.query(
        `INSERT INTO uploads (sha256, size, mime, upload_offset, temp_path, device_id) VALUES ($1, $2, $3, 0, $4, $5)
         ON CONFLICT (sha256, device_id) DO UPDATE SET size = EXCLUDED.size, mime = EXCLUDED.mime, upload_offset = 0, started_at = now(), updated_at = now()`,
        [sha256, size, mime, temp, device.deviceId],
      );
      return { sha256, size, offset: 0, complete: false };
    });
  }

  async fileState(device: AuthedDevice, sha256: string): Promise<Omit<FileStateResponse, 'hubTime'>> {
    const held = await this.heldByUnit(sha256, device.unitCode);
    if (held) return { sha256, size: held.size, offset: held.size, complete: true };
    const own = await this.withFileLock(sha256, () => this.ownSession(device, sha256));
    if (!own) throw this.notFound();
    return { sha256, size: own.size, offset: own.offset, complete: own.complete };
  }

  /**
   * A file a device may download (GET /v1/files/:sha256/content, PROTOCOL.md §5): verified and
   * held by the caller's unit. Anything else (not sent yet, another unit's, never seen) is the
   * same 404: the device tries again at a later sync, and learns nothing about other units.
   */
  async fileForDownload(device: AuthedDevice, sha256: string): Promise<{ size: number; mime: string }> {
    const held = await this.heldByUnit(sha256, device.unitCode);
    if (!held) throw new HubError(404, 'file_not_found', 'Tỉnh chưa nhận đủ tệp trang này (máy đã quét chưa gửi xong); sẽ tải lại ở lần đồng bộ sau.');
    return held;
  }

  /**
   * Appends one chunk at `offset` to the device's own session. The chunk's SHA-256 must match
   * `checksumBase64`; a chunk cut short or corrupted is discarded whole, so a resume re-sends at
   * most one chunk. At the last byte the whole file's SHA-256 is verified before it enters the
   * blob store.
   */
  async appendChunk(device: AuthedDevice, sha256: string, offset: number, checksumBase64: string, chunk: Buffer): Promise<Omit<FileStateResponse, 'hubTime'>> {
    return this.withFileLock(sha256, async () => {
      const held = await this.heldByUnit(sha256, device.unitCode);
      if (held) return { sha256, size: held.size, offset: held.size, complete: true };
      const s = await this.ownSession(device, sha256);
      if (!s) throw this.notFound();
      const state = { sha256, size: s.size, offset: s.offset, complete: s.complete };
      if (state.complete) return state;
      if (offset !== state.offset) {
        throw new HubError(
          409,
          'offset_mismatch',
          `Vị trí ghi ${offset} khác vị trí hub đang có (${state.offset}); hỏi lại vị trí (HEAD) rồi gửi tiếp.`,
          { offset: state.offset },
          {
            'upload-offset': String(state.offset),
          },
        );
      }
      if (chunk.length === 0) return state;
      if (offset + chunk.length > state.size) throw new HubError(400, 'beyond_size', `Phần tệp vượt quá kích thước đã khai (${state.size} byte).`);
      const actual = createHash('sha256').update(chunk).digest('base64');
      if (actual !== checksumBase64) {
        throw new HubError(
          STATUS_CHECKSUM_MISMATCH,
          'checksum_mismatch',
          'Phần tệp nhận được không khớp mã kiểm tra (SHA-256); gửi lại phần này.',
          { offset: state.offset },
          {
            'upload-offset': String(state.offset),
          },
        );
      }
      const temp = this.tempPath(sha256, device.deviceId);
      const fh = await fsp.open(temp, 'r+');
      try {
        await fh.write(chunk, 0, chunk.length, offset);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      const newOffset = offset + chunk.length;
      const setOffset = (n: number) => this.db.query('UPDATE uploads SET upload_offset = $3, updated_at = now() WHERE sha256 = $1 AND device_id = $2', [sha256, device.deviceId, n]);
      if (newOffset < state.size) {
        await setOffset(newOffset);
        return { sha256, size: state.size, offset: newOffset, complete: false };
      }
      // The last chunk: verify the whole file.
      await fsp.truncate(temp, state.size);
      const whole = await hashFile(temp);
      if (whole !== sha256) {
        await fsp.writeFile(temp, Buffer.alloc(0));
        await setOffset(0);
        throw new HubError(
          STATUS_CHECKSUM_MISMATCH,
          'file_checksum_mismatch',
          'Toàn bộ tệp không khớp SHA-256 đã khai; hub đã xoá phần đã nhận, cần tải lại từ đầu.',
          { offset: 0 },
          {
            'upload-offset': '0',
          },
        );
      }
      // Recorded as verified BEFORE the bytes move: whatever stops the finish from here on, the
      // next request of this device completes it (ownSession) instead of finding a lost file.
      await setOffset(state.size);
      await this.finishUpload(device, sha256, state.size, s.mime);
      return { sha256, size: state.size, offset: state.size, complete: true };
    });
  }

  /**
   * Refuses a new session of `size` bytes with 507 when it would take the unit or the device
   * past its quota (issue 13 §2). Counted: the unit's files, and the open sessions of its
   * devices by their declared size (this device's own session of this file excepted: it is replaced).
   */
  private async checkQuota(device: AuthedDevice, sha256: string, size: number): Promise<void> {
    const r = await this.db.query<{ unit: string; dev: string }>(
      `SELECT
         (SELECT COALESCE(sum(f.size), 0) FROM files f JOIN file_units u ON u.sha256 = f.sha256 WHERE u.unit_code = $1)
         + (SELECT COALESCE(sum(s.size), 0) FROM uploads s JOIN devices d ON d.device_id = s.device_id
            WHERE d.unit_code = $1 AND NOT (s.sha256 = $3 AND s.device_id = $2)) AS unit,
         (SELECT COALESCE(sum(f.size), 0) FROM files f JOIN file_units u ON u.sha256 = f.sha256 WHERE u.unit_code = $1 AND u.device_id = $2)
         + (SELECT COALESCE(sum(s.size), 0) FROM uploads s WHERE s.device_id = $2 AND s.sha256 <> $3) AS dev`,
      [device.unitCode, device.deviceId, sha256],
    );
    const unit = Number(r.rows[0].unit);
    const dev = Number(r.rows[0].dev);
    const { perUnitBytes, perDeviceBytes } = this.storage;
    if (unit + size > perUnitBytes) {
      throw new HubError(
        STATUS_INSUFFICIENT_STORAGE,
        'quota_unit',
        `Đơn vị đã dùng hết hạn mức lưu trữ tại tỉnh (${mib(unit)} / ${mib(perUnitBytes)}); trang ${mib(size)} chưa gửi được. Liên hệ cán bộ quản trị của tỉnh để nâng hạn mức.`,
        { used: unit, quota: perUnitBytes, size },
      );
    }
    if (dev + size > perDeviceBytes) {
      throw new HubError(
        STATUS_INSUFFICIENT_STORAGE,
        'quota_device',
        `Máy này đã dùng hết hạn mức lưu trữ tại tỉnh (${mib(dev)} / ${mib(perDeviceBytes)}); trang ${mib(size)} chưa gửi được. Liên hệ cán bộ quản trị của tỉnh để nâng hạn mức.`,
        { used: dev, quota: perDeviceBytes, size },
      );
    }
  }

  // ---------- storage report and cleaning (issue 13 §2) ----------

  /** Bytes and files held per unit, and the open partial uploads of its devices. */
  async storageReport(): Promise<{ unitCode: string; files: number; bytes: number; partials: number; partialBytes: number }[]> {
    const r = await this.db.query<{ unit_code: string; files: string; bytes: string; partials: string; partial_bytes: string }>(
      `SELECT u.code AS unit_code,
         (SELECT count(*) FROM file_units fu WHERE fu.unit_code = u.code) AS files,
         (SELECT COALESCE(sum(f.size), 0) FROM files f JOIN file_units fu ON fu.sha256 = f.sha256 WHERE fu.unit_code = u.code) AS bytes,
         (SELECT count(*) FROM uploads s JOIN devices d ON d.device_id = s.device_id WHERE d.unit_code = u.code) AS partials,
         (SELECT COALESCE(sum(s.upload_offset), 0) FROM uploads s JOIN devices d ON d.device_id = s.device_id WHERE d.unit_code = u.code) AS partial_bytes
       FROM units u ORDER BY u.code`,
    );
    return r.rows.map((x) => ({ unitCode: x.unit_code, files: Number(x.files), bytes: Number(x.bytes), partials: Number(x.partials), partialBytes: Number(x.partial_bytes) }));
  }

  /**
   * Removes partial uploads untouched for `partialTtlMs`, and blobs no event of any unit attaches
   * and no open session needs, verified more than `orphanGraceMs` ago (the grace covers the
   * device that has sent the page but not yet the event that attaches it). A blob an event
   * refers to is never removed.
   */
  async cleanStorage(now = this.now()): Promise<{ partials: number; partialBytes: number; orphans: number; orphanBytes: number }> {
    const out = { partials: 0, partialBytes: 0, orphans: 0, orphanBytes: 0 };
    const stale = await this.db.query<{ sha256: string; device_id: string; upload_offset: string }>('SELECT sha256, device_id, upload_offset FROM uploads WHERE updated_at < $1', [
      new Date(now - this.storage.partialTtlMs),
    ]);
    for (const s of stale.rows) {
      await this.withFileLock(s.sha256, async () => {
        const gone = await this.db.query('DELETE FROM uploads WHERE sha256 = $1 AND device_id = $2 AND updated_at < $3 RETURNING sha256', [
          s.sha256,
          s.device_id,
          new Date(now - this.storage.partialTtlMs),
        ]);
        if (!gone.rows.length) return;
        await fsp.rm(this.tempPath(s.sha256, s.device_id), { force: true });
        out.partials++;
        out.partialBytes += Number(s.upload_offset);
      });
    }
    const orphans = await this.db.query<{ sha256: string; size: string }>(
      `SELECT f.sha256, f.size FROM files f
       WHERE COALESCE(f.verified_at, f.created_at) < $1
         AND NOT EXISTS (SELECT 1 FROM events e WHERE e.type = 'dossier.file_attached' AND e.body->'body'->>'sha256' = f.sha256)
         AND NOT EXISTS (SELECT 1 FROM uploads s WHERE s.sha256 = f.sha256)`,
      [new Date(now - this.storage.orphanGraceMs)],
    );
    for (const o of orphans.rows) {
      await this.withFileLock(o.sha256, async () => {
        // Checked again under the file's lock, in the transaction that forgets it: an event that
        // attached it meanwhile keeps it.
        const removed = await this.db.transaction(async (tx) => {
          const still = await tx.query(
            `SELECT 1 FROM events e WHERE e.type = 'dossier.file_attached' AND e.body->'body'->>'sha256' = $1
             UNION ALL SELECT 1 FROM uploads s WHERE s.sha256 = $1`,
            [o.sha256],
          );
          if (still.rows.length) return false;
          await tx.query('DELETE FROM file_units WHERE sha256 = $1', [o.sha256]);
          await tx.query('DELETE FROM files WHERE sha256 = $1', [o.sha256]);
          return true;
        });
        if (!removed) return;
        await this.blobs.remove(o.sha256);
        out.orphans++;
        out.orphanBytes += Number(o.size);
      });
    }
    return out;
  }

  /** Verified bytes → the blob store, then the file, the unit's grant and the session's end in one transaction. */
  private async finishUpload(device: AuthedDevice, sha256: string, size: number, mime: string): Promise<void> {
    const temp = this.tempPath(sha256, device.deviceId);
    const location = (await fsp.stat(temp).then(
      () => true,
      () => false,
    ))
      ? await this.blobs.putFile(sha256, temp)
      : this.blobs.location(sha256);
    await this.faults.afterBlobStored?.(sha256);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO files (sha256, size, mime, verified, path, verified_at) VALUES ($1, $2, $3, true, $4, now())
         ON CONFLICT (sha256) DO UPDATE SET verified = true, path = EXCLUDED.path, verified_at = COALESCE(files.verified_at, now())`,
        [sha256, size, mime, location],
      );
      await tx.query('INSERT INTO file_units (sha256, unit_code, device_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [sha256, device.unitCode, device.deviceId]);
      await tx.query('DELETE FROM uploads WHERE sha256 = $1 AND device_id = $2', [sha256, device.deviceId]);
    });
  }
}

/**
 * A Mẫu 02 number is used once per unit and year (PROTOCOL.md §7): refuses a guidance.issued
 * whose (year, number) another slip holds, at the hub or earlier in the batch. Reads only
 * when the batch has such events (index events_guidance_number, migration 003).
 */
async function refuseUsedGuidanceNumbers(tx: Queryable, unitCode: string, events: SyncEvent[], out: (PushResult | null)[]): Promise<void> {
  const key = (year: number | string, num: number | string) => `${year}/${num}`;
  const slips: { e: SyncEventOf<'guidance.issued'>; k: number }[] = [];
  events.forEach((e, k) => e.type === 'guidance.issued' && !out[k] && slips.push({ e, k }));
  if (!slips.length) return;
  const held = await tx.query<{ dossier_id: string; year: string; number: string }>(
    `SELECT dossier_id, body->'body'->>'year' AS year, body->'body'->>'number' AS number FROM events
     WHERE unit_code = $1 AND type = 'guidance.issued' AND body->'body'->>'number' = ANY($2::text[])`,
    [unitCode, slips.map(({ e }) => String(e.body.number))],
  );
  const owner = new Map(held.rows.map((r) => [key(r.year, r.number), r.dossier_id]));
  for (const { e, k } of slips) {
    const { year, number } = e.body;
    const other = owner.get(key(year, number));
    if (other && other !== e.dossierId) out[k] = { eventId: e.eventId, outcome: 'rejected', reason: `Số phiếu hướng dẫn ${number}/HDHS năm ${year} đã được dùng cho phiếu khác của đơn vị.` };
    else owner.set(key(year, number), e.dossierId);
  }
}

export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
