// The one error type services throw for the clerk to read. Anything else thrown is a bug
// and reaches the renderer as a generic 'internal' error (logged in the main process).
import type { CallError } from '../../shared/ipc/contract';

export class AppError extends Error {
  constructor(
    readonly code: CallError['code'],
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
