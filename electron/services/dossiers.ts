// Dossiers (hồ sơ): receive (Mẫu 01), refuse (Mẫu 03), list and search, detail, status
// transitions, corrections. Every change validates, builds its protocol event(s) and hands
// them to the one projector (dossier/projector.ts), which appends them to the dossier's log
// and the outbox and writes the row, search entry and timeline, all in one IMMEDIATE
// transaction with the code number, the Sổ theo dõi number and the citizen record. This file
// writes no dossier table itself; it reads them for the lists.
import type { Applicant, Dossier, DossierComponent, DossierEvent, DossierEventType, DossierStatus, DossierSummary, EpochMs, Procedure } from '../../shared/domain/types';
import { DEFAULT_WORKING_HOURS } from '../../shared/domain/types';
import type { AppointmentPreview, DossierDetail, HandlerInput } from '../../shared/ipc/contract';
import { applicantSchema } from '../../shared/ipc/contract';
import type { EditableField } from '../../shared/sync/protocol';
import { CLERK_EDITABLE_FIELDS, FIELD_COLUMNS, canEditFields, fieldValue, setFieldValue } from '../../shared/domain/dossierFields';
import { checkCccd } from '../../shared/domain/cccd';
import { foldForSearch, searchTokens } from '../../shared/domain/text';
import { parseIsoDate, vnIsoDate, vnParts, vnTime } from '../../shared/domain/vnTime';
import { computeAppointment, appointmentAfterPauses, type WorkingCalendar } from '../../shared/domain/calendar/workingCalendar';
import { allowedTransitions, canTransition, eventTypeForTransition, STATUS_LABELS } from '../../shared/domain/status';
import { formatDossierCode } from '../../shared/domain/dossierCode';
import type Database from 'better-sqlite3';
import { scheduleIdleMaintenance, type Db } from './db/database';
import { receivedComponents } from './dossier/components';
import { AppError } from './errors';
import type { SettingsStore } from './settings';
import type { ProcedureStore } from './procedures';
import type { HolidayStore } from './holidays';
import type { CitizenStore } from './citizens';
import { dossiersByPageText } from './pages/search';
import { randomUUID } from 'node:crypto';
import type { OutboxEvent } from './events/outbox';
import type { ReceivedBody } from '../../shared/sync/protocol';
import { nextDossierSequence, nextYearlyNumber } from './numbering';
import type { DossierProjector } from './dossier/projector';
import type { DossierRepo, DossierRow, DossierValues, StoredLine } from './dossier/repo';
import { REASON_STATUSES } from '../../shared/domain/statusEffects';

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

const SUMMARY_COLUMNS = `d.id AS id, d.code AS code, d.procedure_code AS procedureCode, d.procedure_name AS procedureName,
  d.applicant_name AS applicantName, d.id_number AS idNumber, d.phone AS phone, d.status AS status,
  d.received_at AS receivedAt, d.appointment_at AS appointmentAt`;

/** An FTS5 MATCH expression: each folded word quoted as a string and prefix-matched, ANDed. */
export function ftsQuery(query: string): string | null {
  const tokens = searchTokens(query).slice(0, 8);
  if (!tokens.length) return null;
  return tokens.map((t) => `"${t.replace(/"/g, '""')}"*`).join(' AND ');
}

/** A full or partial dossier code typed in the search box: matched on the unique code index. */
const CODE_QUERY = /^[0-9A-Za-z]{1,6}(\.[0-9A-Za-z]{1,6}){1,5}-\d{1,6}(-\d{0,4})?$/;

export interface DossierDeps {
  db: Db;
  now: () => EpochMs;
  settings: SettingsStore;
  procedures: ProcedureStore;
  holidays: HolidayStore;
  citizens: CitizenStore;
  projector: DossierProjector;
}

/** The unit's working calendar: its opening hours (settings) over the holiday table. */
export function unitCalendar(settings: SettingsStore, holidays: HolidayStore): WorkingCalendar {
  const s = settings.get();
  return holidays.calendar(s ? s.workingHours : DEFAULT_WORKING_HOURS);
}

