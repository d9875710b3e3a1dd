// The one projector of a dossier (STYLE.md "A record is its event log"). A dossier IS its
// event log: this PC's own events (the outbox) and those pulled from the unit's other PCs
// and the province (sync_remote_events). Every change — a clerk's action here or a pulled
// event — takes the same road: validate → event(s) → log (+ outbox) → project(), in one
// transaction. project() derives the dossier from its whole log with the shared rules
// (shared/sync/derive.ts: any arrival order, conflicts), moves the appointment by the
// supplement pauses over the unit's calendar (shared/domain/statusEffects.ts), and writes
// the row, its components, its search entry, its timeline and its open conflicts. It is the
// only writer of those tables (through repo.ts).
import type Database from 'better-sqlite3';
import type { WorkingCalendar } from '../../../shared/domain/calendar/workingCalendar';
import { appointmentsAlong } from '../../../shared/domain/statusEffects';
import { FIELD_COLUMNS, fieldValue } from '../../../shared/domain/dossierFields';
import type { DossierComponent } from '../../../shared/domain/types';
import { type Conflict, type DerivedDossier, canonicalJson, deriveDossier } from '../../../shared/sync/derive';
import type { SyncEvent } from '../../../shared/sync/protocol';
import { timelineOf } from '../../../shared/sync/timeline';
import type { Db } from '../db/database';
import { type OutboxEvent, type WireIdentity, emit, eventLog } from '../events/outbox';
import { type DossierRepo, type DossierValues, dossierRepo, searchBody } from './repo';

/** Bump when what project() writes changes: every dossier is projected again at the next open. */
export const PROJECTION_VERSION = 1;

export interface ProjectorDeps {
  db: Db;
  /** The unit's working calendar (opening hours over the holiday table). */
  calendar: () => WorkingCalendar;
  /** This PC's wire identity: its enrolment, or ('', the unit's code) before it. */
  identity: () => WireIdentity;
}

export interface Projection {
  /** dossiers.id of the projected row. */
  id: number;
  state: DerivedDossier;
  conflicts: Conflict[];
  events: readonly SyncEvent[];
  created: boolean;
}

export interface ProjectOptions {
  /** When the projection is made (sync_conflicts.updated_at). */
  now?: number;
  events?: readonly SyncEvent[];
  deferIndex?: (id: number, searchBody: string) => void;
  /** Pulled events the caller holds parsed already, by (lower-case) event id. */
  parsed?: ReadonlyMap<string, SyncEvent>;
  /** The caller knows the stream and its code are new here (a bulk load that drops the indexes while loading). */
  newStream?: boolean;
}

/** A dossier whose code another local dossier already holds: not projected (a person must look). */
export interface CodeClash {
  clash: string;
}

/** The row of a derived dossier (appointment already moved by the pauses): its system columns, then each described field's column. */
export function valuesOf(s: DerivedDossier): DossierValues {
  const v: Record<string, unknown> = {
    code: s.code,
    unitCode: s.unitCode,
    procedureCode: s.procedureCode,
    procedureName: s.procedureName,
    fieldCode: s.fieldCode,
    fieldName: s.fieldName,
    status: s.status,
    receivedAt: s.receivedAt,
    receivedBy: s.receivedBy,
    finishedAt: s.finishedAt,
    returnedAt: s.returnedAt,
    updatedAt: s.updatedAt,
    registerBook: s.registerBook,
    registerNo: s.registerNo,
  };
  for (const [path, , key] of FIELD_COLUMNS) v[key] = fieldValue(s, path);
  return v as DossierValues;
}

const sameValues = (a: DossierValues, b: DossierValues) => {
  for (const k of Object.keys(a) as (keyof DossierValues)[]) if (a[k] !== b[k]) return false;
  return true;
};

const componentKey = (c: readonly DossierComponent[]) =>
  canonicalJson(c.map(({ notApplicable, pages, ...x }) => ({ ...x, received: Boolean(x.received), notApplicable: Boolean(notApplicable), pages: pages ?? null })));

export class DossierProjector {
  readonly repo: DossierRepo;
  private readonly db: Db;
  private readonly conflictUpsert;
  private readonly conflictCount;

  constructor(private readonly deps: ProjectorDeps) {
    this.db = deps.db;
    this.repo = dossierRepo(deps.db);
    this.conflictUpsert = this.db.prepare(
      `INSERT INTO sync_conflicts (id, stream, data, resolved_by, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET data = excluded.data, resolved_by = coalesce(excluded.resolved_by, sync_conflicts.resolved_by),
         updated_at = excluded.updated_at
       WHERE sync_conflicts.data <> excluded.data OR sync_conflicts.resolved_by IS NOT excluded.resolved_by`,
    );
    this.conflictCount = this.db.prepare('SELECT count(*) FROM sync_conflicts WHERE stream = ?').pluck();
  }

  identity(): WireIdentity {
    return this.deps.identity();
  }

