// The layering rule (STYLE.md): shared/ is pure (no Node, no DOM-only or Electron code,
// nothing from electron/ or renderer/); renderer/ reaches the main process only through
// the contract (no electron/, no Node); electron/ never imports renderer/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rules = [
  { dir: 'shared', forbid: [/^node:/, /^electron$/, /^(fs|path|os|crypto|child_process|http|https|url|worker_threads)$/, /^better-sqlite3$/, /^react/, /^dexie$/, /(^|\/)electron\//, /(^|\/)renderer\//] },
  { dir: 'renderer/src', forbid: [/^node:/, /^electron$/, /^(fs|path|os|crypto|child_process|http|https|worker_threads)$/, /^better-sqlite3$/, /(^|\.\.\/)electron\//] },
  { dir: 'electron', forbid: [/(^|\.\.\/)renderer\//, /^react/, /^dexie$/] },
];

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|tsx|mts)$/.test(name)) yield p;
  }
}

const importRe = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const problems = [];
for (const rule of rules) {
  for (const file of files(path.join(root, rule.dir))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(importRe)) {
      const spec = m[1] ?? m[2] ?? m[3];
      if (rule.forbid.some((re) => re.test(spec))) problems.push(`${path.relative(root, file)}: không được import '${spec}' (${rule.dir}/)`);
    }
  }
}
if (problems.length) {
  console.error('Vi phạm quy tắc phân lớp:\n' + problems.map((p) => '  ' + p).join('\n'));
  process.exit(1);
}
console.error('layers: ok');
