// What making a page upright costs at import (npx tsx bench/page-copies.ts): per sample page,
// the copies as they were made before (compact copy + thumbnail, as scanned) against
// makePageCopies (orientation and skew measured, compact copy and thumbnail turned), and the
// two views made when the clerk opens a page (display: upright + levelled; cleaned).
// CPU seconds of the whole process (libvips threads included) are the comparable cost on a
// shared machine; wall times are printed too. Prints `BENCH <name> <value> <unit>` lines.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { makeCleanedView, makeCompactCopy, makePageCopies, THUMB_WIDTH, uprightTurnDeg } from '../electron/services/ocr/preprocess';
import { samplesDir } from './ocr';

const out = (name: string, value: number, unit: string) => process.stdout.write(`BENCH ${name} ${Number(value.toFixed(value < 10 ? 3 : 1))} ${unit}\n`);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

sharp.cache(false);
const files = fs
  .readdirSync(samplesDir())
  .filter((f) => /-(clean|scan|hard)\.(png|jpg)$/.test(f))
  .sort();
const pages = files.map((f) => ({ name: f, data: fs.readFileSync(path.join(samplesDir(), f)) }));

async function measure(fn: (input: Buffer) => Promise<unknown>): Promise<{ cpuMs: number; wallMs: number }> {
  let cpu = 0;
  let wall = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const p of pages) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await fn(p.data);
      wall += performance.now() - t0;
      const c = process.cpuUsage(c0);
      cpu += (c.user + c.system) / 1000;
    }
  }
  const n = ROUNDS * pages.length;
  return { cpuMs: cpu / n, wallMs: wall / n };
}

// Warm-up (module loading, libvips start).
await makePageCopies(pages[0].data);

// Before: the compact copy as scanned and the one-pass thumbnail inputs.ts made.
const oldThumbnail = (input: Buffer) =>
  sharp(input, { failOn: 'truncated' }).autoOrient().resize({ width: THUMB_WIDTH, withoutEnlargement: true }).flatten({ background: '#ffffff' }).jpeg({ quality: 70 }).toBuffer();
const before = await measure((input) => Promise.all([makeCompactCopy(input), oldThumbnail(input)]));
const after = await measure((input) => makePageCopies(input));
process.stderr.write(`${pages.length} pages × ${ROUNDS} rounds\n`);
out('import_copies_before_cpu', before.cpuMs, 'ms/page');
out('import_copies_upright_cpu', after.cpuMs, 'ms/page');
out('import_copies_extra_cpu', after.cpuMs - before.cpuMs, 'ms/page');
out('import_copies_before_wall', before.wallMs, 'ms/page');
out('import_copies_upright_wall', after.wallMs, 'ms/page');

// The views, for a page measured 180° + its skew (what a turned scan gets).
const turns = new Map<Buffer, number>();
for (const p of pages) turns.set(p.data, 180 + uprightTurnDeg((await makePageCopies(p.data)).orientation));
const display = await measure((input) => sharp(input).autoOrient().flatten({ background: '#ffffff' }).rotate(turns.get(input)!, { background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer());
const cleaned = await measure((input) => makeCleanedView(input, turns.get(input)!));
out('view_display_cpu', display.cpuMs, 'ms/page');
out('view_display_wall', display.wallMs, 'ms/page');
out('view_cleaned_cpu', cleaned.cpuMs, 'ms/page');
out('view_cleaned_wall', cleaned.wallMs, 'ms/page');
