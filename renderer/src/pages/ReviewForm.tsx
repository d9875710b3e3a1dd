// Duyệt giấy tờ số hoá: one digitised document (a component's or a result's pages) — the
// page image, its recognised text, the document data (DOMAIN.md §5; Số, ký hiệu and Ngày
// ban hành prefilled from the text), and the decision. Keyboard: Enter = Đã duyệt (also from
// a field), R = Không duyệt (outside a field; then type the reason, Enter confirms, Esc
// cancels), PageUp/PageDown = previous/next page. Used by the "Chờ duyệt" screen and, in a
// dialog, by the badge of the pages panel.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DocumentData, DocumentReview, ReviewState } from '../../../shared/ipc/pages';
import { REVIEW_LABELS } from '../../../shared/ipc/pages';
import { formatDate, formatDateTime, isoToDisplay } from '../../../shared/domain/vnTime';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { Modal } from '../capture/Modal';
import { useSaveStatus } from '../saveStatus';
import './review.css';

/** The document data as typed: dates dd/mm/yyyy (the contract checks and converts them). */
type DocForm = DocumentData;
const TEXT_FIELDS: { key: 'soKyHieu' | 'ngayBanHanh' | 'coQuanBanHanh' | 'nguoiKy'; label: string; hint?: string }[] = [
  { key: 'soKyHieu', label: 'Số, ký hiệu' },
  { key: 'ngayBanHanh', label: 'Ngày ban hành', hint: 'dd/mm/yyyy' },
  { key: 'coQuanBanHanh', label: 'Cơ quan ban hành' },
  { key: 'nguoiKy', label: 'Người ký' },
];

const toForm = (d: DocumentData): DocForm => ({ ...d, ngayBanHanh: isoToDisplay(d.ngayBanHanh), hieuLucDen: isoToDisplay(d.hieuLucDen) });
const isTyping = (el: EventTarget) => el instanceof HTMLElement && /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && (el as HTMLInputElement).type !== 'checkbox';

export function ReviewBadge({ state, onClick, testId }: { state: ReviewState; onClick?: () => void; testId: string }) {
  return (
    <button type="button" className={`rv-badge r${state}`} onClick={onClick} disabled={!onClick} title="Duyệt giấy tờ số hoá" data-testid={testId}>
      {REVIEW_LABELS[state]}
    </button>
  );
}

