// Background imports of page files (pages.import): the call returns at once with an import
// id; a worker thread (import-worker.ts) checks and counts the files, then makes one page at
// a time and writes its blobs (atomic, content-addressed); here each page's rows are
// inserted (one transaction) as soon as it arrives, so it appears in the component — and is
// queued for OCR — while the rest of a 150-page PDF is still being rasterised. The main
// thread only runs that transaction (~2–10 ms a page).
//
// - One import runs at a time (2-core PCs: the OCR pool already uses both cores); the
//   others wait in order.
// - Cancel keeps the pages already stored (like a scan stopped mid-feed); the clerk can
//   delete them. A page that cannot be read stops the import: the pages before it stay,
//   the message names the page and the reason.
// - Restart-safe as addPages: a crash leaves whole blobs (at worst one no row uses) and
//   whole rows; an import in progress is simply not resumed (its state lives in memory).
import { randomBytes } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { PageImportState } from '../../../shared/ipc/pages';
import { sanitiseFileName } from '../../../shared/ipc/pages';
import { AppError } from '../errors';
import { startModuleWorker } from '../workerThread';
import { insertPageRows, requireComponent, requireDossier, rollbackBlobs, type PagesContext, type PageTarget } from './index';
import { checkFileQuick, type InputFile } from './inputs';
import type { ImportWorkerFile, ImportWorkerMessage } from './import-worker';
import { NOTHING_SAVED, PAGE_MESSAGES as M } from './messages';

export interface ImportRequest extends Omit<PageTarget, 'dpi'> {
  files: InputFile[];
}

interface Job {
  state: PageImportState;
  target: PageTarget;
  files: InputFile[] | null;
  worker: Worker | null;
  onChange?: (s: PageImportState) => void;
  settled: Promise<void>;
  finish: () => void;
}

const KEEP_FINISHED = 50;
const active = (s: PageImportState['state']) => s === 'waiting' || s === 'opening' || s === 'importing';

