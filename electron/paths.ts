// Where the app keeps its data, shared by the Electron app, the CLI and the browser
// mode so that all three work on the same folder. Matches Electron's userData path
// for this app name on each platform (main.ts pins userData to it).
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

export const APP_DIR_NAME = 'motcua-xa';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MOTCUA_DATA_DIR) return path.resolve(env.MOTCUA_DATA_DIR);
  if (process.platform === 'win32') {
    return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (process.platform === 'darwin') {
    return path.join(os.homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  }
  return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), APP_DIR_NAME);
}

export function appVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
