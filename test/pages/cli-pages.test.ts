// The digitisation commands of the CLI: `ocr` (real tesseract, one short sample page) and
// `import FOLDER` (grouping rule, missing dossiers reported, not invented).
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/run';
import { groupScans } from '../../electron/cli/pagesCommands';
import { cer } from '../../electron/services/ocr/cer';
import { removeTempDirs, tempDir } from '../electron/helpers/services';
import { newDossier, openPagesApp, sample, SAMPLES, textPage, textPdf } from './helpers';

afterAll(() => removeTempDirs());

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const code = await runCli(args, sink);
  return { code, out };
}

describe('cli: ocr and import', () => {
  it('help documents the import rule', async () => {
    const r = await cli('--help');
    expect(r.out).toContain('<mã hồ sơ>_<thành phần>_<n>.jpg');
    expect(r.out).toContain('ocr [--json]');
  });

  it('ocr --json prints one JSON object with text, confidence, timings and pages', async () => {
    const dir = tempDir('motcua-cliocr-');
    const pdf = path.join(dir, 'two.pdf');
    fs.writeFileSync(pdf, await textPdf(['Trang có lớp chữ sẵn: Ủy ban nhân dân xã Định Mỹ']));
    const img = path.join(SAMPLES, 'dev004-p4-clean.png');
    const r = await cli('ocr', '--json', img);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.out);
    expect(cer(sample('dev004-p4.txt').toString('utf8'), j.text)).toBeLessThan(0.05);
    expect(j.confidence).toBeGreaterThan(60);
    expect(j.timings.totalMs).toBeGreaterThan(0);
    expect(j.pages).toHaveLength(1);
    const p = JSON.parse((await cli('ocr', '--json', pdf)).out);
    expect(p.pages[0].source).toBe('pdf');
    expect(p.text).toContain('Ủy ban nhân dân xã Định Mỹ');
    const bad = path.join(dir, 'bad.jpg');
    fs.writeFileSync(bad, 'not an image');
    expect((await cli('ocr', bad)).code).toBe(1);
  }, 120_000);

  it('import FOLDER digitises into existing dossiers and reports the missing ones', async () => {
    const dataDir = tempDir('motcua-cliimp-');
    const app = await openPagesApp({ dir: dataDir });
    const d = await newDossier(app);
    await app.close();
    const folder = tempDir('motcua-scans-');
    const png = await textPage('Trang cũ', 600, 848);
    fs.writeFileSync(path.join(folder, `${d.code}_banchinh_2.png`), png);
    fs.writeFileSync(path.join(folder, `${d.code}_banchinh_1.png`), await textPage('Trang đầu', 600, 848));
    fs.mkdirSync(path.join(folder, d.code, 'tokhai'), { recursive: true });
    fs.writeFileSync(path.join(folder, d.code, 'tokhai', 'a.png'), await textPage('Tờ khai', 600, 848));
    fs.writeFileSync(path.join(folder, '000.00.13.H12-991231-0001_1_1.png'), png);
    fs.writeFileSync(path.join(folder, 'ghi-chu.txt'), 'x');

    const { groups } = groupScans(folder);
    expect(groups.find((g) => g.component === 'banchinh')!.files.map((f) => path.basename(f))).toEqual([`${d.code}_banchinh_1.png`, `${d.code}_banchinh_2.png`]);

    const r = await cli('import', folder, '--no-wait', '--data-dir', dataDir);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Đã số hoá 3 trang vào 1 hồ sơ');
    expect(r.out).toContain('Không tìm thấy 1 hồ sơ (không tạo mới): 000.00.13.H12-991231-0001');
    expect(r.out).toContain('ghi-chu.txt');
    const again = await openPagesApp({ dir: dataDir, engine: async () => ({ recognize: () => new Promise(() => undefined), terminate: async () => undefined }) });
    const list = await again.call('pages.list', { dossierId: d.id });
    expect(list.pages.map((p) => [p.componentId, p.fileName, p.source])).toEqual([
      ['banchinh', `${d.code}_banchinh_1.png`, 'folder'],
      ['banchinh', `${d.code}_banchinh_2.png`, 'folder'],
      ['tokhai', 'a.png', 'folder'],
    ]);
    expect((await again.call('dossiers.list', { limit: 10 })).total).toBe(1);
    await again.close();
  });
});
