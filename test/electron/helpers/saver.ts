// Child process for the concurrency and durability tests: opens the app's services on a
// shared data folder and saves dossiers one by one, printing `SAVED <id> <code>` on stdout
// only after each save has returned (committed). Usage:
//   node --import tsx saver.ts <dataDir> <count> <receivedAtMs>
import fs from 'node:fs';
import { dispatch } from '../../../electron/ipc/dispatch';
import { openAppServices } from '../../../electron/services/app';
import { receiveInput } from './services';

const [dataDir, countArg, atArg] = process.argv.slice(2);
const count = Number(countArg);
const receivedAt = Number(atArg);
const services = openAppServices({ dataDir, check: 'header' });
fs.writeSync(1, 'READY\n');
for (let i = 0; i < count; i++) {
  const r = await dispatch(services.handlers, 'dossiers.receive', receiveInput({ receivedAt: receivedAt + i }));
  if (!r.ok) {
    fs.writeSync(2, `FAILED ${JSON.stringify(r.error)}\n`);
    process.exit(1);
  }
  const d = r.value as { id: string; code: string };
  fs.writeSync(1, `SAVED ${d.id} ${d.code}\n`);
}
services.close();
