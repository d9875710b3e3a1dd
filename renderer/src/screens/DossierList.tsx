// Danh sách hồ sơ: search (diacritic-insensitive on the server), filters, a table with
// overdue rows marked, paging. Arrow keys move between rows, Enter opens a dossier.
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import type { DossierStatus, DossierSummary } from '../../../shared/domain/types';
import { formatDate, formatDateTime } from '../../../shared/domain/vnTime';
import { normalizeTypedDate, typedDateToIso } from '../../../shared/domain/typedDate';
import { useCall } from '../state/query';
import { ErrorBox } from '../components/Field';
import { FINISHED_STATUSES, STATUS_TEXT } from '../labels';
import { useDebounced } from '../util';

export interface ListState {
  query: string;
  status: '' | `${DossierStatus}`;
  procedureCode: string;
  from: string;
  to: string;
  due: '' | 'soon' | 'overdue';
  page: number;
}

const PAGE_SIZE = 12;
const EMPTY: ListState = { query: '', status: '', procedureCode: '', from: '', to: '', due: '', page: 0 };

export function isOverdue(d: Pick<DossierSummary, 'status' | 'appointmentAt'>, now = Date.now()): boolean {
  return d.appointmentAt !== null && d.appointmentAt < now && !FINISHED_STATUSES.has(d.status);
}