export class DossierService {
  private readonly db: Db;
  private readonly repo: DossierRepo;
  private readonly listCache = new Map<string, Database.Statement<unknown[]>>();

  constructor(private readonly deps: DossierDeps) {
    this.db = deps.db;
    this.repo = deps.projector.repo;
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
      components: receivedComponents(p, input.components),
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
      const row: DossierValues = {
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
      const stream = randomUUID();
      const { id } = this.deps.projector.record(receivedEvents(stream, row, x.components, x.now, x.reason));
      this.deps.citizens.upsert(applicant, x.receivedAt);
      return this.getDossier(String(id));
    });
    const saved = tx.immediate();
    scheduleIdleMaintenance(this.db);
    return saved;
  }

  private row(id: string): DossierRow {
    const n = Number(id);
    const row = Number.isSafeInteger(n) ? this.repo.row(n) : undefined;
    if (!row) throw new AppError('not_found', 'Không tìm thấy hồ sơ (có thể đã bị xoá hoặc mã không đúng).');
    return row;
  }

  private uidOf(id: number): string {
    const uid = this.repo.uid(id);
    if (!uid) throw new Error(`dossier ${id} has no uid`);
    return uid;
  }

  getDossier(id: string): Dossier {
    const row = this.row(id);
    return toDossier(row, this.repo.components(row.id));
  }

  /**
   * The dossier, its timeline (projected from its log; the lines made at another PC say so)
   * merged with this PC's activity (forms printed, papers reused), and the moves allowed now.
   */
  get(id: string): DossierDetail {
    const dossier = this.getDossier(id);
    const n = Number(id);
    const own = this.deps.projector.identity().deviceId;
    // Event id on the contract: '{dossierId}-{seq}' for timeline lines, '{dossierId}-a{id}' for activity.
    const lines = this.repo.lines(n).map((l) => ({
      id: `${id}-${l.seq}`,
      dossierId: id,
      type: l.type,
      fromStatus: l.from,
      toStatus: l.to,
      actor: l.actor,
      at: l.at,
      note: lineNote(l, l.deviceId !== '' && l.deviceId !== own),
    }));
    const activity = this.repo.activity(n).map((a) => ({
      id: `${id}-a${a.id}`,
      dossierId: id,
      type: a.type,
      fromStatus: null,
      toStatus: null,
      actor: a.actor,
      at: a.at,
      note: a.note,
    }));
    const events: DossierEvent[] = [...lines];
    for (const a of activity) {
      const i = events.findIndex((e) => e.at > a.at);
      events.splice(i < 0 ? events.length : i, 0, a);
    }
    return { dossier, events, allowedTransitions: [...allowedTransitions(dossier.status)] };
  }

  /** Records a form printed at this PC in the dossier's activity (not a change of the dossier). */
  recordPrinted(id: string, note: string): void {
    const actor = this.deps.settings.get()?.clerkName ?? '';
    this.db.transaction(() => this.repo.addActivity(this.row(id).id, 'form_printed', actor, this.deps.now(), note)).immediate();
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
      const stream = this.uidOf(row.id);
      this.deps.projector.record(changed.map((p) => ({ type: 'dossier.field_edited', stream, at: now, actor, body: { path: p, value: fieldValue(after, p), previous: fieldValue(before, p) } })));
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
        throw new AppError('conflict', `Không thể chuyển hồ sơ ${row.code} từ trạng thái "${STATUS_LABELS[from]}" sang "${STATUS_LABELS[to]}".`);
      }
      const now = this.deps.now();
      const actor = this.deps.settings.get()?.clerkName ?? '';
      // What the move does (end of processing, reason, the appointment moved by a supplement
      // pause) is the projector's: shared/domain/statusEffects.ts, the same for a pulled move.
      const reason = REASON_STATUSES.includes(to) ? { reason: input.note } : {};
      this.deps.projector.record([{ type: 'dossier.status_changed', stream: this.uidOf(row.id), at: now, actor, body: { from, to, note: input.note, ...reason } }]);
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
        : (this.stmt(countSql)
            .pluck()
            .get(...params) as number);
    return { items: rows.map((r) => ({ ...r, id: String(r.id) })), total };
  }

  /**
   * The text search merged with the dossiers found by the words of their scanned pages
   * (both newest first, by id): the first offset + limit of each, deduplicated. Page hits
   * still pass the other filters (status, procedure, dates).
   */
  private listWithPages(filter: HandlerInput<'dossiers.list'>, from: string, where: string[], params: unknown[], pageIds: number[]): { items: DossierSummary[]; total: number } {
    const want = filter.offset + filter.limit;
    const whereSql = `WHERE ${where.join(' AND ')}`;
    const byText = this.stmt(`SELECT ${SUMMARY_COLUMNS} FROM ${from} ${whereSql} ORDER BY f.rowid DESC LIMIT ?`).all(...params, want) as (Omit<DossierSummary, 'id'> & { id: number })[];
    const textTotal =
      byText.length < want
        ? byText.length
        : (this.stmt(`SELECT count(*) FROM (SELECT 1 FROM ${from} ${whereSql} LIMIT ${TOTAL_CAP})`)
            .pluck()
            .get(...params) as number);
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

/** The body of `dossier.received` for a new dossier's row (its first status given apart: a refusal starts at 1). */
export function receivedBody(row: DossierValues, components: DossierComponent[], status: DossierStatus): ReceivedBody {
  return {
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
    status,
    receivedAt: row.receivedAt,
    appointmentAt: row.appointmentAt,
    processingHours: row.processingHours,
    receivedBy: row.receivedBy,
    note: row.note,
    registerBook: row.registerBook,
    registerNo: row.registerNo,
  };
}

/**
 * The events of a new dossier: `dossier.received` with the full record; a refusal (Mẫu 03)
 * is a registration (1) refused at once (1 → 3, with the reason).
 */
function receivedEvents(stream: string, row: DossierValues, components: DossierComponent[], now: EpochMs, reason: string): OutboxEvent[] {
  const refused = row.status === 3;
  const received: OutboxEvent = { type: 'dossier.received', stream, at: now, actor: row.receivedBy, body: receivedBody(row, components, refused ? 1 : row.status) };
  if (!refused) return [received];
  return [received, { type: 'dossier.status_changed', stream, at: now, actor: row.receivedBy, body: { from: 1, to: 3, note: reason, reason } }];
}

/** A timeline line as the clerk reads it: a line made at another PC says so. */
function lineNote(l: StoredLine, elsewhere: boolean): string {
  if (!elsewhere) return l.conflict ? `${l.note ? `${l.note} ` : ''}(xung đột, chưa áp dụng)` : l.note;
  if (l.type === 'received' && l.from === null) return l.note || 'Tiếp nhận tại máy khác của đơn vị (đồng bộ từ tỉnh).';
  if (l.conflict) return `${l.note ? `${l.note} ` : ''}(máy khác; xung đột, chưa áp dụng)`;
  if (l.from !== null || l.to !== null) return l.note || '(máy khác)';
  return `${l.note} (máy khác)`;
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

/** A dossiers row as the contract's Dossier: the system columns, then each described field from its column. */
export function toDossier(r: DossierRow, components: DossierComponent[]): Dossier {
  const d = {
    id: String(r.id),
    code: r.code,
    unitCode: r.unitCode,
    procedureCode: r.procedureCode,
    procedureName: r.procedureName,
    fieldCode: r.fieldCode,
    fieldName: r.fieldName,
    applicant: {} as Applicant,
    components,
    status: r.status,
    receivedAt: r.receivedAt,
    receivedBy: r.receivedBy,
    finishedAt: r.finishedAt,
    returnedAt: r.returnedAt,
    updatedAt: r.updatedAt,
    registerBook: r.registerBook,
    registerNo: r.registerNo,
  } as Dossier;
  for (const [path, , key] of FIELD_COLUMNS) setFieldValue(d, path, r[key]);
  return d;
}
