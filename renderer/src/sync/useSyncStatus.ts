// Polls sync.status for the header indicator and the sync screen (every few seconds; the
// status is one cheap local query, the hub is never contacted by it).
import { useCallback, useEffect, useState } from 'react';
import type { SyncStatus } from '../../../shared/ipc/sync';
import { api } from '../api';

export function useSyncStatus(intervalMs = 5000): { status: SyncStatus | null; error: string | null; refresh: () => Promise<void> } {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    const r = await api['sync.status']({});
    if (r.ok) {
      setStatus(r.value);
      setError(null);
    } else setError(r.error.message);
  }, []);
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), intervalMs);
    return () => clearInterval(t);
  }, [refresh, intervalMs]);
  return { status, error, refresh };
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
  if (s.running) return { text: `Đang đồng bộ${waiting ? ` (${waiting} chờ gửi)` : '…'}`, tone: 'waiting' };
  if (s.counts.failed || s.files.failed) return { text: `${s.counts.failed + s.files.failed} lỗi đồng bộ`, tone: 'error' };
  if (s.openConflicts) return { text: `${s.openConflicts} xung đột cần xử lý`, tone: 'error' };
  if (waiting) return { text: `${waiting} chờ gửi`, tone: s.reachable === false || s.lastError ? 'error' : 'waiting' };
  if (s.lastSuccessAt) return { text: `Đã đồng bộ ${vnClock(s.lastSuccessAt)}`, tone: 'ok' };
  return { text: 'Chưa đồng bộ lần nào', tone: 'waiting' };
}
