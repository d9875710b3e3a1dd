// Benchmark of digitisation through the app's own pipeline (npx tsx bench/pages.ts):
// import time per page (checks, compact copy, thumbnail, atomic writes, one transaction)
// and OCR throughput through the persisted queue (2 workers), on the sample scans.
// Prints `BENCH <name> <value> <unit>` lines to stdout; progress to stderr.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../electron/ipc/dispatch';
import { openAppServices } from '../electron/services/app';
import { addPages } from '../electron/services/pages/index';
import { DEFAULT_WORKING_HOURS } from '../shared/domain/types';
import { samplesDir } from './ocr';

const out = (name: string, value: number, unit: string) => process.stdout.write(`BENCH ${name} ${Number(value.toFixed(value < 10 ? 3 : 1))} ${unit}\n`);
const QUALITY = process.env.BENCH_QUALITY ?? 'scan';
const LIMIT = Number(process.env.BENCH_PAGES ?? 8);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-bench-pages-'));
const services = openAppServices({ dataDir: dir, appVersion: 'bench' });
const call = async (channel: string, input: unknown) => {
  const r = await dispatch(services.handlers, channel, input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as { id: string };
};
try {
  await call('settings.save', {
    unitCode: '000.00.13.H12',
    unitName: 'Trung tâm',
    parentName: 'UBND xã',
    provinceName: 'An Giang',
    placeName: 'Định Mỹ',
    clerkName: 'Nguyễn Thị Lan',
    contactPhone: '',
    workingHours: DEFAULT_WORKING_HOURS,
  });
  const d = await call('dossiers.receive', {
    procedureCode: '2.000815',
    applicant: { fullName: 'Đặng Thị Hồng', idNumber: '089190012345', birthDate: '1990-05-12', address: 'Định Mỹ', phone: '', email: '' },
    components: [{ componentId: 'banchinh', name: 'Bản chính', original: 1, certified: 0, photocopy: 0, received: true }],
    resultDelivery: 'counter',
  });
  const files = fs
    .readdirSync(samplesDir())
    .filter((f) => f.endsWith(`-${QUALITY}.${QUALITY === 'clean' ? 'png' : 'jpg'}`))
    .sort()
    .slice(0, LIMIT);
  const importMs: number[] = [];
  const t0 = performance.now();
  for (const f of files) {
    const t = performance.now();
    await addPages(services.pages, { dossierId: d.id, componentId: 'banchinh', images: [{ data: fs.readFileSync(path.join(samplesDir(), f)), fileName: f }], source: 'file', actor: 'bench' });
    importMs.push(performance.now() - t);
    process.stderr.write(`import ${f}: ${importMs[importMs.length - 1].toFixed(0)} ms\n`);
  }
  await services.ocr.whenIdle();
  const totalS = (performance.now() - t0) / 1000;
  importMs.sort((a, b) => a - b);
  out('page_import_median_ms', importMs[Math.floor(importMs.length / 2)], 'ms');
  out('page_import_max_ms', importMs[importMs.length - 1], 'ms');
  out('ocr_queue_pages_per_min', (files.length / totalS) * 60, 'pages/min');
  out('ocr_queue_pages', files.length, 'pages');
} finally {
  await services.closeAsync();
  fs.rmSync(dir, { recursive: true, force: true });
}
