// Validates one call at the boundary and runs its handler. Transport-independent:
// Electron IPC, the loopback HTTP transport and the in-memory test client all come here.
import { z } from 'zod';
import { contract, isChannel, type CallError, type CallResult, type Channel, type HandlerInput, type CallOutput } from '../../shared/ipc/contract';
import { AppError } from '../services/errors';

export type Handlers = {
  [C in Channel]: (input: HandlerInput<C>) => CallOutput<C> | Promise<CallOutput<C>>;
};

export async function dispatch(handlers: Handlers, channel: unknown, rawInput: unknown): Promise<CallResult<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'invalid', message: 'Yêu cầu không hợp lệ.' } };
  }
  const parsed = (contract[channel].input as z.ZodType).safeParse(rawInput ?? {});
  if (!parsed.success) return { ok: false, error: zodToCallError(parsed.error) };
  try {
    const handler = handlers[channel] as (input: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    if (e instanceof AppError) {
      return { ok: false, error: { code: e.code, message: e.message, ...(e.fields ? { fields: e.fields } : {}) } };
    }
    console.error(`[dispatch] ${channel} failed:`, e);
    return { ok: false, error: { code: 'internal', message: 'Có lỗi trong chương trình; thao tác chưa được thực hiện. Hãy thử lại hoặc báo cán bộ CNTT.' } };
  }
}

export function zodToCallError(err: z.ZodError): CallError {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    const key = issue.path.join('.');
    if (!(key in fields)) fields[key] = issue.message;
  }
  const first = err.issues[0]?.message ?? 'Dữ liệu không hợp lệ.';
  return { code: 'invalid', message: first, fields };
}
