// Child process of the import kill test: opens the app's services on a data folder and runs
// one background import of a PDF, printing `STORED <n>` after each page's rows are committed.
// OCR jobs stay queued (an engine that never answers), so only the import uses the CPU. Usage:
//   node --import tsx test/pages/import-child.ts <dataDir> <dossierId> <pdfFile>
import fs from 'node:fs';
import { openAppServices } from '../../electron/services/app';
import { PageImports } from '../../electron/services/pages/importJob';

const [dataDir, dossierId, pdfFile] = process.argv.slice(2);
const services = openAppServices({ dataDir, check: 'header', ocrEngine: async () => ({ recognize: () => new Promise(() => {}), terminate: async () => {} }) });
const imports = new PageImports({ pages: services.pages });
let seen = 0;
imports.start({ dossierId, componentId: 'tokhai', files: [{ data: fs.readFileSync(pdfFile), fileName: 'dai.pdf' }], source: 'file', actor: 'A' }, (s) => {
  if (s.pagesDone > seen) fs.writeSync(1, `STORED ${(seen = s.pagesDone)}\n`);
  if (s.state === 'done' || s.state === 'failed') {
    fs.writeSync(1, `END ${s.state}\n`);
    process.exit(0);
  }
});
