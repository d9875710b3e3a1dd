// The OCR pool: a fixed number of tesseract.js workers (each its own worker thread running
// the WebAssembly engine) fed by preprocessing worker threads (preprocess-worker.ts: sharp +
// pixel kernels; ⌈size / 2⌉ of them by default). Pages flow queued → preparing → ready →
// recognising; the next page is prepared while the current one is recognised, and at most
// `size` prepared pages wait, so memory stays bounded. The main thread only moves buffers.
//
// Nothing is fetched at run time: the worker script, the core and the Vietnamese language
// data are all resolved to files inside node_modules (tesseract.js would otherwise fall
// back to a CDN for the language data). In a packaged app these folders must be unpacked
// from the asar archive (see README.md).
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { createWorker, OEM, type Worker as TesseractWorker } from 'tesseract.js';
import { errorFromWorker, OcrCancelledError, type WorkerError } from './errors';
import { type PreparedPage, type PreprocessOptions, preparePage } from './preprocess';
import { postprocess } from './postprocess';
import { READABLE, type Readability, type ReadQuality, readability, readQuality } from './quality';
import { OSD_MIN_CONFIDENCE, type Turn, type TurnBasis, addTurn, weakLines, weakTurn } from './turn';
import { startModuleWorker } from '../workerThread';

const require = createRequire(import.meta.url);

export type LanguageData = '4.0.0_best_int' | '4.0.0';

/** Explicit local paths of tesseract.js's files (no CDN, no cache written to the cwd). */
export function tesseractPaths(data: LanguageData = '4.0.0_best_int'): { workerPath: string; corePath: string; langPath: string } {
  return {
    workerPath: require.resolve('tesseract.js/src/worker-script/node/index.js'),
    // In Node the core is loaded with require() from the worker script; corePath is set for
    // completeness (the browser build would use it).
    corePath: path.dirname(require.resolve('tesseract.js-core/package.json')),
    langPath: path.join(path.dirname(require.resolve('@tesseract.js-data/vie/package.json')), data),
  };
}

/** Tesseract's orientation and script detection data (legacy engine), from node_modules. */
export function osdLangPath(): string {
  return path.join(path.dirname(require.resolve('@tesseract.js-data/osd/package.json')), '4.0.0_best_int');
}

/** The orientation-detection worker is stopped after this long without a page to check. */
const OSD_IDLE_MS = 30_000;

/** Tesseract parameters chosen by measurement (README.md). */
export const DEFAULT_TESSERACT_PARAMS: Record<string, string> = {
  // Our pages carry no resolution tesseract can trust (PGM has none; phone photos lie).
  user_defined_dpi: '300',
};

