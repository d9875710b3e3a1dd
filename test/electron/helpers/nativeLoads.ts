// Prints (one JSON line) every native module (.node) the app's main-process code loads: the
// services opened on a temp folder, and the image and PDF libraries the page pipeline uses.
// test/electron/builderConfig.test.ts checks them against package.json's asarUnpack.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const loaded: string[] = [];
const original = process.dlopen;
process.dlopen = function (module: { exports: unknown }, filename: string, ...rest: unknown[]) {
  loaded.push(filename);
  return (original as (...a: unknown[]) => unknown).call(process, module, filename, ...rest);
} as typeof process.dlopen;

const dir = mkdtempSync(path.join(os.tmpdir(), 'native-loads-'));
const { openAppServices } = await import('../../../electron/services/app');
const services = openAppServices({ dataDir: dir, appVersion: 'test', ocrWorkers: 1 });
await import('sharp');
await import('@napi-rs/canvas');
services.close();
rmSync(dir, { recursive: true, force: true });
process.stdout.write(JSON.stringify(loaded) + '\n');
