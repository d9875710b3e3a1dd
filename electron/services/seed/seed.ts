// Bulk seeding of demo dossiers (CLI `seed`, the benchmark): about ten years of counter
// work ending today, a realistic procedure mix, returning citizens, statuses and events
// that fit each dossier's age. Each dossier is its event log like any other (a receipt and
// its status moves), projected by the one projector, in large transactions. The demo events
// are kept in the log of events from elsewhere (sync_remote_events, device ''), never in the
// outbox: demo data never goes to the province.
//
// Speed: into an empty table the secondary indexes are dropped first and rebuilt at the
// end (one sort per index instead of a million random B-tree inserts), synchronous is OFF
// while seeding (demo data; FULL is restored after) and the page cache is enlarged.
import type { DossierComponent, DossierEventType, DossierStatus, EpochMs, Procedure } from '../../../shared/domain/types';
import { computeAppointment } from '../../../shared/domain/calendar/workingCalendar';
import { formatDossierCode } from '../../../shared/domain/dossierCode';
import { vnIsoDate, vnParts } from '../../../shared/domain/vnTime';
import type { Db } from '../db/database';
import type { SettingsStore } from '../settings';
import type { ProcedureStore } from '../procedures';
import type { HolidayStore } from '../holidays';
import { randomUUID } from 'node:crypto';
import type { DossierProjector } from '../dossier/projector';
import type { DossierValues } from '../dossier/repo';
import { receivedBody } from '../dossiers';
import type { SyncEvent } from '../../../shared/sync/protocol';
import { createDemoGenerator } from './demoData';

export interface SeedOptions {
  seed?: number;
  onProgress?: (done: number) => void;
  /** How many years the dossiers span, ending now (default 10). */
  years?: number;
}

export interface SeedDeps {
  db: Db;
  now: () => EpochMs;
  settings: SettingsStore;
  procedures: ProcedureStore;
  holidays: HolidayStore;
  projector: DossierProjector;
}

/** Share of dossiers per procedure code at a commune counter (certification dominates). */
const MIX: Record<string, number> = {
  '2.000815': 45,
  '2.000884': 12,
  '1.001193': 9,
  '1.004873': 7,
  '2.000635': 6,
  '1.000894': 4,
  '1.000656': 3,
  XA_DEFAULT: 0.6,
};

const HOUR = 3_600_000;
const DAY = 86_400_000;
const BATCH = 20_000;

/** The secondary indexes of the tables a bulk load fills (dossiers, timelines, the demo log), as created by the migrations. */
function secondaryIndexes(db: Db): { name: string; sql: string }[] {
  return db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('dossiers', 'dossier_events', 'sync_remote_events') AND sql IS NOT NULL").all() as {
    name: string;
    sql: string;
  }[];
}