export interface OcrWord {
  text: string;
  confidence: number;
  /** In pixels of the prepared page (upright, deskewed, scaled, before the margin crop: see `page`). */
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

export interface OcrResult {
  text: string;
  /** Mean word confidence, 0–100. */
  confidence: number;
  words: OcrWord[];
  /** What preprocessing did, to map word boxes back to the original if needed. */
  page: { width: number; height: number; rotationDeg: number; skewDeg: number; skewCorrected: boolean; scale: number; colourSuppressed: boolean; lightingFlattened: boolean };
  timings: { preprocessMs: number; ocrMs: number; totalMs: number };
  /** How the turn was decided and which turns were read (the kept one first). */
  turn: { basis: TurnBasis; tried: Turn[]; osd: { deg: Turn; confidence: number } | null };
  quality: ReadQuality;
  /** Not readable: the text is kept but must not be offered as reliable (quality.ts). */
  readability: Readability;
}

export interface RecognizeOptions {
  signal?: AbortSignal;
  preprocess?: PreprocessOptions;
  /** Skip the generic post-correction (raw tesseract text). */
  raw?: boolean;
}

export interface OcrPool {
  recognize(image: Buffer, opts?: RecognizeOptions): Promise<OcrResult>;
  /** Pages asked for and not yet answered (cancelled ones no longer count). */
  readonly pending: number;
  terminate(): Promise<void>;
}

export interface OcrPoolOptions {
  /** Slots (OCR workers), default 2: one per core of the counter PCs. */
  size?: number;
  languageData?: LanguageData;
  tesseractParams?: Record<string, string>;
  preprocess?: PreprocessOptions;
  /**
   * Where preprocessing runs: 'worker' (default, a worker thread per slot) or 'inline' (the
   * calling thread; for tools and tests: the pixel loops then block it ~0.1–0.3 s per page).
   */
  preprocessIn?: 'worker' | 'inline';
  /**
   * Preprocessing worker threads; default ⌈size / 2⌉. Preparing a page costs ~0.2–0.4 s
   * against ~1–2 s of recognition, so one thread keeps two tesseract workers fed, and each
   * extra thread costs ~40–80 MB of buffers and malloc arenas.
   */
  preprocessWorkers?: number;
  /** Override the preprocessing worker's module (a bundled build ships it as .mjs). */
  preprocessWorkerUrl?: URL;
  /**
   * Check a weakly shown or badly read turn (OSD, then reading the other candidate turns):
   * default true. false only to measure the cues alone.
   */
  turnCheck?: boolean;
}

interface Job {
  input: Buffer;
  opts: RecognizeOptions;
  resolve: (r: OcrResult) => void;
  reject: (e: unknown) => void;
  enqueued: number;
  prepared?: PreparedPage;
  preprocessMs: number;
  settled: boolean;
  onAbort?: () => void;
}

interface PrepWorker {
  worker: Worker;
  busy: boolean;
  calls: Map<number, { resolve: (p: PreparedPage) => void; reject: (e: unknown) => void }>;
}

/** The preprocessing worker: `preprocess-worker.mjs` beside the bundle, or the .ts entry through tsx from source. */
function spawnPreprocessWorker(override?: URL): Worker {
  return startModuleWorker('preprocess-worker', import.meta.url, override);
}

export async function createOcrPool(options: OcrPoolOptions = {}): Promise<OcrPool> {
  const size = Math.max(1, options.size ?? 2);
  const paths = tesseractPaths(options.languageData);
  const params = { ...DEFAULT_TESSERACT_PARAMS, ...options.tesseractParams };

  const tesseract: { worker: TesseractWorker; busy: boolean }[] = await Promise.all(
    Array.from({ length: size }, async () => {
      const worker = await createWorker('vie', OEM.LSTM_ONLY, {
        ...paths,
        cacheMethod: 'none',
        gzip: true,
        workerBlobURL: false,
      });
      await worker.setParameters(params);
      return { worker, busy: false };
    }),
  );

  const prep: PrepWorker[] = [];
  let closed = false;
  // A preprocessing worker that dies (crash, failed start) fails its pending pages and is
  // replaced, so later pages are not stuck behind a dead thread.
  const startPrep = (pw: PrepWorker) => {
    const worker = spawnPreprocessWorker(options.preprocessWorkerUrl);
    pw.worker = worker;
    worker.on('message', (msg: { id: number; ok: boolean; page?: PreparedPage & { image: Uint8Array }; error?: WorkerError }) => {
      const call = pw.calls.get(msg.id);
      if (!call) return;
      pw.calls.delete(msg.id);
      if (msg.ok && msg.page) {
        const img = msg.page.image;
        call.resolve({ ...msg.page, image: Buffer.from(img.buffer, img.byteOffset, img.byteLength) });
      } else call.reject(errorFromWorker(msg.error ?? { name: 'Error', message: 'preprocess failed' }));
    });
    const fail = (err: unknown) => {
      for (const c of pw.calls.values()) c.reject(err);
      pw.calls.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      fail(new Error(`OCR preprocessing worker stopped (exit code ${code})`));
      if (!closed && pw.worker === worker) startPrep(pw);
    });
  };
  if ((options.preprocessIn ?? 'worker') === 'worker') {
    const count = Math.max(1, options.preprocessWorkers ?? Math.ceil(size / 2));
    for (let i = 0; i < count; i++) {
      const pw = { busy: false, calls: new Map() } as unknown as PrepWorker;
      startPrep(pw);
      prep.push(pw);
    }
  }

