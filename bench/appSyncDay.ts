// A commune's day through the REAL app engine (electron/services/sync/engine.ts), for
// bench/sync.ts (sync_day_s, sync_link_efficiency_pct, sync_record_bytes_per_dossier,
// resume_resent_kb): 100 dossiers received and moved through the app's services (outbox
// written in their transactions), 500 compact pages of ~100 KB stored as the pages service
// stores them (the sync trigger queues them), then ONE syncNow() over 1 Mbit/s up,
// 4 Mbit/s down, 150 ms RTT (fault proxy): push batches beside 4 parallel resumable uploads.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { startTestHub } from '../test/sync-support/hubHarness';
import { FaultProxy } from '../test/sync-support/faultProxy';
import { SyncClient, splitIntoBatches } from '../electron/services/sync/client';
import { openAppServices } from '../electron/services/app';
import { dispatch } from '../electron/ipc/dispatch';
import { DEFAULT_WORKING_HOURS } from '../shared/domain/types';
import { OUTBOX_COLUMNS, toWireEvent, type OutboxRow } from '../electron/services/events/outbox';

export type Report = (name: string, value: number, unit: string) => void;

const UP_BPS = 1_000_000;
const DOWN_BPS = 4_000_000;
const ONE_WAY_MS = 75;
/** A page fits one chunk on this link; a cut costs at most this. */
const CHUNK = 128 * 1024;
const UPLOAD_CONCURRENCY = 4;

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * A commune's day through the REAL app engine (electron/services/sync/engine.ts): dossiers
 * received and moved through the app's services (outbox written in their transactions),
 * compact pages stored as the pages service stores them (the sync trigger queues them), then
 * one `syncNow()` over the shaped link: push batches and 4 parallel resumable uploads.
 */
