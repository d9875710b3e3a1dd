import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The checks `npm test` runs before the tests (dependency-cruiser's layer rules in
// .dependency-cruiser.cjs, Biome's lint rules in biome.json) fail on a violation: bad imports
// and a lint error are planted in temporary folders inside the layers they break (where the
// rules look), the real tools are run on them, and the folders are removed afterwards.

const root = path.resolve(import.meta.dirname, '../..');
const bin = (name: string) => path.join(root, 'node_modules', '.bin', name);
const PREFIX = '__rules_test_';
const planted: string[] = [];

/** Writes `files` into a new folder `<layer>/__rules_test_<pid>_<name>__/`; returns its path from the root. */
function plant(layer: string, name: string, files: Record<string, string>): string {
  const dir = `${layer}/${PREFIX}${process.pid}_${name}__`;
  mkdirSync(path.join(root, dir), { recursive: true });
  planted.push(path.join(root, dir));
  for (const [file, text] of Object.entries(files)) write(path.join(dir, file), text);
  return dir;
}

/** Planted files get an old mtime, so the e2e helper that rebuilds the renderer when a file of
 * renderer/ or shared/ is newer than the build (test/e2e/support/build.ts) ignores them. */
function write(file: string, text: string) {
  writeFileSync(path.join(root, file), text);
  utimesSync(path.join(root, file), OLD, OLD);
}
const OLD = new Date('2000-01-01T00:00:00Z');

function removePlanted() {
  for (const dir of planted.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Folders left by a run that was killed before its afterAll (its process is gone). */
function removeLeftovers() {
  for (const layer of ['shared', 'renderer', 'electron/services', 'server']) {
    for (const name of readdirSync(path.join(root, layer))) {
      const pid = name.startsWith(PREFIX) ? Number.parseInt(name.slice(PREFIX.length), 10) : Number.NaN;
      if (Number.isInteger(pid) && !alive(pid)) rmSync(path.join(root, layer, name), { recursive: true, force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const FINE = "import { nfc } from '../domain/text';\nexport const normalise = nfc;\n";

/** Runs depcruise as `npm test` does (its `err` report, exit code = number of errors) on `dirs` and reads the report's `error <rule>: <from> → …` lines. */
function depcruise(...dirs: string[]) {
  const r = spawnSync(bin('depcruise'), ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', ...dirs], { cwd: root, encoding: 'utf8' });
  const output = `${r.stdout}\n${r.stderr}`;
  const violations = [...output.matchAll(/^\s*error (\S+): (\S+) →/gm)].map((m) => ({ rule: m[1], from: m[2] }));
  return { status: r.status, output, violations };
}

function biomeLint(target: string) {
  const r = spawnSync(bin('biome'), ['lint', '--colors=off', target], { cwd: root, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

beforeAll(removeLeftovers);
afterAll(removePlanted);

describe('dependency-cruiser layer rules', () => {
  let dirs: Record<string, string>;

  beforeAll(() => {
    dirs = {
      shared: plant('shared', 'layers', {
        'badNode.ts': "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n",
        'badLayer.ts': "import { defaultDataDir } from '../../electron/paths';\nexport const dir = defaultDataDir;\n",
        'badPackage.ts': "import type { IpcRenderer } from 'electron';\nexport type R = IpcRenderer;\n",
        'fine.ts': FINE,
      }),
      renderer: plant('renderer', 'layers', {
        'badImport.ts': "import { defaultDataDir } from '../../electron/paths';\nexport const dir = defaultDataDir;\n",
        'cycleA.ts': "import { b } from './cycleB';\nexport const a = (): number => b() + 1;\n",
        'cycleB.ts': "import { a } from './cycleA';\nexport const b = (): number => (Math.random() > 2 ? a() : 0);\n",
      }),
      server: plant('server', 'layers', {
        'badImport.ts': "import { defaultDataDir } from '../../electron/paths';\nexport const dir = defaultDataDir;\n",
      }),
      services: plant('electron/services', 'layers', {
        'badSync.ts': "import type { SyncEngine } from '../sync/engine';\nexport type E = SyncEngine;\n",
      }),
    };
  });

  it('fails, naming each broken rule and the planted file', () => {
    const { status, violations } = depcruise(...Object.values(dirs));
    expect(status).not.toBe(0);
    const at = (file: string) =>
      violations
        .filter((v) => v.from === file)
        .map((v) => v.rule)
        .sort();
    expect(at(`${dirs.shared}/badNode.ts`)).toEqual(['shared-no-node-builtins']);
    expect(at(`${dirs.shared}/badLayer.ts`)).toEqual(['shared-imports-no-app-layer']);
    expect(at(`${dirs.shared}/badPackage.ts`)).toEqual(['shared-no-platform-packages']);
    expect(at(`${dirs.renderer}/badImport.ts`)).toEqual(['renderer-not-electron']);
    expect(at(`${dirs.server}/badImport.ts`)).toEqual(['server-shared-only']);
    expect(at(`${dirs.services}/badSync.ts`)).toEqual(['sync-top-floor']);
    const cycle = violations.filter((v) => v.rule === 'no-circular').map((v) => v.from);
    expect(cycle.length).toBeGreaterThan(0);
    for (const from of cycle) expect([`${dirs.renderer}/cycleA.ts`, `${dirs.renderer}/cycleB.ts`]).toContain(from);
    // An allowed import (shared/ → shared/) is not reported.
    expect(at(`${dirs.shared}/fine.ts`)).toEqual([]);
  });

  it('passes on the allowed import alone', () => {
    const { status, output, violations } = depcruise(plant('shared', 'allowed', { 'fine.ts': FINE }));
    expect(violations).toEqual([]);
    expect(output).toContain('no dependency violations found');
    expect(status).toBe(0);
  });
});

describe('Biome lint rules', () => {
  it('fails on a planted lint error and passes once it is gone', () => {
    const dir = plant('shared', 'lint', { 'lint.ts': 'export function f(x: number): number {\n  debugger;\n  return x;\n}\n' });
    const bad = biomeLint(`${dir}/lint.ts`);
    expect(bad.output).toContain('lint/suspicious/noDebugger');
    expect(bad.status).not.toBe(0);
    write(`${dir}/lint.ts`, 'export function f(x: number): number {\n  return x;\n}\n');
    const good = biomeLint(`${dir}/lint.ts`);
    expect(good.output).not.toContain('lint/suspicious/noDebugger');
    expect(good.status).toBe(0);
  });
});
