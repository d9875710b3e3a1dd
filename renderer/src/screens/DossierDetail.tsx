// Chi tiết hồ sơ: all details, components, the timeline of events, the status
// transitions the server allows (with an optional note and a confirmation), reprints, and
// "Sửa thông tin" (F4) to correct the applicant's details after receipt.
import { registerEntry } from '../../../shared/domain/registerNumber';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DossierDetail, FormKind, RenderedForm } from '../../../shared/ipc/contract';
import type { DossierStatus } from '../../../shared/domain/types';
import { formatDate, formatDateTime, isoToDisplay } from '../../../shared/domain/vnTime';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { PdfView } from '../components/PdfView';
import { DELIVERY_TEXT, EVENT_TEXT, STATUS_TEXT, transitionText } from '../labels';
import { useSaveStatus } from '../saveStatus';
import { isOverdue } from './DossierList';
import { ComponentCapture } from '../capture/ComponentCapture';
import { InboxPanel } from '../capture/InboxPanel';
import { PagesPanel } from '../pages/PagesPanel';
import { ResultsPanel, resultTargets } from '../pages/ResultsPanel';
import type { DossierResult } from '../../../shared/ipc/pages';
import { canEditFields } from '../../../shared/domain/dossierFields';
import { EditFieldsDialog } from './EditFieldsDialog';

