// The SQL of a dossier's projected tables: `dossiers` (the row), `dossier_components`,
// `dossier_fts` (its search entry) and `dossier_events` (its timeline), prepared once per
// connection. Only the projector (projector.ts) writes through this module — and the bulk
// loader of demo data (seed/seed.ts), which writes the projector's own output in batches.
// `dossier_activity` (this PC's log of forms printed and papers reused) is here too.
import type Database from 'better-sqlite3';
import type { DossierComponent, DossierStatus } from '../../../shared/domain/types';
import type { TimelineLine } from '../../../shared/sync/timeline';
import { foldForSearch } from '../../../shared/domain/text';
import { FIELD_COLUMNS, type FieldRow } from '../../../shared/domain/dossierFields';
import type { Db } from '../db/database';

/** The columns of a dossiers row that are not fields of the table in shared/domain/dossierFields.ts. */
interface SystemRow {
  id: number;
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName: string;
  fieldCode: string;
  fieldName: string;
  status: DossierStatus;
  receivedAt: number;
  receivedBy: string;
  finishedAt: number | null;
  returnedAt: number | null;
  updatedAt: number;
  registerBook: number;
  registerNo: number;
}

/** A dossiers row: its system columns and the columns of the described fields. */
export type DossierRow = SystemRow & FieldRow;

export type DossierValues = Omit<DossierRow, 'id'>;

const SYSTEM_COLUMNS: readonly (readonly [string, keyof Omit<SystemRow, 'id'>])[] = [
  ['code', 'code'],
  ['unit_code', 'unitCode'],
  ['procedure_code', 'procedureCode'],
  ['procedure_name', 'procedureName'],
  ['field_code', 'fieldCode'],
  ['field_name', 'fieldName'],
  ['status', 'status'],
  ['received_at', 'receivedAt'],
  ['received_by', 'receivedBy'],
  ['finished_at', 'finishedAt'],
  ['returned_at', 'returnedAt'],
  ['updated_at', 'updatedAt'],
  ['register_book', 'registerBook'],
  ['register_no', 'registerNo'],
];

/** Column ↔ row key, in the order of the INSERT: the system columns, then the fields' (from their description). */
export const DOSSIER_COLUMNS: readonly (readonly [string, keyof DossierValues])[] = [...SYSTEM_COLUMNS, ...FIELD_COLUMNS.map(([, column, key]) => [column, key] as const)];

/** SELECT list giving a DossierRow (table alias `d` optional). */
export const DOSSIER_SELECT = `id, ${DOSSIER_COLUMNS.map(([c, k]) => (c === k ? c : `${c} AS ${k}`)).join(', ')}`;

/**
 * The search text of a dossier, folded: name, ID number, phone (also in its 0… form when
 * stored as +84…), and the date/sequence part of the code ('250704-0001' → 250704, 0001).
 */
export function searchBody(d: { applicantName: string; idNumber: string; phone: string; code: string; unitCode: string }): string {
  const parts = [foldForSearch(d.applicantName), d.idNumber];
  if (d.phone) {
    parts.push(d.phone.replace(/^\+/, ''));
    if (d.phone.startsWith('+84')) parts.push(`0${d.phone.slice(3)}`);
  }
  const tail = d.code.startsWith(`${d.unitCode}-`) ? d.code.slice(d.unitCode.length + 1) : d.code;
  parts.push(tail.toLowerCase());
  return parts.join(' ');
}

export interface StoredLine extends TimelineLine {
  seq: number;
}

const LINE_SELECT = `seq, coalesce(event_id, '') AS eventId, device_id AS deviceId, type, from_status AS "from", to_status AS "to", actor, at, note, conflict`;

