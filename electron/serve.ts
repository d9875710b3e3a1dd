// `npm run start:browser`: the app without Electron. Serves the renderer and the
// contract on 127.0.0.1 and prints the address (with its one-time secret) to open in
// Chromium. Same data folder as the Electron app and the CLI.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoopbackServer } from './transport/loopback';
import { appVersion, defaultDataDir } from './paths';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = defaultDataDir();
const port = Number(process.env.MOTCUA_PORT ?? 0);
const server = await startLoopbackServer({
  dataDir,
  staticDir: path.join(here, '..', 'dist', 'renderer'),
  port,
  appVersion: appVersion(),
  // Same as the Electron app: sync starts by itself when the hub becomes reachable.
  autoSync: true,
});
console.log(`Dữ liệu: ${dataDir}`);
console.log(`Mở địa chỉ này trong Chromium (chỉ máy này truy cập được):\n\n  ${server.url}\n`);
console.log('Nhấn Ctrl+C để dừng.');
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
