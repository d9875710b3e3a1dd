// Errors of the OCR service. OcrInputError is the clerk's fault-free "this file cannot be
// read as a page" (empty, truncated, not an image, too large): its message is Vietnamese
// and meant for the screen. Anything else thrown by the OCR code is a bug.

export type OcrInputProblem = 'empty' | 'not-image' | 'corrupt' | 'too-large' | 'unsupported';

export class OcrInputError extends Error {
  constructor(
    readonly problem: OcrInputProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OcrInputError';
  }
}

/** The job was cancelled (AbortSignal) before or while it ran. */
export class OcrCancelledError extends Error {
  constructor(message = 'Đã huỷ nhận dạng trang này.') {
    super(message);
    this.name = 'OcrCancelledError';
  }
}

/** An error as a worker thread sends it (`errorForWorker`) … */
export interface WorkerError {
  name: string;
  message: string;
  problem?: OcrInputProblem;
}

export function errorForWorker(e: unknown): WorkerError {
  const err = e as Error;
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e), problem: e instanceof OcrInputError ? e.problem : undefined };
}

/** … and rebuilt on the main thread: an OcrInputError stays one (same problem and message). */
export function errorFromWorker(e: WorkerError): Error {
  if (e.name === 'OcrInputError') return new OcrInputError(e.problem ?? 'corrupt', e.message);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
