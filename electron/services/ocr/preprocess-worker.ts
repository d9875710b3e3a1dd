// Worker-thread entry of the OCR pool's preprocessing (engine.ts spawns one per OCR slot) and
// of the page views the clerk opens (views.ts starts one of its own).
// Receives { id, input, options } → { id, ok: true, page } with the PGM buffer transferred;
// { id, kind: 'view', input, view, turnDeg } → { id, ok: true, view: { mime, data } } with the
// image transferred; on failure { id, ok: false, error } (name, problem and message).
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { errorForWorker } from './errors';
import { makeCleanedView, makeDisplayView, type PreprocessOptions, preparePage } from './preprocess';

export interface PreprocessRequest {
  id: number;
  kind?: 'prepare';
  input: Uint8Array;
  options?: PreprocessOptions;
}

export interface ViewRequest {
  id: number;
  kind: 'view';
  input: Uint8Array;
  view: 'display' | 'cleaned';
  turnDeg: number;
}

if (!parentPort) throw new Error('preprocess-worker must run in a worker thread');
// Pages are seen once: libvips' operation cache (process-wide) would only hold memory.
sharp.cache(false);
const port = parentPort;

port.on('message', async (msg: PreprocessRequest | ViewRequest) => {
  try {
    const input = Buffer.from(msg.input.buffer, msg.input.byteOffset, msg.input.byteLength);
    if (msg.kind === 'view') {
      const v = await (msg.view === 'cleaned' ? makeCleanedView(input, msg.turnDeg) : makeDisplayView(input, msg.turnDeg));
      const data = new Uint8Array(v.data);
      port.postMessage({ id: msg.id, ok: true, view: { mime: v.mime, data } }, [data.buffer]);
      return;
    }
    const page = await preparePage(input, msg.options);
    // Copy into a standalone ArrayBuffer so it can be transferred (PGM header + pixels).
    const image = new Uint8Array(page.image);
    port.postMessage({ id: msg.id, ok: true, page: { ...page, image } }, [image.buffer]);
  } catch (e) {
    port.postMessage({ id: msg.id, ok: false, error: errorForWorker(e) });
  }
});
