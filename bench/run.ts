// Benchmark of the data layer on a fresh temp database (npm run bench).
// Prints exactly one line per figure to stdout: `BENCH <name> <value> <unit>`; everything
// else goes to stderr. BENCH_DOSSIERS=20000 runs a quick, smaller version.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../electron/ipc/dispatch';
import { openAppServices, DB_FILE_NAME } from '../electron/services/app';
import { createDemoGenerator } from '../electron/services/seed/demoData';
import { DEFAULT_WORKING_HOURS, type UnitSettings } from '../shared/domain/types';
import { foldForSearch } from '../shared/domain/text';
import type { Channel } from '../shared/ipc/contract';
import { randomUUID } from 'node:crypto';
import type { Procedure } from '../shared/domain/types';
import type { SyncEvent } from '../shared/sync/protocol';
import { formatDossierCode } from '../shared/domain/dossierCode';
import { applyPulledItems } from '../electron/services/sync/apply';
import { ProcedureStore } from '../electron/services/procedures';
import { HolidayStore } from '../electron/services/holidays';

const N = Number(process.env.BENCH_DOSSIERS ?? 1_000_000);
const KEEP = process.env.BENCH_KEEP === '1';
const log = (s: string) => process.stderr.write(s + '\n');
const out = (name: string, value: number, unit: string) => process.stdout.write(`BENCH ${name} ${Number(value.toFixed(value < 10 ? 3 : 1))} ${unit}\n`);