export async function benchAppDay(report: Report): Promise<void> {
  const dossiers = Number(process.env.BENCH_SYNC_DOSSIERS ?? 100);
  const pages = Number(process.env.BENCH_SYNC_PAGES ?? 500);
  const h = await startTestHub('pglite');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-sync-app-'));
  const app = openAppServices({ dataDir, appVersion: 'bench', ocrWorkers: 1, sync: { client: { chunkBytes: CHUNK, timeoutMs: 120_000 }, uploadConcurrency: UPLOAD_CONCURRENCY } });
  const call = async (channel: string, input: unknown) => {
    const r = await dispatch(app.handlers, channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as { id: string; code: string };
  };
  try {
    const unitCode = '000.00.13.H12';
    await call('settings.save', {
      unitCode,
      unitName: 'Trung tâm Phục vụ hành chính công xã Định Mỹ',
      parentName: 'UBND xã Định Mỹ',
      provinceName: 'An Giang',
      placeName: 'Định Mỹ',
      clerkName: 'Nguyễn Thị Lan',
      contactPhone: '',
      workingHours: DEFAULT_WORKING_HOURS,
    });
    await h.hub.createUnit(unitCode, 'UBND xã Định Mỹ', true);
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), upBitsPerSec: UP_BPS, downBitsPerSec: DOWN_BPS, latencyMs: ONE_WAY_MS });
    try {
      await call('sync.enroll', { hubUrl: proxy.url, code: (await h.hub.createEnrolmentCode(unitCode)).code, deviceName: 'Máy bench' });
      // The day: each dossier received, its pages attached, then handed to processing (2 → 4).
      const insertPage = app.db.prepare(
        `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, dpi, source, file_name,
           compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at)
         VALUES (?, 'banchinh', ?, ?, 'image/png', ?, 1700, 2300, 200, 'scanner', '', ?, ?, ?, ?, 'Nguyễn Thị Lan', ?)`,
      );
      const perDossier = Math.max(1, Math.round(pages / dossiers));
      let fileBytes = 0;
      let nPages = 0;
      for (let i = 0; i < dossiers; i++) {
        const d = await call('dossiers.receive', {
          procedureCode: '2.000815',
          applicant: { fullName: 'Đặng Thị Hồng', idNumber: '089190012345', birthDate: '1990-05-12', address: 'Ấp Mỹ Hoà, xã Định Mỹ, An Giang', phone: '0912345678', email: '' },
          components: [{ componentId: 'banchinh', name: 'Bản chính giấy tờ', original: 1, certified: 0, photocopy: 0, received: true }],
          copies: 1,
          resultDelivery: 'counter',
          note: '',
        });
        for (let p = 1; p <= perDossier && nPages < pages; p++, nPages++) {
          // "compact pages": ~100 KB of incompressible bytes (a scan's compact copy), sizes vary.
          const page = randomBytes(90_000 + Math.floor(Math.random() * 20_000));
          const h256 = sha256(page);
          const file = path.join(dataDir, 'pages', h256.slice(0, 2), h256.slice(2, 4), `${h256}.png`);
          mkdirSync(path.dirname(file), { recursive: true });
          writeFileSync(file, page);
          const now = Date.now();
          app.db.transaction(() => insertPage.run(Number(d.id), p, h256, page.length, h256, page.length, h256, now, now))();
          fileBytes += page.length;
        }
        await call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển xử lý' });
      }
      const id = app.sync.identity()!;
      const events = (app.db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox ORDER BY id`).all() as OutboxRow[]).map((r) => toWireEvent(r, id));
      // What goes on the wire for the records: gzip'd push bodies, as the client sends them.
      const recordBytes = splitIntoBatches(events).reduce((n, b) => n + gzipSync(JSON.stringify({ batchId: randomUUID(), events: b })).length, 0);
      const t0 = performance.now();
      const r = await app.sync.syncNow();
      const seconds = (performance.now() - t0) / 1000;
      if (!r.ok) throw new Error(`sync failed: ${r.error ?? `${r.failed} failed`}`);
      if (r.pushed.accepted !== events.length) throw new Error(`pushed ${r.pushed.accepted}/${events.length}`);
      const synced = app.db.prepare('SELECT count(*) FROM sync_dossiers').pluck().get() as number;
      if (synced !== dossiers) throw new Error(`${synced}/${dossiers} dossiers synced`);
      const payload = recordBytes + fileBytes;
      report('sync_day_s', round(seconds, 1), 's');
      report('sync_link_efficiency_pct', round((payload * 8 * 100) / (UP_BPS * seconds), 1), '%');
      report('sync_record_bytes_per_dossier', Math.round(recordBytes / dossiers), 'B');
      process.stderr.write(
        `[bench sync] ứng dụng: ${dossiers} hồ sơ, ${events.length} sự kiện, ${nPages} trang, ${(payload / 1e6).toFixed(1)} MB; ` +
          `proxy lên ${(proxy.stats.upBytes / 1e6).toFixed(2)} MB, ${proxy.stats.connections} kết nối\n`,
      );

      // A cut in the middle of a file, then the resume (the client library's own measure).
      const client = new SyncClient({ hubUrl: proxy.url, deviceToken: JSON.parse(readFileSync(path.join(dataDir, 'sync-token.json'), 'utf8')).token, chunkBytes: CHUNK, timeoutMs: 120_000 });
      const big = randomBytes(1_000_000);
      proxy.cutAfterUpstreamBytes(400_000, 'PATCH /v1/files/');
      const st2 = await client.uploadFile(sha256(big), big.length, (o, n) => big.subarray(o, o + n));
      if (!st2.complete || proxy.stats.cuts !== 1) throw new Error('resume scenario did not cut');
      const stored = await h.hub.blobs.read(sha256(big));
      if (Buffer.compare(stored, big) !== 0) throw new Error('resumed file differs');
      report('resume_resent_kb', round(st2.bytesResent / 1024, 1), 'KiB');
    } finally {
      await proxy.close();
    }
  } finally {
    await app.closeAsync();
    await h.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
