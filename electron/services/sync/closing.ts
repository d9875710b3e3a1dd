// What to do when the clerk closes the window (electron/main.ts stays thin: it asks these
// pure functions and shows the dialog they describe). Never a silent loss: with changes not
// yet at the province, the app first tries to send them for a few seconds, then warns.
// Nothing is lost either way (the outbox is on disk and is sent at the next start), but the
// clerk must know the province does not have today's work yet.

export interface CloseFacts {
  /** Changes and files not yet acknowledged by the hub (queued or in flight). */
  pending: number;
  /** Changes the hub refused (they wait for a person, see the sync panel). */
  failed: number;
  /** Enrolled with a hub (an unenrolled PC works alone: nothing to send, nothing to warn). */
  enrolled: boolean;
}

export type CloseDecision =
  | { action: 'close' }
  /** Try a sync for at most this long, then decide again with tried = true. */
  | { action: 'sync-first'; timeoutMs: number }
  | { action: 'ask'; title: string; message: string; detail: string; buttons: [closeAnyway: string, stay: string] };

/** How long closing waits for a last sync. */
export const CLOSE_SYNC_TIMEOUT_MS = 5000;

export function decideOnClose(f: CloseFacts, tried: boolean): CloseDecision {
  if (!f.enrolled) return { action: 'close' };
  if (f.pending === 0 && f.failed === 0) return { action: 'close' };
  if (f.pending > 0 && !tried) return { action: 'sync-first', timeoutMs: CLOSE_SYNC_TIMEOUT_MS };
  const parts: string[] = [];
  if (f.pending > 0) parts.push(`${f.pending} thay đổi chưa gửi được lên tỉnh`);
  if (f.failed > 0) parts.push(`${f.failed} thay đổi bị tỉnh từ chối (xem mục Đồng bộ)`);
  return {
    action: 'ask',
    title: 'Còn dữ liệu chưa đồng bộ',
    message: `Còn ${parts.join(' và ')}.`,
    detail: 'Dữ liệu vẫn được lưu an toàn trên máy này và sẽ tự gửi khi mở lại ứng dụng và có mạng. ' + 'Nếu cần tỉnh có ngay dữ liệu hôm nay, hãy chọn "Ở lại" và bấm "Đồng bộ ngay" khi có mạng.',
    buttons: ['Vẫn đóng ứng dụng', 'Ở lại'],
  };
}
