// Builds what the app runs: the renderer (Vite) and the Electron main + preload (esbuild).
//   node scripts/build.mjs             everything
//   node scripts/build.mjs --renderer  the renderer only (browser mode, end-to-end tests)
import { build as viteBuild } from 'vite';
import { build as esbuild } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rendererOnly = process.argv.includes('--renderer');

await viteBuild({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });

if (!rendererOnly) {
  // Main process: ESM (Electron ≥ 28), dependencies stay in node_modules (native addons, data files).
  await esbuild({
    entryPoints: [path.join(root, 'electron/main.ts')],
    outfile: path.join(root, 'dist/electron/main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  });
  // Worker threads, each loaded from '<name>.mjs' next to main.mjs (electron/services/workerThread.ts):
  // the OCR preprocessing (ocr/engine.ts) and the background page import (pages/importJob.ts:
  // pdfjs rasterising must not block the main thread).
  for (const [name, entry] of [
    ['preprocess-worker', 'electron/services/ocr/preprocess-worker.ts'],
    ['import-worker', 'electron/services/pages/import-worker.ts'],
  ]) {
    await esbuild({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(root, `dist/electron/${name}.mjs`),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    });
  }
  // Preload: the sandbox allows no require of our files, so one self-contained CommonJS file.
  await esbuild({
    entryPoints: [path.join(root, 'electron/preload.ts')],
    outfile: path.join(root, 'dist/electron/preload.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    logLevel: 'warning',
  });
}
console.error(`build: ${rendererOnly ? 'renderer' : 'renderer + electron'} ok`);
