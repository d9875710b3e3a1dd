// The device's outbox, on the ground floor of the services (STYLE.md "Sync that survives bad
// networks"): every change a clerk
// makes is written here as a protocol event (shared/sync/protocol.ts) IN THE SAME SQLite
// TRANSACTION as the change itself, so a crash can never keep one without the other.
// The engine (engine.ts) sends queued rows later; the hub ignores a repeat by eventId.
//
// A row holds the event without its envelope's device fields: deviceId and unitCode come
// from the enrolment when it is sent, and seq = outbox.id (per device, from 1, never
// reused: AUTOINCREMENT). So a dossier received before the PC was enrolled is sent with the
// identity the PC gets, and a row is byte-for-byte the same event at every resend.
//
// Services do not call emit() for a dossier's events: they go through the dossier projector
// (dossier/projector.ts), which appends them here and projects them in one transaction.
// The merged log of a stream (own events here + pulled ones) is read with eventLog().
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Db } from '../db/database';
import type { EpochMs } from '../../../shared/domain/types';
import type { SyncEvent, SyncEventType } from '../../../shared/sync/protocol';

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

/** The merged log of one stream: this device's own events (outbox) + the pulled ones (stored with lower-case ids). */
export function eventLog(db: Db, stream: string, id: WireIdentity, parsed?: ReadonlyMap<string, SyncEvent>): SyncEvent[] {
  let s = logStmts.get(db);
  if (!s) {
    s = {
      own: db.prepare<unknown[]>(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE stream = ?`),
      remote: db.prepare<unknown[]>('SELECT event_id AS id, event FROM sync_remote_events WHERE stream = ?'),
    };
    logStmts.set(db, s);
  }
  const own = (s.own.all(stream) as OutboxRow[]).map((r) => toWireEvent(r, id));
  // `parsed`: events the caller holds already (a pull page just stored), not parsed again.
  const remote = (s.remote.all(stream) as { id: string; event: string }[]).map((r) => parsed?.get(r.id) ?? (JSON.parse(r.event) as SyncEvent));
  return [...own, ...remote];
}

const logStmts = new WeakMap<Db, { own: Database.Statement<unknown[]>; remote: Database.Statement<unknown[]> }>();
