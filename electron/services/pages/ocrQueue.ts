// The persisted OCR queue. Jobs live in the ocr_jobs table (migration 2) and are taken in
// id order by a fixed pool (2 slots on the 2-core counter PCs: ocr/engine.ts). Nobody
// waits on it: addPages returns as soon as the rows are committed; the UI polls
// `ocr.status`. Restart-safe: on open, 'running' rows (their process is gone) go back to
// 'queued' and the queue resumes. Cancellable per page or per dossier: a queued page is
// dropped; a page inside tesseract finishes in the background and its result is discarded
// (the row is 'cancelled' and the guarded UPDATE below does not match any more).
//
// Word boxes are stored in the page's upright (EXIF-oriented) pixels, mapped back from the
// prepared page the engine read (its own turn, skew correction, upscale, crop): the
// searchable PDF places its invisible text there.
import type { Db } from '../db/database';
import { scheduleIdleMaintenance } from '../db/database';
import type { OcrResult, OcrPool } from '../ocr/engine';
import { OcrCancelledError, OcrInputError } from '../ocr/errors';
import type { OcrPageStatus, OcrState, OcrStatus, OcrWordInfo } from '../../../shared/ipc/pages';
import type { PageStore } from './pageStore';
import { indexPageText } from './search';
import { PAGE_MESSAGES as M } from './messages';

/** What the queue needs from an OCR engine (the real pool, or a fake in tests). */
export type OcrEngine = Pick<OcrPool, 'recognize' | 'terminate'>;

export interface OcrQueueOptions {
  db: Db;
  store: PageStore;
  now: () => number;
  /** Pool slots (default 2). */
  size?: number;
  /** Makes the engine on first use (default: ocr/engine createOcrPool). */
  createEngine?: (size: number) => Promise<OcrEngine>;
  /** Attempts before a page is marked failed (errors other than unreadable input). */
  maxAttempts?: number;
  /** Told when a page's text is stored (the push channel, services/changes.ts). */
  changes?: import('../changes').Changes;
}

interface Running {
  jobId: number;
  pageId: number;
  dossierId: number;
  startedAt: number;
  abort: AbortController;
}

export interface OcrQueueStats {
  pagesDone: number;
  totalMs: number;
}

export class OcrQueue {
  private readonly db: Db;
  private readonly size: number;
  private readonly maxAttempts: number;
  private engine: Promise<OcrEngine> | undefined;
  private readonly running = new Map<number, Running>();
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private pumping = false;
  /** Measured average time per page (progress estimate). */
  private avgMs = 6000;
  readonly stats: OcrQueueStats = { pagesDone: 0, totalMs: 0 };

  constructor(private readonly opts: OcrQueueOptions) {
    this.db = opts.db;
    this.size = Math.max(1, opts.size ?? 2);
    this.maxAttempts = opts.maxAttempts ?? 3;
  }

  /** After a restart: pages that were being read go back to the queue; then start. */
  resume(): void {
    this.db.prepare(`UPDATE ocr_jobs SET state = 'queued', started_at = NULL WHERE state = 'running'`).run();
    this.kick();
  }

  /** Something was queued: start as many jobs as free slots allow. */
  kick(): void {
    if (this.closed) return;
    queueMicrotask(() => this.pump());
  }

