// One page side by side: the page image (~60 % of the width) | the recognised text, editable,
// with the words the engine was unsure of highlighted (a read-only view, and listed under the
// text). Saving keeps the machine's reading and stores the clerk's correction beside it.
// The image is the page upright and levelled (measured at import; the clerk's own turn on
// top), as scanned ("Bản gốc") or cleaned ("Bản làm sạch": seals and pen faded, lighting
// flattened); the kept original is never changed.
import { useEffect, useRef, useState } from 'react';
import type { OcrPageStatus, PageInfo, PageText } from '../../../shared/ipc/pages';
import { DISPLAY_MIN_DESKEW_DEG } from '../../../shared/ipc/pages';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { useSaveStatus } from '../saveStatus';

/** Words below this confidence (0–100) are highlighted for checking. */
export const LOW_CONFIDENCE = 75;

type ImageView = 'display' | 'cleaned';

/** What was done to the page automatically, in words ('' when nothing). */
export function autoCorrectionNote(page: Pick<PageInfo, 'autoRotation' | 'skewDeg'> | undefined): string {
  const done: string[] = [];
  if (page?.autoRotation) done.push(`tự xoay ${page.autoRotation}°`);
  if (page?.skewDeg && Math.abs(page.skewDeg) >= DISPLAY_MIN_DESKEW_DEG) {
    done.push(`nắn thẳng ${Math.abs(page.skewDeg).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}°`);
  }
  return done.length ? `Đã ${done.join(', ')}` : '';
}