export class PageImports {
  private readonly jobs = new Map<string, Job>();
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly deps: {
      pages: PagesContext;
      /** The worker (tests may pass their own). */
      spawn?: () => Worker;
    },
  ) {}

  /**
   * Checks the target and what can be checked without decoding (empty, too big, not an
   * image or PDF) — refused at once, nothing stored — then queues the import.
   */
  start(req: ImportRequest, onChange?: (s: PageImportState) => void): PageImportState {
    if (this.closed) throw new AppError('unavailable', M.importClosing);
    requireComponent(this.deps.pages.db, requireDossier(this.deps.pages.db, req.dossierId).id, req.componentId);
    if (!req.files.length) throw new AppError('invalid', M.noFiles);
    const files = req.files.map((f) => ({ ...f, fileName: sanitiseFileName(f.fileName ?? '') }));
    for (const f of files) checkFileQuick(f);
    const now = this.deps.pages.now();
    const importId = `imp-${now.toString(36)}-${randomBytes(4).toString('hex')}`;
    let finish = () => {};
    const settled = new Promise<void>((r) => (finish = r));
    const job: Job = {
      state: {
        importId,
        dossierId: String(req.dossierId),
        componentId: req.componentId,
        state: 'waiting',
        fileNames: files.map((f) => f.fileName),
        pagesDone: 0,
        pagesTotal: null,
        message: null,
        pageIds: [],
        startedAt: now,
        finishedAt: null,
      },
      target: { dossierId: req.dossierId, componentId: req.componentId, source: req.source, actor: req.actor },
      files,
      worker: null,
      onChange,
      settled,
      finish,
    };
    this.jobs.set(importId, job);
    this.prune();
    this.chain = this.chain.then(() => this.run(job)).catch(() => undefined);
    return this.snapshot(job);
  }

  list(dossierId: string): PageImportState[] {
    return [...this.jobs.values()].filter((j) => j.state.dossierId === dossierId).map((j) => this.snapshot(j));
  }

  get(importId: string): PageImportState {
    return this.snapshot(this.job(importId));
  }

  /** Stops an import; the pages already stored stay in the component. */
  cancel(importId: string): PageImportState {
    const job = this.job(importId);
    if (active(job.state.state)) this.end(job, 'cancelled', M.importCancelled(job.state.pagesDone, job.state.pagesTotal));
    return this.snapshot(job);
  }

  /** Resolves when the import has finished (tests, shutdown). */
  async settled(importId: string): Promise<PageImportState> {
    const job = this.job(importId);
    await job.settled;
    return this.snapshot(job);
  }

  /** Stops every import (app closing): stored pages stay, nothing is half-written. */
  close(): void {
    this.closed = true;
    for (const j of this.jobs.values()) if (active(j.state.state)) this.end(j, 'cancelled', M.importClosed(j.state.pagesDone));
  }

  private job(importId: string): Job {
    const j = this.jobs.get(importId);
    if (!j) throw new AppError('not_found', M.importNotFound);
    return j;
  }

  private snapshot(j: Job): PageImportState {
    return { ...j.state, fileNames: [...j.state.fileNames], pageIds: [...j.state.pageIds] };
  }

  private changed(j: Job) {
    j.onChange?.(this.snapshot(j));
  }

  private end(j: Job, state: 'done' | 'failed' | 'cancelled', message: string | null) {
    if (!active(j.state.state)) return;
    j.state.state = state;
    j.state.message = message;
    j.state.finishedAt = this.deps.pages.now();
    j.files = null;
    void j.worker?.terminate();
    j.worker = null;
    this.changed(j);
    j.finish();
  }

  /** Runs one import to its end (the chain runs them one at a time). */
  private run(j: Job): Promise<void> {
    if (!active(j.state.state) || !j.files) return j.settled;
    j.state.state = 'opening';
    this.changed(j);
    let worker: Worker;
    try {
      worker = this.deps.spawn?.() ?? startModuleWorker('import-worker', import.meta.url);
    } catch {
      this.fail(j, M.importStopped);
      return j.settled;
    }
    j.worker = worker;
    worker.on('message', (msg: ImportWorkerMessage) => {
      if (j.worker !== worker) {
        // Ended (cancelled) meanwhile: the page is dropped, and the blobs written for it.
        if (msg.type === 'page' || msg.type === 'failed') rollbackBlobs(this.deps.pages, msg.created);
        return;
      }
      try {
        this.onMessage(j, msg);
      } catch (e) {
        this.fail(j, e instanceof AppError ? e.message : M.diskWrite((e as Error).message));
      }
    });
    worker.on('error', () => this.fail(j, M.importStopped));
    worker.on('exit', () => {
      if (j.worker === worker) this.fail(j, M.importStopped);
    });
    // Each file's bytes are handed over (transferred: no copy stays on this thread).
    const files: ImportWorkerFile[] = j.files.map((f) => ({ data: new Uint8Array(f.data), fileName: f.fileName ?? '' }));
    j.files = null;
    worker.postMessage(
      { type: 'start', dataDir: this.deps.pages.dataDir, files },
      files.map((f) => f.data.buffer as ArrayBuffer),
    );
    return j.settled;
  }

  private onMessage(j: Job, msg: ImportWorkerMessage) {
    switch (msg.type) {
      case 'opened':
        j.state.state = 'importing';
        j.state.pagesTotal = msg.counts.reduce((a, b) => a + b, 0);
        break;
      case 'page': {
        const [info] = insertPageRows(this.deps.pages, j.target, [msg.page], msg.created);
        j.state.pagesDone++;
        j.state.pageIds.push(info.id);
        j.worker?.postMessage({ type: 'ack' });
        break;
      }
      case 'failed':
        rollbackBlobs(this.deps.pages, msg.created);
        return this.fail(j, msg.message);
      case 'done':
        return this.end(j, 'done', null);
    }
    this.changed(j);
  }

  /** Failure: what went wrong, and what was kept. */
  private fail(j: Job, message: string) {
    const what = message.replace(NOTHING_SAVED, '').trim();
    this.end(j, 'failed', `${what} ${M.importKept(j.state.pagesDone, j.state.pagesTotal ?? j.state.pagesDone)}`);
  }

  private prune() {
    if (this.jobs.size <= KEEP_FINISHED) return;
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= KEEP_FINISHED) break;
      if (!active(j.state.state)) this.jobs.delete(id);
    }
  }
}
