// Before the tests: the system programs they use must be there (Debian packages).
import { existsSync } from 'node:fs';

const needs = [
  { path: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', pkg: 'chromium', why: 'kiểm thử đầu-cuối giao diện' },
  { path: '/usr/bin/pdftotext', pkg: 'poppler-utils', why: 'kiểm tra nội dung các phiếu PDF' },
  { path: '/usr/bin/scanimage', pkg: 'sane-utils', why: 'kiểm thử quét qua máy quét thử nghiệm của SANE' },
];
const missing = needs.filter((n) => !existsSync(n.path));
if (missing.length) {
  console.error('Thiếu chương trình hệ thống cho bộ kiểm thử:');
  for (const m of missing) console.error(`  ${m.path} (gói ${m.pkg}) — ${m.why}`);
  console.error(`\nCài bằng: sudo apt-get install -y ${missing.map((m) => m.pkg).join(' ')}`);
  process.exit(1);
}