export function DossierDetailScreen({ id, onBack }: { id: string; onBack: () => void }) {
  const [detail, setDetail] = useState<DossierDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<DossierStatus | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [form, setForm] = useState<RenderedForm | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [results, setResults] = useState<DossierResult[]>([]);
  const [editing, setEditing] = useState(false);
  const { report } = useSaveStatus();
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const backRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async () => {
    const r = await api['dossiers.get']({ id });
    if (r.ok) {
      setDetail(r.value);
      setError(null);
    } else setError(r.error.message);
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (editing) return; // the dialog handles its own keys
      if (e.key === 'F4' && detail && canEditFields(detail.dossier.status) && !form) {
        e.preventDefault();
        setEditing(true);
        return;
      }
      if (e.key !== 'Escape') return;
      if (pending !== null) {
        setPending(null);
      } else if (form) {
        setForm(null);
      } else {
        onBack();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [pending, form, onBack, editing, detail]);

  async function confirmTransition() {
    if (pending === null || busy) return;
    setBusy(true);
    report({ kind: 'saving', what: 'trạng thái hồ sơ' });
    const r = await api['dossiers.transition']({ id, to: pending, note });
    setBusy(false);
    if (r.ok) {
      setDetail(r.value);
      report({ kind: 'saved', what: `trạng thái "${STATUS_TEXT[pending]}"`, at: Date.now() });
      setPending(null);
      setNote('');
      setActionError(null);
      setTimeout(() => backRef.current?.focus(), 0);
    } else {
      setActionError(r.error.message);
      report({ kind: 'error', what: 'trạng thái hồ sơ', message: r.error.message });
    }
  }

  async function print(kind: FormKind) {
    setFormError(null);
    const r = await api['forms.render']({ kind, id });
    if (r.ok) {
      setForm(r.value);
      void load();
    } else setFormError(r.error.message);
  }

  if (error) {
    return (
      <div className="panel" data-testid="detail-error">
        <ErrorBox message={error} />
        <button type="button" className="btn" onClick={onBack} autoFocus>
          ‹ Về danh sách
        </button>
      </div>
    );
  }
  if (!detail) return <p className="muted">Đang tải hồ sơ…</p>;

  const d = detail.dossier;
  const a = d.applicant;
  const overdue = isOverdue(d);

  return (
    <div className="detail" data-testid="dossier-detail">
      <div className="detail-head">
        <button ref={backRef} type="button" className="btn small" onClick={onBack} data-testid="detail-back">
          ‹ Danh sách <kbd>Esc</kbd>
        </button>
        <h1 className="mono" data-testid="detail-code">
          {d.code}
        </h1>
        <span className={`status s${d.status}`} data-testid="detail-status">
          {STATUS_TEXT[d.status]}
        </span>
        {overdue && <span className="badge overdue-badge">Quá hạn</span>}
        <div className="spacer" />
        {canEditFields(d.status) && (
          <button type="button" className="btn" onClick={() => setEditing(true)} data-testid="edit-fields-open">
            Sửa thông tin <kbd>F4</kbd>
          </button>
        )}
        {d.status !== 3 && (
          <button type="button" className="btn" onClick={() => void print('mau01')} data-testid="reprint-mau01">
            In lại phiếu hẹn (Mẫu 01)
          </button>
        )}
        {d.status === 3 && (
          <button type="button" className="btn" onClick={() => void print('mau03')} data-testid="reprint-mau03">
            In lại phiếu từ chối (Mẫu 03)
          </button>
        )}
      </div>
      <ErrorBox message={formError} testId="form-error" />
      {editing && (
        <EditFieldsDialog
          dossier={d}
          onClose={() => setEditing(false)}
          onSaved={(v) => {
            setDetail(v);
            setEditing(false);
            report({ kind: 'saved', what: 'thông tin hồ sơ', at: Date.now() });
          }}
        />
      )}
      {form ? (
        <div className="panel detail-pdf">
          <PdfView url={form.url} fileName={form.fileName} title={form.fileName} />
          <button type="button" className="btn" onClick={() => setForm(null)} autoFocus>
            Đóng bản in <kbd>Esc</kbd>
          </button>
        </div>
      ) : (
        <>
          <div className="detail-cols">
            <div className="detail-main">
              <div className="panel">
                <h2>Thông tin hồ sơ</h2>
                <dl className="kv">
                  <dt>Thủ tục</dt>
                  <dd data-testid="detail-procedure">
                    <span className="mono">{d.procedureCode}</span> {d.procedureName}
                  </dd>
                  <dt>Lĩnh vực</dt>
                  <dd>{d.fieldName}</dd>
                  <dt>Ngày nhận</dt>
                  <dd>{formatDateTime(d.receivedAt)}</dd>
                  <dt>Hẹn trả</dt>
                  <dd data-testid="detail-appointment">{d.appointmentAt ? formatDateTime(d.appointmentAt) : 'Không có ngày hẹn'}</dd>
                  <dt>Nhận kết quả</dt>
                  <dd>{DELIVERY_TEXT[d.resultDelivery]}</dd>
                  <dt>Số bộ</dt>
                  <dd data-testid="detail-copies">{d.copies}</dd>
                  <dt>Sổ theo dõi</dt>
                  <dd>
                    Quyển {registerEntry(d.registerBook, d.registerNo).book}, số {registerEntry(d.registerBook, d.registerNo).no}
                  </dd>
                  <dt>Người tiếp nhận</dt>
                  <dd>{d.receivedBy}</dd>
                  {d.note && (
                    <>
                      <dt>Ghi chú</dt>
                      <dd data-testid="detail-note">{d.note}</dd>
                    </>
                  )}
                  {d.reason && (
                    <>
                      <dt>Lý do</dt>
                      <dd data-testid="detail-reason">{d.reason}</dd>
                    </>
                  )}
                </dl>
              </div>
              <div className="panel">
                <h2>Người nộp</h2>
                <dl className="kv">
                  <dt>Họ và tên</dt>
                  <dd data-testid="detail-applicant-name">{a.fullName}</dd>
                  <dt>Số định danh</dt>
                  <dd className="mono">{a.idNumber}</dd>
                  <dt>Ngày sinh</dt>
                  <dd>{isoToDisplay(a.birthDate)}</dd>
                  <dt>Địa chỉ</dt>
                  <dd data-testid="detail-address">{a.address}</dd>
                  <dt>Điện thoại</dt>
                  <dd data-testid="detail-phone">{a.phone || '—'}</dd>
                  <dt>Email</dt>
                  <dd data-testid="detail-email">{a.email || '—'}</dd>
                </dl>
              </div>
              <div className="panel">
                <h2>Thành phần hồ sơ</h2>
                <table className="table compact">
                  <thead>
                    <tr>
                      <th>Giấy tờ</th>
                      <th className="c-num">Chính</th>
                      <th className="c-num">C.thực</th>
                      <th className="c-num">Photo</th>
                      <th className="c-num">Đã nộp</th>
                      <th>Số hoá</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.components.map((c) => (
                      <tr key={c.componentId} className={c.notApplicable ? 'not-applicable' : undefined} data-testid={`detail-component-${c.componentId}`}>
                        <td>
                          {c.name}
                          {c.pages ? <span className="muted small"> · {c.pages} trang/bản</span> : null}
                        </td>
                        <td className="c-num">{c.original}</td>
                        <td className="c-num">{c.certified}</td>
                        <td className="c-num">{c.photocopy}</td>
                        <td className="c-num">{c.notApplicable ? <span className="muted small na-label">Không áp dụng</span> : c.received ? '✓' : '—'}</td>
                        <td>
                          {/* Nothing to scan for a paper that does not apply (its pages would never be sent as handed in). */}
                          {c.notApplicable ? null : <ComponentCapture dossierId={d.id} componentId={c.componentId} componentName={c.name} />}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </div>
            <div className="detail-side">
              <div className="panel">
                <h2>Chuyển trạng thái</h2>
                {detail.allowedTransitions.length === 0 ? (
                  <p className="muted small">Hồ sơ ở trạng thái cuối, không còn thao tác.</p>
                ) : (
                  <div className="transition-buttons">
                    {detail.allowedTransitions.map((to) => (
                      <button
                        key={to}
                        type="button"
                        className={`btn${pending === to ? ' primary' : ''}`}
                        data-testid={`transition-${to}`}
                        onClick={() => {
                          setPending(to);
                          setActionError(null);
                          setTimeout(() => noteRef.current?.focus(), 0);
                        }}
                      >
                        {transitionText(d.status, to)}
                      </button>
                    ))}
                  </div>
                )}
                {pending !== null && (
                  <div className="confirm" role="dialog" aria-label="Xác nhận chuyển trạng thái" data-testid="transition-confirm">
                    <p>
                      Chuyển hồ sơ từ <strong>{STATUS_TEXT[d.status]}</strong> sang <strong>{STATUS_TEXT[pending]}</strong>?
                    </p>
                    <label htmlFor="transition-note">Ghi chú (không bắt buộc)</label>
                    <textarea
                      id="transition-note"
                      ref={noteRef}
                      rows={2}
                      value={note}
                      data-testid="transition-note"
                      onChange={(e) => setNote(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                          e.preventDefault();
                          void confirmTransition();
                        }
                      }}
                    />
                    <ErrorBox message={actionError} testId="transition-error" />
                    <div className="actions">
                      <button type="button" className="btn primary" disabled={busy} onClick={() => void confirmTransition()} data-testid="transition-ok">
                        Xác nhận <kbd>Ctrl+Enter</kbd>
                      </button>
                      <button type="button" className="btn" onClick={() => setPending(null)}>
                        Huỷ <kbd>Esc</kbd>
                      </button>
                    </div>
                  </div>
                )}
              </div>
              <div className="panel">
                <h2>Quá trình xử lý</h2>
                <ol className="timeline" data-testid="timeline">
                  {detail.events.map((ev) => (
                    <li key={ev.id} data-testid="timeline-event">
                      <div className="tl-head">
                        <span className="tl-type">{EVENT_TEXT[ev.type] ?? ev.type}</span>
                        <span className="tl-time">{formatDateTime(ev.at)}</span>
                      </div>
                      <div className="muted small">
                        {ev.actor}
                        {ev.toStatus !== null && ev.fromStatus !== ev.toStatus ? ` · → ${STATUS_TEXT[ev.toStatus]}` : ''}
                      </div>
                      {ev.note && <div className="tl-note">{ev.note}</div>}
                    </li>
                  ))}
                </ol>
                {d.finishedAt && <p className="small muted">Xử lý xong: {formatDate(d.finishedAt)}</p>}
                {d.returnedAt && <p className="small muted">Trả kết quả: {formatDate(d.returnedAt)}</p>}
              </div>
            </div>
          </div>
          {/* Digitisation across the whole width: thumbnails and page tools need the room. */}
          <div className="detail-wide">
            <ResultsPanel dossierId={d.id} status={d.status} results={results} onChange={setResults} />
            <InboxPanel dossierId={d.id} components={[...d.components, ...resultTargets(results)]} />
            <PagesPanel dossierId={d.id} components={d.components} results={resultTargets(results)} />
          </div>
        </>
      )}
    </div>
  );
}
