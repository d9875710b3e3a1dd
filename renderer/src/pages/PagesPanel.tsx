// Số hoá giấy tờ: the pages of each dossier component — thumbnails, add files (file picker
// or drag-and-drop; imported in the background, each page shown as it is stored, with
// progress and a stop button: usePageImports in capture/ComponentCapture.tsx), reorder (↑↓
// buttons, Alt+←/→ on a focused page), rotate, delete, OCR state with a progress bar and
// "OCR: 12/50 trang" for the dossier (ocr.status polled every 700 ms while anything is
// waiting; the screen never waits on OCR), the side-by-side text view, and the searchable
// PDF export. Pages scanned at another PC of the unit carry "Từ máy khác" and, until their
// file has been downloaded, "Đang tải về…" (or "Chưa tải được: …" with the reason).
// Each document shows its review state (Chờ duyệt / Đã duyệt / Không duyệt) as a badge that
// opens the review form; the dossier's result papers (ResultsPanel) follow the components.
import { useCallback, useEffect, useRef, useState, type DragEvent, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { ReactNode } from 'react';
import type { DossierComponent } from '../../../shared/domain/types';
import type { ExportedPdf, OcrPageStatus, OcrStatus, PageInfo, PageList, PageRotation } from '../../../shared/ipc/pages';
import { DIGITISATION_LABELS, MAX_PAGE_CALL_BYTES, MAX_PAGE_FILE_BYTES, documentReviewState, UNREADABLE_TITLE, unreadableLabel } from '../../../shared/ipc/pages';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { PdfView } from '../components/PdfView';
import { useSaveStatus } from '../saveStatus';
import { PageViewer } from './PageViewer';
import { ImportProgress, usePageImports } from '../capture/ComponentCapture';
import { ReviewBadge, ReviewDialog } from './ReviewForm';
import './pages.css';

const ACCEPT = '.jpg,.jpeg,.png,.tif,.tiff,.webp,.pdf,image/jpeg,image/png,image/tiff,image/webp,application/pdf';
const POLL_MS = 700;
const LIST_REFRESH_MS = 4000;

export const OCR_TEXT: Record<OcrPageStatus['state'], string> = {
  queued: 'Chờ nhận dạng',
  running: 'Đang nhận dạng',
  done: 'Đã nhận dạng',
  failed: 'Lỗi nhận dạng',
  cancelled: 'Đã huỷ nhận dạng',
};

/** base64 of a File (FileReader data: URL without its prefix). */
function fileBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export function PagesPanel({ dossierId, components, results = [] }: { dossierId: string; components: DossierComponent[]; results?: DossierComponent[] }) {
  const [list, setList] = useState<PageList | null>(null);
  const [status, setStatus] = useState<OcrStatus | null>(null);
  const [thumbs, setThumbs] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [viewer, setViewer] = useState<string | null>(null);
  const [pdf, setPdf] = useState<ExportedPdf | null>(null);
  const [review, setReview] = useState<string | null>(null);
  const { report } = useSaveStatus();
  const thumbKeys = useRef(new Map<string, string>());

  const loadList = useCallback(async () => {
    const r = await api['pages.list']({ dossierId });
    if (r.ok) setList(r.value);
    else setError(r.error.message);
  }, [dossierId]);

  const loadStatus = useCallback(async () => {
    const r = await api['ocr.status']({ dossierId });
    if (r.ok) setStatus(r.value);
  }, [dossierId]);
  // Files are imported in the background: each stored page refreshes the list (and OCR state).
  const imports = usePageImports(dossierId, () => {
    void loadList();
    void loadStatus();
  });

  useEffect(() => {
    void loadList();
    void loadStatus();
    // Pages also arrive from the scanner, the camera and the scan folder: refresh now and then.
    const t = setInterval(() => void loadList(), LIST_REFRESH_MS);
    return () => clearInterval(t);
  }, [loadList, loadStatus]);

  const waiting = (status?.counts.queued ?? 0) + (status?.counts.running ?? 0) > 0;
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(() => {
      void loadStatus();
    }, POLL_MS);
    return () => {
      clearInterval(t);
      // The last change (done) also changes hasText in the list.
      void loadList();
    };
  }, [waiting, loadStatus, loadList]);

  // Thumbnails: fetched once per page and rotation.
  useEffect(() => {
    if (!list) return;
    for (const p of list.pages) {
      if (p.download) continue; // another PC's page whose file is still on its way: no image yet
      const key = `${p.id}:${p.rotation}`;
      if (thumbKeys.current.get(p.id) === key) continue;
      thumbKeys.current.set(p.id, key);
      void api['pages.image']({ pageId: p.id, variant: 'thumb' }).then((r) => {
        if (r.ok) setThumbs((t) => ({ ...t, [p.id]: `data:${r.value.mime};base64,${r.value.dataBase64}` }));
      });
    }
  }, [list]);

  async function addFiles(componentId: string, files: File[]) {
    if (!files.length) return;
    setError(null);
    const big = files.find((f) => f.size > MAX_PAGE_FILE_BYTES);
    if (big) return setError(`Tệp "${big.name}" lớn hơn ${MAX_PAGE_FILE_BYTES / 1024 / 1024} MB.`);
    if (files.reduce((n, f) => n + f.size, 0) > MAX_PAGE_CALL_BYTES) {
      return setError(`Tổng dung lượng một lần thêm tối đa ${MAX_PAGE_CALL_BYTES / 1024 / 1024} MB; hãy chia thành nhiều lần.`);
    }
    setBusy(componentId);
    report({ kind: 'saving', what: 'trang số hoá' });
    try {
      const payload = await Promise.all(files.map(async (f) => ({ name: f.name, mime: f.type || undefined, dataBase64: await fileBase64(f) })));
      const refused = await imports.start(componentId, payload);
      if (refused) {
        setError(refused);
        report({ kind: 'error', what: 'trang số hoá', message: refused });
      }
    } finally {
      setBusy(null);
    }
  }

  async function move(componentId: string, pages: PageInfo[], index: number, delta: number) {
    const j = index + delta;
    if (j < 0 || j >= pages.length) return;
    const ids = pages.map((p) => p.id);
    [ids[index], ids[j]] = [ids[j], ids[index]];
    const r = await api['pages.reorder']({ dossierId, componentId, pageIds: ids });
    if (!r.ok) return setError(r.error.message);
    await loadList();
    setTimeout(() => document.querySelector<HTMLElement>(`[data-testid="page-thumb-${pages[index].id}"]`)?.focus(), 0);
  }

  async function rotate(p: PageInfo) {
    const r = await api['pages.rotate']({ pageId: p.id, rotation: ((p.rotation + 90) % 360) as PageRotation });
    if (!r.ok) return setError(r.error.message);
    await loadList();
  }

  async function remove(p: PageInfo) {
    const r = await api['pages.delete']({ pageId: p.id });
    if (!r.ok) return setError(r.error.message);
    await loadList();
    await loadStatus();
  }

  async function exportPdf(componentId?: string) {
    setError(null);
    setBusy(componentId ?? 'dossier');
    const r = await api['pages.exportPdf']({ dossierId, componentId });
    setBusy(null);
    if (r.ok) setPdf(r.value);
    else setError(r.error.message);
  }

  async function cancelAll() {
    const r = await api['ocr.cancel']({ dossierId });
    if (r.ok) setStatus(r.value);
  }

  const pageStatus = new Map((status?.pages ?? []).map((s) => [s.pageId, s]));
  const ocrTotal = status ? status.counts.done + status.counts.failed + status.counts.queued + status.counts.running : 0;
  const all = list?.pages ?? [];

  return (
    <div className="panel pg-panel" data-testid="pages-panel">
      <h2>
        Số hoá giấy tờ
        <span className="badge">{all.length} trang</span>
        {all.some((p) => p.unreadable) && (
          <span className="small pg-unreadable-count" data-testid="pages-unreadable-count">
            {all.filter((p) => p.unreadable).length} trang {UNREADABLE_TITLE.toLowerCase()}
          </span>
        )}
        {waiting && (
          <span className="small muted" data-testid="ocr-waiting" title={`Còn ${(status?.counts.queued ?? 0) + (status?.counts.running ?? 0)} trang chờ nhận dạng chữ`}>
            OCR: {status?.counts.done ?? 0}/{ocrTotal} trang{status?.counts.failed ? `, ${status.counts.failed} trang lỗi` : ''}
          </span>
        )}
        <span className="spacer" />
        {waiting && (
          <button type="button" className="btn small" onClick={() => void cancelAll()} data-testid="ocr-cancel-all">
            Dừng nhận dạng
          </button>
        )}
        <button type="button" className="btn small" disabled={!all.length || busy !== null} onClick={() => void exportPdf()} data-testid="export-pdf-dossier">
          Xuất PDF tìm kiếm được (cả hồ sơ)
        </button>
      </h2>
      <ErrorBox message={error} testId="pages-error" />
      {pdf && (
        <div className="detail-pdf" data-testid="export-result">
          <p className="small muted">
            Đã lưu bản sao: <span className="mono">{pdf.savedPath}</span> ({pdf.pageCount} trang)
          </p>
          <PdfView base64={pdf.pdfBase64} fileName={pdf.fileName} title={pdf.fileName} />
          <button type="button" className="btn small" onClick={() => setPdf(null)}>
            Đóng PDF
          </button>
        </div>
      )}
      {[...components, ...results].map((c, i) => {
        const pages = all.filter((p) => p.componentId === c.componentId);
        const state = list?.components.find((x) => x.componentId === c.componentId);
        const isResult = i >= components.length;
        return (
          <ComponentPages
            key={c.componentId}
            component={c}
            pages={pages}
            heading={isResult && i === components.length ? 'Kết quả giải quyết' : undefined}
            stateLabel={isResult ? 'Giấy tờ kết quả' : state ? DIGITISATION_LABELS[state.state] : DIGITISATION_LABELS[0]}
            stateClass={`s${isResult ? 1 : (state?.state ?? 0)}`}
            sourceCode={state?.sourceDossierCode ?? null}
            thumbs={thumbs}
            pageStatus={pageStatus}
            busy={busy === c.componentId}
            progress={<ImportProgress job={imports.jobs[c.componentId]} onCancel={(id) => void imports.cancel(id)} onDismiss={() => imports.dismiss(c.componentId)} />}
            onAdd={(files) => void addFiles(c.componentId, files)}
            onMove={(i, d) => void move(c.componentId, pages, i, d)}
            onRotate={(p) => void rotate(p)}
            onDelete={(p) => void remove(p)}
            onOpen={(p) => setViewer(p.id)}
            onExport={() => void exportPdf(c.componentId)}
            onReview={() => setReview(c.componentId)}
          />
        );
      })}
      {review && (
        <ReviewDialog
          dossierId={dossierId}
          componentId={review}
          onClose={(changed) => {
            setReview(null);
            if (changed) void loadList();
          }}
        />
      )}
      {viewer && (
        <PageViewer
          pageId={viewer}
          pages={all}
          ocr={pageStatus.get(viewer) ?? null}
          onNavigate={setViewer}
          onClose={() => setViewer(null)}
          onChanged={() => {
            void loadList();
            void loadStatus();
          }}
        />
      )}
    </div>
  );
}

