// The current state of a dossier, derived from its append-only event log (PROTOCOL.md §2).
// Pure and deterministic: the result depends only on the SET of events, never on the order
// they arrived in, so two clerks who edited the same dossier offline, the hub and every
// device all compute the same state once they hold the same events.
//
// How the log is replayed:
//  - events are first sorted by (at, eventId); `at` is a device clock, so it only breaks ties;
//  - the earliest dossier.received is the initial record (a different second one is a conflict);
//  - status moves are replayed as a chain: from the current status, apply the earliest move
//    whose `from` is that status, and repeat. Clock skew between devices therefore cannot put
//    "4→9" before "2→4". A move left over whose `from` was also the `from` of an applied move
//    with a different `to` is a real conflict (two clerks moved the dossier differently from
//    the same status); with the same `to` it is the same decision made twice (no conflict);
//  - field edits are replayed the same way per field path, comparing `previous` with the
//    current value (JSON equality): two edits from the same previous value to different
//    values are a conflict, to the same value are one edit;
//  - a move or edit whose prior status/value never occurred is reported as 'stale';
//  - the winner of a conflict is the earlier of the two by (at, eventId), and the conflict
//    is returned for a person to settle (dossier.conflict_resolved), never dropped;
//  - files: every attach not withdrawn by a dossier.file_removed naming it (the same file at
//    the same component and page attached twice is listed once), at the page the latest
//    dossier.pages_reordered listing it gave it, else at the page it was attached as;
//  - review decisions on digitised papers: the last dossier.document_reviewed per component
//    (or result) by (at, eventId).
import type { Dossier, DossierStatus, EpochMs } from '../domain/types';
import { applyStatusMove } from '../domain/statusEffects';
import { fieldValue, setFieldValue } from '../domain/dossierFields';
import type { DocumentReviewedBody, EditableField, FieldEditedBody, FileAttachedBody, StatusChangedBody, SyncEvent, SyncEventOf } from './protocol';

export interface AttachedFile extends FileAttachedBody {
  eventId: string;
  at: EpochMs;
  deviceId: string;
}

/** The review decision (TrangThaiSoHoa) in force on a digitised paper: its last dossier.document_reviewed. */
export interface ReviewedDocument extends DocumentReviewedBody {
  eventId: string;
  at: EpochMs;
  deviceId: string;
}

/** An applied status move: the national progress record (CapNhatTienDoHoSoMC) is made from these. */
export interface StatusStep {
  eventId: string;
  deviceId: string;
  from: DossierStatus;
  to: DossierStatus;
  at: EpochMs;
  actor: string;
  note: string;
  actorTitle?: string;
  department?: string;
}

export interface DerivedDossier extends Dossier {
  files: AttachedFile[];
  history: StatusStep[];
  /** The last review decision per component or result, by componentId. */
  documents: ReviewedDocument[];
  /** Device that received the dossier at the counter. */
  receivedByDevice: string;
  eventCount: number;
}

export interface ConflictSide {
  eventId: string;
  deviceId: string;
  actor: string;
  at: EpochMs;
  /** The status moved to, or the field value set. */
  value: unknown;
}

export interface Conflict {
  /** Stable: the same conflict has the same id on every device and at the hub. */
  id: string;
  dossierId: string;
  kind: 'status' | 'field' | 'received';
  /** 'concurrent': two decisions from the same prior state; 'stale': the prior state never occurred. */
  reason: 'concurrent' | 'stale';
  /** Field path for kind 'field'. */
  path?: string;
  /** The prior status / previous value both sides started from. */
  base: unknown;
  /** The side the derived state shows (absent for 'stale'). */
  kept?: ConflictSide;
  /** The side not applied. */
  other: ConflictSide;
  /** The conflict_resolved event that settled it, if any. */
  resolvedBy?: string;
}

export interface DeriveResult {
  state: DerivedDossier | null;
  conflicts: Conflict[];
}

