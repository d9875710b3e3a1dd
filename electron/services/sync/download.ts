// Files of pages attached at the unit's other PCs (PROTOCOL.md §5 "Download"). A pulled
// dossier.file_attached leaves a page row without its file and a sync_downloads row
// (pages/fromSync.ts); after each pull the engine fetches those files here, a few at a time.
// Bytes go to dataDir/sync-downloads/<sha256>.part as they arrive, so a cut, or a restart of
// the app, resumes from what is already here (HTTP Range). The whole file's SHA-256 is checked
// before it enters the page store (atomic, pages/pageStore.ts): a wrong or damaged file is
// thrown away and fetched again at the next sync, never shown.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import type { PagesContext } from '../pages/index';
import { storeDownloadedPage } from '../pages/fromSync';
import { SyncError, type DownloadStats, type SyncClient } from './client';
import { checkedSha256 } from './pulledCheck';

export const DOWNLOAD_MISMATCH = 'Tệp tải về không khớp mã kiểm tra (SHA-256) nên đã bị bỏ; sẽ tải lại ở lần đồng bộ sau.';

export interface DownloadOptions {
  pages: PagesContext;
  client: SyncClient;
  /** Files fetched at once (default 2: the link stays busy across round trips, the PC stays responsive). */
  concurrency?: number;
  isClosed?: () => boolean;
  onFile?: (done: number, total: number) => void;
}

export interface DownloadReport {
  done: number;
  failed: number;
  bytes: number;
  /** Per file fetched over the network (tests: resume points). */
  files: DownloadStats[];
}

interface Pending {
  sha256: string;
  size: number;
  mime: string;
}

class Mismatch extends Error {}

/** Where a download in progress is kept (the page store's file system, so the data is close). */
export function partialPath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'sync-downloads', `${checkedSha256(sha256)}.part`);
}

const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Fetches every queued file. A file's own problem (not at the hub yet, not an image, a
 * mismatch) stays on its row, shown with its pages, and the others go on; a problem of the link
 * or of the device's rights stops the rest and is thrown after the files in flight end.
 */
export async function downloadPending(o: DownloadOptions): Promise<DownloadReport> {
  const { db } = o.pages;
  const files = db.prepare(`SELECT sha256, size, mime FROM sync_downloads WHERE state = 'queued' ORDER BY created_at, sha256`).all() as Pending[];
  const report: DownloadReport = { done: 0, failed: 0, bytes: 0, files: [] };
  const note = db.prepare(`UPDATE sync_downloads SET state = ?, last_error = ?, attempts = attempts + 1 WHERE sha256 = ? AND state = 'queued'`);
  let next = 0;
  let stop: unknown = null;
  const worker = async () => {
    while (next < files.length && !stop && !o.isClosed?.()) {
      const f = files[next++];
      try {
        const stats = await fetchOne(o, f);
        if (stats) {
          report.files.push(stats);
          report.bytes += stats.bytesReceived;
        }
        report.done++;
        o.onFile?.(report.done, files.length);
      } catch (e) {
        if (o.isClosed?.()) return;
        const msg = e instanceof Mismatch ? DOWNLOAD_MISMATCH : (e as Error).message;
        // Never becomes readable: an image that does not decode, a file refused to this unit.
        const permanent = (e instanceof AppError && e.code === 'invalid') || (e instanceof SyncError && !e.retryable && e.status >= 400 && e.status !== 401 && e.status !== 404);
        note.run(permanent ? 'failed' : 'queued', msg, f.sha256);
        if (permanent) report.failed++;
        // The link, the device's rights or the disk: the other files would fail the same way.
        else if (!(e instanceof Mismatch) && !(e instanceof SyncError && e.status === 404)) stop = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency ?? 2, files.length) }, worker));
  if (stop) throw stop;
  return report;
}

/** One file: from the page store if it is already there (the same content attached here), else the hub. */
async function fetchOne(o: DownloadOptions, f: Pending): Promise<DownloadStats | null> {
  const { store, dataDir } = o.pages;
  if (store.has(f.sha256, f.mime)) {
    const data = store.read(f.sha256, f.mime);
    if (sha256Of(data) === f.sha256) {
      await storeDownloadedPage(o.pages, f, data);
      return null;
    }
  }
  const part = partialPath(dataDir, f.sha256);
  await fs.promises.mkdir(path.dirname(part), { recursive: true });
  const held = await fs.promises.stat(part).then(
    (s) => s.size,
    () => -1,
  );
  const fh = await fs.promises.open(part, held >= 0 ? 'r+' : 'w+');
  let stats: DownloadStats;
  try {
    stats = await o.client.downloadFile(f.sha256, f.size, held > f.size ? 0 : Math.max(0, held), async (piece, position) => {
      await fh.write(piece, 0, piece.length, position);
    });
    await fh.truncate(f.size);
    await fh.datasync();
  } finally {
    await fh.close();
  }
  const data = await fs.promises.readFile(part);
  if (sha256Of(data) !== f.sha256) {
    await fs.promises.rm(part, { force: true });
    throw new Mismatch();
  }
  try {
    await storeDownloadedPage(o.pages, f, data);
  } catch (e) {
    // Kept for the next try only when the page store could not take it (a full disk).
    if (!(e instanceof AppError && e.code === 'unavailable')) await fs.promises.rm(part, { force: true });
    throw e;
  }
  await fs.promises.rm(part, { force: true });
  return stats;
}
