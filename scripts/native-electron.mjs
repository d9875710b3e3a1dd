// Builds better-sqlite3 for Electron's ABI into build/native-electron/, leaving the Node
// build in node_modules (the one the tests and the CLI use) untouched. The main process
// passes this file to better-sqlite3 as `nativeBinding`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = path.join(root, 'build', 'native-electron');
const out = path.join(outDir, 'better_sqlite3.node');

let electronVersion;
try {
  electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
} catch {
  console.error('Chưa cài Electron (npm ci). Trên máy không tải được Electron, dùng: npm run start:browser');
  process.exit(1);
}
const stamp = path.join(outDir, 'electron-version.txt');
if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) process.exit(0);

const src = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = mkdtempSync(path.join(os.tmpdir(), 'bsql-electron-'));
try {
  cpSync(src, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  execFileSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], {
    cwd: work,
    stdio: 'inherit',
  });
  mkdirSync(outDir, { recursive: true });
  copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), out);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(stamp, electronVersion);
  console.error(`better-sqlite3 cho Electron ${electronVersion}: ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
