// Dossiers (hồ sơ): receive (Mẫu 01), refuse (Mẫu 03), list and search, detail, status
// transitions with their event log. Every write is one IMMEDIATE transaction: the code
// number, the Sổ theo dõi number, the dossier, its components, its first event, its search
// entry and the citizen record commit together or not at all.
import type {
  Applicant,
  Dossier,
  DossierComponent,
  DossierEvent,
  DossierEventType,
  DossierStatus,
  DossierSummary,
  EpochMs,
  Procedure,
} from '../../shared/domain/types';
import { DEFAULT_WORKING_HOURS } from '../../shared/domain/types';
import type { AppointmentPreview, DossierDetail, HandlerInput } from '../../shared/ipc/contract';
import { applicantSchema } from '../../shared/ipc/contract';
import type { EditableField } from '../../shared/sync/protocol';
import { CLERK_EDITABLE_FIELDS, canEditFields, describeFieldEdit, fieldValue } from '../../shared/domain/dossierFields';
import { checkCccd } from '../../shared/domain/cccd';
import { foldForSearch, searchTokens } from '../../shared/domain/text';
import { parseIsoDate, vnIsoDate, vnParts, vnTime } from '../../shared/domain/vnTime';
import { computeAppointment, appointmentAfterPauses, type WorkingCalendar } from '../../shared/domain/calendar/workingCalendar';
import { allowedTransitions, canTransition, eventTypeForTransition, STATUS_LABELS } from '../../shared/domain/status';
import { formatDossierCode } from '../../shared/domain/dossierCode';
import type Database from 'better-sqlite3';
import { scheduleIdleMaintenance, type Db } from './db/database';
import { AppError } from './errors';
import { nextYearlyNumber } from './sequences';
import type { SettingsStore } from './settings';
import type { ProcedureStore } from './procedures';
import type { HolidayStore } from './holidays';
import type { CitizenStore } from './citizens';
import { dossiersByPageText } from './pages/search';
import { randomUUID } from 'node:crypto';
import { dossierUid, emit, nextDossierSequence } from './sync/outbox';

/**
 * Statuses whose clock is running: overdue / due-soon lists look only at these. They are
 * PENDING_STATUSES (shared/domain/status.ts) without 5: while the unit waits for the
 * citizen's supplement the clock is paused, and the appointment moves later by the paused
 * working hours when it resumes (so a paused dossier is not "overdue"; DOMAIN.md §1, §6).
 * MUST equal the WHERE of the partial index dossiers_open_due (migrations.ts), or the
 * overdue list stops using it; test/electron/dossiers.test.ts checks both.
 */
export const OPEN_STATUSES: readonly DossierStatus[] = [2, 4, 6];
const OPEN_SQL = `(${OPEN_STATUSES.join(', ')})`;

/** list() counts matches up to this many; a total of TOTAL_CAP means "more than TOTAL_CAP - 1". */
export const TOTAL_CAP = 10_001;

/** 'Due soon' = appointment within this many working hours from now (2 working days). */
const SOON_WORKING_HOURS = 16;

const DAY_MS = 86_400_000;

export interface DossierRow {
  id: number;
  code: string;
  unitCode: string;
  procedureCode: string;
  procedureName: string;
  fieldCode: string;
  fieldName: string;
  applicantName: string;
  idNumber: string;
  birthDate: string;
  address: string;
  phone: string;
  email: string;
  copies: number;
  channel: 1 | 2 | 3;
  resultDelivery: 'counter' | 'post';
  status: DossierStatus;
  receivedAt: number;
  appointmentAt: number | null;
  processingHours: number | null;
  receivedBy: string;
  note: string;
  reason: string;
  finishedAt: number | null;
  returnedAt: number | null;
  updatedAt: number;
  registerBook: number;
  registerNo: number;
}

const DOSSIER_COLUMNS = `id, code, unit_code AS unitCode, procedure_code AS procedureCode, procedure_name AS procedureName,
  field_code AS fieldCode, field_name AS fieldName, applicant_name AS applicantName, id_number AS idNumber,
  birth_date AS birthDate, address, phone, email, copies, channel, result_delivery AS resultDelivery, status,
  received_at AS receivedAt, appointment_at AS appointmentAt, processing_hours AS processingHours,
  received_by AS receivedBy, note, reason, finished_at AS finishedAt, returned_at AS returnedAt,
  updated_at AS updatedAt, register_book AS registerBook, register_no AS registerNo`;