  /**
   * A change made at this counter: appends its events to the outbox (the dossier's own log)
   * and projects the dossier. MUST run inside the transaction that validated the change.
   */
  record(events: readonly OutboxEvent[]): Projection & { eventIds: string[] } {
    if (!events.length) throw new Error('record() needs at least one event');
    const stream = events[0]!.stream;
    const eventIds: string[] = [];
    for (const e of events) {
      if (e.stream !== stream) throw new Error('record() takes the events of one dossier');
      eventIds.push(emit(this.db, e));
    }
    const p = this.project(stream, { now: events[events.length - 1]!.at });
    if (!p || 'clash' in p) throw new Error(`dossier ${stream} could not be projected after a local change`);
    return { ...p, eventIds };
  }

  /** The derived state of a dossier (appointment moved by the pauses), without writing anything. */
  state(stream: string): DerivedDossier | null {
    const { state } = deriveDossier(eventLog(this.db, stream, this.deps.identity()));
    if (!state) return null;
    state.appointmentAt = appointmentsAlong(state.appointmentAt, state.history, this.deps.calendar()).final;
    return state;
  }

  /**
   * Derives the dossier of `stream` from its log and writes its projections. null: no receipt
   * in the log yet. `opts.events`: the whole log when the caller holds it (bulk loads);
   * `opts.deferIndex`: a new row's search entry is handed over instead of written (a bulk load
   * writes a batch's entries in one run, seed/seed.ts).
   */
  project(stream: string, opts: ProjectOptions = {}): Projection | CodeClash | null {
    if (!this.db.inTransaction) throw new Error('project() must run inside the transaction of the change');
    const now = opts.now ?? Date.now();
    const events = opts.events ?? eventLog(this.db, stream, this.deps.identity(), opts.parsed);
    const { state, conflicts } = deriveDossier(events);
    if (!state) return null;
    const initial = state.appointmentAt;
    const along = appointmentsAlong(initial, state.history, this.deps.calendar());
    state.appointmentAt = along.final;
    const values = valuesOf(state);
    const lines = timelineOf(events, state, conflicts, initial, along.after);
    const before = opts.newStream ? undefined : this.repo.rowByUid(stream);
    let id: number;
    let created = false;
    if (!before) {
      const holder = opts.newStream ? undefined : this.repo.uidOfCode(values.code);
      if (holder !== undefined && holder !== stream) return { clash: values.code };
      id = this.repo.insert(values, stream);
      this.repo.replaceComponents(id, state.components, true);
      if (opts.deferIndex) opts.deferIndex(id, searchBody(values));
      else this.repo.index(id, searchBody(values));
      this.repo.replaceLines(id, lines, true);
      created = true;
    } else {
      id = before.id;
      const { id: _id, ...old } = before;
      if (!sameValues(old, values)) {
        this.repo.update(id, values);
        const body = searchBody(values);
        if (body !== searchBody(old)) this.repo.reindex(id, body);
      }
      if (componentKey(this.repo.components(id)) !== componentKey(state.components)) this.repo.replaceComponents(id, state.components, false);
      const stored = this.repo.lines(id).map(({ seq: _seq, ...l }) => l);
      if (canonicalJson(stored) !== canonicalJson(lines)) this.repo.replaceLines(id, lines, false);
    }
    if (conflicts.length || (!opts.newStream && (this.conflictCount.get(stream) as number) > 0)) {
      for (const c of conflicts) this.conflictUpsert.run(c.id, stream, JSON.stringify(c), c.resolvedBy ?? null, now);
    }
    return { id, state, conflicts, events, created };
  }
}

/** This PC's wire identity: its enrolment, or ('', the unit's code from the settings) before it. */
export function localIdentity(db: Db, unitCode: () => string): WireIdentity {
  let stmt = identityStmts.get(db);
  if (!stmt) identityStmts.set(db, (stmt = db.prepare<unknown[]>('SELECT device_id AS deviceId, unit_code AS unitCode FROM sync_device WHERE id = 1')));
  const row = stmt.get() as WireIdentity | undefined;
  return row ?? { deviceId: '', unitCode: unitCode() };
}

const identityStmts = new WeakMap<Db, Database.Statement<unknown[]>>();

/**
 * After an upgrade that changed what the projector writes (PROJECTION_VERSION, or a
 * migration that reset projection_state), every dossier is projected again from its log, in
 * batches of one transaction each; the version is stored last, so an interrupted rebuild
 * starts again at the next open. Returns the number of dossiers projected.
 */
export function reprojectIfNeeded(db: Db, projector: DossierProjector, now: () => number): number {
  const version = db.prepare('SELECT version FROM projection_state WHERE id = 1').pluck().get() as number | undefined;
  if (version === undefined || version >= PROJECTION_VERSION) return 0;
  const streams = db.prepare(`SELECT stream FROM outbox WHERE type = 'dossier.received' UNION SELECT stream FROM sync_remote_events WHERE type = 'dossier.received'`).pluck().all() as string[];
  const BATCH = 2000;
  for (let i = 0; i < streams.length; i += BATCH) {
    db.transaction(() => {
      for (const s of streams.slice(i, i + BATCH)) projector.project(s, { now: now() });
    }).immediate();
  }
  db.prepare('UPDATE projection_state SET version = ? WHERE id = 1').run(PROJECTION_VERSION);
  return streams.length;
}
