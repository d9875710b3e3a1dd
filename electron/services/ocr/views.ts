// The page views the clerk opens, rendered off the main thread: "Bản gốc" turned upright and
// levelled (makeDisplayView, ~185 CPU-ms) and "Bản làm sạch" (makeCleanedView, ~270 CPU-ms,
// whose pixel loops held the calling thread 30–70 ms a page). Both run in a worker thread
// (preprocess-worker.ts, its 'view' message), so the main process's event loop, which serves
// every UI call, keeps ticking. One thread of its own (not the OCR pool's, which may be busy
// with a queue of pages), started on first use, not keeping the process alive while idle and
// stopped after a minute without work. The last renders are kept, keyed by the original's
// hash (a blob never changes under its hash), the view and the turn, so flipping between
// pages does not render again; a failed render is not kept.
import type { Worker } from 'node:worker_threads';
import { errorFromWorker, type WorkerError } from './errors';
import type { ViewRequest } from './preprocess-worker';
import { startModuleWorker } from '../workerThread';

export type ViewKind = ViewRequest['view'];
export interface RenderedView {
  mime: string;
  data: Buffer;
}

/** Renders kept: a few pages each side of the one on screen, in both views (~0.3–1.5 MB each). */
const CACHE_SIZE = 8;
const IDLE_MS = 60_000;

interface ViewThread {
  worker: Worker;
  calls: Map<number, { resolve: (v: RenderedView) => void; reject: (e: unknown) => void }>;
  idle?: NodeJS.Timeout;
}

let thread: ViewThread | null = null;
let nextId = 1;
const cache = new Map<string, Promise<RenderedView>>();

function viewThread(): ViewThread {
  if (thread) return thread;
  const t: ViewThread = { worker: startModuleWorker('preprocess-worker', import.meta.url), calls: new Map() };
  const fail = (err: unknown) => {
    for (const c of t.calls.values()) c.reject(err);
    t.calls.clear();
  };
  t.worker.on('message', (msg: { id: number; ok: boolean; view?: { mime: string; data: Uint8Array }; error?: WorkerError }) => {
    const call = t.calls.get(msg.id);
    if (!call) return;
    t.calls.delete(msg.id);
    if (t.calls.size === 0) {
      t.worker.unref();
      t.idle = setTimeout(() => {
        if (thread === t) thread = null;
        void t.worker.terminate();
      }, IDLE_MS).unref();
    }
    if (msg.ok && msg.view) call.resolve({ mime: msg.view.mime, data: Buffer.from(msg.view.data.buffer, msg.view.data.byteOffset, msg.view.data.byteLength) });
    else call.reject(errorFromWorker(msg.error ?? { name: 'Error', message: 'page view failed' }));
  });
  // A thread that dies fails its pending views; the next view starts a new one.
  t.worker.on('error', fail);
  t.worker.on('exit', (code) => {
    if (thread === t) thread = null;
    fail(new Error(`page view worker stopped (exit code ${code})`));
  });
  return (thread = t);
}

function render(input: Buffer, view: ViewKind, turnDeg: number): Promise<RenderedView> {
  const t = viewThread();
  clearTimeout(t.idle);
  t.worker.ref();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    t.calls.set(id, { resolve, reject });
    // Structured clone copies the input: the caller's buffer is never touched.
    t.worker.postMessage({ id, kind: 'view', input, view, turnDeg } satisfies ViewRequest);
  });
}

/** The view of the original stored under `sha256`, turned by `turnDeg`; `read` loads the original only when it is not kept. */
export function pageView(sha256: string, view: ViewKind, turnDeg: number, read: () => Buffer): Promise<RenderedView> {
  const key = `${sha256}/${view}/${turnDeg}`;
  let p = cache.get(key);
  if (p)
    cache.delete(key); // re-inserted below: the most recent last
  else {
    p = render(read(), view, turnDeg);
    const mine = p;
    p.catch(() => {
      if (cache.get(key) === mine) cache.delete(key);
    });
  }
  cache.set(key, p);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return p;
}
