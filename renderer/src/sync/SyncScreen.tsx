// Đồng bộ với tỉnh: what waits to be sent and why, the last success, the clock check,
// 'Đồng bộ ngay', the enrolment form (hub address + code from the province) and the
// conflicts two counters made offline, each settled by choosing a status.
import { useEffect, useState } from 'react';
import type { DossierStatus } from '../../../shared/domain/types';
import { AWAITING_APPROVAL_TEXT } from '../../../shared/ipc/sync';
import type { SyncConflict, SyncItemState, SyncRunReport, SyncStatus } from '../../../shared/ipc/sync';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { STATUS_TEXT } from '../labels';
import { vnDateTime } from './useSyncStatus';
import './sync.css';

const STATE_TEXT: Record<SyncItemState, string> = { queued: 'Chờ gửi', sending: 'Đang gửi', acked: 'Đã gửi', failed: 'Lỗi' };

export function SyncScreen({ status, refresh, onOpenDossier }: { status: SyncStatus | null; refresh: () => Promise<void>; onOpenDossier: (id: string) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<SyncRunReport | null>(null);
  const [conflicts, setConflicts] = useState<SyncConflict[]>([]);

  const loadConflicts = async () => {
    const r = await api['sync.conflicts']({});
    if (r.ok) setConflicts(r.value);
  };
  useEffect(() => {
    void loadConflicts();
  }, [status?.openConflicts, status?.lastSuccessAt]);
  useEffect(() => {
    void refresh(); // fresh counts when the screen opens (the header polls every few seconds)
  }, [refresh]);

  async function syncNow() {
    setBusy(true);
    setError(null);
    const r = await api['sync.now']({});
    setBusy(false);
    if (r.ok) setReport(r.value);
    else setError(r.error.message);
    await refresh();
    await loadConflicts();
  }

  async function retryFailed() {
    const r = await api['sync.retryFailed']({});
    if (!r.ok) setError(r.error.message);
    await refresh();
  }

  if (!status) return <p className="muted">Đang tải trạng thái đồng bộ…</p>;
  const e = status.enrolled;
  const skewMin = status.clockSkewMs === null ? null : Math.round(status.clockSkewMs / 60_000);
  return (
    <div className="sync-screen" data-testid="sync-screen">
      <section className="panel" aria-labelledby="sync-title">
        <h2 id="sync-title">Đồng bộ với tỉnh</h2>
        {e ? (
          <p className="small" data-testid="sync-enrolled">
            Đơn vị <b>{e.unitCode}</b> ({e.unitName}) · máy <b>{e.deviceName}</b> (ô số {e.slot}: mã {e.slot}001–{e.slot}999) · hub <span className="mono">{e.hubUrl}</span>
          </p>
        ) : (
          <div className="alert info" data-testid="sync-not-enrolled">
            Máy chưa kết nối với tỉnh: hồ sơ vẫn được lưu đầy đủ trên máy và sẽ được gửi khi máy được đăng ký (mẫu đăng ký bên phải).
          </div>
        )}
        {e && status.awaitingApproval ? (
          <div className="alert info" data-testid="sync-awaiting-approval" role="status">
            {AWAITING_APPROVAL_TEXT}
          </div>
        ) : null}
        <div className="sync-counts">
          {/* Changes and page files apart: the changes are the rows of the table below, one for one. */}
          <div className="sync-count" data-testid="sync-count-queued">
            <b>{status.counts.queued}</b>thay đổi chờ gửi
          </div>
          <div className="sync-count" data-testid="sync-count-files">
            <b>{status.files.queued}</b>trang chờ gửi
          </div>
          <div className="sync-count" data-testid="sync-count-sending">
            <b>{status.counts.sending}</b>đang gửi
          </div>
          <div className={`sync-count${status.counts.failed + status.files.failed ? ' failed' : ''}`} data-testid="sync-count-failed">
            <b>{status.counts.failed + status.files.failed}</b>lỗi
          </div>
          <div className="sync-count" data-testid="sync-count-acked">
            <b>{status.counts.acked}</b>đã gửi
          </div>
          <div className={`sync-count${status.downloads.failed ? ' failed' : ''}`} data-testid="sync-count-downloads" title="Trang số hoá do máy khác của đơn vị quét, chưa tải được về máy này">
            <b>{status.downloads.waiting}</b>trang chờ tải về{status.downloads.failed ? ` (${status.downloads.failed} lỗi)` : ''}
          </div>
        </div>
        <p className="small">
          Lần đồng bộ thành công gần nhất: <b data-testid="sync-last-success">{status.lastSuccessAt ? vnDateTime(status.lastSuccessAt) : 'chưa có'}</b>
          {status.reachable === false ? ' · Hiện không kết nối được hub của tỉnh.' : ''}
          {status.nextAttemptAt ? ` · Tự thử lại lúc ${vnDateTime(status.nextAttemptAt)}.` : ''}
        </p>
        {/* While the hub keeps this PC waiting for approval, the note above says why (each item repeats the hub's reason). */}
        {status.lastError && !(e && status.awaitingApproval) ? (
          <div className="alert error small" data-testid="sync-last-error">
            Lỗi lần trước{status.lastErrorAt ? ` (${vnDateTime(status.lastErrorAt)})` : ''}: {status.lastError}
          </div>
        ) : null}
        {status.clockWarning ? (
          <div className="alert error small" data-testid="sync-clock-warning">
            Đồng hồ máy này lệch {Math.abs(skewMin ?? 0)} phút so với máy chủ của tỉnh ({(skewMin ?? 0) > 0 ? 'chậm hơn' : 'nhanh hơn'}). Ngày giờ tiếp nhận và hẹn trả sẽ sai: hãy chỉnh lại giờ
            của máy.
          </div>
        ) : null}
        <ErrorBox message={error} testId="sync-error" />
        {report && (report.ok || !report.error) ? (
          <div className={`alert small ${report.ok ? 'success' : 'error'}`} data-testid="sync-report" role="status">
            {report.ok
              ? `Đã đồng bộ: gửi ${report.pushed.accepted + report.pushed.duplicates} thay đổi, ${report.files.uploaded} trang; nhận ${report.pulled.events} thay đổi (${report.pulled.dossiersAdded} hồ sơ mới), ${report.downloads.done} trang của máy khác trong ${report.seconds} giây.`
              : `Chưa đồng bộ xong: ${report.failed} thay đổi bị tỉnh từ chối (xem lý do bên dưới).`}
          </div>
        ) : null}
        <div className="actions">
          <button type="button" className="btn primary" data-testid="sync-now" disabled={busy || !e} onClick={() => void syncNow()}>
            {busy || status.running ? 'Đang đồng bộ…' : 'Đồng bộ ngay'}
          </button>
          <button type="button" className="btn" data-testid="sync-retry-failed" disabled={!(status.counts.failed + status.files.failed)} onClick={() => void retryFailed()}>
            Gửi lại các mục lỗi
          </button>
        </div>
        <h3>Các thay đổi chưa gửi</h3>
        {status.items.length === 0 ? (
          <p className="muted small" data-testid="sync-items-empty">
            Không có thay đổi nào chờ gửi.
          </p>
        ) : (
          <div className="sync-items table-wrap">
            <table className="table" data-testid="sync-items">
              <thead>
                <tr>
                  <th>Thay đổi</th>
                  <th>Hồ sơ</th>
                  <th>Trạng thái</th>
                  <th>Lý do</th>
                </tr>
              </thead>
              <tbody>
                {status.items.map((it) => (
                  <tr key={it.id} data-testid="sync-item" data-state={it.state}>
                    <td>{it.label}</td>
                    <td className="c-code">
                      {it.dossierId ? (
                        <button type="button" className="btn small" onClick={() => onOpenDossier(it.dossierId!)}>
                          {it.dossierCode}
                        </button>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      <span className={`sync-state ${it.state}`}>{STATE_TEXT[it.state]}</span>
                      {it.attempts > 1 ? <span className="muted small"> ({it.attempts} lần)</span> : null}
                    </td>
                    <td className="sync-reason">{it.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <div>
        <EnrolForm enrolled={!!e} onDone={refresh} />
        <ConflictList
          conflicts={conflicts}
          onChanged={async () => {
            await loadConflicts();
            await refresh();
          }}
          onOpenDossier={onOpenDossier}
        />
      </div>
    </div>
  );
}

function EnrolForm({ enrolled, onDone }: { enrolled: boolean; onDone: () => Promise<void> }) {
  const [open, setOpen] = useState(!enrolled);
  const [hubUrl, setHubUrl] = useState('');
  const [code, setCode] = useState('');
  const [deviceName, setDeviceName] = useState('Máy tiếp nhận 1');
  const [insecure, setInsecure] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(ev: React.FormEvent) {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await api['sync.enroll']({ hubUrl, code, deviceName, allowInsecureHttp: insecure });
    setBusy(false);
    if (r.ok) {
      setErrors({});
      setDone(
        `Đã đăng ký: đơn vị ${r.value.enrolment.unitCode}, ô số ${r.value.enrolment.slot}.${r.value.awaitingApproval ? ' Máy đang chờ tỉnh duyệt.' : ''}${r.value.warning ? ` Lưu ý: ${r.value.warning}` : ''}`,
      );
      setCode('');
      setOpen(false);
      await onDone();
    } else {
      setErrors(r.error.fields ?? {});
      setError(r.error.message);
    }
  }

  return (
    <section className="panel" aria-labelledby="enrol-title">
      <h3 id="enrol-title">Đăng ký máy với tỉnh</h3>
      {done ? (
        <div className="alert success small" data-testid="enrol-done" role="status">
          {done}
        </div>
      ) : null}
      {!open ? (
        <button type="button" className="btn small" data-testid="enrol-open" onClick={() => setOpen(true)}>
          {enrolled ? 'Đăng ký lại (mã mới của tỉnh)' : 'Đăng ký'}
        </button>
      ) : (
        <form className="sync-form" onSubmit={(ev) => void submit(ev)} data-testid="enrol-form">
          <Field label="Địa chỉ hub của tỉnh" required name="hubUrl" error={errors.hubUrl} hint="Ví dụ https://dongbo.angiang.gov.vn">
            {(p) => <input {...p} type="url" value={hubUrl} onChange={(e) => setHubUrl(e.target.value)} data-testid="enrol-hub" autoComplete="off" />}
          </Field>
          <Field label="Mã đăng ký do tỉnh cấp" required name="code" error={errors.code} hint="16 ký tự, dạng XXXX-XXXX-XXXX-XXXX; dùng một lần">
            {(p) => <input {...p} value={code} onChange={(e) => setCode(e.target.value)} data-testid="enrol-code" className="mono" autoComplete="off" spellCheck={false} />}
          </Field>
          <Field label="Tên máy" required name="deviceName" error={errors.deviceName}>
            {(p) => <input {...p} value={deviceName} onChange={(e) => setDeviceName(e.target.value)} data-testid="enrol-name" />}
          </Field>
          <label className="small">
            <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} data-testid="enrol-insecure" /> Cho phép HTTP không mã hoá (chỉ khi thử nghiệm trong mạng nội
            bộ)
          </label>
          <ErrorBox message={error} testId="enrol-error" />
          <div className="actions">
            <button type="submit" className="btn primary" disabled={busy} data-testid="enrol-submit">
              {busy ? 'Đang đăng ký…' : 'Đăng ký'}
            </button>
            {enrolled ? (
              <button type="button" className="btn" onClick={() => setOpen(false)}>
                Huỷ
              </button>
            ) : null}
          </div>
        </form>
      )}
    </section>
  );
}

const CHOICES: DossierStatus[] = [4, 5, 6, 7, 8, 9, 10];

function ConflictList({ conflicts, onChanged, onOpenDossier }: { conflicts: SyncConflict[]; onChanged: () => Promise<void>; onOpenDossier: (id: string) => void }) {
  const open = conflicts.filter((c) => !c.resolved);
  const [error, setError] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="conflicts-title" data-testid="sync-conflicts">
      <h3 id="conflicts-title">Xung đột giữa các quầy {open.length ? <span className="badge overdue-badge">{open.length}</span> : null}</h3>
      {open.length === 0 ? <p className="muted small">Không có xung đột nào cần xử lý.</p> : null}
      <ErrorBox message={error} testId="conflict-error" />
      {open.map((c) => (
        <ConflictRow
          key={c.id}
          c={c}
          onOpenDossier={onOpenDossier}
          onResolve={async (status) => {
            const r = await api['sync.resolveConflict']({ conflictId: c.id, status, note: '' });
            if (!r.ok) setError(r.error.message);
            else setError(null);
            await onChanged();
          }}
        />
      ))}
    </section>
  );
}

function ConflictRow({ c, onResolve, onOpenDossier }: { c: SyncConflict; onResolve: (s: DossierStatus) => Promise<void>; onOpenDossier: (id: string) => void }) {
  const initial = (typeof c.kept?.value === 'number' ? c.kept.value : (c.currentStatus ?? 4)) as DossierStatus;
  const [choice, setChoice] = useState<DossierStatus>(initial);
  const side = (label: string, s: SyncConflict['other'] | null) =>
    s ? (
      <li>
        {label}: <b>{c.kind === 'status' && typeof s.value === 'number' ? STATUS_TEXT[s.value as DossierStatus] : s.label}</b> — {s.actor} ({s.deviceId}), {vnDateTime(s.at)}
      </li>
    ) : null;
  return (
    <div className="sync-conflict" data-testid="sync-conflict">
      <div>
        Hồ sơ{' '}
        {c.dossierId ? (
          <button type="button" className="btn small" onClick={() => onOpenDossier(c.dossierId!)}>
            {c.dossierCode}
          </button>
        ) : (
          <span className="mono">{c.dossierCode ?? '—'}</span>
        )}
        {c.kind === 'status' && typeof c.base === 'number' ? <span className="small muted"> · từ trạng thái "{STATUS_TEXT[c.base as DossierStatus]}"</span> : null}
      </div>
      <ul className="small">
        {side('Đang áp dụng', c.kept)}
        {side('Quầy khác chọn', c.other)}
      </ul>
      {c.kind === 'status' ? (
        <div className="row-inline">
          <label className="small">
            Chọn trạng thái đúng{' '}
            <select value={choice} onChange={(e) => setChoice(Number(e.target.value) as DossierStatus)} data-testid="conflict-choice">
              {CHOICES.map((s) => (
                <option key={s} value={s}>
                  {STATUS_TEXT[s]}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn small primary" data-testid="conflict-resolve" onClick={() => void onResolve(choice)}>
            Giải quyết
          </button>
        </div>
      ) : (
        <div className="row-inline">
          <span className="small muted">Xung đột về thông tin hồ sơ: kiểm tra lại trên hồ sơ, rồi đánh dấu đã xử lý.</span>
          <button type="button" className="btn small" data-testid="conflict-resolve" onClick={() => void onResolve((c.currentStatus ?? 4) as DossierStatus)}>
            Đánh dấu đã xử lý
          </button>
        </div>
      )}
    </div>
  );
}
