// Sync benchmarks: a commune's day over a slow link, and the hub under 200 communes at once.
//   sync_day_s                      100 dossiers (7 events each) + 500 compact pages of ~100 KB made in
//                                   the app and sent by its sync engine (one syncNow),
//                                   over 1 Mbit/s up / 4 Mbit/s down, 150 ms RTT (fault proxy)
//   sync_link_efficiency_pct        payload bytes ÷ (link rate × time), target ≥ 85
//   sync_record_bytes_per_dossier   push body bytes per dossier
//   resume_resent_kb                bytes sent twice after a cut mid-file (≤ one chunk)
//   hub_ingest_dossiers_per_s       PostgreSQL hub, 200 communes pushing at once (target ≥ 2,000)
//   hub_push_p99_ms                 99th percentile push latency in that burst
// BENCH_SYNC_PAGES / BENCH_SYNC_DOSSIERS shrink the day for a quick run.
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { pgAvailable, createTempDatabase } from '../test/sync-support/hubHarness';
import { openHub } from '../server/app';
import { EventMaker } from '../test/sync-support/events';
import { gzipSync } from 'node:zlib';
import type { SyncEvent } from '../shared/sync/protocol';

export type Report = (name: string, value: number, unit: string) => void;

/**
 * sync_day_s, sync_link_efficiency_pct, sync_record_bytes_per_dossier, resume_resent_kb: a
 * commune's day through the REAL app engine, in bench/appSyncDay.ts. It is loaded by URL so
 * that the hub's Node-only typecheck (server/tsconfig.json, which includes bench/sync*.ts)
 * does not walk the whole desktop app; the root tsconfig checks that file.
 */
export async function benchLink(report: Report): Promise<void> {
  const mod = (await import(new URL('./appSyncDay.ts', import.meta.url).href)) as { benchAppDay(report: Report): Promise<void> };
  await mod.benchAppDay(report);
}

/** The hub as its own process (as deployed), so its CPU is its own and measurable. */
async function spawnHub(databaseUrl: string, dataDir: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
  const prof = process.env.BENCH_HUB_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HUB_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', 'server/main.ts', 'serve'], {
    cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    env: { ...process.env, DATABASE_URL: databaseUrl, HUB_DATA_DIR: dataDir, HUB_HOST: '127.0.0.1', HUB_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const t = setTimeout(() => reject(new Error(`hub did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('đang phục vụ')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`hub exited ${code}: ${err}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** CPU ms of all PostgreSQL server processes on this machine (Linux /proc), NaN if unknown. */
function postgresCpuMs(): number {
  let total = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('postgres')) continue;
        total += cpuMs(Number(pid));
      } catch {
        /* gone */
      }
    }
  } catch {
    return NaN;
  }
  return total;
}

/** CPU ms of a process and its children (the hub's worker processes). */
function treeCpuMs(pid: number): number {
  let total = cpuMs(pid);
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(f[1]) === pid) total += cpuMs(Number(p));
    } catch {
      /* gone */
    }
  }
  return total;
}