export function seedDemoDossiers(deps: SeedDeps, count: number, opts: SeedOptions = {}): { count: number; seconds: number } {
  const t0 = performance.now();
  const { db } = deps;
  const settings = deps.settings.require();
  const unit = settings.unitCode;
  const clerk = settings.clerkName;
  const now = deps.now();
  const cal = deps.holidays.calendar(settings.workingHours);
  const gen = createDemoGenerator(opts.seed ?? 1);
  const pool = gen.citizenPool(Math.max(1000, Math.round(count / 2.5)), 0.45);

  const procs = deps.procedures.search('').filter((p) => p.active);
  if (!procs.length) throw new Error('No active procedure to seed');
  const weights = procs.map((p) => MIX[p.code] ?? MIX.XA_DEFAULT);
  const cumulative: number[] = [];
  weights.reduce((acc, w, i) => (cumulative[i] = acc + w), 0);
  const totalWeight = cumulative[cumulative.length - 1];
  const pick = (): Procedure => {
    const r = gen.random() * totalWeight;
    let i = 0;
    while (cumulative[i] < r) i++;
    return procs[i];
  };

  // Receipt times: Poisson arrivals on working days over `years`, shifted back by whole
  // weeks (keeps weekday and time of day) so the last one is before now.
  const years = opts.years ?? 10;
  const start = now - years * 365.25 * DAY;
  const perDay = Math.max(1, count / (years * 261));
  const times = gen.receivedTimes(start, count, perDay);
  if (times.length && times[times.length - 1] > now - HOUR) {
    const weeks = Math.ceil((times[times.length - 1] - (now - HOUR)) / (7 * DAY));
    for (let i = 0; i < times.length; i++) times[i] -= weeks * 7 * DAY;
  }

  const empty = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM dossiers) AND NOT EXISTS (SELECT 1 FROM sync_remote_events)').pluck().get() === 1;
  const indexes = empty ? secondaryIndexes(db) : [];
  const sync = db.pragma('synchronous', { simple: true }) as number;
  const cache = db.pragma('cache_size', { simple: true }) as number;
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -524288'); // 512 MB while seeding
  const { projector } = deps;
  const insertEvent = db.prepare('INSERT INTO sync_remote_events (event_id, stream, type, device_id, at, event, cursor, applied_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)');
  const upsertCitizen = db.prepare(
    `INSERT INTO citizens (id_number, full_name, birth_date, address, phone, email, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id_number) DO UPDATE SET full_name = excluded.full_name, birth_date = excluded.birth_date,
       address = excluded.address, phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at
     WHERE excluded.updated_at >= citizens.updated_at`,
  );

  try {
    if (indexes.length) db.transaction(() => indexes.forEach((ix) => db.exec(`DROP INDEX ${ix.name}`)))();
    // FTS5: no incremental merging while loading (it halves the insert cost at this size);
    // the segments written batch by batch are merged once by 'optimize' at the end.
    db.exec("INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('automerge', 0)");
    db.exec("INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('crisismerge', 2000)");
    const rnd = gen.random;
    let done = 0;
    // Running numbers: the same sequences table as the receive path, but read once per
    // batch and written back at its end, inside the batch's IMMEDIATE transaction (no other
    // writer can interleave).
    const readSeq = db.prepare('SELECT last FROM sequences WHERE kind = ? AND unit_code = ? AND period = ?').pluck();
    const writeSeq = db.prepare(
      `INSERT INTO sequences (kind, unit_code, period, last) VALUES (?, ?, ?, ?)
       ON CONFLICT (kind, unit_code, period) DO UPDATE SET last = excluded.last`,
    );
    const seqs = new Map<string, number>();
    const toIndex: [number, string][] = [];
    const next = (kind: 'dossier' | 'register', period: string): number => {
      const key = `${kind}|${period}`;
      const n = (seqs.get(key) ?? (readSeq.get(kind, unit, period) as number | undefined) ?? 0) + 1;
      seqs.set(key, n);
      return n;
    };
    // Same-day procedures: the appointment depends only on the receipt day and on whether
    // the receipt was before the cut-off, so computeAppointment runs once per (day, side).
    const sameDayMemo = new Map<string, ReturnType<typeof computeAppointment>>();
    const appointment = (receivedAt: EpochMs, p: Procedure) => {
      if (p.processing.kind !== 'sameDay') return computeAppointment(receivedAt, p.processing, cal);
      const vp = vnParts(receivedAt);
      const key = `${vp.year}-${vp.month}-${vp.day}|${p.processing.cutoffMinutes}|${vp.minutes < p.processing.cutoffMinutes}`;
      let r = sameDayMemo.get(key);
      if (!r) sameDayMemo.set(key, (r = computeAppointment(receivedAt, p.processing, cal)));
      return r;
    };
    const seenCitizens = new Set<string>();
    const batch = db.transaction((from: number, to: number) => {
      seqs.clear();
      for (let i = from; i < to; i++) {
        const receivedAt = times[i];
        const p = pick();
        const input = gen.dossierInput(p, receivedAt, pool.next());
        const a = input.applicant;
        const appt = appointment(receivedAt, p);
        const plan = planLife(rnd, receivedAt, appt.appointmentAt, now);
        const seq = next('dossier', vnIsoDate(receivedAt));
        const registerBook = vnParts(receivedAt).year;
        const registerNo = next('register', String(registerBook));
        const refused = plan.status === 3;
        const row: DossierValues = {
          code: formatDossierCode(unit, receivedAt, seq),
          unitCode: unit,
          procedureCode: p.code,
          procedureName: p.name,
          fieldCode: p.fieldCode,
          fieldName: p.fieldName,
          applicantName: a.fullName,
          idNumber: a.idNumber,
          birthDate: a.birthDate,
          address: a.address,
          phone: a.phone,
          email: a.email,
          copies: input.copies,
          channel: 1,
          resultDelivery: input.resultDelivery,
          status: plan.status,
          receivedAt,
          appointmentAt: refused ? null : appt.appointmentAt,
          processingHours: refused ? null : appt.processingHours,
          receivedBy: clerk,
          note: input.note,
          reason: plan.reason,
          finishedAt: plan.finishedAt,
          returnedAt: plan.returnedAt,
          updatedAt: plan.events.length ? plan.events[plan.events.length - 1][3] : receivedAt,
          registerBook,
          registerNo,
        };
        const components: DossierComponent[] = refused ? [] : input.components;
        const stream = randomUUID();
        const events = demoLog(stream, row, components, plan);
        for (const e of events) insertEvent.run(e.eventId, stream, e.type, '', e.at, JSON.stringify(e), now);
        projector.project(stream, { now, events, newStream: true, deferIndex: (id, body) => toIndex.push([id, body]) });
        // A returning citizen from the pool carries the same data: record each one once per run
        // (times increase, so the first sighting's data is also the latest).
        if (!seenCitizens.has(a.idNumber)) {
          seenCitizens.add(a.idNumber);
          upsertCitizen.run(a.idNumber, a.fullName, a.birthDate, a.address, a.phone, a.email, receivedAt);
        }
      }
      for (const [key, last] of seqs) {
        const [kind, period] = key.split('|');
        writeSeq.run(kind, unit, period, last);
      }
      // The batch's search entries in one run of FTS5 inserts: FTS5 writes its pending terms
      // out as a new segment whenever another statement opens a savepoint (the dossier insert
      // does, for its trigger), so entries interleaved with rows would make one segment per
      // dossier and hit FTS5's segment limit (SQLITE_FULL) with automerge off.
      for (const [id, body] of toIndex) projector.repo.index(id, body);
      toIndex.length = 0;
    });
    while (done < count) {
      const to = Math.min(count, done + BATCH);
      batch.immediate(done, to);
      done = to;
      opts.onProgress?.(done);
    }
    if (indexes.length) {
      db.transaction(() => indexes.forEach((ix) => db.exec(ix.sql)))();
    }
    // Merge the FTS segments written batch by batch into one b-tree: faster queries.
    db.exec("INSERT INTO dossier_fts (dossier_fts) VALUES ('optimize')");
    db.exec('ANALYZE');
  } finally {
    // Back to the day-to-day settings (migrations.ts): merging in idle time.
    db.exec("INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('automerge', 0)");
    db.exec("INSERT INTO dossier_fts (dossier_fts, rank) VALUES ('crisismerge', 64)");
    db.pragma(`cache_size = ${cache}`);
    db.pragma(`synchronous = ${sync}`);
    if (indexes.length) {
      // If anything above failed, the indexes still come back (the migration's definitions).
      const have = new Set(secondaryIndexes(db).map((i) => i.name));
      for (const ix of indexes) if (!have.has(ix.name)) db.exec(ix.sql);
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { count, seconds: (performance.now() - t0) / 1000 };
}

/** The log of a demo dossier: its receipt (a refusal: registered, then refused) and its moves. */
function demoLog(stream: string, row: DossierValues, components: DossierComponent[], plan: Life): SyncEvent[] {
  let seq = 0;
  const envelope = (at: EpochMs) => ({ eventId: randomUUID(), deviceId: '', unitCode: row.unitCode, dossierId: stream, seq: ++seq, at, actor: row.receivedBy });
  const refused = row.status === 3;
  const out: SyncEvent[] = [
    {
      ...envelope(row.receivedAt),
      type: 'dossier.received',
      body: receivedBody(row, components, refused ? 1 : 2),
    },
  ];
  if (refused) out.push({ ...envelope(row.receivedAt), type: 'dossier.status_changed', body: { from: 1, to: 3, note: plan.reason, reason: plan.reason } });
  for (const [, from, to, at, note] of plan.events) {
    if (from === null || to === null) continue;
    out.push({ ...envelope(at), type: 'dossier.status_changed', body: { from, to, note } });
  }
  return out;
}

type PlannedEvent = [DossierEventType, DossierStatus | null, DossierStatus | null, EpochMs, string];

interface Life {
  status: DossierStatus;
  reason: string;
  finishedAt: EpochMs | null;
  returnedAt: EpochMs | null;
  events: PlannedEvent[];
}

const REFUSAL_REASONS = ['Không thuộc thẩm quyền giải quyết của UBND xã', 'Người yêu cầu không đủ điều kiện theo quy định', 'Giấy tờ xuất trình không phải bản chính'];

/** A plausible history for a dossier of this age: most old dossiers are returned; some linger. */
function planLife(rnd: () => number, receivedAt: EpochMs, appointmentAt: EpochMs | null, now: EpochMs): Life {
  const r = rnd();
  const ev: PlannedEvent[] = [];
  if (r < 0.015) {
    return {
      status: 3,
      reason: REFUSAL_REASONS[(rnd() * REFUSAL_REASONS.length) | 0],
      finishedAt: null,
      returnedAt: null,
      events: [['refused', null, 3, receivedAt, '']],
    };
  }
  ev.push(['received', null, 2, receivedAt, '']);
  const due = appointmentAt ?? receivedAt + 3 * DAY;
  const age = now - receivedAt;
  const transferAt = Math.min(receivedAt + HOUR * (0.2 + rnd()), now);
  const add = (type: DossierEventType, from: DossierStatus, to: DossierStatus, at: EpochMs, note = '') => ev.push([type, from, to, Math.min(at, now), note]);
  // Old dossiers: finished, with a few left open (forgotten, overdue) or closed otherwise.
  const settled = due < now - 2 * DAY || age > 30 * DAY;
  const x = rnd();
  let status: DossierStatus;
  let finishedAt: EpochMs | null = null;
  let returnedAt: EpochMs | null = null;
  let reason = '';
  if (settled && x < 0.965) {
    add('transferred', 2, 4, transferAt);
    finishedAt = Math.min(due - HOUR * rnd() * 4 + (rnd() < 0.05 ? DAY * (1 + rnd() * 3) : 0), now);
    finishedAt = Math.max(finishedAt, transferAt + 60_000);
    add('resolved', 4, 9, finishedAt);
    if (rnd() < 0.985 || age > 60 * DAY) {
      returnedAt = Math.min(finishedAt + HOUR * (1 + rnd() * 48), now);
      add('result_returned', 9, 10, returnedAt);
      status = 10;
    } else status = 9;
  } else if (settled && x < 0.985) {
    add('transferred', 2, 4, transferAt);
    add('withdrawn', 4, 7, transferAt + DAY, 'Công dân xin rút hồ sơ');
    status = 7;
    reason = 'Công dân xin rút hồ sơ';
  } else if (settled && x < 0.995) {
    add('transferred', 2, 4, transferAt);
    add('stopped', 4, 8, transferAt + DAY, 'Dừng xử lý theo đề nghị của cơ quan giải quyết');
    status = 8;
    reason = 'Dừng xử lý theo đề nghị của cơ quan giải quyết';
  } else if (settled) {
    // Still open long after the appointment: the overdue list must find these.
    add('transferred', 2, 4, transferAt);
    status = x < 0.998 ? 4 : 2;
    if (status === 2) ev.pop();
  } else {
    // Recent and not yet due.
    if (x < 0.3) status = 2;
    else {
      add('transferred', 2, 4, transferAt);
      if (x < 0.75) status = 4;
      else if (x < 0.85) {
        add('supplement_requested', 4, 5, transferAt + HOUR, 'Thiếu giấy tờ, đã báo công dân');
        status = 5;
      } else if (x < 0.9) {
        add('payment_requested', 4, 6, transferAt + HOUR);
        status = 6;
      } else {
        finishedAt = Math.min(transferAt + 2 * HOUR, now);
        add('resolved', 4, 9, finishedAt);
        status = 9;
      }
    }
  }
  return { status, reason, finishedAt, returnedAt, events: ev };
}
