// Starts a worker thread from a module next to the caller. Built app: the bundled
// `<name>.mjs` beside main.mjs (scripts/build.mjs emits one per worker). From source (tsx,
// vitest: the caller is a .ts file): Node cannot load TypeScript in a worker and ignores
// `--import` there, so a tiny eval'd bootstrap registers tsx's loader inside the thread
// first, then imports the .ts entry. Used by the OCR pool and the background page import.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** `name` without extension, resolved beside `callerUrl` (the caller's import.meta.url). */
export function startModuleWorker(name: string, callerUrl: string, override?: URL): Worker {
  if (override) return new Worker(override);
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.mjs`, callerUrl));
  const entry = new URL(`./${name}.ts`, callerUrl).href;
  const tsxApi = pathToFileURL(path.join(path.dirname(require.resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const boot = `(async () => {
    const { register } = await import(${JSON.stringify(tsxApi)});
    register();
    await import(${JSON.stringify(entry)});
  })().catch((e) => { setImmediate(() => { throw e; }); });`;
  return new Worker(boot, { eval: true });
}