const SUMMARY_COLUMNS = `d.id AS id, d.code AS code, d.procedure_code AS procedureCode, d.procedure_name AS procedureName,
  d.applicant_name AS applicantName, d.id_number AS idNumber, d.phone AS phone, d.status AS status,
  d.received_at AS receivedAt, d.appointment_at AS appointmentAt`;

/**
 * The search text of a dossier, folded: name, ID number, phone (also in its 0… form when
 * stored as +84…), and the date/sequence part of the code ('250704-0001' → 250704, 0001).
 */
export function searchBody(d: { applicantName: string; idNumber: string; phone: string; code: string; unitCode: string }): string {
  const parts = [foldForSearch(d.applicantName), d.idNumber];
  if (d.phone) {
    parts.push(d.phone.replace(/^\+/, ''));
    if (d.phone.startsWith('+84')) parts.push('0' + d.phone.slice(3));
  }
  const tail = d.code.startsWith(d.unitCode + '-') ? d.code.slice(d.unitCode.length + 1) : d.code;
  parts.push(tail.toLowerCase());
  return parts.join(' ');
}

/** An FTS5 MATCH expression: each folded word quoted as a string and prefix-matched, ANDed. */
export function ftsQuery(query: string): string | null {
  const tokens = searchTokens(query).slice(0, 8);
  if (!tokens.length) return null;
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND ');
}

/** A full or partial dossier code typed in the search box: matched on the unique code index. */
const CODE_QUERY = /^[0-9A-Za-z]{1,6}(\.[0-9A-Za-z]{1,6}){1,5}-\d{1,6}(-\d{0,4})?$/;

const DOSSIER_INSERT_COLUMNS: [string, keyof Omit<DossierRow, 'id'>][] = [
  ['code', 'code'], ['unit_code', 'unitCode'], ['procedure_code', 'procedureCode'], ['procedure_name', 'procedureName'],
  ['field_code', 'fieldCode'], ['field_name', 'fieldName'], ['applicant_name', 'applicantName'], ['id_number', 'idNumber'],
  ['birth_date', 'birthDate'], ['address', 'address'], ['phone', 'phone'], ['email', 'email'], ['copies', 'copies'],
  ['channel', 'channel'], ['result_delivery', 'resultDelivery'], ['status', 'status'], ['received_at', 'receivedAt'],
  ['appointment_at', 'appointmentAt'], ['processing_hours', 'processingHours'], ['received_by', 'receivedBy'],
  ['note', 'note'], ['reason', 'reason'], ['finished_at', 'finishedAt'], ['returned_at', 'returnedAt'],
  ['updated_at', 'updatedAt'], ['register_book', 'registerBook'], ['register_no', 'registerNo'],
];

const COLUMN_OF = Object.fromEntries(DOSSIER_INSERT_COLUMNS.map(([column, key]) => [key, column])) as Record<keyof Omit<DossierRow, 'id'>, string>;

/**
 * The row key of each editable field (shared/sync/protocol.ts EDITABLE_FIELDS) kept on the
 * dossiers row; components are rows of dossier_components and are not edited here.
 */
export const FIELD_KEYS: Readonly<Partial<Record<EditableField, keyof Omit<DossierRow, 'id'>>>> = {
  'applicant.fullName': 'applicantName',
  'applicant.idNumber': 'idNumber',
  'applicant.birthDate': 'birthDate',
  'applicant.address': 'address',
  'applicant.phone': 'phone',
  'applicant.email': 'email',
  appointmentAt: 'appointmentAt',
  processingHours: 'processingHours',
  note: 'note',
  reason: 'reason',
  copies: 'copies',
  resultDelivery: 'resultDelivery',
  channel: 'channel',
};

/** Prepared writes shared by the receive path and bulk seeding. */
export class DossierWriter {
  readonly insertDossier;
  readonly insertComponent;
  readonly insertEvent;
  readonly insertFts;
  private readonly deleteFts;
  private readonly lastSeq;
  private readonly getRow;