/** Canonical JSON: object keys sorted, so equal values have equal text. */
export function canonicalJson(v: unknown): string {
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

const byAtThenId = (a: SyncEvent, b: SyncEvent) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

const side = (e: SyncEvent, value: unknown): ConflictSide => ({ eventId: e.eventId, deviceId: e.deviceId, actor: e.actor, at: e.at, value });

const getPath = fieldValue;

function setPath(d: Dossier, path: EditableField, value: unknown): void {
  setFieldValue(d, path, value === undefined ? null : structuredCloneJson(value));
}

function structuredCloneJson<T>(v: T): T {
  return v === null || typeof v !== 'object' ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * Replays a chain of decisions: from `start`, repeatedly apply the earliest remaining item whose
 * base equals the current value. Returns the applied items in order and the ones left over.
 */
function replayChain<T>(items: T[], start: string, baseOf: (t: T) => string, valueOf: (t: T) => string) {
  const remaining = items.slice();
  const applied: T[] = [];
  let current = start;
  for (;;) {
    const i = remaining.findIndex((t) => baseOf(t) === current);
    if (i < 0) break;
    const t = remaining.splice(i, 1)[0] as T;
    applied.push(t);
    current = valueOf(t);
  }
  return { applied, remaining };
}

/** The state of one dossier and the conflicts a person must settle. `events` may be in any order. */
export function deriveDossier(events: readonly SyncEvent[]): DeriveResult {
  // Deduplicate by event id (the log is merged by id), then order deterministically.
  const unique = new Map<string, SyncEvent>();
  for (const e of events) if (!unique.has(e.eventId)) unique.set(e.eventId, e);
  const sorted = [...unique.values()].sort(byAtThenId);

  const receivedEvents = sorted.filter((e): e is SyncEventOf<'dossier.received'> => e.type === 'dossier.received');
  const first = receivedEvents[0];
  if (!first) return { state: null, conflicts: [] };
  const dossierId = first.dossierId;
  const unitCode = first.unitCode;
  const mine = sorted.filter((e) => e.dossierId === dossierId && e.unitCode === unitCode);
  const conflicts: Conflict[] = [];

  for (const r of receivedEvents.slice(1)) {
    if (r.unitCode !== unitCode || canonicalJson(r.body) === canonicalJson(first.body)) continue;
    conflicts.push({
      id: `received:${r.eventId}`,
      dossierId,
      kind: 'received',
      reason: 'concurrent',
      base: null,
      kept: side(first, first.body),
      other: side(r, r.body),
    });
  }

  const b = first.body;
  const state: DerivedDossier = {
    id: dossierId,
    code: b.code,
    unitCode,
    procedureCode: b.procedureCode,
    procedureName: b.procedureName,
    fieldCode: b.fieldCode,
    fieldName: b.fieldName,
    applicant: { ...b.applicant },
    components: b.components.map((c) => ({ ...c })),
    copies: b.copies,
    channel: b.channel,
    resultDelivery: b.resultDelivery,
    status: b.status,
    receivedAt: b.receivedAt,
    appointmentAt: b.appointmentAt,
    processingHours: b.processingHours,
    receivedBy: b.receivedBy,
    note: b.note,
    reason: '',
    finishedAt: null,
    returnedAt: null,
    updatedAt: first.at,
    registerBook: b.registerBook,
    registerNo: b.registerNo,
    files: [],
    history: [],
    documents: [],
    receivedByDevice: first.deviceId,
    eventCount: mine.length,
  };
  const touch = (at: EpochMs) => {
    if (at > state.updatedAt) state.updatedAt = at;
  };

  // ---- status chain ----
  const moves = mine.filter((e): e is SyncEventOf<'dossier.status_changed'> => e.type === 'dossier.status_changed');
  const statusChain = replayChain(
    moves,
    String(b.status),
    (e) => String(e.body.from),
    (e) => String(e.body.to),
  );
  for (const e of statusChain.applied) {
    const body: StatusChangedBody = e.body;
    applyStatusMove(state, { from: body.from, to: body.to, at: e.at, note: body.note, ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    state.history.push({
      eventId: e.eventId,
      deviceId: e.deviceId,
      from: body.from,
      to: body.to,
      at: e.at,
      actor: e.actor,
      note: body.note,
      ...(body.actorTitle !== undefined ? { actorTitle: body.actorTitle } : {}),
      ...(body.department !== undefined ? { department: body.department } : {}),
    });
    touch(e.at);
  }
  for (const e of statusChain.remaining) {
    const siblings = statusChain.applied.filter((a) => a.body.from === e.body.from);
    if (siblings.some((a) => a.body.to === e.body.to)) continue; // the same move made twice
    const kept = nearest(siblings, e);
    conflicts.push({
      id: `status:${e.eventId}`,
      dossierId,
      kind: 'status',
      reason: kept ? 'concurrent' : 'stale',
      base: e.body.from,
      ...(kept ? { kept: side(kept, kept.body.to) } : {}),
      other: side(e, e.body.to),
    });
  }

  // ---- field edits, one chain per path ----
  const edits = mine.filter((e): e is SyncEventOf<'dossier.field_edited'> => e.type === 'dossier.field_edited');
  const paths = [...new Set(edits.map((e) => e.body.path))].sort();
  for (const path of paths) {
    const forPath = edits.filter((e) => e.body.path === path);
    const chain = replayChain(
      forPath,
      canonicalJson(getPath(state, path)),
      (e) => canonicalJson((e.body as FieldEditedBody).previous),
      (e) => canonicalJson((e.body as FieldEditedBody).value),
    );
    for (const e of chain.applied) {
      setPath(state, path, e.body.value);
      touch(e.at);
    }
    for (const e of chain.remaining) {
      const prev = canonicalJson(e.body.previous);
      const siblings = chain.applied.filter((a) => canonicalJson(a.body.previous) === prev);
      if (siblings.some((a) => canonicalJson(a.body.value) === canonicalJson(e.body.value))) continue;
      const kept = nearest(siblings, e);
      conflicts.push({
        id: `field:${path}:${e.eventId}`,
        dossierId,
        kind: 'field',
        reason: kept ? 'concurrent' : 'stale',
        path,
        base: e.body.previous ?? null,
        ...(kept ? { kept: side(kept, kept.body.value) } : {}),
        other: side(e, e.body.value),
      });
    }
  }

  // ---- files ----
  // A removal names the attach it withdraws, so it takes effect whichever arrives first.
  const removed = new Set<string>();
  for (const e of mine) {
    if (e.type !== 'dossier.file_removed') continue;
    removed.add(e.body.attachedEventId.toLowerCase());
    touch(e.at);
  }
  // Re-orderings in (at, eventId) order: each sets the page of the attaches it lists.
  const reorderedPage = new Map<string, number>();
  for (const e of mine) {
    if (e.type !== 'dossier.pages_reordered') continue;
    e.body.order.forEach((id, i) => reorderedPage.set(`${e.body.componentId}|${id.toLowerCase()}`, i + 1));
    touch(e.at);
  }
  const seenFiles = new Set<string>();
  for (const e of mine) {
    if (e.type !== 'dossier.file_attached' || removed.has(e.eventId.toLowerCase())) continue;
    const page = reorderedPage.get(`${e.body.componentId}|${e.eventId.toLowerCase()}`) ?? e.body.page;
    const key = `${e.body.componentId}|${page}|${e.body.sha256}`;
    if (seenFiles.has(key)) continue;
    seenFiles.add(key);
    state.files.push({ ...e.body, page, eventId: e.eventId, at: e.at, deviceId: e.deviceId });
    touch(e.at);
  }
  state.files.sort((x, y) => (x.componentId < y.componentId ? -1 : x.componentId > y.componentId ? 1 : x.page - y.page || x.at - y.at));

  // ---- review decisions: the last one per component by (at, eventId) (`mine` is in that order) ----
  const reviews = new Map<string, ReviewedDocument>();
  for (const e of mine) {
    if (e.type !== 'dossier.document_reviewed') continue;
    reviews.set(e.body.componentId, { ...e.body, data: { ...e.body.data }, eventId: e.eventId, at: e.at, deviceId: e.deviceId });
    touch(e.at);
  }
  state.documents = [...reviews.values()].sort((x, y) => (x.componentId < y.componentId ? -1 : x.componentId > y.componentId ? 1 : 0));

  // ---- settled conflicts ----
  const resolvedBy = new Map<string, string>();
  for (const e of mine) {
    if (e.type !== 'dossier.conflict_resolved') continue;
    for (const id of e.body.conflictIds) if (!resolvedBy.has(id)) resolvedBy.set(id, e.eventId);
    touch(e.at);
  }
  for (const c of conflicts) {
    const by = resolvedBy.get(c.id);
    if (by) c.resolvedBy = by;
  }
  conflicts.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { state, conflicts };
}

/** Conflicts not yet settled by a person. */
export function openConflicts(conflicts: readonly Conflict[]): Conflict[] {
  return conflicts.filter((c) => !c.resolvedBy);
}

/** The applied sibling closest before `e` in (at, eventId) order, else the first after it. */
function nearest<T extends SyncEvent>(siblings: T[], e: SyncEvent): T | undefined {
  let before: T | undefined;
  for (const s of siblings) if (byAtThenId(s, e) < 0) before = s;
  return before ?? siblings[0];
}
