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