export function ReviewForm({ dossierId, componentId, onDecided }: { dossierId: string; componentId: string; onDecided: (r: DocumentReview) => void }) {
  const [review, setReview] = useState<DocumentReview | null>(null);
  const [form, setForm] = useState<DocForm | null>(null);
  const [index, setIndex] = useState(0);
  const [image, setImage] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const { report } = useSaveStatus();
  const rootRef = useRef<HTMLDivElement>(null);
  const reasonRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    void api['review.get']({ dossierId, componentId }).then((r) => {
      if (!live) return;
      if (!r.ok) return setError(r.error.message);
      setReview(r.value);
      setForm(toForm(r.value.data));
      setReason(r.value.reason);
      setIndex(0);
    });
    return () => {
      live = false;
    };
  }, [dossierId, componentId]);

  // Once loaded, the form holds the focus: ready for Enter / R at once.
  const ready = review !== null;
  useEffect(() => {
    if (ready) rootRef.current?.focus();
  }, [ready]);

  const page = review?.pages[index]?.page;
  useEffect(() => {
    if (!page) return;
    let live = true;
    setImage(null);
    void api['pages.image']({ pageId: page.id, variant: 'display' }).then((r) => {
      if (live && r.ok) setImage(`data:${r.value.mime};base64,${r.value.dataBase64}`);
    });
    return () => {
      live = false;
    };
  }, [page]);

  const submit = useCallback(
    async (decision?: 'approve' | 'reject') => {
      if (!form || busy) return;
      setBusy(true);
      setError(null);
      report({ kind: 'saving', what: 'duyệt giấy tờ số hoá' });
      const r = await api['review.save']({ dossierId, componentId, decision, reason: decision === 'reject' ? reason : '', data: form });
      setBusy(false);
      if (!r.ok) {
        setError(r.error.message);
        setFields(r.error.fields ?? {});
        report({ kind: 'error', what: 'duyệt giấy tờ số hoá', message: r.error.message });
        return;
      }
      setFields({});
      setRejecting(false);
      setReview(r.value);
      setForm(toForm(r.value.data));
      report({ kind: 'saved', what: decision ? `"${REVIEW_LABELS[r.value.state]}" ${r.value.name}` : 'thông tin giấy tờ', at: Date.now() });
      if (decision) onDecided(r.value);
    },
    [form, busy, dossierId, componentId, reason, report, onDecided],
  );

  function onKeyDown(e: KeyboardEvent) {
    const t = e.target as HTMLElement;
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey) {
      if (t.tagName === 'BUTTON' || (t.tagName === 'TEXTAREA' && !e.ctrlKey)) return;
      e.preventDefault();
      void submit(rejecting && t === reasonRef.current ? 'reject' : 'approve');
    } else if ((e.key === 'r' || e.key === 'R') && !isTyping(t) && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      // The field takes focus as it mounts (autoFocus), before the next keystroke arrives.
      if (rejecting) reasonRef.current?.focus();
      else setRejecting(true);
    } else if (e.key === 'Escape' && rejecting) {
      e.preventDefault();
      e.stopPropagation();
      setRejecting(false);
      rootRef.current?.focus();
    } else if ((e.key === 'PageDown' || e.key === 'PageUp') && review) {
      e.preventDefault();
      setIndex((i) => Math.max(0, Math.min(review.pages.length - 1, i + (e.key === 'PageDown' ? 1 : -1))));
    }
  }

  if (!review || !form) return <div className="rv-form">{error ? <ErrorBox message={error} testId="review-error" /> : <p className="muted">Đang tải giấy tờ…</p>}</div>;

  const set = (k: keyof DocForm, v: string | boolean) => setForm({ ...form, [k]: v });
  const text = review.pages[index]?.text ?? '';
  return (
    <div ref={rootRef} className="rv-form" tabIndex={-1} onKeyDown={onKeyDown} data-testid="review-form" aria-label={`Duyệt giấy tờ ${review.name}`}>
      <div className="rv-head">
        <h2>
          {review.kind === 'result' ? 'Kết quả: ' : ''}
          {review.name}
        </h2>
        <ReviewBadge state={review.state} testId="review-form-state" />
        <span className="small muted">
          Hồ sơ <span className="mono">{review.dossierCode}</span> · {review.applicantName} · số hoá {formatDate(review.digitisedAt)} bởi {review.digitisedBy}
          {review.reviewedBy && review.reviewedAt ? ` · duyệt lần cuối ${formatDateTime(review.reviewedAt)} bởi ${review.reviewedBy}` : ''}
        </span>
      </div>
      {review.state === 2 && review.reason && (
        <p className="small rv-reason" data-testid="review-reason">
          Lý do không duyệt: {review.reason}
        </p>
      )}
      <ErrorBox message={error} testId="review-error" />
      <div className="rv-body">
        <div className="rv-page">
          <div className="rv-page-nav small">
            <button type="button" className="btn small" disabled={index <= 0} onClick={() => setIndex(index - 1)}>
              ‹ <kbd>PgUp</kbd>
            </button>
            <span data-testid="review-page-no">
              Trang {review.pages.length ? index + 1 : 0}/{review.pages.length}
            </span>
            <button type="button" className="btn small" disabled={index >= review.pages.length - 1} onClick={() => setIndex(index + 1)}>
              <kbd>PgDn</kbd> ›
            </button>
          </div>
          <div className="rv-image">{image ? <img src={image} alt={`Trang ${index + 1}`} data-testid="review-image" /> : <p className="muted">Đang tải ảnh…</p>}</div>
          <pre className="rv-text" data-testid="review-text" aria-label="Chữ nhận dạng của trang">
            {text || 'Chưa có chữ nhận dạng.'}
          </pre>
        </div>
        <div className="rv-data">
          {TEXT_FIELDS.map((f) => (
            <Field
              key={f.key}
              name={`review-${f.key}`}
              label={f.label}
              error={fields[`data.${f.key}`]}
              hint={(review.suggested as string[]).includes(f.key) ? 'Gợi ý từ chữ nhận dạng: kiểm tra lại.' : f.hint}
            >
              {(p) => <input {...p} value={form[f.key]} onChange={(e) => set(f.key, e.target.value)} data-testid={`review-${f.key}`} />}
            </Field>
          ))}
          <Field name="review-trichYeu" label="Trích yếu nội dung" error={fields['data.trichYeu']}>
            {(p) => <textarea {...p} rows={3} value={form.trichYeu} onChange={(e) => set('trichYeu', e.target.value)} data-testid="review-trichYeu" />}
          </Field>
          <div className="rv-validity">
            <Field name="review-hieuLucDen" label="Thời hạn hiệu lực" error={fields['data.hieuLucDen']} hint="dd/mm/yyyy">
              {(p) => <input {...p} value={form.hieuLucDen} disabled={form.vinhVien} onChange={(e) => set('hieuLucDen', e.target.value)} data-testid="review-hieuLucDen" />}
            </Field>
            <label className="small">
              <input
                type="checkbox"
                checked={form.vinhVien}
                onChange={(e) => setForm({ ...form, vinhVien: e.target.checked, hieuLucDen: e.target.checked ? '' : form.hieuLucDen })}
                data-testid="review-vinhVien"
              />{' '}
              Vĩnh viễn
            </label>
          </div>
          {rejecting && (
            <Field name="reason" label="Lý do không duyệt" error={fields.reason} hint="Enter để xác nhận, Esc để thôi.">
              {(p) => <input {...p} ref={reasonRef} autoFocus value={reason} onChange={(e) => setReason(e.target.value)} data-testid="review-reason-input" />}
            </Field>
          )}
          <div className="actions">
            <button type="button" className="btn primary" disabled={busy || !review.pages.length} onClick={() => void submit('approve')} data-testid="review-approve">
              Đã duyệt <kbd>Enter</kbd>
            </button>
            {rejecting ? (
              <button type="button" className="btn danger" disabled={busy} onClick={() => void submit('reject')} data-testid="review-reject-ok">
                Xác nhận không duyệt
              </button>
            ) : (
              <button type="button" className="btn danger-outline" disabled={busy || !review.pages.length} onClick={() => setRejecting(true)} data-testid="review-reject">
                Không duyệt <kbd>R</kbd>
              </button>
            )}
            <button type="button" className="btn" disabled={busy} onClick={() => void submit()} data-testid="review-save-data">
              Chỉ lưu thông tin
            </button>
          </div>
        </div>
      </div>
    </div>
  );
}

/** The review form in a dialog (from the badge of a component's pages). */
export function ReviewDialog({ dossierId, componentId, onClose }: { dossierId: string; componentId: string; onClose: (changed: boolean) => void }) {
  return (
    <Modal title="Duyệt giấy tờ số hoá" testId="review-dialog" onClose={() => onClose(false)} wide>
      <ReviewForm dossierId={dossierId} componentId={componentId} onDecided={() => onClose(true)} />
    </Modal>
  );
}
