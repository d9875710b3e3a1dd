// Worker-thread entry of the background page import (importJob.ts starts one per import).
// Rasterising a PDF page with pdfjs blocks its thread for ~0.6–1 s and writing a 300 dpi
// page's blobs (temp file, fsync, rename) ~30–50 ms, so both happen here and never on the
// main thread, which serves the UI; the main thread only inserts the rows.
//
// Protocol (one import per worker):
//   in:  { type: 'start', dataDir, files: { data: Uint8Array, fileName: string }[] }
//        { type: 'ack' }                         the page's rows are in; the worker may send another
//   out: { type: 'opened', counts: number[] }    every file checked, its page count
//        { type: 'page', page, created }         one page whose blobs are on disk (created: the new ones)
//        { type: 'failed', message, created }    created: blobs written for a page whose write failed
//        { type: 'done' }
// At most AHEAD pages wait for their ack, so the memory stays bounded whatever the file size.
import { parentPort } from 'node:worker_threads';
import sharp from 'sharp';
import { AppError } from '../errors';
import { openFile, type OpenedFile, type PageFileMeta, type PreparedPageFile } from './inputs';
import { PAGE_MESSAGES as M } from './messages';
import { diskWriteError, PageStore, writePageBlobs, type BlobRef } from './pageStore';

export interface ImportWorkerFile {
  data: Uint8Array;
  fileName: string;
}

export type ImportWorkerMessage =
  | { type: 'opened'; counts: number[] }
  | { type: 'page'; page: PageFileMeta; created: BlobRef[] }
  | { type: 'failed'; message: string; created: BlobRef[] }
  | { type: 'done' };

const AHEAD = 2;

if (!parentPort) throw new Error('import-worker must run in a worker thread');
sharp.cache(false);
const port = parentPort;
let credits = AHEAD;
let wake: (() => void) | null = null;

function post(msg: ImportWorkerMessage) {
  port.postMessage(msg);
}

async function run(dataDir: string, files: ImportWorkerFile[]) {
  const store = new PageStore(dataDir);
  const opened: OpenedFile[] = [];
  try {
    for (const f of files) opened.push(await openFile({ data: Buffer.from(f.data.buffer, f.data.byteOffset, f.data.byteLength), fileName: f.fileName }));
  } catch (e) {
    post({ type: 'failed', message: messageOf(e), created: [] });
    return;
  }
  post({ type: 'opened', counts: opened.map((o) => o.pageCount) });
  for (const file of opened) {
    for (let n = 1; n <= file.pageCount; n++) {
      while (credits === 0) await new Promise<void>((r) => (wake = r));
      let prepared: PreparedPageFile;
      try {
        prepared = await file.page(n);
      } catch (e) {
        post({ type: 'failed', message: messageOf(e), created: [] });
        return;
      }
      const created: BlobRef[] = [];
      let page: PageFileMeta;
      try {
        [page] = writePageBlobs(store, [prepared], created);
      } catch (e) {
        post({ type: 'failed', message: diskWriteError(e).message, created });
        return;
      }
      credits--;
      post({ type: 'page', page, created });
    }
    await file.close();
  }
  post({ type: 'done' });
}

function messageOf(e: unknown): string {
  return e instanceof AppError ? e.message : M.corrupt('');
}

port.on('message', (msg: { type: 'start'; dataDir: string; files: ImportWorkerFile[] } | { type: 'ack' }) => {
  if (msg.type === 'ack') {
    credits++;
    wake?.();
    wake = null;
  } else if (msg.type === 'start') {
    run(msg.dataDir, msg.files).catch((e) => post({ type: 'failed', message: messageOf(e), created: [] }));
  }
});
