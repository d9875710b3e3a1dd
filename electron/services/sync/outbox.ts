// The device's outbox (STYLE.md "Sync that survives bad networks"): every change a clerk
// makes is written here as a protocol event (shared/sync/protocol.ts) IN THE SAME SQLite
// TRANSACTION as the change itself, so a crash can never keep one without the other.
// The engine (engine.ts) sends queued rows later; the hub ignores a repeat by eventId.
//
// A row holds the event without its envelope's device fields: deviceId and unitCode come
// from the enrolment when it is sent, and seq = outbox.id (per device, from 1, never
// reused: AUTOINCREMENT). So a dossier received before the PC was enrolled is sent with the
// identity the PC gets, and a row is byte-for-byte the same event at every resend.
//
// Also here: the dossier code numbering of a device (slots, PROTOCOL.md §7).
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import type { EpochMs } from '../../../shared/domain/types';
import type { SyncEvent, SyncEventType } from '../../../shared/sync/protocol';
import { sequenceForSlot, FIRST_DEVICE_SLOT } from '../../../shared/sync/protocol';
import { formatDossierCode } from '../../../shared/domain/dossierCode';
import { vnIsoDate } from '../../../shared/domain/vnTime';

export type OutboxState = 'queued' | 'sending' | 'acked' | 'failed';

/** What a service passes to emit(): the event minus the envelope's device fields. */
export interface OutboxEvent<T extends SyncEventType = SyncEventType> {
  type: T;
  /** The stream: the dossier's (or guidance slip's) uid. */
  stream: string;
  at: EpochMs;
  actor: string;
  body: Extract<SyncEvent, { type: T }>['body'];
}

export interface OutboxRow {
  id: number;
  eventId: string;
  stream: string;
  type: SyncEventType;
  at: number;
  actor: string;
  body: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: number;
}

export const OUTBOX_COLUMNS = `id, event_id AS eventId, stream, type, at, actor, body, state, attempts, last_error AS lastError, created_at AS createdAt`;

const insertStmts = new WeakMap<Db, Database.Statement<unknown[]>>();

/**
 * Writes one event to the outbox. MUST run inside the transaction that makes the change
 * (better-sqlite3 `db.transaction`): the change and its event commit or roll back together.
 */
export function emit(db: Db, e: OutboxEvent, now: EpochMs = e.at): string {
  if (!db.inTransaction) throw new Error('emit must run inside the transaction that makes the change');
  let stmt = insertStmts.get(db);
  if (!stmt) {
    stmt = db.prepare<unknown[]>('INSERT INTO outbox (event_id, stream, type, at, actor, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insertStmts.set(db, stmt);
  }
  const eventId = randomUUID();
  // The actor is bounded on the wire (120); a longer clerk name would make the event invalid.
  stmt.run(eventId, e.stream, e.type, e.at, e.actor.slice(0, 120), JSON.stringify(e.body), now);
  return eventId;
}

/** The identity events are sent with. */
export interface WireIdentity {
  deviceId: string;
  unitCode: string;
}

/** The protocol event of an outbox row (deterministic: the same row gives the same event). */
export function toWireEvent(row: Pick<OutboxRow, 'id' | 'eventId' | 'stream' | 'type' | 'at' | 'actor' | 'body'>, id: WireIdentity): SyncEvent {
  return {
    eventId: row.eventId,
    deviceId: id.deviceId,
    unitCode: id.unitCode,
    dossierId: row.stream,
    seq: row.id,
    at: row.at,
    actor: row.actor,
    type: row.type,
    body: JSON.parse(row.body),
  } as SyncEvent;
}

/** The uid (wire stream id) of a dossier row. */
export function dossierUid(db: Db, dossierId: number): string {
  const uid = db.prepare('SELECT uid FROM dossiers WHERE id = ?').pluck().get(dossierId) as string | null | undefined;
  if (!uid) throw new Error(`dossier ${dossierId} has no uid`);
  return uid;
}

// ---------- dossier codes (PROTOCOL.md §7) ----------

/**
 * The slot an unenrolled PC numbers in. Slot 0 (0001–0999) is the province's, never a
 * device's. Before enrolment a PC numbers in slot 1 (1001–1999): the hub gives slot 1 to the
 * FIRST device of a unit, so a single-PC commune that works offline from day one keeps
 * every code it issued valid when it enrols later. A unit with several PCs must enrol each
 * further PC before its first dossier (two unenrolled PCs would both use 1001…): enrol()
 * warns when a PC that already issued codes receives another slot.
 */
export const UNENROLLED_SLOT = FIRST_DEVICE_SLOT;

/** The counter kind in `sequences` for slot numbering (n = 1…999 per device per Vietnam day). */
export const SLOT_SEQUENCE_KIND = 'dossier-slot';

const codeStmts = new WeakMap<Db, { next: Database.Statement<unknown[]>; slot: Database.Statement<unknown[]>; exists: Database.Statement<unknown[]> }>();

/**
 * NNNN of the next dossier code of this device for `receivedAt`'s Vietnam day:
 * sequenceForSlot(slot, n) with n counted per day. Runs inside the IMMEDIATE transaction
 * that stores the dossier (so a failed save gives its number back). A code already present
 * (a dossier pulled from another PC, or one made by an older version) is skipped.
 */
export function nextDossierSequence(db: Db, unitCode: string, receivedAt: EpochMs): number {
  if (!db.inTransaction) throw new Error('nextDossierSequence must run inside the transaction that uses the number');
  let s = codeStmts.get(db);
  if (!s) {
    s = {
      next: db.prepare<unknown[]>(
        `INSERT INTO sequences (kind, unit_code, period, last) VALUES (?, ?, ?, 1)
         ON CONFLICT (kind, unit_code, period) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
      slot: db.prepare<unknown[]>('SELECT slot FROM sync_device WHERE id = 1').pluck(),
      exists: db.prepare<unknown[]>('SELECT 1 FROM dossiers WHERE code = ?').pluck(),
    };
    codeStmts.set(db, s);
  }
  const slot = (s.slot.get() as number | undefined) ?? UNENROLLED_SLOT;
  const day = vnIsoDate(receivedAt);
  for (;;) {
    const n = (s.next.get(SLOT_SEQUENCE_KIND, unitCode, day) as { last: number }).last;
    let seq: number;
    try {
      seq = sequenceForSlot(slot, n);
    } catch (e) {
      throw new AppError('conflict', `${(e as Error).message} Không cấp thêm mã hồ sơ trên máy này trong ngày; dùng máy tiếp nhận khác hoặc liên hệ quản trị hệ thống của tỉnh.`);
    }
    if (!s.exists.get(formatDossierCode(unitCode, receivedAt, seq))) return seq;
  }
}
