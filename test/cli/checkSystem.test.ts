// Issue 13 §9: `npm test` takes care of the Debian packages its tests need: it installs them
// when it may (root or sudo without a password), and otherwise stops at once naming the exact
// command. Run with the script's seams (dry run, no privilege): nothing is installed here.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const run = (env: Record<string, string>) => {
  const r = spawnSync(process.execPath, ['scripts/check-system.mjs'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, err: r.stderr };
};

describe('check-system', () => {
  it('names the exact command and stops when it may not install', () => {
    const r = run({ CHROMIUM_PATH: '/nonexistent/chromium', SCANIMAGE_PATH: '/nonexistent/scanimage', CHECK_SYSTEM_NO_PRIVILEGE: '1' });
    expect(r.code).toBe(1);
    expect(r.err).toContain('sudo apt-get install -y chromium sane-utils');
    expect(r.err).not.toContain('$ ');
  });

  it('installs with apt-get when it may (dry run: the commands it would run)', () => {
    const r = run({ CHROMIUM_PATH: '/nonexistent/chromium', CHECK_SYSTEM_DRY_RUN: '1' });
    if (process.getuid?.() !== 0 && spawnSync('sudo', ['-n', 'true']).status !== 0) {
      expect(r.code).toBe(1); // neither root nor sudo here: the same stop as above
      return;
    }
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\$ (sudo -n )?apt-get update -qq/);
    expect(r.err).toMatch(/apt-get install -y -qq chromium\n/);
  });

  it('passes silently when everything is there, and .ci/run is the README’s command', () => {
    const ok = run({ CHROMIUM_PATH: process.execPath, PDFTOTEXT_PATH: process.execPath, SCANIMAGE_PATH: process.execPath });
    expect(ok).toEqual({ code: 0, err: '' });
    const ci = readFileSync(path.join(root, '.ci', 'run'), 'utf8');
    expect(ci).toContain('ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci && npm test');
    expect(ci).not.toContain('apt-get install');
  });
});