  private claim(): Running | null {
    return this.db
      .transaction(() => {
        const job = this.db
          .prepare(
            `SELECT j.id, j.page_id AS pageId, j.dossier_id AS dossierId FROM ocr_jobs j
             WHERE j.state = 'queued' ORDER BY j.id LIMIT 1`,
          )
          .get() as { id: number; pageId: number; dossierId: number } | undefined;
        if (!job) return null;
        const now = this.opts.now();
        this.db.prepare(`UPDATE ocr_jobs SET state = 'running', attempts = attempts + 1, started_at = ?, error = NULL WHERE id = ?`).run(now, job.id);
        return { jobId: job.id, pageId: job.pageId, dossierId: job.dossierId, startedAt: Date.now(), abort: new AbortController() };
      })
      .immediate();
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.db.open && this.running.size < this.size) {
        const job = this.claim();
        if (!job) break;
        this.running.set(job.jobId, job);
        void this.run(job).finally(() => {
          // A retried job may already run again under the same id: remove only this run.
          if (this.running.get(job.jobId) === job) this.running.delete(job.jobId);
          if (!this.closed) this.pump();
          this.checkIdle();
        });
      }
    } finally {
      this.pumping = false;
    }
    this.checkIdle();
  }

  private checkIdle(): void {
    if (this.running.size > 0) return;
    const queued = this.closed || !this.db.open ? 0 : (this.db.prepare(`SELECT count(*) FROM ocr_jobs WHERE state = 'queued'`).pluck().get() as number);
    if (queued > 0 && !this.closed) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when nothing is queued or running (tests, CLI). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  private getEngine(): Promise<OcrEngine> {
    this.engine ??= (this.opts.createEngine ?? defaultEngine)(this.size);
    return this.engine;
  }

  private async run(job: Running): Promise<void> {
    const page = this.db
      .prepare(
        // The clerk's own turn (the measured one with the clerk's on top) is given to the
        // engine and wins. Without one the engine decides the turn itself, with its checks
        // (ocr/turn.ts: OSD and reading the candidate turns when the cues are weak or the page
        // reads badly); the import's measurement is the same cues, so it is not passed.
        `SELECT sha256, mime, width, height, deleted_at AS deletedAt, rotation, coalesce(auto_rotation, 0) AS autoRotation,
           CASE WHEN rotation = 0 THEN NULL ELSE (coalesce(auto_rotation, 0) + rotation) % 360 END AS knownRotation
         FROM pages WHERE id = ?`,
      )
      .get(job.pageId) as
      | { sha256: string; mime: string; width: number; height: number; deletedAt: number | null; rotation: number; autoRotation: number; knownRotation: 0 | 90 | 180 | 270 | null }
      | undefined;
    try {
      if (!page || page.deletedAt !== null) throw new OcrCancelledError();
      const data = this.opts.store.read(page.sha256, page.mime);
      const engine = await this.getEngine();
      const t0 = Date.now();
      const r = await engine.recognize(data, { signal: job.abort.signal, preprocess: { knownRotationDeg: page.knownRotation } });
      const ms = Date.now() - t0;
      this.stats.pagesDone++;
      this.stats.totalMs += ms;
      this.avgMs = this.avgMs * 0.7 + ms * 0.3;
      this.finish(job, page, r);
    } catch (e) {
      if (this.closed || !this.db.open) return; // left 'running': re-queued on the next open
      if (e instanceof OcrCancelledError || job.abort.signal.aborted) {
        this.db.prepare(`UPDATE ocr_jobs SET state = 'cancelled', finished_at = ? WHERE id = ? AND state = 'running'`).run(this.opts.now(), job.jobId);
        return;
      }
      const permanent = e instanceof OcrInputError;
      const attempts = this.db.prepare('SELECT attempts FROM ocr_jobs WHERE id = ?').pluck().get(job.jobId) as number | undefined;
      const retry = !permanent && (attempts ?? 0) < this.maxAttempts;
      const message = e instanceof OcrInputError ? e.message : M.ocrFailed((e as Error)?.message ?? String(e));
      this.db
        .prepare(`UPDATE ocr_jobs SET state = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'running'`)
        .run(retry ? 'queued' : 'failed', message, retry ? null : this.opts.now(), job.jobId);
    }
  }

  private finish(job: Running, page: { width: number; height: number; rotation: number; autoRotation: number }, r: OcrResult): void {
    if (this.closed || !this.db.open) return;
    const words = r.words.map((w) => ({ text: w.text, confidence: Math.round(w.confidence * 10) / 10, bbox: mapBox(w.bbox, r.page, page.width, page.height) }));
    const now = this.opts.now();
    this.db
      .transaction(() => {
        // Guard: the job may have been cancelled (or the page re-queued) meanwhile.
        const ok = this.db.prepare(`UPDATE ocr_jobs SET state = 'done', error = NULL, finished_at = ? WHERE id = ? AND state = 'running'`).run(now, job.jobId);
        if (ok.changes === 0) return;
        const unreadable = r.readability.readable ? null : r.readability.reason;
        this.db
          .prepare(
            `INSERT INTO page_text (page_id, source, text, confidence, words, recognised_at, unreadable, turn_basis, turn_tried)
             VALUES (?, 'ocr', ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (page_id) DO UPDATE SET source = 'ocr', text = excluded.text, confidence = excluded.confidence,
               words = excluded.words, recognised_at = excluded.recognised_at, unreadable = excluded.unreadable,
               turn_basis = excluded.turn_basis, turn_tried = excluded.turn_tried`,
          )
          .run(job.pageId, r.text, Math.round(r.confidence * 10) / 10, JSON.stringify(words), now, unreadable, r.turn.basis, r.turn.tried.join(','));
        // The engine, having checked the turn (OSD, reading the candidate turns), found
        // another one than the cues measured at import: the page is shown that way too, as a
        // turn on top of the measured one, unless the clerk has turned it meanwhile (the
        // clerk's turn wins). Display copies made at import stay as they are.
        if ((r.turn.basis === 'osd' || r.turn.basis === 'read') && r.page.rotationDeg !== page.autoRotation) {
          this.db.prepare('UPDATE pages SET rotation = ? WHERE id = ? AND rotation = 0').run((r.page.rotationDeg - page.autoRotation + 360) % 360, job.pageId);
        }
        indexPageText(this.db, job.pageId);
      })
      .immediate();
    scheduleIdleMaintenance(this.db);
    this.opts.changes?.emit({ kind: 'pages' });
  }

  /** Cancels one page's OCR (queued or running). */
  cancelPage(pageId: number): void {
    const now = this.opts.now();
    this.db.prepare(`UPDATE ocr_jobs SET state = 'cancelled', finished_at = ? WHERE page_id = ? AND state IN ('queued', 'running')`).run(now, pageId);
    for (const r of this.running.values()) if (r.pageId === pageId) r.abort.abort();
  }

  /** Cancels every page of a dossier still waiting or being read. */
  cancelDossier(dossierId: number): void {
    const now = this.opts.now();
    this.db.prepare(`UPDATE ocr_jobs SET state = 'cancelled', finished_at = ? WHERE dossier_id = ? AND state IN ('queued', 'running')`).run(now, dossierId);
    for (const r of this.running.values()) if (r.dossierId === dossierId) r.abort.abort();
  }

  /** Re-OCR: the page goes to the back of the queue (a running read of it is abandoned). */
  retry(pageId: number, dossierId: number): void {
    for (const r of this.running.values()) if (r.pageId === pageId) r.abort.abort();
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM ocr_jobs WHERE page_id = ?').run(pageId);
        this.db.prepare(`INSERT INTO ocr_jobs (page_id, dossier_id, state, queued_at) VALUES (?, ?, 'queued', ?)`).run(pageId, dossierId, this.opts.now());
      })
      .immediate();
    this.kick();
  }

  status(dossierId: number): OcrStatus {
    const counts: Record<OcrState, number> = { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
    const rows = this.db
      .prepare(
        `SELECT j.page_id AS pageId, j.state, j.attempts, j.error FROM ocr_jobs j JOIN pages p ON p.id = j.page_id
         WHERE j.dossier_id = ? AND p.deleted_at IS NULL ORDER BY p.component_id, p.position`,
      )
      .all(dossierId) as { pageId: number; state: OcrState; attempts: number; error: string | null }[];
    const nowMs = Date.now();
    const pages: OcrPageStatus[] = rows.map((r) => {
      counts[r.state]++;
      let progress = r.state === 'done' ? 1 : 0;
      if (r.state === 'running') {
        const run = [...this.running.values()].find((x) => x.pageId === r.pageId);
        progress = run ? Math.min(0.95, 0.05 + (nowMs - run.startedAt) / this.avgMs) : 0.05;
      }
      return { pageId: String(r.pageId), state: r.state, progress: Math.round(progress * 100) / 100, attempts: r.attempts, error: r.error };
    });
    const q = this.db.prepare(`SELECT state, count(*) AS n FROM ocr_jobs WHERE state IN ('queued', 'running') GROUP BY state`).all() as { state: OcrState; n: number }[];
    return {
      counts,
      queue: { queued: q.find((x) => x.state === 'queued')?.n ?? 0, running: q.find((x) => x.state === 'running')?.n ?? 0 },
      pages,
    };
  }

  /** Stops taking jobs and ends the workers; pages being read stay 'running' in the file and are re-queued on the next open. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running.values()) r.abort.abort();
    for (const w of this.idleWaiters.splice(0)) w();
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await engine.then((e) => e.terminate()).catch(() => undefined);
  }
}

async function defaultEngine(size: number): Promise<OcrEngine> {
  const { createOcrPool } = await import('../ocr/engine');
  return createOcrPool({ size });
}

/**
 * A word box from the prepared page (upright, maybe levelled, maybe upscaled) back to the
 * page's upright pixels (W × H): undo the upscale, then the turn about the canvas centre
 * (sharp's rotate enlarges the canvas to hold the turned page).
 */
export function mapBox(b: OcrWordInfo['bbox'], page: OcrResult['page'], W: number, H: number): OcrWordInfo['bbox'] {
  const s = page.scale || 1;
  const theta = ((page.rotationDeg + (page.skewCorrected ? page.skewDeg : 0)) * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const Wp = Math.abs(W * cos) + Math.abs(H * sin);
  const Hp = Math.abs(W * sin) + Math.abs(H * cos);
  const pts = [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x0, b.y1],
    [b.x1, b.y1],
  ].map(([x, y]) => {
    const dx = x / s - Wp / 2;
    const dy = y / s - Hp / 2;
    return [dx * cos + dy * sin + W / 2, -dx * sin + dy * cos + H / 2];
  });
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const r = (v: number) => Math.round(v * 10) / 10;
  return { x0: r(Math.min(...xs)), y0: r(Math.min(...ys)), x1: r(Math.max(...xs)), y1: r(Math.max(...ys)) };
}
