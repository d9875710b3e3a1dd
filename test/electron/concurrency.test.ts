// Several processes saving into one file at once, and a process killed mid-way (kill -9).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { vnTime } from '../../shared/domain/vnTime';
import { parseDossierCode } from '../../shared/domain/dossierCode';
import { openConfiguredApp, tempDir } from './helpers/services';
import { removeTempDirs } from './helpers/services';

afterAll(() => removeTempDirs());

const here = path.dirname(fileURLToPath(import.meta.url));
const SAVER = path.join(here, 'helpers', 'saver.ts');
const ROOT = path.resolve(here, '..', '..');
const AT = vnTime(2026, 3, 2, 8, 0);

function startSaver(dir: string, count: number, at = AT): { child: ChildProcess; lines: string[]; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', SAVER, dir, String(count), String(at)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code) console.error(err);
      resolve(code);
    }),
  );
  return { child, lines, done };
}

async function prepare(): Promise<string> {
  const dir = tempDir('motcua-conc-');
  const a = await openConfiguredApp({ dir });
  a.close();
  return dir;
}

describe('several processes on one file', () => {
  it('4 processes × 200 saves on the same day: every code unique, numbers 1001..1800 (slot 1) without gaps', async () => {
    const dir = await prepare();
    const savers = Array.from({ length: 4 }, () => startSaver(dir, 200));
    const codes = await Promise.all(savers.map((s) => s.done));
    expect(codes).toEqual([0, 0, 0, 0]);
    const printed = savers.flatMap((s) => s.lines.filter((l) => l.startsWith('SAVED ')).map((l) => l.split(' ')[2]));
    expect(printed).toHaveLength(800);
    expect(new Set(printed).size).toBe(800);

    const db = new Database(path.join(dir, 'motcua.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT code, register_no AS no FROM dossiers').all() as { code: string; no: number }[];
    db.close();
    expect(rows).toHaveLength(800);
    const seqs = rows.map((r) => parseDossierCode(r.code)!.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 800 }, (_, i) => 1000 + i + 1));
    expect(new Set(rows.map((r) => parseDossierCode(r.code)!.date))).toEqual(new Set(['2026-03-02']));
    // Register numbers in the slot of an unenrolled PC (slot 1: 100001…; PROTOCOL.md §7).
    expect(rows.map((r) => r.no).sort((x, y) => x - y)).toEqual(Array.from({ length: 800 }, (_, i) => 100_000 + i + 1));
    expect(new Set(printed)).toEqual(new Set(rows.map((r) => r.code)));
  }, 120_000);

  it('kill -9 mid-way: every save that returned before the kill is in the file, which opens fine', async () => {
    const dir = await prepare();
    const s = startSaver(dir, 100_000);
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (s.lines.filter((l) => l.startsWith('SAVED ')).length >= 150) {
          clearInterval(timer);
          s.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      s.done.then(() => reject(new Error('the saver ended before it was killed')));
    });
    await s.done;
    expect(s.child.signalCode).toBe('SIGKILL');
    const saved = s.lines.filter((l) => l.startsWith('SAVED ')).map((l) => l.split(' ')[2]);
    expect(saved.length).toBeGreaterThanOrEqual(150);

    const a = await openConfiguredApp({ dir }); // runs quick_check: the file must be sound
    const inFile = new Set(a.services.db.prepare('SELECT code FROM dossiers').pluck().all() as string[]);
    for (const code of saved) expect(inFile.has(code), code).toBe(true);
    // At most the one save in flight at the kill may have committed without being printed.
    expect(inFile.size - saved.length).toBeLessThanOrEqual(1);
    // Numbering continues after the last committed number.
    const next = await a.call('dossiers.receive', {
      procedureCode: '2.000815',
      applicant: { fullName: 'Lê Văn Tám', idNumber: '001090000123', birthDate: '1990-01-01', address: 'Ấp 1', phone: '', email: '' },
      components: [],
      resultDelivery: 'counter',
      receivedAt: AT + 500_000,
    });
    expect(parseDossierCode(next.code)!.seq).toBe(1000 + inFile.size + 1);
    expect(a.services.db.pragma('integrity_check', { simple: true })).toBe('ok');
    a.close();
  }, 120_000);
});
