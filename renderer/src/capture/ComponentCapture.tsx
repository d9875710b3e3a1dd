// The capture buttons of one dossier component ('Quét', 'Chụp bằng camera') and their
// dialogs, inserted in the dossier detail screen, one per component row; and the background
// import of picked or dropped files (usePageImports + ImportProgress, used by PagesPanel):
// pages.import returns at once, the pages appear one by one while "Đang nhập trang 37/150…"
// shows with a button that stops the import and keeps the pages already stored.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PageImportState } from '../../../shared/ipc/pages';
import { api } from '../api';
import { useSaveStatus } from '../saveStatus';
import { CameraDialog } from './CameraDialog';
import { ScanDialog } from './ScanDialog';
import './capture.css';

export function ComponentCapture({ dossierId, componentId, componentName }: { dossierId: string; componentId: string; componentName: string }) {
  const [open, setOpen] = useState<'scan' | 'camera' | null>(null);
  return (
    <span className="cap-buttons">
      <button type="button" className="btn small" onClick={() => setOpen('scan')} data-testid={`scan-open-${componentId}`} title="Quét từ máy quét vào thành phần này">
        Quét
      </button>
      <button type="button" className="btn small" onClick={() => setOpen('camera')} data-testid={`camera-open-${componentId}`} title="Chụp bằng camera tài liệu">
        Chụp bằng camera
      </button>
      {open === 'scan' && <ScanDialog dossierId={dossierId} componentId={componentId} componentName={componentName} onClose={() => setOpen(null)} />}
      {open === 'camera' && <CameraDialog dossierId={dossierId} componentId={componentId} componentName={componentName} onClose={() => setOpen(null)} />}
    </span>
  );
}

const IMPORT_POLL_MS = 500;
type ImportFiles = Parameters<(typeof api)['pages.import']>[0]['files'];
const isActive = (j: PageImportState) => j.state === 'waiting' || j.state === 'opening' || j.state === 'importing';

/**
 * The background imports of a dossier, the latest per component. Polls pages.imports while
 * one runs and calls onStored whenever more pages are stored (the list then shows them).
 * A screen opened while an import runs picks it up.
 */
export function usePageImports(dossierId: string, onStored: () => void) {
  const [jobs, setJobs] = useState<Record<string, PageImportState>>({});
  const jobsRef = useRef(jobs);
  const { report } = useSaveStatus();
  const stored = useRef(new Map<string, number>());
  const onStoredRef = useRef(onStored);
  onStoredRef.current = onStored;
  const update = useCallback((fn: (prev: Record<string, PageImportState>) => Record<string, PageImportState>) => {
    jobsRef.current = fn(jobsRef.current);
    setJobs(jobsRef.current);
  }, []);

  const apply = useCallback(
    (list: PageImportState[], pickUpRunning: boolean) => {
      const prev = jobsRef.current;
      const next = { ...prev };
      for (const j of list) {
        const cur = prev[j.componentId];
        const mine = cur?.importId === j.importId;
        if (!mine && !(pickUpRunning && isActive(j) && !(cur && isActive(cur)))) continue;
        next[j.componentId] = j;
        if (mine && isActive(cur) && !isActive(j)) {
          report(j.state === 'done' ? { kind: 'saved', what: `${j.pagesDone} trang`, at: Date.now() } : { kind: 'error', what: 'trang số hoá', message: j.message ?? '' });
        }
      }
      update(() => next);
      let more = false;
      for (const j of list) {
        if ((stored.current.get(j.importId) ?? 0) !== j.pagesDone) more = true;
        stored.current.set(j.importId, j.pagesDone);
      }
      if (more) onStoredRef.current();
    },
    [report, update],
  );

  const poll = useCallback(
    async (pickUpRunning: boolean) => {
      const r = await api['pages.imports']({ dossierId });
      if (r.ok) apply(r.value, pickUpRunning);
    },
    [dossierId, apply],
  );

  useEffect(() => {
    update(() => ({}));
    void poll(true);
  }, [poll, update]);

  const running = Object.values(jobs).some(isActive);
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void poll(false), IMPORT_POLL_MS);
    return () => clearInterval(t);
  }, [running, poll]);
  // Leaving the dossier mid-import: the import goes on (its progress shows again when the
  // dossier is reopened); the header must not say "saving" meanwhile.
  useEffect(
    () => () => {
      if (Object.values(jobsRef.current).some(isActive)) report({ kind: 'idle' });
    },
    [report],
  );

  /** Starts an import; returns the refusal message, or null. */
  const start = useCallback(
    async (componentId: string, files: ImportFiles): Promise<string | null> => {
      const r = await api['pages.import']({ dossierId, componentId, files });
      if (!r.ok) return r.error.message;
      stored.current.set(r.value.importId, 0);
      update((prev) => ({ ...prev, [componentId]: r.value }));
      return null;
    },
    [dossierId, update],
  );

  const cancel = useCallback(
    async (importId: string) => {
      const r = await api['pages.importCancel']({ importId });
      if (r.ok) apply([r.value], false);
    },
    [apply],
  );

  const dismiss = useCallback((componentId: string) => update(({ [componentId]: _gone, ...rest }) => rest), [update]);

  return { jobs, start, cancel, dismiss };
}

/** "Đang nhập trang 37/150…", a bar and the stop button; then the outcome until dismissed. */
export function ImportProgress({ job, onCancel, onDismiss }: { job: PageImportState | undefined; onCancel: (importId: string) => void; onDismiss: () => void }) {
  if (!job) return null;
  const id = job.componentId;
  const files = job.fileNames.length === 1 ? `tệp "${job.fileNames[0]}"` : `${job.fileNames.length} tệp`;
  if (isActive(job)) {
    const text =
      job.state === 'waiting'
        ? `Chờ nhập ${files} (đang nhập tệp khác)…`
        : job.state === 'opening'
          ? `Đang mở ${files}…`
          : `Đang nhập trang ${Math.min(job.pagesDone + 1, job.pagesTotal ?? 0)}/${job.pagesTotal}…`;
    return (
      <div className="cap-import" role="status" aria-live="polite" data-testid={`import-progress-${id}`} data-state={job.state}>
        <span data-testid={`import-text-${id}`}>{text}</span>
        <progress max={job.pagesTotal ?? 1} value={job.state === 'importing' ? job.pagesDone : undefined} aria-label="Tiến độ nhập trang" />
        <button type="button" className="btn small" onClick={() => onCancel(job.importId)} data-testid={`import-cancel-${id}`} title="Các trang đã nhập vẫn được giữ trong hồ sơ">
          Dừng nhập (giữ các trang đã nhập)
        </button>
      </div>
    );
  }
  const text = job.state === 'done' ? `Đã nhập ${job.pagesDone} trang từ ${files}.` : (job.message ?? '');
  return (
    <div className={`cap-import ${job.state === 'failed' ? 'alert error' : ''}`} role={job.state === 'failed' ? 'alert' : 'status'} data-testid={`import-result-${id}`} data-state={job.state}>
      <span>{text}</span>
      <button type="button" className="btn small" onClick={onDismiss} aria-label="Đóng thông báo nhập tệp" data-testid={`import-dismiss-${id}`}>
        ✕
      </button>
    </div>
  );
}