  let nextId = 1;
  const queued: Job[] = [];
  const ready: Job[] = [];
  let preparing = 0;
  let recognising = 0;

  const live = new Set<Job>();
  const settle = (job: Job, fn: () => void) => {
    if (job.settled) return;
    job.settled = true;
    live.delete(job);
    if (job.onAbort) job.opts.signal?.removeEventListener('abort', job.onAbort);
    fn();
  };

  async function runPreprocess(job: Job, slot: PrepWorker | undefined): Promise<PreparedPage> {
    const popts = { ...options.preprocess, ...job.opts.preprocess };
    if (!slot) return preparePage(job.input, popts);
    const id = nextId++;
    return new Promise<PreparedPage>((resolve, reject) => {
      slot.calls.set(id, { resolve, reject });
      // Structured clone copies the input: the caller's original is never touched.
      slot.worker.postMessage({ id, input: job.input, options: popts });
    });
  }

  function pump(): void {
    // Stage 2: prepared pages to free tesseract workers.
    for (const t of tesseract) {
      if (t.busy) continue;
      const job = ready.shift();
      if (!job) break;
      if (job.settled) continue;
      t.busy = true;
      recognising++;
      void recognisePrepared(job, t).finally(() => {
        t.busy = false;
        recognising--;
        pump();
      });
    }
    // Stage 1: keep at most `size` pages prepared ahead.
    while (queued.length > 0 && preparing + ready.length < size) {
      const slot = prep.length ? prep.find((p) => !p.busy) : undefined;
      if (prep.length && !slot) break;
      const job = queued.shift()!;
      if (job.settled) continue;
      if (slot) slot.busy = true;
      preparing++;
      const t0 = performance.now();
      runPreprocess(job, slot)
        .then(
          (page) => {
            job.preprocessMs = performance.now() - t0;
            job.prepared = page;
            if (!job.settled) ready.push(job);
          },
          (err) => settle(job, () => job.reject(err)),
        )
        .finally(() => {
          if (slot) slot.busy = false;
          preparing--;
          pump();
        });
      if (!slot) break; // inline: one at a time
    }
  }

  // Tesseract's orientation detection needs the legacy engine: one worker of its own,
  // started on the first page whose turn needs checking, shared by every slot.
  let osd: Promise<TesseractWorker | null> | undefined;
  let osdChain: Promise<unknown> = Promise.resolve();
  const osdWorker = () =>
    (osd ??= createWorker('osd', OEM.TESSERACT_ONLY, {
      workerPath: paths.workerPath,
      langPath: osdLangPath(),
      legacyCore: true,
      legacyLang: true,
      cacheMethod: 'none',
      gzip: true,
      workerBlobURL: false,
    }).catch(() => null));
  // Pages needing the check are rare (none of the samples in any turn): the OSD worker
  // (~150 MB with its legacy engine) is stopped after a while without one.
  let osdIdle: ReturnType<typeof setTimeout> | undefined;
  const stopOsdWhenIdle = () => {
    clearTimeout(osdIdle);
    osdIdle = setTimeout(() => {
      const w = osd;
      osd = undefined;
      osdChain = osdChain.then(async () => (await w)?.terminate()).catch(() => undefined);
    }, OSD_IDLE_MS);
    osdIdle.unref?.();
  };
  /** OSD's clockwise turn that makes the prepared page upright, or null (too little text, failure). */
  function detectTurn(image: Buffer): Promise<{ deg: Turn; confidence: number } | null> {
    clearTimeout(osdIdle);
    const run = osdChain.then(async () => {
      const w = await osdWorker();
      if (!w || closed) return null;
      const d = (await w.detect(image)).data;
      if (d.orientation_degrees === null || d.orientation_confidence === null) return null;
      return { deg: addTurn(d.orientation_degrees, 0), confidence: d.orientation_confidence };
    });
    osdChain = run.catch(() => undefined).finally(stopOsdWhenIdle);
    return run.catch(() => null);
  }