  constructor(private readonly db: Db) {
    this.insertDossier = db.prepare(
      `INSERT INTO dossiers (${DOSSIER_INSERT_COLUMNS.map((c) => c[0]).join(', ')}, uid)
       VALUES (${DOSSIER_INSERT_COLUMNS.map(() => '?').join(', ')}, ?)`,
    );
    this.insertComponent = db.prepare(
      `INSERT INTO dossier_components (dossier_id, position, component_id, name, original, certified, photocopy, received)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertEvent = db.prepare(
      `INSERT INTO dossier_events (dossier_id, seq, type, from_status, to_status, actor, at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM dossier_events WHERE dossier_id = ?').pluck();
    this.insertFts = db.prepare('INSERT INTO dossier_fts (rowid, body) VALUES (?, ?)');
    this.deleteFts = db.prepare('DELETE FROM dossier_fts WHERE rowid = ?');
    this.getRow = db.prepare(`SELECT ${DOSSIER_COLUMNS} FROM dossiers WHERE id = ?`);
  }

  row(id: number): DossierRow | undefined {
    return this.getRow.get(id) as DossierRow | undefined;
  }

  /** Sets some columns of a dossier row; its search entry is rewritten when a searched value changed. */
  update(before: DossierRow, values: Partial<Omit<DossierRow, 'id'>>): void {
    const keys = Object.keys(values) as (keyof typeof values)[];
    if (!keys.length) return;
    this.db.prepare(`UPDATE dossiers SET ${keys.map((k) => `${COLUMN_OF[k]} = ?`).join(', ')} WHERE id = ?`).run(...keys.map((k) => values[k]), before.id);
    const body = searchBody({ ...before, ...values });
    if (body !== searchBody(before)) {
      this.deleteFts.run(before.id);
      this.insertFts.run(before.id, body);
    }
  }

  /**
   * Pulled field edits on the local row (sync/apply.ts): each path some dossier.field_edited
   * touched takes its value in the derived state. Paths never edited are left alone: the
   * appointment, say, is moved here by a local 5 → 4 and is not on the wire.
   */
  applyDerivedFields(id: number, state: Dossier, paths: Iterable<EditableField>): void {
    const before = this.row(id);
    if (!before) return;
    const values: Partial<Record<keyof DossierRow, unknown>> = {};
    for (const path of paths) {
      const key = FIELD_KEYS[path];
      const v = fieldValue(state, path);
      if (key && v !== undefined && v !== before[key]) values[key] = v;
    }
    this.update(before, values as Partial<Omit<DossierRow, 'id'>>);
  }

  /** Inserts the dossier row, its components and its search entry; returns the new id. `uid` = its sync stream id. */
  write(row: Omit<DossierRow, 'id'>, components: DossierComponent[], uid: string = randomUUID()): number {
    const id = this.writeRow(row, components, uid);
    this.index(id, row);
    return id;
  }

  /** The row and its components without the search entry: bulk loads index a batch at once with `index`. */
  writeRow(row: Omit<DossierRow, 'id'>, components: DossierComponent[], uid: string = randomUUID()): number {
    // Positional binding: measurably faster than named parameters for 27 columns (bulk seeding).
    const id = Number(this.insertDossier.run([...DOSSIER_INSERT_COLUMNS.map((c) => row[c[1]]), uid]).lastInsertRowid);
    components.forEach((c, i) =>
      this.insertComponent.run(id, i + 1, c.componentId, c.name, c.original, c.certified, c.photocopy, c.received ? 1 : 0),
    );
    return id;
  }

  /** The dossier's search entry (FTS5). */
  index(id: number, row: Omit<DossierRow, 'id'>): void {
    this.insertFts.run(id, searchBody(row));
  }

  /** Appends an event; seq is the next number in the dossier's history (pass it when known, as bulk seeding does). */
  event(
    dossierId: number,
    type: DossierEventType,
    from: DossierStatus | null,
    to: DossierStatus | null,
    actor: string,
    at: EpochMs,
    note: string,
    seq?: number,
  ): void {
    const n = seq ?? (this.lastSeq.get(dossierId) as number) + 1;
    this.insertEvent.run(dossierId, n, type, from, to, actor, at, note);
  }
}

export interface DossierDeps {
  db: Db;
  now: () => EpochMs;
  settings: SettingsStore;
  procedures: ProcedureStore;
  holidays: HolidayStore;
  citizens: CitizenStore;
}

/** The unit's working calendar: its opening hours (settings) over the holiday table. */
export function unitCalendar(settings: SettingsStore, holidays: HolidayStore): WorkingCalendar {
  const s = settings.get();
  return holidays.calendar(s ? s.workingHours : DEFAULT_WORKING_HOURS);
}

export class DossierService {
  readonly writer: DossierWriter;
  private readonly db: Db;
  private readonly getStmt;
  private readonly componentsStmt;
  private readonly eventsStmt;
  private readonly lastPauseStmt;
  private readonly updateStatusStmt;
  private readonly listCache = new Map<string, Database.Statement<unknown[]>>();

  constructor(private readonly deps: DossierDeps) {
    this.db = deps.db;
    this.writer = new DossierWriter(deps.db);
    this.getStmt = this.db.prepare(`SELECT ${DOSSIER_COLUMNS} FROM dossiers WHERE id = ?`);
    this.componentsStmt = this.db.prepare(
      `SELECT component_id AS componentId, name, original, certified, photocopy, received
       FROM dossier_components WHERE dossier_id = ? ORDER BY position`,
    );
    this.eventsStmt = this.db.prepare(
      `SELECT seq, dossier_id AS dossierId, type, from_status AS fromStatus, to_status AS toStatus, actor, at, note
       FROM dossier_events WHERE dossier_id = ? ORDER BY seq`,
    );
    this.lastPauseStmt = this.db
      .prepare('SELECT at FROM dossier_events WHERE dossier_id = ? AND to_status = 5 ORDER BY seq DESC LIMIT 1')
      .pluck();
    this.updateStatusStmt = this.db.prepare(
      `UPDATE dossiers SET status = @status, appointment_at = @appointmentAt, finished_at = @finishedAt,
         returned_at = @returnedAt, reason = @reason, updated_at = @updatedAt WHERE id = @id`,
    );
  }

  private calendar() {
    return unitCalendar(this.deps.settings, this.deps.holidays);
  }

  private activeProcedure(code: string): Procedure {
    const p = this.deps.procedures.get(code);
    if (!p.active) {
      throw new AppError('conflict', `Thủ tục ${p.code} "${p.name}" đang ngừng áp dụng tại đơn vị; không tiếp nhận được.`);
    }
    return p;
  }

  previewAppointment(input: HandlerInput<'dossiers.previewAppointment'>): AppointmentPreview {
    const p = this.deps.procedures.get(input.procedureCode);
    const receivedAt = input.receivedAt ?? this.deps.now();
    const r = computeAppointment(receivedAt, p.processing, this.calendar());
    return { receivedAt, appointmentAt: r.appointmentAt, processingHours: r.processingHours, explanation: r.explanation };
  }

  receive(input: HandlerInput<'dossiers.receive'>): Dossier {
    const settings = this.deps.settings.require();
    const p = this.activeProcedure(input.procedureCode);
    const now = this.deps.now();
    const receivedAt = input.receivedAt ?? now;
    const appt = computeAppointment(receivedAt, p.processing, this.calendar());
    return this.store(settings.unitCode, settings.clerkName, p, input.applicant, {
      components: input.components,
      copies: input.copies,
      resultDelivery: input.resultDelivery,
      note: input.note,
      status: 2,
      receivedAt,
      appointmentAt: appt.appointmentAt,
      processingHours: appt.processingHours,
      reason: '',
      eventType: 'received',
      now,
    });
  }

  /** Mẫu 03: the dossier is recorded with status 3, its reason and a code (for the refusal slip). */
  refuse(input: HandlerInput<'dossiers.refuse'>): Dossier {
    const settings = this.deps.settings.require();
    const p = this.deps.procedures.get(input.procedureCode);
    const now = this.deps.now();
    return this.store(settings.unitCode, settings.clerkName, p, input.applicant, {
      components: [],
      copies: 1,
      resultDelivery: 'counter',
      note: '',
      status: 3,
      receivedAt: now,
      appointmentAt: null,
      processingHours: null,
      reason: input.reason,
      eventType: 'refused',
      now,
    });
  }

  private store(
    unitCode: string,
    clerk: string,
    p: Procedure,
    applicant: Applicant,
    x: {
      components: DossierComponent[];
      copies: number;
      resultDelivery: 'counter' | 'post';
      note: string;
      status: DossierStatus;
      receivedAt: EpochMs;
      appointmentAt: EpochMs | null;
      processingHours: number | null;
      reason: string;
      eventType: DossierEventType;
      now: EpochMs;
    },
  ): Dossier {
    const tx = this.db.transaction((): Dossier => {
      // The device's slot numbering (sync/outbox.ts, PROTOCOL.md §7).
      const seq = nextDossierSequence(this.db, unitCode, x.receivedAt);
      const code = formatDossierCode(unitCode, x.receivedAt, seq);
      const registerBook = vnParts(x.receivedAt).year;
      // Inside this PC's slot like the code (sequences.ts, PROTOCOL.md §7).
      const registerNo = nextYearlyNumber(this.db, 'register', unitCode, registerBook);
      const row: Omit<DossierRow, 'id'> = {
        code,
        unitCode,
        procedureCode: p.code,
        procedureName: p.name,
        fieldCode: p.fieldCode,
        fieldName: p.fieldName,
        applicantName: applicant.fullName,
        idNumber: applicant.idNumber,
        birthDate: applicant.birthDate,
        address: applicant.address,
        phone: applicant.phone,
        email: applicant.email,
        copies: x.copies,
        channel: 1,
        resultDelivery: x.resultDelivery,
        status: x.status,
        receivedAt: x.receivedAt,
        appointmentAt: x.appointmentAt,
        processingHours: x.processingHours,
        receivedBy: clerk,
        note: x.note,
        reason: x.reason,
        finishedAt: null,
        returnedAt: null,
        updatedAt: x.now,
        registerBook,
        registerNo,
      };
      const uid = randomUUID();
      const id = this.writer.write(row, x.components, uid);
      this.writer.event(id, x.eventType, null, x.status, clerk, x.now, x.reason, 1);
      emitReceived(this.db, uid, row, x.components, x.now);
      this.deps.citizens.upsert(applicant, x.receivedAt);
      return toDossier({ ...row, id }, x.components);
    });
    const saved = tx.immediate();
    scheduleIdleMaintenance(this.db);
    return saved;
  }

  private row(id: string): DossierRow {
    const n = Number(id);
    const row = Number.isSafeInteger(n) ? (this.getStmt.get(n) as DossierRow | undefined) : undefined;
    if (!row) throw new AppError('not_found', 'Không tìm thấy hồ sơ (có thể đã bị xoá hoặc mã không đúng).');
    return row;
  }

  getDossier(id: string): Dossier {
    const row = this.row(id);
    return toDossier(row, this.components(row.id));
  }

  private components(id: number): DossierComponent[] {
    return (this.componentsStmt.all(id) as (Omit<DossierComponent, 'received'> & { received: number })[]).map((c) => ({
      ...c,
      received: c.received === 1,
    }));
  }

  get(id: string): DossierDetail {
    const dossier = this.getDossier(id);
    // Event id on the contract: '{dossierId}-{seq}'.
    const events = (this.eventsStmt.all(Number(id)) as (Omit<DossierEvent, 'id' | 'dossierId'> & { seq: number; dossierId: number })[]).map(
      ({ seq, ...e }) => ({ ...e, id: `${e.dossierId}-${seq}`, dossierId: String(e.dossierId) }),
    );
    return { dossier, events, allowedTransitions: [...allowedTransitions(dossier.status)] };
  }

  /** Records a 'form_printed' (or other status-less) event. */
  recordEvent(id: string, type: DossierEventType, note: string): void {
    const actor = this.deps.settings.get()?.clerkName ?? '';
    // IMMEDIATE: the next seq is read and used under the write lock (another process may append too).
    this.db.transaction(() => this.writer.event(Number(id), type, null, null, actor, this.deps.now(), note)).immediate();
  }

  /**
   * Corrects details after receipt (a mistyped phone, name, address, number of copies): the
   * row, its search entry, one 'edited' timeline event and one dossier.field_edited per
   * changed field, in ONE transaction. Unchanged values produce nothing; a bad value, or a
   * closed dossier (EDIT_LOCKED_STATUSES), changes nothing.
   */
  editFields(input: HandlerInput<'dossiers.editFields'>): DossierDetail {
    const tx = this.db.transaction((): boolean => {
      const row = this.row(input.id); // read inside the write lock: no lost update
      if (!canEditFields(row.status)) {
        throw new AppError('conflict', `Hồ sơ ${row.code} đang ở trạng thái "${STATUS_LABELS[row.status]}": không sửa thông tin được nữa.`);
      }
      const before = toDossier(row, []);
      const given = Object.fromEntries(Object.entries(input.applicant ?? {}).filter(([, v]) => v !== undefined));
      const after = { ...before, applicant: { ...before.applicant, ...given } };
      if (input.copies !== undefined) after.copies = input.copies;
      if (input.resultDelivery !== undefined) after.resultDelivery = input.resultDelivery;
      if (input.note !== undefined) after.note = input.note;
      const changed = CLERK_EDITABLE_FIELDS.filter((p) => fieldValue(after, p) !== fieldValue(before, p));
      if (!changed.length) return false;
      if (changed.some((p) => p.startsWith('applicant.'))) checkEditedApplicant(after.applicant, changed);

      const now = this.deps.now();
      const actor = this.deps.settings.get()?.clerkName ?? '';
      const values: Partial<Record<keyof DossierRow, unknown>> = { updatedAt: now };
      for (const p of changed) values[FIELD_KEYS[p]!] = fieldValue(after, p);
      this.writer.update(row, values as Partial<Omit<DossierRow, 'id'>>);
      const note = changed.map((p) => describeFieldEdit(p, fieldValue(before, p), fieldValue(after, p))).join('; ');
      this.writer.event(row.id, 'edited', null, null, actor, now, note);
      const stream = dossierUid(this.db, row.id);
      for (const p of changed) {
        emit(this.db, { type: 'dossier.field_edited', stream, at: now, actor, body: { path: p, value: fieldValue(after, p), previous: fieldValue(before, p) } });
      }
      // The citizen record follows the corrected data (not over data of a later dossier).
      if (changed.some((p) => p.startsWith('applicant.')) && checkCccd(after.applicant.idNumber).ok) {
        this.deps.citizens.upsert(after.applicant, row.receivedAt);
      }
      return true;
    });
    if (tx.immediate()) scheduleIdleMaintenance(this.db);
    return this.get(input.id);
  }

  transition(input: HandlerInput<'dossiers.transition'>): DossierDetail {
    const tx = this.db.transaction(() => {
      const row = this.row(input.id); // read inside the write lock: no lost update
      const from = row.status;
      const to = input.to;
      if (!canTransition(from, to)) {
        throw new AppError(
          'conflict',
          `Không thể chuyển hồ sơ ${row.code} từ trạng thái "${STATUS_LABELS[from]}" sang "${STATUS_LABELS[to]}".`,
        );
      }
      const now = this.deps.now();
      let appointmentAt = row.appointmentAt;
      let note = input.note;
      if (from === 5 && to === 4 && appointmentAt !== null) {
        // Supplement received: the clock resumes; the paused working hours move the
        // appointment later (the time already used still counts), DOMAIN.md §1. The same
        // rule applies a 5 → 4 pulled from another counter (sync/apply.ts).
        const pauseStart = this.lastPauseStmt.get(row.id) as number | undefined;
        if (pauseStart !== undefined) {
          appointmentAt = appointmentAfterPauses(appointmentAt, [{ from: null, to: 5, at: pauseStart }, { from, to, at: now }], this.calendar());
        }
      }
      if (appointmentAt !== row.appointmentAt && appointmentAt !== null) {
        const p = vnParts(appointmentAt);
        const hhmm = `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
        const newDate = `${String(p.day).padStart(2, '0')}/${String(p.month).padStart(2, '0')}/${p.year}`;
        note = note ? `${note} (hẹn trả mới: ${hhmm} ${newDate})` : `Hẹn trả mới: ${hhmm} ${newDate}`;
      }
      this.updateStatusStmt.run({
        id: row.id,
        status: to,
        appointmentAt,
        finishedAt: to === 9 ? now : row.finishedAt,
        returnedAt: to === 10 ? now : row.returnedAt,
        reason: to === 8 || to === 7 ? input.note : row.reason,
        updatedAt: now,
      });
      const actor = this.deps.settings.get()?.clerkName ?? '';
      this.writer.event(row.id, eventTypeForTransition(from, to), from, to, actor, now, note);
      emit(this.db, { type: 'dossier.status_changed', stream: dossierUid(this.db, row.id), at: now, actor, body: { from, to, note, ...(to === 7 || to === 8 ? { reason: input.note } : {}) } });
    });
    tx.immediate();
    scheduleIdleMaintenance(this.db);
    return this.get(input.id);
  }

  list(filter: HandlerInput<'dossiers.list'>): { items: DossierSummary[]; total: number } {
    const where: string[] = [];
    const params: unknown[] = [];
    let from = 'dossiers d';
    let order = 'd.received_at DESC, d.id DESC';

    const q = (filter.query ?? '').trim();
    let pageMatch: string | null = null;
    if (q) {
      if (CODE_QUERY.test(q)) {
        const upper = q.toUpperCase();
        where.push('d.code >= ? AND d.code < ?');
        params.push(upper, upper + '\uffff');
      } else {
        const match = ftsQuery(q);
        // A query with no letters or digits (only quotes, operators…) filters nothing.
        if (match) {
          from = 'dossier_fts f JOIN dossiers d ON d.id = f.rowid';
          where.push('dossier_fts MATCH ?');
          params.push(match);
          // Newest saved first: lets FTS5 walk its index backwards and stop at LIMIT.
          order = 'f.rowid DESC';
          pageMatch = match;
        }
      }
    }
    if (filter.statuses?.length) {
      where.push(`d.status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    if (filter.procedureCode) {
      where.push('d.procedure_code = ?');
      params.push(filter.procedureCode);
    }
    if (filter.receivedFrom) {
      where.push('d.received_at >= ?');
      params.push(dayStart(filter.receivedFrom));
    }
    if (filter.receivedTo) {
      where.push('d.received_at < ?');
      params.push(dayStart(filter.receivedTo) + DAY_MS);
    }
    if (filter.due) {
      const now = this.deps.now();
      // The literal status list lets SQLite use the partial index dossiers_open_due.
      where.push(`d.status IN ${OPEN_SQL}`);
      if (filter.due === 'overdue') {
        where.push('d.appointment_at < ?');
        params.push(now);
      } else {
        where.push('d.appointment_at >= ? AND d.appointment_at <= ?');
        params.push(now, this.calendar().addWorkingHours(now, SOON_WORKING_HOURS));
      }
      // Most urgent first: the oldest appointment (overdue) / the nearest one (soon).
      order = 'd.appointment_at ASC, d.id ASC';
      // Without statistics the planner prefers dossiers_status (status = ?) and sorts every
      // open dossier; the partial index walks them already in appointment order and stops at LIMIT.
      if (from === 'dossiers d') from = 'dossiers d INDEXED BY dossiers_open_due';
    }
    const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const itemsSql = `SELECT ${SUMMARY_COLUMNS} FROM ${from} ${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`;
    // The total is capped for speed on a large table (counting every "Nguyễn" in a million
    // dossiers would take longer than the list itself): at most TOTAL_CAP rows are counted.
    // A text query alone is counted on the FTS index without touching the dossiers table.
    const countSql =
      where.length === 1 && from.startsWith('dossier_fts')
        ? `SELECT count(*) FROM (SELECT 1 FROM dossier_fts WHERE dossier_fts MATCH ? LIMIT ${TOTAL_CAP})`
        : `SELECT count(*) FROM (SELECT 1 FROM ${from} ${whereSql} LIMIT ${TOTAL_CAP})`;
    // Words of scanned pages (pages/search.ts): a second query, merged in below; empty at
    // once when no page has text, so the name/ID/code search keeps its speed.
    const pageIds = pageMatch ? dossiersByPageText(this.db, pageMatch) : [];
    if (pageIds.length) return this.listWithPages(filter, from, where, params, pageIds);
    const rows = this.stmt(itemsSql).all(...params, filter.limit, filter.offset) as (Omit<DossierSummary, 'id'> & { id: number })[];
    // A short page is the end of the list: its total is known without counting again
    // (halves the cost of a rare full-name search, whose page already walked every match).
    const total =
      rows.length < filter.limit && (rows.length > 0 || filter.offset === 0)
        ? filter.offset + rows.length
        : (this.stmt(countSql).pluck().get(...params) as number);
    return { items: rows.map((r) => ({ ...r, id: String(r.id) })), total };
  }

  /**
   * The text search merged with the dossiers found by the words of their scanned pages
   * (both newest first, by id): the first offset + limit of each, deduplicated. Page hits
   * still pass the other filters (status, procedure, dates).
   */
  private listWithPages(
    filter: HandlerInput<'dossiers.list'>,
    from: string,
    where: string[],
    params: unknown[],
    pageIds: number[],
  ): { items: DossierSummary[]; total: number } {
    const want = filter.offset + filter.limit;
    const whereSql = `WHERE ${where.join(' AND ')}`;
    const byText = this.stmt(`SELECT ${SUMMARY_COLUMNS} FROM ${from} ${whereSql} ORDER BY f.rowid DESC LIMIT ?`).all(...params, want) as (Omit<
      DossierSummary,
      'id'
    > & { id: number })[];
    const textTotal =
      byText.length < want ? byText.length : (this.stmt(`SELECT count(*) FROM (SELECT 1 FROM ${from} ${whereSql} LIMIT ${TOTAL_CAP})`).pluck().get(...params) as number);
    // The same filters minus the FTS match (its first condition and parameter).
    const rest = where.slice(1);
    const restParams = params.slice(1);
    const seen = new Set(byText.map((r) => r.id));
    const extraIds = pageIds.filter((id) => !seen.has(id));
    const byPage = extraIds.length
      ? (this.db
          .prepare(
            `SELECT ${SUMMARY_COLUMNS} FROM dossiers d WHERE d.id IN (SELECT value FROM json_each(?)) ${rest.length ? 'AND ' + rest.join(' AND ') : ''}
             AND d.id NOT IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)`,
          )
          .all(JSON.stringify(extraIds), ...restParams, params[0]) as (Omit<DossierSummary, 'id'> & { id: number })[])
      : [];
    const merged = [...byText, ...byPage].sort((a, b) => b.id - a.id);
    const page = merged.slice(filter.offset, want);
    return { items: page.map((r) => ({ ...r, id: String(r.id) })), total: Math.min(TOTAL_CAP, textTotal + byPage.length) };
  }

  private stmt(sql: string) {
    let s = this.listCache.get(sql);
    if (!s) {
      s = this.db.prepare<unknown[]>(sql);
      if (this.listCache.size > 200) this.listCache.clear();
      this.listCache.set(sql, s);
    }
    return s;
  }
}

/**
 * The outbox events of a new dossier (sync/outbox.ts): `dossier.received` with the full
 * record; a refusal (Mẫu 03) is a registration (1) refused at once (1 → 3, with the reason).
 */
function emitReceived(db: Db, uid: string, row: Omit<DossierRow, 'id'>, components: DossierComponent[], now: EpochMs): void {
  const refused = row.status === 3;
  emit(db, {
    type: 'dossier.received',
    stream: uid,
    at: now,
    actor: row.receivedBy,
    body: {
      code: row.code,
      procedureCode: row.procedureCode,
      procedureName: row.procedureName,
      fieldCode: row.fieldCode,
      fieldName: row.fieldName,
      applicant: { fullName: row.applicantName, idNumber: row.idNumber, birthDate: row.birthDate, address: row.address, phone: row.phone, email: row.email },
      components,
      copies: row.copies,
      channel: row.channel,
      resultDelivery: row.resultDelivery,
      status: refused ? 1 : row.status,
      receivedAt: row.receivedAt,
      appointmentAt: row.appointmentAt,
      processingHours: row.processingHours,
      receivedBy: row.receivedBy,
      note: row.note,
      registerBook: row.registerBook,
      registerNo: row.registerNo,
    },
  });
  if (refused) emit(db, { type: 'dossier.status_changed', stream: uid, at: now, actor: row.receivedBy, body: { from: 1, to: 3, note: row.reason, reason: row.reason } });
}

/**
 * The intake rules (applicantSchema) on a corrected applicant. Only the fields being changed
 * are blamed: an older value the clerk did not touch (a 9-digit CMND of an online
 * registration, say) does not block correcting the phone.
 */
function checkEditedApplicant(a: Applicant, changed: readonly EditableField[]): void {
  const r = applicantSchema.safeParse(a);
  if (r.success) return;
  const fields: Record<string, string> = {};
  for (const issue of r.error.issues) {
    let path = `applicant.${String(issue.path[0])}` as EditableField;
    // A well-formed ID number that no longer matches a corrected birth year: blame the birth date.
    if (path === 'applicant.idNumber' && !changed.includes(path) && changed.includes('applicant.birthDate') && checkCccd(a.idNumber).ok) {
      path = 'applicant.birthDate';
    }
    if (changed.includes(path) && !(path in fields)) fields[path] = issue.message;
  }
  const first = Object.values(fields)[0];
  if (first) throw new AppError('invalid', first, fields);
}

function dayStart(iso: string): EpochMs {
  const p = parseIsoDate(iso)!;
  return vnTime(p.year, p.month, p.day);
}

export function toDossier(r: DossierRow, components: DossierComponent[]): Dossier {
  return {
    id: String(r.id),
    code: r.code,
    unitCode: r.unitCode,
    procedureCode: r.procedureCode,
    procedureName: r.procedureName,
    fieldCode: r.fieldCode,
    fieldName: r.fieldName,
    applicant: {
      fullName: r.applicantName,
      idNumber: r.idNumber,
      birthDate: r.birthDate,
      address: r.address,
      phone: r.phone,
      email: r.email,
    },
    components,
    copies: r.copies,
    channel: r.channel,
    resultDelivery: r.resultDelivery,
    status: r.status,
    receivedAt: r.receivedAt,
    appointmentAt: r.appointmentAt,
    processingHours: r.processingHours,
    receivedBy: r.receivedBy,
    note: r.note,
    reason: r.reason,
    finishedAt: r.finishedAt,
    returnedAt: r.returnedAt,
    updatedAt: r.updatedAt,
    registerBook: r.registerBook,
    registerNo: r.registerNo,
  };
}
