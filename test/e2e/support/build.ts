// Makes sure dist/renderer holds a build of the current renderer sources. `npm test`
// builds before vitest; this covers running one e2e file directly. A lock directory
// keeps parallel test workers from building at the same time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const STATIC_DIR = path.join(ROOT, 'dist', 'renderer');
const INDEX = path.join(STATIC_DIR, 'index.html');
const LOCK = path.join(ROOT, 'dist', '.renderer-build.lock');

function newestMtime(p: string): number {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const e of fs.readdirSync(p)) {
    if (e === 'node_modules' || e.startsWith('.')) continue;
    max = Math.max(max, newestMtime(path.join(p, e)));
  }
  return max;
}

function isStale(): boolean {
  if (!fs.existsSync(INDEX)) return true;
  const built = fs.statSync(INDEX).mtimeMs;
  const sources = Math.max(newestMtime(path.join(ROOT, 'renderer')), newestMtime(path.join(ROOT, 'shared')), newestMtime(path.join(ROOT, 'vite.config.ts')));
  return sources > built;
}

export async function ensureRendererBuilt(): Promise<string> {
  if (!isStale()) return STATIC_DIR;
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch {
      // Someone else is building; a lock older than 2 minutes is a leftover.
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        /* gone meanwhile */
      }
      if (Date.now() > deadline) throw new Error('Timed out waiting for another renderer build');
      await new Promise((r) => setTimeout(r, 500));
      if (!isStale()) return STATIC_DIR;
    }
  }
  try {
    if (isStale()) {
      execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    }
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
  return STATIC_DIR;
}
