// Scan jobs: one scan of one device into one dossier component. Each finished page is
// stored at once (addPages, source 'scanner', with the dpi), in order, so a scanner that
// stops mid-feed leaves the pages already scanned in the dossier.
import { randomBytes } from 'node:crypto';
import type { ScanJobState, ScanMode, ScanSource } from '../../../shared/capture/types';
import { AppError } from '../errors';
import type { ScannerDriver } from './driver';
import type { PageSink } from './pageSink';

export interface ScanJobRequest {
  dossierId: string;
  componentId: string;
  device: string;
  resolution: number;
  mode: ScanMode;
  source: ScanSource;
  pages?: number | null;
}

interface Job {
  state: ScanJobState;
  device: string;
  cancel(): void;
  settled: Promise<void>;
}

const KEEP_FINISHED = 100;

export class ScanJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly deps: {
      driver: () => ScannerDriver;
      addPages: PageSink;
      actor: () => string;
      now: () => number;
      /** Throws AppError when the dossier or its component does not exist. */
      checkTarget: (dossierId: string, componentId: string) => void;
    },
  ) {}

  start(req: ScanJobRequest): { jobId: string } {
    this.deps.checkTarget(req.dossierId, req.componentId);
    for (const j of this.jobs.values()) {
      if (j.device === req.device && j.state.state === 'scanning') {
        throw new AppError('conflict', 'Máy quét này đang quét; hãy chờ xong hoặc huỷ lượt quét đang chạy.');
      }
    }
    const jobId = `scan-${this.deps.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const pagesRequested = req.source === 'flatbed' ? 1 : (req.pages ?? null);
    const state: ScanJobState = {
      jobId,
      state: 'scanning',
      pagesDone: 0,
      pagesRequested,
      message: null,
      pageIds: [],
      startedAt: this.deps.now(),
      finishedAt: null,
    };
    let storeError: string | null = null;
    let chain: Promise<void> = Promise.resolve();
    const handle = this.deps.driver().scan({ device: req.device, resolution: req.resolution, mode: req.mode, source: req.source, pages: pagesRequested }, (page) => {
      chain = chain.then(async () => {
        if (storeError) return;
        try {
          const infos = await this.deps.addPages({
            dossierId: req.dossierId,
            componentId: req.componentId,
            images: [{ data: page.data, fileName: page.fileName, mime: page.mime }],
            source: 'scanner',
            dpi: req.resolution,
            actor: this.deps.actor(),
          });
          state.pagesDone++;
          state.pageIds.push(...infos.map((p) => p.id));
        } catch (e) {
          storeError = e instanceof AppError ? e.message : 'Không lưu được trang vừa quét.';
          handle.cancel();
        }
      });
    });
    const settled = handle.done.then(async (outcome) => {
      await chain;
      state.finishedAt = this.deps.now();
      if (storeError) {
        state.state = 'failed';
        state.message = `Đã lưu ${state.pagesDone} trang; dừng quét vì: ${storeError}`;
      } else {
        state.state = outcome.kind;
        state.message = outcome.message;
      }
    });
    this.jobs.set(jobId, { state, device: req.device, cancel: () => handle.cancel(), settled });
    this.prune();
    return { jobId };
  }

  get(jobId: string): ScanJobState {
    const j = this.jobs.get(jobId);
    if (!j) throw new AppError('not_found', 'Không tìm thấy lượt quét này (có thể ứng dụng đã được mở lại).');
    return { ...j.state, pageIds: [...j.state.pageIds] };
  }

  cancel(jobId: string): ScanJobState {
    const j = this.jobs.get(jobId);
    if (!j) throw new AppError('not_found', 'Không tìm thấy lượt quét này (có thể ứng dụng đã được mở lại).');
    if (j.state.state === 'scanning') j.cancel();
    return this.get(jobId);
  }

  /** Resolves when the job has finished (tests, shutdown). */
  async settled(jobId: string): Promise<ScanJobState> {
    const j = this.jobs.get(jobId);
    if (!j) throw new AppError('not_found', 'Không tìm thấy lượt quét này.');
    await j.settled;
    return this.get(jobId);
  }

  async close(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => j.state.state === 'scanning');
    for (const j of running) j.cancel();
    await Promise.all(running.map((j) => j.settled));
  }

  private prune() {
    if (this.jobs.size <= KEEP_FINISHED) return;
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= KEEP_FINISHED) break;
      if (j.state.state !== 'scanning') this.jobs.delete(id);
    }
  }
}