/** Prepared statements of the projected tables of one connection. */
export class DossierRepo {
  private readonly s;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare<unknown[]>(sql);
    this.s = {
      insert: p(`INSERT INTO dossiers (${DOSSIER_COLUMNS.map((c) => c[0]).join(', ')}, uid) VALUES (${DOSSIER_COLUMNS.map(() => '?').join(', ')}, ?)`),
      update: p(`UPDATE dossiers SET ${DOSSIER_COLUMNS.map((c) => `${c[0]} = ?`).join(', ')} WHERE id = ?`),
      byId: p(`SELECT ${DOSSIER_SELECT} FROM dossiers WHERE id = ?`),
      byUid: p(`SELECT ${DOSSIER_SELECT} FROM dossiers WHERE uid = ?`),
      idByCode: p('SELECT uid FROM dossiers WHERE code = ?').pluck(),
      uid: p('SELECT uid FROM dossiers WHERE id = ?').pluck(),
      insertComponent: p(
        `INSERT INTO dossier_components (dossier_id, position, component_id, name, original, certified, photocopy, received, not_applicable, pages)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteComponents: p('DELETE FROM dossier_components WHERE dossier_id = ?'),
      components: p(
        `SELECT component_id AS componentId, name, original, certified, photocopy, received, not_applicable AS notApplicable, pages
         FROM dossier_components WHERE dossier_id = ? ORDER BY position`,
      ),
      insertFts: p('INSERT INTO dossier_fts (rowid, body) VALUES (?, ?)'),
      deleteFts: p('DELETE FROM dossier_fts WHERE rowid = ?'),
      lines: p(`SELECT ${LINE_SELECT} FROM dossier_events WHERE dossier_id = ? ORDER BY seq`),
      deleteLines: p('DELETE FROM dossier_events WHERE dossier_id = ?'),
      insertLine: p(
        `INSERT INTO dossier_events (dossier_id, seq, type, from_status, to_status, actor, at, note, event_id, device_id, conflict)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertActivity: p('INSERT INTO dossier_activity (dossier_id, type, actor, at, note) VALUES (?, ?, ?, ?, ?)'),
      activity: p('SELECT id, type, actor, at, note FROM dossier_activity WHERE dossier_id = ? ORDER BY at, id'),
    };
  }

  row(id: number): DossierRow | undefined {
    return this.s.byId.get(id) as DossierRow | undefined;
  }

  rowByUid(uid: string): DossierRow | undefined {
    return this.s.byUid.get(uid) as DossierRow | undefined;
  }

  /** The stream (uid) of the dossier holding `code`, if any. */
  uidOfCode(code: string): string | undefined {
    return this.s.idByCode.get(code) as string | undefined;
  }

  uid(id: number): string | undefined {
    return (this.s.uid.get(id) as string | null | undefined) ?? undefined;
  }

  insert(v: DossierValues, uid: string): number {
    // Positional binding: measurably faster than named parameters for 27 columns (bulk loads).
    return Number(this.s.insert.run([...DOSSIER_COLUMNS.map((c) => v[c[1]]), uid]).lastInsertRowid);
  }

  update(id: number, v: DossierValues): void {
    this.s.update.run([...DOSSIER_COLUMNS.map((c) => v[c[1]]), id]);
  }

  components(id: number): DossierComponent[] {
    type Stored = Omit<DossierComponent, 'received' | 'notApplicable' | 'pages'> & { received: number; notApplicable: number; pages: number | null };
    return (this.s.components.all(id) as Stored[]).map(({ notApplicable, pages, ...c }) => ({
      ...c,
      received: c.received === 1,
      ...(notApplicable === 1 ? { notApplicable: true as const } : {}),
      ...(pages !== null ? { pages } : {}),
    }));
  }

  replaceComponents(id: number, components: readonly DossierComponent[], fresh: boolean): void {
    if (!fresh) this.s.deleteComponents.run(id);
    components.forEach((c, i) => this.s.insertComponent.run(id, i + 1, c.componentId, c.name, c.original, c.certified, c.photocopy, c.received ? 1 : 0, c.notApplicable ? 1 : 0, c.pages ?? null));
  }

  index(id: number, body: string): void {
    this.s.insertFts.run(id, body);
  }

  reindex(id: number, body: string): void {
    this.s.deleteFts.run(id);
    this.s.insertFts.run(id, body);
  }

  lines(id: number): StoredLine[] {
    return this.s.lines.all(id) as StoredLine[];
  }

  replaceLines(id: number, lines: readonly TimelineLine[], fresh: boolean): void {
    if (!fresh) this.s.deleteLines.run(id);
    lines.forEach((l, i) => this.s.insertLine.run(id, i + 1, l.type, l.from, l.to, l.actor, l.at, l.note, l.eventId, l.deviceId, l.conflict));
  }

  addActivity(id: number, type: 'form_printed' | 'reused', actor: string, at: number, note: string): void {
    this.s.insertActivity.run(id, type, actor, at, note);
  }

  activity(id: number): { id: number; type: 'form_printed' | 'reused'; actor: string; at: number; note: string }[] {
    return this.s.activity.all(id) as { id: number; type: 'form_printed' | 'reused'; actor: string; at: number; note: string }[];
  }
}

const repos = new WeakMap<Db, DossierRepo>();

/** The connection's repository (statements prepared once per connection). */
export function dossierRepo(db: Db): DossierRepo {
  let r = repos.get(db);
  if (!r) repos.set(db, (r = new DossierRepo(db)));
  return r;
}