function ComponentPages(props: {
  component: DossierComponent;
  pages: PageInfo[];
  heading?: string;
  stateLabel: string;
  stateClass: string;
  sourceCode: string | null;
  thumbs: Record<string, string>;
  pageStatus: Map<string, OcrPageStatus>;
  busy: boolean;
  /** The background import of this component's files (ImportProgress). */
  progress?: ReactNode;
  onAdd: (files: File[]) => void;
  onMove: (index: number, delta: number) => void;
  onRotate: (p: PageInfo) => void;
  onDelete: (p: PageInfo) => void;
  onOpen: (p: PageInfo) => void;
  onExport: () => void;
  onReview: () => void;
}) {
  const { component: c, pages } = props;
  const [over, setOver] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const reviewState = documentReviewState(pages);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    props.onAdd([...e.dataTransfer.files]);
  }

  function onThumbKey(e: ReactKeyboardEvent, p: PageInfo, i: number) {
    if (e.target !== e.currentTarget) return;
    if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowUp')) {
      e.preventDefault();
      props.onMove(i, -1);
    } else if (e.altKey && (e.key === 'ArrowRight' || e.key === 'ArrowDown')) {
      e.preventDefault();
      props.onMove(i, 1);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      props.onOpen(p);
    } else if (e.key === 'r' || e.key === 'R') {
      e.preventDefault();
      props.onRotate(p);
    } else if (e.key === 'Delete') {
      e.preventDefault();
      setConfirmDelete(p.id);
    }
  }

  return (
    <section className="pg-comp" data-testid={`pages-component-${c.componentId}`}>
      {props.heading && <h3 className="pg-results-head">{props.heading}</h3>}
      <div className="pg-comp-head">
        <span className="name">{c.name}</span>
        <span className={`pg-state ${props.stateClass}`} data-testid={`digitisation-state-${c.componentId}`}>
          {props.stateLabel}
          {props.sourceCode ? ` (từ hồ sơ ${props.sourceCode})` : ''}
        </span>
        {reviewState !== null && <ReviewBadge state={reviewState} onClick={props.onReview} testId={`review-state-${c.componentId}`} />}
        <button type="button" className="btn small" disabled={!pages.length} onClick={props.onExport} data-testid={`export-pdf-${c.componentId}`}>
          Xuất PDF tìm kiếm được
        </button>
      </div>
      <div
        className={`pg-drop${over ? ' over' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid={`pages-drop-${c.componentId}`}
      >
        <span className="small">Thêm tệp (JPEG, PNG, TIFF, WebP, PDF; kéo thả vào đây):</span>{' '}
        {/* The browser's own button speaks the browser's language ("Choose Files"): ours speaks Vietnamese. */}
        <button type="button" className="btn small" disabled={props.busy} onClick={() => inputRef.current?.click()} data-testid={`pages-pick-${c.componentId}`}>
          Chọn tệp…
        </button>
        <input
          ref={inputRef}
          type="file"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          multiple
          accept={ACCEPT}
          disabled={props.busy}
          data-testid={`pages-input-${c.componentId}`}
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            props.onAdd(files);
          }}
        />
        {props.busy && <span data-testid={`pages-adding-${c.componentId}`}>Đang thêm trang…</span>}
        {props.progress}
      </div>
      {pages.length > 0 && (
        <div className="pg-thumbs" role="list" aria-label={`Các trang của ${c.name}`}>
          {pages.map((p, i) => {
            const st = props.pageStatus.get(p.id);
            const state = st?.state ?? (p.ocr ? p.ocr.state : null);
            return (
              <div
                key={p.id}
                role="listitem"
                tabIndex={0}
                className="pg-thumb"
                data-testid={`page-thumb-${p.id}`}
                aria-label={`Trang ${i + 1}. Alt+mũi tên để đổi thứ tự, R để xoay, Delete để xoá, Enter để xem chữ`}
                onKeyDown={(e) => onThumbKey(e, p, i)}
              >
                <button type="button" className="pg-thumb-img" onClick={() => props.onOpen(p)} title="Xem trang và chữ nhận dạng" data-testid="page-open">
                  {props.thumbs[p.id] ? (
                    <img src={props.thumbs[p.id]} alt={`Trang ${i + 1}`} data-testid="page-thumb-img" />
                  ) : p.download ? (
                    <span className="muted small" data-testid="page-download">
                      {p.download.error ? `Chưa tải được: ${p.download.error}` : 'Đang tải về…'}
                    </span>
                  ) : (
                    <span className="muted">…</span>
                  )}
                </button>
                <div className="row">
                  <span>
                    Trang {i + 1}
                    {p.source === 'sync' && (
                      <span className="badge" data-testid="page-from-other" title="Trang do máy khác của đơn vị quét, nhận qua đồng bộ với tỉnh">
                        Từ máy khác
                      </span>
                    )}
                  </span>
                  <span>
                    <button type="button" className="btn small" disabled={i === 0} onClick={() => props.onMove(i, -1)} title="Lên trước" aria-label="Lên trước" data-testid="page-up">
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn small"
                      disabled={i === pages.length - 1}
                      onClick={() => props.onMove(i, 1)}
                      title="Xuống sau"
                      aria-label="Xuống sau"
                      data-testid="page-down"
                    >
                      ↓
                    </button>
                    <button type="button" className="btn small" onClick={() => props.onRotate(p)} title="Xoay 90°" aria-label="Xoay 90 độ" data-testid="page-rotate">
                      ⟳
                    </button>
                    <button
                      type="button"
                      className="btn small"
                      disabled={p.source === 'sync'}
                      onClick={() => setConfirmDelete(p.id)}
                      title={p.source === 'sync' ? 'Chỉ máy đã quét mới xoá được trang này' : 'Xoá trang'}
                      aria-label="Xoá trang"
                      data-testid="page-delete"
                    >
                      ✕
                    </button>
                  </span>
                </div>
                {confirmDelete === p.id && (
                  <div className="pg-confirm">
                    Xoá trang?
                    <button type="button" className="btn small danger" autoFocus onClick={() => props.onDelete(p)} data-testid="page-delete-ok">
                      Xoá
                    </button>
                    <button type="button" className="btn small" onClick={() => setConfirmDelete(null)}>
                      Không
                    </button>
                  </div>
                )}
                {state === null ? (
                  <span className="pg-ocr done" data-testid="page-ocr-state">
                    {p.hasText ? 'Có sẵn lớp chữ' : ''}
                  </span>
                ) : (
                  <>
                    <span className={`pg-ocr ${state}`} data-testid="page-ocr-state" title={st?.error ?? undefined}>
                      {OCR_TEXT[state]}
                    </span>
                    {(state === 'queued' || state === 'running') && <progress max={1} value={st?.progress ?? 0} data-testid="page-ocr-progress" />}
                    {state === 'done' && p.unreadable && (
                      <span className="pg-unreadable" role="status" data-testid="page-unreadable">
                        {unreadableLabel(p.unreadable)}
                      </span>
                    )}
                  </>
                )}
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}
