// Server state: what the main process holds, read through TanStack Query. A query is one
// contract call (its channel and input are the key), so a pushed change (state/push.ts)
// invalidates exactly the calls it touches, and no screen runs its own timer.
import { QueryClient, useQuery, type UseQueryOptions } from '@tanstack/react-query';
import type { CallInput, CallOutput, Channel } from '../../../shared/ipc/contract';
import { api } from '../api';

/** A failed call, carrying the contract's Vietnamese message. */
export class CallFailed extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Calls are local (IPC or 127.0.0.1): retrying hides nothing useful, a failure is shown at once.
      retry: false,
      refetchOnWindowFocus: false,
      staleTime: 2_000,
    },
  },
});

/** Calls a channel; the value, or a CallFailed with the contract's message. */
export async function callOrThrow<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>> {
  const call = api[channel] as unknown as (i: CallInput<C>) => Promise<{ ok: true; value: CallOutput<C> } | { ok: false; error: { code: string; message: string } }>;
  const r = await call(input);
  if (!r.ok) throw new CallFailed(r.error.message, r.error.code);
  return r.value;
}

/** One contract call as a query: key [channel, input]. */
export function useCall<C extends Channel>(channel: C, input: CallInput<C>, opts: Omit<UseQueryOptions<CallOutput<C>, CallFailed>, 'queryKey' | 'queryFn'> = {}) {
  return useQuery<CallOutput<C>, CallFailed>({ queryKey: [channel, input], queryFn: () => callOrThrow(channel, input), ...opts });
}