export function PageViewer({
  pageId,
  pages,
  ocr,
  onNavigate,
  onClose,
  onChanged,
}: {
  pageId: string;
  pages: PageInfo[];
  ocr: OcrPageStatus | null;
  onNavigate: (id: string) => void;
  onClose: () => void;
  onChanged: () => void;
}) {
  const [view, setView] = useState<ImageView>('display');
  // data: URLs by page, turn and view, so switching views back and forth fetches nothing again.
  const [images, setImages] = useState<Record<string, string>>({});
  const [text, setText] = useState<PageText | null>(null);
  const [draft, setDraft] = useState('');
  const [editing, setEditing] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const { report } = useSaveStatus();
  const ref = useRef<HTMLDivElement>(null);
  const page = pages.find((p) => p.id === pageId);
  const index = page ? pages.filter((p) => p.componentId === page.componentId).indexOf(page) : -1;
  const siblings = page ? pages.filter((p) => p.componentId === page.componentId) : [];
  const ocrState = ocr?.state ?? page?.ocr?.state ?? null;

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.querySelector<HTMLElement>('textarea, button')?.focus();
    return () => opener?.focus?.();
  }, []);

  const imageKey = `${pageId}:${page?.rotation ?? 0}:${view}`;
  const image = images[imageKey] ?? null;
  useEffect(() => {
    if (images[imageKey]) return;
    let live = true;
    void api['pages.image']({ pageId, variant: view }).then((r) => {
      if (!live) return;
      if (!r.ok) return setError(r.error.message);
      const url = `data:${r.value.mime};base64,${r.value.dataBase64}`;
      // Only this page's images are kept (a few MB each).
      setImages((m) => ({ ...Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith(`${pageId}:`))), [imageKey]: url }));
    });
    return () => {
      live = false;
    };
  }, [imageKey, images, pageId, view]);
  const autoNote = autoCorrectionNote(page);

  // The text: loaded now, and again when its OCR finishes.
  const loadedFor = useRef<string>('');
  useEffect(() => {
    const key = `${pageId}:${ocrState}`;
    if (loadedFor.current === key) return;
    loadedFor.current = key;
    void api['pages.text']({ pageId }).then((r) => {
      if (!r.ok) return setError(r.error.message);
      setText(r.value);
      setDraft(r.value.correctedText ?? r.value.text);
    });
  }, [pageId, ocrState]);

  const low = (text?.words ?? []).filter((w) => w.confidence < LOW_CONFIDENCE);
  const lowSet = new Set(low.map((w) => w.text));
  const dirty = text !== null && draft !== (text.correctedText ?? text.text);

  async function save() {
    if (saving) return;
    setSaving(true);
    report({ kind: 'saving', what: 'nội dung trang' });
    const r = await api['pages.saveText']({ pageId, text: draft });
    setSaving(false);
    if (r.ok) {
      setText(r.value);
      setDraft(r.value.correctedText ?? r.value.text);
      report({ kind: 'saved', what: 'nội dung đã sửa', at: Date.now() });
      onChanged();
    } else {
      setError(r.error.message);
      report({ kind: 'error', what: 'nội dung trang', message: r.error.message });
    }
  }

  async function reOcr() {
    const r = await api['ocr.retry']({ pageId });
    if (!r.ok) setError(r.error.message);
    onChanged();
  }

  return (
    <div className="pg-backdrop">
      <div
        ref={ref}
        className="pg-viewer"
        role="dialog"
        aria-modal="true"
        aria-label="Trang và chữ nhận dạng"
        data-testid="page-viewer"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            e.preventDefault();
            onClose();
          } else if (e.key === 's' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          }
        }}
      >
        <div className="pg-viewer-head">
          <h2>
            Trang {index + 1}/{siblings.length}
            {page?.fileName ? <span className="small muted"> · {page.fileName}</span> : null}
          </h2>
          <span className="small muted" data-testid="viewer-ocr-state">
            {ocrState === 'queued' || ocrState === 'running'
              ? `Đang nhận dạng chữ… ${Math.round((ocr?.progress ?? 0) * 100)}%`
              : text?.source === 'pdf'
                ? 'Chữ lấy từ lớp chữ của tệp PDF'
                : text && text.confidence
                  ? `Độ tin cậy trung bình ${Math.round(text.confidence)}%`
                  : ''}
          </span>
          <button type="button" className="btn small" disabled={index <= 0} onClick={() => onNavigate(siblings[index - 1].id)}>
            ‹ Trang trước
          </button>
          <button type="button" className="btn small" disabled={index >= siblings.length - 1} onClick={() => onNavigate(siblings[index + 1].id)}>
            Trang sau ›
          </button>
          <button type="button" className="btn small" onClick={() => void reOcr()} data-testid="viewer-reocr">
            Nhận dạng lại
          </button>
          <button type="button" className="btn small" onClick={onClose} data-testid="viewer-close">
            Đóng <kbd>Esc</kbd>
          </button>
        </div>
        <ErrorBox message={error} testId="viewer-error" />
        <div className="pg-viewer-body">
          <div className="pg-viewer-imgcol">
            <div className="actions" role="group" aria-label="Kiểu ảnh trang">
              <button
                type="button"
                className={`btn small${view === 'display' ? ' primary' : ''}`}
                aria-pressed={view === 'display'}
                onClick={() => setView('display')}
                data-testid="viewer-view-display"
              >
                Bản gốc
              </button>
              <button
                type="button"
                className={`btn small${view === 'cleaned' ? ' primary' : ''}`}
                aria-pressed={view === 'cleaned'}
                onClick={() => setView('cleaned')}
                title="Mờ dấu đỏ và nét bút màu, làm đều ánh sáng để dễ đọc; bản lưu giữ nguyên"
                data-testid="viewer-view-cleaned"
              >
                Bản làm sạch
              </button>
              {autoNote && (
                <span className="small muted" data-testid="viewer-auto">
                  {autoNote}
                </span>
              )}
            </div>
            <div className="pg-viewer-img">
              {image ? (
                <img src={image} alt={`Trang ${index + 1}${view === 'cleaned' ? ' (bản làm sạch)' : ''}`} data-testid="viewer-image" data-view={view} />
              ) : (
                <p className="muted">Đang tải ảnh…</p>
              )}
            </div>
          </div>
          <div className="pg-viewer-text">
            <div className="actions">
              <button type="button" className={`btn small${editing ? ' primary' : ''}`} onClick={() => setEditing(true)} data-testid="viewer-edit">
                Sửa chữ
              </button>
              <button type="button" className={`btn small${!editing ? ' primary' : ''}`} onClick={() => setEditing(false)} data-testid="viewer-highlight">
                Xem chữ cần kiểm tra ({low.length})
              </button>
              <span className="spacer" />
              <button type="button" className="btn small primary" disabled={!dirty || saving} onClick={() => void save()} data-testid="viewer-save">
                Lưu nội dung đã sửa <kbd>Ctrl+S</kbd>
              </button>
            </div>
            {editing ? (
              <textarea value={draft} onChange={(e) => setDraft(e.target.value)} spellCheck={false} lang="vi" aria-label="Nội dung chữ của trang" data-testid="viewer-text" />
            ) : (
              <div className="pg-read" data-testid="viewer-read">
                {draft.split(/(\s+)/).map((w, i) => (lowSet.has(w) ? <mark key={i}>{w}</mark> : <span key={i}>{w}</span>))}
              </div>
            )}
            {text?.correctedAt ? (
              <p className="small muted" data-testid="viewer-corrected">
                Đã sửa bởi {text.correctedBy}
              </p>
            ) : null}
            {low.length > 0 && (
              <div className="pg-low" data-testid="viewer-low">
                <span className="small">Chữ nhận dạng chưa chắc chắn (độ tin cậy dưới {LOW_CONFIDENCE}%):</span>
                <ul>
                  {low.slice(0, 60).map((w, i) => (
                    <li key={i}>
                      <mark>{w.text}</mark> <span className="muted">{Math.round(w.confidence)}%</span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </div>
      </div>
    </div>
  );
}
