// Chờ duyệt: every digitised document of the unit waiting for review (oldest first), reviewed
// one after another by keyboard. The list on the left (↑/↓ on a row, Enter opens it), the
// review form on the right; after a decision the next document opens by itself, ready for
// Enter (Đã duyệt) or R (Không duyệt).
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { DocumentRef } from '../../../shared/ipc/pages';
import { UNREADABLE_TITLE } from '../../../shared/ipc/pages';
import { formatDate } from '../../../shared/domain/vnTime';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { ReviewForm } from './ReviewForm';
import './review.css';

const keyOf = (d: { dossierId: string; componentId: string }) => `${d.dossierId}:${d.componentId}`;

export function ReviewScreen({ onOpenDossier }: { onOpenDossier: (id: string) => void }) {
  const [items, setItems] = useState<DocumentRef[] | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [done, setDone] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  const itemsRef = useRef<DocumentRef[]>([]);

  /** Reloads the list; `after` = the key of the document just decided: the next one opens. */
  const load = useCallback(async (after?: string) => {
    const r = await api['review.pending']({});
    if (!r.ok) return setError(r.error.message);
    setError(null);
    const old = itemsRef.current.map(keyOf);
    const keys = r.value.map(keyOf);
    itemsRef.current = r.value;
    setItems(r.value);
    setCurrent((cur) => {
      if (cur && cur !== after && keys.includes(cur)) return cur;
      // The first document after the decided one (in the old order) that still waits.
      return old.slice(old.indexOf(after ?? cur ?? '') + 1).find((k) => keys.includes(k)) ?? keys[0] ?? null;
    });
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const selected = items?.find((d) => keyOf(d) === current) ?? null;

  function onRowKey(e: KeyboardEvent, i: number) {
    if (!items) return;
    const move = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (move) {
      e.preventDefault();
      const j = Math.max(0, Math.min(items.length - 1, i + move));
      listRef.current?.querySelectorAll<HTMLElement>('[data-testid="review-item"]')[j]?.focus();
    }
  }

  return (
    <div className="rv-screen" data-testid="review-screen">
      <div className="panel rv-list" ref={listRef}>
        <h2>
          Chờ duyệt
          <span className="badge" data-testid="review-count">
            {items?.length ?? 0} giấy tờ
          </span>
        </h2>
        {done > 0 && <p className="small muted">Đã xử lý {done} giấy tờ trong lượt này.</p>}
        <ErrorBox message={error} testId="review-list-error" />
        {items && items.length === 0 && (
          <p className="muted" data-testid="review-empty">
            Không còn giấy tờ số hoá nào chờ duyệt.
          </p>
        )}
        {items?.map((d, i) => (
          <button
            key={keyOf(d)}
            type="button"
            className={`rv-item${keyOf(d) === current ? ' selected' : ''}`}
            aria-current={keyOf(d) === current ? 'true' : undefined}
            onClick={() => setCurrent(keyOf(d))}
            onKeyDown={(e) => onRowKey(e, i)}
            data-testid="review-item"
          >
            <span className="rv-item-name">
              {d.kind === 'result' ? <span className="rv-kind">Kết quả</span> : null}
              {d.name}
            </span>
            <span className="small muted">
              <span className="mono">{d.dossierCode}</span> · {d.applicantName} · {d.pageCount} trang · {formatDate(d.digitisedAt)}
            </span>
            {d.unreadablePages > 0 && (
              <span className="small rv-unreadable" data-testid="review-item-unreadable">
                {d.unreadablePages} trang {UNREADABLE_TITLE.toLowerCase()}
              </span>
            )}
          </button>
        ))}
      </div>
      <div className="panel rv-main">
        {selected ? (
          <>
            <div className="rv-main-tools">
              <button type="button" className="btn small" onClick={() => onOpenDossier(selected.dossierId)} data-testid="review-open-dossier">
                Mở hồ sơ {selected.dossierCode}
              </button>
            </div>
            <ReviewForm
              key={current!}
              dossierId={selected.dossierId}
              componentId={selected.componentId}
              onDecided={() => {
                setDone((n) => n + 1);
                void load(current!);
              }}
            />
          </>
        ) : (
          <p className="muted">Chọn một giấy tờ trong danh sách.</p>
        )}
      </div>
    </div>
  );
}
