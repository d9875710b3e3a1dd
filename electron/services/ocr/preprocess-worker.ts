// Worker-thread entry of the OCR pool's preprocessing (engine.ts spawns one per OCR slot).
// Receives { id, input, options }, answers { id, ok: true, page } with the PGM buffer
// transferred, or { id, ok: false, error } with the error's name, problem and message.
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { OcrInputError } from './errors';
import { type PreprocessOptions, preparePage } from './preprocess';

export interface PreprocessRequest {
  id: number;
  input: Uint8Array;
  options?: PreprocessOptions;
}

if (!parentPort) throw new Error('preprocess-worker must run in a worker thread');
// Pages are seen once: libvips' operation cache (process-wide) would only hold memory.
sharp.cache(false);
const port = parentPort;

port.on('message', async (msg: PreprocessRequest) => {
  try {
    const page = await preparePage(Buffer.from(msg.input.buffer, msg.input.byteOffset, msg.input.byteLength), msg.options);
    // Copy into a standalone ArrayBuffer so it can be transferred (PGM header + pixels).
    const image = new Uint8Array(page.image);
    port.postMessage({ id: msg.id, ok: true, page: { ...page, image } }, [image.buffer]);
  } catch (e) {
    const err = e as Error;
    port.postMessage({
      id: msg.id,
      ok: false,
      error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), problem: e instanceof OcrInputError ? e.problem : undefined },
    });
  }
});