const UNIT: UnitSettings = {
  unitCode: '000.00.13.H12',
  unitName: 'Trung tâm Phục vụ hành chính công xã Định Mỹ',
  parentName: 'UBND xã Định Mỹ',
  provinceName: 'An Giang',
  placeName: 'Định Mỹ',
  clerkName: 'Nguyễn Thị Lan',
  contactPhone: '0296 3870 123',
  workingHours: DEFAULT_WORKING_HOURS,
};

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-'));
log(`bench: ${N.toLocaleString('en')} dossiers in ${dir}`);
const services = openAppServices({ dataDir: dir, appVersion: 'bench' });
const call = async (channel: Channel, input: unknown) => {
  const r = await dispatch(services.handlers, channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
};

try {
  await call('settings.save', UNIT);

  // ---- seeding ----
  let lastLog = 0;
  const seeded = services.seedDemo(N, {
    seed: 42,
    onProgress: (done) => {
      if (done - lastLog >= 100_000 || done === N) {
        lastLog = done;
        log(`  seeded ${done.toLocaleString('en')}`);
      }
    },
  });
  log(`seed: ${seeded.seconds.toFixed(1)} s for ${N.toLocaleString('en')} dossiers`);
  // The figure's name is fixed; with BENCH_DOSSIERS it is the time for that many (see stderr).
  out('seed_1m_s', seeded.seconds, 's');

  const db = services.db;
  const dbFile = path.join(dir, DB_FILE_NAME);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const bytes = fs.statSync(dbFile).size;

  // ---- save (the real receive path: dispatch validation + IMMEDIATE transaction + fsync) ----
  const gen = createDemoGenerator(7);
  const procs = (await call('procedures.search', { query: '' })) as { code: string }[];
  const procFull = procs.map((p) => services.handlers['procedures.get']({ code: p.code }) as ReturnType<(typeof services.handlers)['procedures.get']>);
  const saveTimes: number[] = [];
  for (let i = 0; i < 520; i++) {
    const p = procFull[i % procFull.length] as Awaited<(typeof procFull)[number]>;
    const input = gen.dossierInput(p, Date.now());
    const { receivedAt: _drop, ...rest } = input;
    void _drop;
    const t = performance.now();
    await call('dossiers.receive', rest);
    const dt = performance.now() - t;
    if (i >= 20) saveTimes.push(dt); // first 20: warm-up
  }
  log(`save: median ${median(saveTimes).toFixed(2)} ms, p95 ${p95(saveTimes).toFixed(2)} ms (synchronous=FULL)`);
  // Context: the disk's own fsync latency (a save under synchronous=FULL waits for one).
  {
    const probe = path.join(dir, 'fsync-probe');
    const fd = fs.openSync(probe, 'w');
    const buf = Buffer.alloc(64 * 1024, 1);
    const ts: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      fs.writeSync(fd, buf);
      fs.fdatasyncSync(fd);
      ts.push(performance.now() - t);
    }
    fs.closeSync(fd);
    fs.rmSync(probe);
    log(`disk: write 64 KB + fdatasync median ${median(ts).toFixed(2)} ms, p95 ${p95(ts).toFixed(2)} ms (the floor under save_dossier_p95_ms)`);
  }
  out('save_dossier_p95_ms', p95(saveTimes), 'ms');

  // ---- search ----
  const maxId = db.prepare('SELECT max(id) FROM dossiers').pluck().get() as number;
  const sample = db.prepare('SELECT applicant_name AS name, id_number AS idNumber, phone, code FROM dossiers WHERE id = ?');
  const rnd = gen.random;
  const queries: string[] = [];
  while (queries.length < 360) {
    const r = sample.get(1 + Math.floor(rnd() * maxId)) as { name: string; idNumber: string; phone: string; code: string } | undefined;
    if (!r) continue;
    const words = r.name.split(' ');
    const family = words[0];
    const given = words[words.length - 1];
    switch (queries.length % 12) {
      case 0:
        queries.push(r.name);
        break; // full name with diacritics
      case 1:
        queries.push(foldForSearch(r.name));
        break; // full name without diacritics
      case 2:
        queries.push(`${family} ${given}`);
        break; // family + given
      case 3:
        queries.push(foldForSearch(`${family} ${given}`));
        break;
      case 4:
        queries.push(given);
        break; // given name only
      case 5:
        queries.push(`${family} ${given.slice(0, 2)}`);
        break; // partial
      case 6:
        queries.push(foldForSearch(words.slice(0, 2).join(' ') + ' ' + given.slice(0, 1)));
        break; // 'nguyen van t'
      case 7:
        queries.push(r.idNumber);
        break; // full 12-digit ID
      case 8:
        queries.push(r.phone || r.idNumber);
        break; // phone
      case 9:
        queries.push(r.code);
        break; // full dossier code
      case 10:
        queries.push(r.code.slice(r.code.length - 11));
        break; // '250704-0001'
      case 11:
        queries.push(r.idNumber.slice(0, 8));
        break; // partial ID
    }
  }
  const searchTimes: number[] = [];
  const byKind = new Map<number, number[]>();
  for (const [i, q] of queries.entries()) {
    const t = performance.now();
    await call('dossiers.list', { query: q, limit: 50 });
    const dt = performance.now() - t;
    searchTimes.push(dt);
    const k = i % 12;
    byKind.set(k, [...(byKind.get(k) ?? []), dt]);
  }
  log(`search: ${queries.length} queries, median ${median(searchTimes).toFixed(2)} ms, p95 ${p95(searchTimes).toFixed(2)} ms`);
  for (const [k, ts] of byKind) log(`  kind ${k} (e.g. "${queries[k]}"): p95 ${p95(ts).toFixed(2)} ms, max ${Math.max(...ts).toFixed(2)} ms`);
  out('search_p95_ms', p95(searchTimes), 'ms');

  // ---- overdue list (first page) ----
  const overdueTimes: number[] = [];
  let overdueTotal = 0;
  for (let i = 0; i < 110; i++) {
    const t = performance.now();
    const r = (await call('dossiers.list', { due: 'overdue', limit: 50 })) as { total: number };
    const dt = performance.now() - t;
    overdueTotal = r.total;
    if (i >= 10) overdueTimes.push(dt);
  }
  log(`overdue: total ${overdueTotal} (counted up to 10,001), median ${median(overdueTimes).toFixed(2)} ms, p95 ${p95(overdueTimes).toFixed(2)} ms`);
  out('list_overdue_p95_ms', p95(overdueTimes), 'ms');

  // ---- pulled events through the one projector ----
  // 10,000 events of another counter (2,000 dossiers, each received and moved 4 times), in
  // pull pages of 1,000, each applied in its own transaction as the sync engine does.
  {
    const unit = UNIT.unitCode;
    const events: SyncEvent[] = [];
    const base = Date.now() - 30 * 86_400_000;
    let seq = 0;
    for (let i = 0; events.length < 10_000; i++) {
      const stream = randomUUID();
      const at = base + i * 60_000;
      const code = formatDossierCode(unit, at, 2000 + (i % 999) + 1).replace(/-(\d{6})-/, `-${String(260101 + Math.floor(i / 999)).slice(-6)}-`);
      const env = (k: number) => ({ eventId: randomUUID(), deviceId: 'dev-bench-2', unitCode: unit, dossierId: stream, seq: ++seq, at: at + k * 3_600_000, actor: 'Trần Thị Bình' });
      const p = gen.dossierInput(procFull[i % procFull.length] as Procedure, at);
      events.push({
        ...env(0),
        type: 'dossier.received',
        body: {
          code,
          procedureCode: p.procedureCode,
          procedureName: 'Thủ tục',
          fieldCode: 'F',
          fieldName: 'Lĩnh vực',
          applicant: p.applicant,
          components: p.components.map((c) => ({ ...c, name: c.componentId })),
          copies: p.copies,
          channel: 1,
          resultDelivery: p.resultDelivery,
          status: 2,
          receivedAt: at,
          appointmentAt: at + 3 * 86_400_000,
          processingHours: 24,
          receivedBy: 'Trần Thị Bình',
          note: '',
          registerBook: 2026,
          registerNo: 200_000 + i,
        },
      });
      for (const [k, [from, to]] of (
        [
          [2, 4],
          [4, 5],
          [5, 4],
          [4, 9],
        ] as const
      ).entries()) {
        events.push({ ...env(k + 1), type: 'dossier.status_changed', body: { from, to, note: '' } });
      }
    }
    const deps = { db, now: Date.now, procedures: new ProcedureStore(db, Date.now), holidays: new HolidayStore(db), projector: services.projector };
    const identity = { deviceId: 'dev-bench-1', unitCode: unit };
    const stats = { events: 0, dossiersAdded: 0, updates: 0, problems: [] as string[] };
    const t = performance.now();
    for (let i = 0; i < events.length; i += 1000) {
      const page = events.slice(i, i + 1000).map((event, k) => ({ cursor: i + k + 1, kind: 'event' as const, event }));
      db.transaction(() => applyPulledItems(deps, identity, page, stats)).immediate();
    }
    const seconds = (performance.now() - t) / 1000;
    if (stats.events !== events.length || stats.dossiersAdded !== 2000 || stats.problems.length)
      throw new Error(`pull apply: ${JSON.stringify({ ...stats, problems: stats.problems.slice(0, 3) })}`);
    log(`pull apply: ${events.length} events, ${stats.dossiersAdded} new dossiers in ${seconds.toFixed(2)} s`);
    out('pull_apply_events_per_s', events.length / seconds, 'events/s');
  }

  log(`db: ${(bytes / 1e6).toFixed(1)} MB for ${N.toLocaleString('en')} dossiers`);
  out('db_mb_per_10k_dossiers', bytes / 1e6 / (N / 10_000), 'MB');
} finally {
  services.close();
  if (!KEEP) fs.rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
}
