// Pushed changes refresh the screens: each event marks the calls it touches stale
// (shared/ipc/push.ts STALE_CALLS) and TanStack Query refetches those on screen. No timers.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { STALE_CALLS } from '../../../shared/ipc/push';
import { push } from '../api';

export function usePushedChanges(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      push.subscribe((e) => {
        const stale = new Set<string>(STALE_CALLS[e.kind]);
        void client.invalidateQueries({ predicate: (q) => stale.has(String(q.queryKey[0])) });
      }),
    [client],
  );
}
