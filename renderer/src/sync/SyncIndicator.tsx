// The header's sync state ('12 chờ gửi' / 'Đã đồng bộ 10:42' / 'Chưa kết nối tỉnh'); a
// button that opens the sync screen.
import type { SyncStatus } from '../../../shared/ipc/sync';
import { syncSummary } from './useSyncStatus';
import './sync.css';

export function SyncIndicator({ status, onOpen, active }: { status: SyncStatus | null; onOpen: () => void; active: boolean }) {
  const { text, tone } = syncSummary(status);
  const warn = status?.clockWarning ? ' · Giờ máy lệch' : '';
  return (
    <button
      type="button"
      className={`sync-indicator ${tone}${active ? ' active' : ''}`}
      data-testid="sync-indicator"
      data-tone={tone}
      title="Đồng bộ với tỉnh (mở bảng đồng bộ)"
      aria-current={active ? 'page' : undefined}
      onClick={onOpen}
    >
      <span className="dot" aria-hidden="true" />
      {text}
      {warn}
    </button>
  );
}