export function DossierListScreen({ initial, onState, onOpen }: { initial: ListState | null; onState: (s: ListState) => void; onOpen: (id: string) => void }) {
  const [s, setS] = useState<ListState>(initial ?? EMPTY);
  const debouncedQuery = useDebounced(s.query, 200);
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => onState(s), [s, onState]);

  const procedures = useCall('procedures.search', { query: '', includeInactive: true }).data ?? [];

  const now = Date.now();
  const from = s.from.trim() ? typedDateToIso(s.from, now) : null;
  const to = s.to.trim() ? typedDateToIso(s.to, now) : null;
  const dateErrors: { from?: string; to?: string } = {};
  if (s.from.trim() && !from) dateErrors.from = 'Ngày dạng dd/mm/yyyy.';
  if (s.to.trim() && !to) dateErrors.to = 'Ngày dạng dd/mm/yyyy.';
  // The list is a query: a pushed change (a pulled dossier, a status) refreshes it by itself;
  // the rows of the last answer stay while the next one loads, so the table never blinks.
  const list = useCall(
    'dossiers.list',
    {
      query: debouncedQuery.trim() || undefined,
      statuses: s.status ? [Number(s.status) as DossierStatus] : undefined,
      procedureCode: s.procedureCode || undefined,
      receivedFrom: from ?? undefined,
      receivedTo: to ?? undefined,
      due: s.due || undefined,
      limit: PAGE_SIZE,
      offset: s.page * PAGE_SIZE,
    },
    { enabled: !dateErrors.from && !dateErrors.to, placeholderData: keepPreviousData },
  );
  const items = list.error ? [] : (list.data?.items ?? []);
  const total = list.error ? 0 : (list.data?.total ?? 0);
  const loading = list.isFetching;
  const error = list.error?.message ?? null;

  const update = (patch: Partial<ListState>) => setS((cur) => ({ ...cur, page: 0, ...patch }));
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  function onRowKey(e: ReactKeyboardEvent<HTMLTableRowElement>, i: number, id: string) {
    if (e.key === 'Enter') {
      e.preventDefault();
      onOpen(id);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      rowRefs.current[i + 1]?.focus();
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (i === 0) searchRef.current?.focus();
      else rowRefs.current[i - 1]?.focus();
    } else if (e.key === 'PageDown' && s.page + 1 < pages) {
      setS((c) => ({ ...c, page: c.page + 1 }));
    } else if (e.key === 'PageUp' && s.page > 0) {
      setS((c) => ({ ...c, page: c.page - 1 }));
    }
  }

  return (
    <div className="list-screen" data-testid="dossier-list">
      <div className="panel filters">
        <div className="filter-row">
          <input
            ref={searchRef}
            type="search"
            className="search-box"
            autoFocus
            placeholder="Tìm theo mã hồ sơ, tên người nộp, số định danh, số điện thoại… (không cần gõ dấu)"
            aria-label="Tìm hồ sơ"
            value={s.query}
            data-testid="list-search"
            onChange={(e) => update({ query: e.target.value })}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' || e.key === 'Enter') {
                if (rowRefs.current[0]) {
                  e.preventDefault();
                  rowRefs.current[0].focus();
                }
              }
            }}
          />
          <div className="seg" role="group" aria-label="Hạn xử lý">
            {(
              [
                ['', 'Tất cả'],
                ['soon', 'Sắp đến hạn'],
                ['overdue', 'Quá hạn'],
              ] as const
            ).map(([v, label]) => (
              <button
                key={v}
                type="button"
                className={`seg-btn${s.due === v ? ' active' : ''}`}
                aria-pressed={s.due === v}
                data-testid={`filter-due-${v || 'all'}`}
                onClick={() => update({ due: v })}
              >
                {label}
              </button>
            ))}
          </div>
        </div>
        <div className="filter-row">
          <label className="inline">
            Trạng thái
            <select value={s.status} data-testid="filter-status" onChange={(e) => update({ status: e.target.value as ListState['status'] })}>
              <option value="">Tất cả</option>
              {(Object.keys(STATUS_TEXT) as unknown as DossierStatus[]).map((k) => (
                <option key={k} value={String(k)}>
                  {STATUS_TEXT[k]}
                </option>
              ))}
            </select>
          </label>
          <label className="inline grow">
            Thủ tục
            <select value={s.procedureCode} data-testid="filter-procedure" onChange={(e) => update({ procedureCode: e.target.value })}>
              <option value="">Tất cả thủ tục</option>
              {procedures.map((p) => (
                <option key={p.code} value={p.code}>
                  {p.code} — {p.name}
                </option>
              ))}
            </select>
          </label>
          <label className={`inline${dateErrors.from ? ' has-error' : ''}`} title={dateErrors.from}>
            Từ ngày
            <input
              type="text"
              className="date-input"
              placeholder="dd/mm/yyyy"
              maxLength={10}
              value={s.from}
              data-testid="filter-from"
              onChange={(e) => update({ from: e.target.value })}
              onBlur={(e) => normalizeTypedDate(e.target.value, Date.now()) !== e.target.value && update({ from: normalizeTypedDate(e.target.value, Date.now()) })}
            />
          </label>
          <label className={`inline${dateErrors.to ? ' has-error' : ''}`} title={dateErrors.to}>
            Đến ngày
            <input
              type="text"
              className="date-input"
              placeholder="dd/mm/yyyy"
              maxLength={10}
              value={s.to}
              data-testid="filter-to"
              onChange={(e) => update({ to: e.target.value })}
              onBlur={(e) => normalizeTypedDate(e.target.value, Date.now()) !== e.target.value && update({ to: normalizeTypedDate(e.target.value, Date.now()) })}
            />
          </label>
          <button type="button" className="btn small" onClick={() => setS(EMPTY)} data-testid="filter-clear">
            Xoá lọc
          </button>
        </div>
        {(dateErrors.from || dateErrors.to) && <div className="field-msg error">Ngày lọc phải có dạng dd/mm/yyyy.</div>}
      </div>
      <ErrorBox message={error} testId="list-error" />
      <div className="panel table-wrap">
        <table className="table dossier-table" data-testid="dossier-table">
          <thead>
            <tr>
              <th className="c-code">Mã hồ sơ</th>
              <th>Người nộp</th>
              <th>Thủ tục</th>
              <th className="c-date">Ngày nhận</th>
              <th className="c-date">Hẹn trả</th>
              <th className="c-status">Trạng thái</th>
            </tr>
          </thead>
          <tbody>
            {items.map((d, i) => {
              const overdue = isOverdue(d, now);
              return (
                <tr
                  key={d.id}
                  ref={(el) => {
                    rowRefs.current[i] = el;
                  }}
                  tabIndex={0}
                  className={`clickable${overdue ? ' overdue' : ''}`}
                  data-testid="dossier-row"
                  data-code={d.code}
                  data-overdue={overdue ? 'true' : undefined}
                  onClick={() => onOpen(d.id)}
                  onKeyDown={(e) => onRowKey(e, i, d.id)}
                >
                  <td className="c-code mono">{d.code}</td>
                  <td>
                    <div className="cell-main">{d.applicantName}</div>
                    <div className="muted small">{d.idNumber}</div>
                  </td>
                  <td>
                    <div className="cell-clip" title={d.procedureName}>
                      {d.procedureName}
                    </div>
                  </td>
                  <td className="c-date">{formatDateTime(d.receivedAt)}</td>
                  <td className="c-date">
                    {d.appointmentAt ? formatDate(d.appointmentAt) : '—'}
                    {overdue && <span className="badge overdue-badge">Quá hạn</span>}
                  </td>
                  <td className="c-status">
                    <span className={`status s${d.status}`}>{STATUS_TEXT[d.status] ?? d.status}</span>
                  </td>
                </tr>
              );
            })}
            {!loading && items.length === 0 && !error && (
              <tr>
                <td colSpan={6} className="empty" data-testid="list-empty">
                  Không có hồ sơ phù hợp.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager" data-testid="pager">
        <span className="muted">
          {total === 0 ? '0 hồ sơ' : `${s.page * PAGE_SIZE + 1}–${Math.min(total, (s.page + 1) * PAGE_SIZE)} / ${total} hồ sơ`}
          {loading ? ' · đang tải…' : ''}
        </span>
        <button type="button" className="btn small" disabled={s.page === 0} onClick={() => setS((c) => ({ ...c, page: c.page - 1 }))} data-testid="page-prev">
          ‹ Trước
        </button>
        <span>
          Trang {s.page + 1}/{pages}
        </span>
        <button type="button" className="btn small" disabled={s.page + 1 >= pages} onClick={() => setS((c) => ({ ...c, page: c.page + 1 }))} data-testid="page-next">
          Sau ›
        </button>
      </div>
    </div>
  );
}