  /** The page prepared again at a given turn (another candidate), in the least busy preprocessing thread. */
  function prepareAt(job: Job, rotation: Turn): Promise<PreparedPage> {
    const slot = prep.length ? prep.reduce((a, b) => (b.calls.size < a.calls.size ? b : a)) : undefined;
    return runPreprocess({ ...job, opts: { ...job.opts, preprocess: { ...job.opts.preprocess, knownRotationDeg: rotation } } }, slot);
  }

  interface Read {
    page: PreparedPage;
    text: string;
    words: OcrWord[];
    confidence: number;
    quality: ReadQuality;
  }

  async function read(job: Job, page: PreparedPage, t: { worker: TesseractWorker }): Promise<Read> {
    if (page.turnEvidence.inkShare > READABLE.maxInkShare) return { page, text: '', words: [], confidence: 0, quality: readQuality([]) };
    // A turn check may still want another read after the pool began to close: tesseract.js
    // would post to a worker it has already dropped (an unhandled rejection inside it).
    if (closed) throw new Error('OCR pool terminated');
    const r = await t.worker.recognize(page.image, {}, { text: true, blocks: true });
    const words: OcrWord[] = [];
    const dx = page.offsetX;
    const dy = page.offsetY;
    for (const block of r.data.blocks ?? []) {
      for (const para of block.paragraphs) {
        for (const line of para.lines) {
          for (const w of line.words) {
            words.push({ text: job.opts.raw ? w.text : postprocess(w.text), confidence: w.confidence, bbox: { x0: w.bbox.x0 + dx, y0: w.bbox.y0 + dy, x1: w.bbox.x1 + dx, y1: w.bbox.y1 + dy } });
          }
        }
      }
    }
    const text = job.opts.raw ? r.data.text : postprocess(r.data.text);
    const confidence = words.length ? words.reduce((a, w) => a + w.confidence, 0) / words.length : 0;
    return { page, text, words, confidence, quality: readQuality(words) };
  }

  const cuesOf = (p: PreparedPage) => ({
    lineRatio: p.turnEvidence.lineRatio,
    lineHeightPx: p.lineHeightPx,
    skewDeg: p.skewDeg,
    skewCorrected: p.skewCorrected,
    colourSuppressed: p.colourSuppressed,
  });

