// The command-line entry on a real data folder: the same services as the app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../electron/cli/run';
import { parseDossierCode } from '../../shared/domain/dossierCode';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const code = await runCli([...args, '--data-dir', path.join(dir, 'data')], sink);
  return { code, out };
}

describe('npm run cli', () => {
  it('prints its help in Vietnamese', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('seed');
    expect(r.out).toContain('export');
    expect(r.out).toContain('Thư mục dữ liệu');
  });

  it('refuses an unknown command and a bad option', async () => {
    expect((await cli('frobnicate')).code).toBe(2);
    expect((await cli('seed', '--count', 'abc')).code).toBe(1);
  });

  it('seeds a demo data set and exports it as JSON', async () => {
    const seeded = await cli('seed', '--count', '300', '--seed', '7');
    expect(seeded.code).toBe(0);
    expect(seeded.out).toMatch(/Đã tạo 300 hồ sơ/);

    const info = JSON.parse((await cli('info')).out);
    expect(info.dossiers).toBe(300);
    expect(info.unit.unitCode).toBe('000.00.13.H12');

    const file = path.join(dir, 'export.json');
    expect((await cli('export', '--out', file)).code).toBe(0);
    const dossiers = JSON.parse(readFileSync(file, 'utf8')) as { MaHoSo: string; ChuHoSo: string; NgayTiepNhan: string }[];
    expect(dossiers).toHaveLength(300);
    const codes = new Set(dossiers.map((d) => d.MaHoSo));
    expect(codes.size).toBe(300);
    for (const d of dossiers) {
      expect(parseDossierCode(d.MaHoSo)?.unitCode).toBe('000.00.13.H12');
      expect(d.ChuHoSo.normalize('NFC')).toBe(d.ChuHoSo);
      expect(d.NgayTiepNhan).toMatch(/^\d{14}$/);
    }
  });
});
