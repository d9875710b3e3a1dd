// Before the tests: the system programs they use must be there (Debian packages). Missing
// ones are installed with apt-get when this process may (root, or sudo without a password);
// otherwise it stops at once and names the exact command to run (issue 13 §9). `.ci/run`
// relies on this too: the README's test command is the whole set-up.
// Seams for test/cli/checkSystem.test.ts: CHECK_SYSTEM_DRY_RUN=1 prints the commands instead of
// running them; CHECK_SYSTEM_NO_PRIVILEGE=1 behaves as an account without root or sudo.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const needs = [
  { path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium', why: 'kiểm thử đầu-cuối giao diện' },
  { path: process.env.PDFTOTEXT_PATH ?? '/usr/bin/pdftotext', pkg: 'poppler-utils', why: 'kiểm tra nội dung các phiếu PDF' },
  { path: process.env.SCANIMAGE_PATH ?? '/usr/bin/scanimage', pkg: 'sane-utils', why: 'kiểm thử quét qua máy quét thử nghiệm của SANE' },
];
const missingNow = () => needs.filter((n) => !existsSync(n.path));
let missing = missingNow();
if (!missing.length) process.exit(0);

const pkgs = missing.map((m) => m.pkg);
const command = `sudo apt-get install -y ${pkgs.join(' ')}`;
console.error('Thiếu chương trình hệ thống cho bộ kiểm thử:');
for (const m of missing) console.error(`  ${m.path} (gói ${m.pkg}) — ${m.why}`);

const dry = process.env.CHECK_SYSTEM_DRY_RUN === '1';
const noPrivilege = process.env.CHECK_SYSTEM_NO_PRIVILEGE === '1';
const hasApt = existsSync('/usr/bin/apt-get');
const isRoot = !noPrivilege && process.getuid?.() === 0;
const sudoOk = !noPrivilege && !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!hasApt || !(isRoot || sudoOk)) {
  console.error(`\nChạy lệnh sau (cần quyền quản trị) rồi chạy lại \`npm test\`:\n  ${command}`);
  process.exit(1);
}

const prefix = isRoot ? [] : ['sudo', '-n'];
const steps = [
  [...prefix, 'apt-get', 'update', '-qq'],
  [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', ...pkgs],
];
console.error(`\nĐang cài bằng apt-get: ${pkgs.join(' ')}`);
for (const step of steps) {
  console.error(`  $ ${step.join(' ')}`);
  if (dry) continue;
  const r = spawnSync(step[0], step.slice(1), { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nCài không được (mã ${r.status ?? r.signal}). Chạy tay rồi chạy lại \`npm test\`:\n  ${command}`);
    process.exit(1);
  }
}
if (dry) process.exit(0);
missing = missingNow();
if (missing.length) {
  console.error(`\nĐã cài nhưng vẫn thiếu: ${missing.map((m) => m.path).join(', ')}. Chạy tay rồi chạy lại \`npm test\`:\n  ${command}`);
  process.exit(1);
}
