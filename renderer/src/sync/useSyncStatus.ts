// sync.status for the header indicator and the sync screen: one query shared by both. It is
// refreshed when the main process pushes a sync change (state/push.ts); the slow interval is
// only a fallback for a transport without pushes (the status is one cheap local query, the
// hub is never contacted by it).
import { useCallback } from 'react';
import type { SyncStatus } from '../../../shared/ipc/sync';
import { useCall } from '../state/query';

export function useSyncStatus(fallbackMs = 30_000): { status: SyncStatus | null; error: string | null; refresh: () => Promise<void> } {
  const q = useCall('sync.status', {}, { refetchInterval: fallbackMs, staleTime: 0 });
  const { refetch } = q;
  const refresh = useCallback(async () => {
    await refetch();
  }, [refetch]);
  return { status: q.data ?? null, error: q.error?.message ?? null, refresh };
}

/** hh:mm in Vietnam time. */
export function vnClock(at: number): string {
  const d = new Date(at + 7 * 3600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}
/** dd/mm hh:mm in Vietnam time. */
export function vnDateTime(at: number): string {
  const d = new Date(at + 7 * 3600_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')} ${vnClock(at)}`;
}

/** The one-line summary of the header: '12 chờ gửi', 'Đã đồng bộ 10:42', 'Chưa kết nối tỉnh'… */
export function syncSummary(s: SyncStatus | null): { text: string; tone: 'idle' | 'ok' | 'waiting' | 'error' } {
  if (!s) return { text: 'Đồng bộ…', tone: 'idle' };
  if (!s.enrolled) return { text: 'Chưa kết nối tỉnh', tone: 'idle' };
  const waiting = s.counts.queued + s.counts.sending + s.files.queued;
  if (s.awaitingApproval) return { text: 'Chờ tỉnh duyệt máy', tone: 'waiting' };
  if (s.running) return { text: `Đang đồng bộ${waiting ? ` (${waiting} chờ gửi)` : '…'}`, tone: 'waiting' };
  if (s.counts.failed || s.files.failed) return { text: `${s.counts.failed + s.files.failed} lỗi đồng bộ`, tone: 'error' };
  if (s.openConflicts) return { text: `${s.openConflicts} xung đột cần xử lý`, tone: 'error' };
  if (waiting) return { text: `${waiting} chờ gửi`, tone: s.reachable === false || s.lastError ? 'error' : 'waiting' };
  if (s.lastSuccessAt) return { text: `Đã đồng bộ ${vnClock(s.lastSuccessAt)}`, tone: 'ok' };
  return { text: 'Chưa đồng bộ lần nào', tone: 'waiting' };
}