  async function recognisePrepared(job: Job, t: { worker: TesseractWorker }): Promise<void> {
    const first = job.prepared!;
    job.prepared = undefined;
    const t0 = performance.now();
    try {
      let best = await read(job, first, t);
      const given = (job.opts.preprocess?.knownRotationDeg ?? options.preprocess?.knownRotationDeg ?? null) !== null;
      let basis: TurnBasis = given ? 'given' : 'cues';
      const tried: Turn[] = [first.rotationDeg];
      let osdFound: { deg: Turn; confidence: number } | null = null;
      // The turn is never taken blindly: when the cues showed it weakly, or the page then
      // reads badly (a page read sideways gives few syllables at a low confidence), OSD is
      // asked; unless it confirms a page that reads well, the other candidate turns are read
      // and the better-read one kept. The clerk's own turn (given) is never second-guessed.
      if (!given && options.turnCheck !== false && !job.settled) {
        const weak = weakTurn(first.turnEvidence);
        const verdict = readability(best.quality, cuesOf(first));
        // A page without text lines (blank, photo, noise) reads no better in another turn.
        const poor = !verdict.readable && verdict.reason !== 'not-text';
        if (weak || poor) {
          osdFound = await detectTurn(first.image);
          const sure = osdFound !== null && osdFound.confidence >= OSD_MIN_CONFIDENCE;
          // OSD's turn first; the other turns only while no candidate has read well.
          const osdTurn = sure && osdFound!.deg !== 0 ? addTurn(first.rotationDeg, osdFound!.deg) : null;
          const candidates: Turn[] = osdTurn === null ? [] : [osdTurn];
          if (sure && osdFound!.deg === 0 && !poor) basis = 'osd';
          else if (!(sure && osdFound!.deg === 0)) {
            candidates.push(addTurn(first.rotationDeg, 180));
            if (weakLines(first.turnEvidence) || poor) candidates.push(addTurn(first.rotationDeg, 90), addTurn(first.rotationDeg, 270));
          }
          for (const turn of candidates) {
            if (tried.includes(turn) || job.settled) continue;
            if (turn !== osdTurn && tried.length > 1 && readability(best.quality, cuesOf(best.page)).readable) break;
            tried.push(turn);
            const other = await read(job, await prepareAt(job, turn), t);
            if (other.quality.score > best.quality.score) {
              best = other;
              basis = 'read';
            }
          }
          if (basis === 'cues' && tried.length > 1) basis = 'read';
        }
      }
      const ocrMs = performance.now() - t0;
      const page = best.page;
      settle(job, () =>
        job.resolve({
          text: best.text,
          confidence: best.confidence,
          words: best.words,
          page: {
            width: page.width,
            height: page.height,
            rotationDeg: page.rotationDeg,
            skewDeg: page.skewDeg,
            skewCorrected: page.skewCorrected,
            scale: page.scale,
            colourSuppressed: page.colourSuppressed,
            lightingFlattened: page.lightingFlattened,
          },
          timings: { preprocessMs: job.preprocessMs, ocrMs, totalMs: performance.now() - job.enqueued },
          turn: { basis, tried: [page.rotationDeg, ...tried.filter((x) => x !== page.rotationDeg)], osd: osdFound },
          quality: best.quality,
          readability: readability(best.quality, cuesOf(page)),
        }),
      );
    } catch (err) {
      settle(job, () => job.reject(err));
    }
  }

  return {
    get pending() {
      return live.size;
    },
    recognize(image: Buffer, opts: RecognizeOptions = {}): Promise<OcrResult> {
      if (closed) return Promise.reject(new Error('OCR pool terminated'));
      if (opts.signal?.aborted) return Promise.reject(new OcrCancelledError());
      return new Promise<OcrResult>((resolve, reject) => {
        const job: Job = { input: image, opts, resolve, reject, enqueued: performance.now(), preprocessMs: 0, settled: false };
        if (opts.signal) {
          // A queued page is dropped; a page already being worked on finishes in the
          // background (tesseract cannot be interrupted) and its result is discarded.
          job.onAbort = () => {
            const i = queued.indexOf(job);
            if (i >= 0) queued.splice(i, 1);
            const k = ready.indexOf(job);
            if (k >= 0) ready.splice(k, 1);
            settle(job, () => reject(new OcrCancelledError()));
          };
          opts.signal.addEventListener('abort', job.onAbort, { once: true });
        }
        live.add(job);
        queued.push(job);
        pump();
      });
    },
    async terminate() {
      closed = true;
      for (const job of [...queued, ...ready]) settle(job, () => job.reject(new OcrCancelledError('Đã dừng bộ nhận dạng chữ.')));
      queued.length = 0;
      ready.length = 0;
      clearTimeout(osdIdle);
      const o = osd ? await osd : null;
      await Promise.all([...tesseract.map((t) => t.worker.terminate()), ...prep.map((p) => p.worker.terminate()), ...(o ? [o.terminate()] : [])]);
    },
  };
}