/** utime + stime of a process, ms (Linux /proc). */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export async function benchIngest(report: Report): Promise<void> {
  if (!(await pgAvailable())) {
    process.stderr.write('[bench sync] PostgreSQL 127.0.0.1:5432 không trả lời: bỏ qua hub_ingest_dossiers_per_s và hub_push_p99_ms.\n');
    return;
  }
  const communes = Number(process.env.BENCH_SYNC_COMMUNES ?? 200);
  // A commune's end-of-day push: its ~100 dossiers of the day in batches of 25 (175 events).
  // The first batch of every commune warms the hub up (JIT, connection pools) and is not
  // counted: the figure is the hub's steady state, as on a server that runs for weeks.
  const batchesPerCommune = Number(process.env.BENCH_SYNC_BATCHES ?? 4);
  const warmupBatches = 1;
  const dossiersPerBatch = 25;
  const temp = await createTempDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-bench-'));
  const admin = await openHub({ databaseUrl: temp.url, dataDir, poolSize: 2 });
  let hubProc: Awaited<ReturnType<typeof spawnHub>> | null = null;
  try {
    // Enrol one device per commune (not measured).
    const devices: { token: string; bodies: Buffer[] }[] = [];
    for (let c = 0; c < communes; c++) {
      const unit = `000.00.${String(c + 100).padStart(3, '0')}.H12`;
      await admin.hub.createUnit(unit, `UBND xã ${c}`, true);
      const { code } = await admin.hub.createEnrolmentCode(unit);
      const e = await admin.hub.enroll(code, 'Máy 1');
      const maker = new EventMaker({ deviceId: e.deviceId, unitCode: unit, slot: e.slot });
      const bodies: Buffer[] = [];
      for (let b = 0; b < warmupBatches + batchesPerCommune; b++) {
        const events: SyncEvent[] = [];
        for (let i = 0; i < dossiersPerBatch; i++) {
          const id = randomUUID();
          events.push(maker.received(id));
          for (let p = 1; p <= 5; p++) events.push(maker.file(id, randomBytes(32).toString('hex'), 100_000, p));
          events.push(maker.status(id, 2, 4, 'Chuyển xử lý'));
        }
        bodies.push(gzipSync(JSON.stringify({ batchId: randomUUID(), events })));
      }
      devices.push({ token: e.deviceToken, bodies });
    }
    hubProc = await spawnHub(temp.url, dataDir);
    const url = `${hubProc.url}/v1/push`;
    let latencies: number[] = [];
    const pushAll = (from: number, to: number) =>
      Promise.all(
        devices.map(async (d) => {
          for (const body of d.bodies.slice(from, to)) {
            const s = performance.now();
            const res = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${d.token}` },
              body: new Uint8Array(body),
            });
            const j = (await res.json()) as { accepted?: number };
            latencies.push(performance.now() - s);
            if (res.status !== 200 || j.accepted !== dossiersPerBatch * 7) throw new Error(`push failed: ${res.status} ${JSON.stringify(j).slice(0, 200)}`);
          }
        }),
      );
    await pushAll(0, warmupBatches);
    latencies = [];
    const cpu0 = treeCpuMs(hubProc.pid);
    const pg0 = postgresCpuMs();
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    await pushAll(warmupBatches, warmupBatches + batchesPerCommune);
    const seconds = (performance.now() - t0) / 1000;
    const hubCpu = treeCpuMs(hubProc.pid) - cpu0;
    const pgCpu = postgresCpuMs() - pg0;
    const own = process.cpuUsage(own0);
    const total = communes * batchesPerCommune * dossiersPerBatch;
    const held = communes * (warmupBatches + batchesPerCommune) * dossiersPerBatch;
    const n = await admin.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dossiers WHERE state IS NOT NULL');
    if (n.rows[0].n !== held) throw new Error(`hub holds ${n.rows[0].n} dossiers, expected ${held}`);
    latencies.sort((a, b) => a - b);
    report('hub_ingest_dossiers_per_s', Math.round(total / seconds), 'dossiers/s');
    report('hub_push_p99_ms', Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]), 'ms');
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    process.stderr.write(
      `[bench sync] ${communes} xã × ${batchesPerCommune} lô (+${warmupBatches} lô khởi động) × ${dossiersPerBatch} hồ sơ (7 sự kiện/hồ sơ) trong ${seconds.toFixed(2)} s; ` +
        `trung vị ${Math.round(latencies[latencies.length >> 1])} ms; CPU tiến trình hub ${(hubCpu / total).toFixed(3)} ms/hồ sơ ` +
        `(≈ ${Math.round(total / (hubCpu / 1000))} hồ sơ/s mỗi lõi), ${process.env.HUB_WORKERS ?? 'mặc định (1/lõi)'} tiến trình phục vụ, CPU PostgreSQL ${(pgCpu / total).toFixed(3)} ms/hồ sơ, ` +
        `CPU 200 xã giả lập ${((own.user + own.system) / 1000 / total).toFixed(3)} ms/hồ sơ; loadavg ${load}\n`,
    );
  } finally {
    await hubProc?.stop();
    await admin.close();
    await temp.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchSync(report: Report): Promise<void> {
  await benchIngest(report);
  await benchLink(report);
}
