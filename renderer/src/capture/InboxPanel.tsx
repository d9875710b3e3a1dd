// Hộp chờ: pages taken from the watched scan folder, not yet in any dossier. The clerk
// picks pages (click, Space) and assigns them, in the order picked, to a component of
// this dossier, or discards them (the original stays in the folder's `đã nhập`).
import { useCallback, useEffect, useState } from 'react';
import type { InboxItem, ScanFolderState } from '../../../shared/capture/types';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { announcePagesChanged, formatBytes } from './Modal';
import './capture.css';

export function InboxPanel({ dossierId, components }: { dossierId: string; components: { componentId: string; name: string }[] }) {
  const [items, setItems] = useState<InboxItem[]>([]);
  const [folder, setFolder] = useState<ScanFolderState | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [target, setTarget] = useState(components[0]?.componentId ?? '');
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const [l, f] = await Promise.all([api['inbox.list']({}), api['scanFolder.get']({})]);
    if (l.ok) {
      setItems(l.value);
      setPicked((p) => p.filter((id) => l.value.some((i) => i.id === id)));
    }
    if (f.ok) setFolder(f.value);
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), 3000);
    return () => clearInterval(t);
  }, [load]);

  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));

  async function assign() {
    if (!picked.length || !target || busy) return;
    setBusy(true);
    setError(null);
    setDone(null);
    const r = await api['inbox.assign']({ items: picked, dossierId, componentId: target });
    setBusy(false);
    if (!r.ok) {
      setError(r.error.message);
      return;
    }
    setDone(`Đã gán ${r.value.length} trang vào "${components.find((c) => c.componentId === target)?.name ?? target}".`);
    setPicked([]);
    announcePagesChanged(dossierId, target);
    void load();
  }

  async function discard() {
    if (!picked.length || busy) return;
    setBusy(true);
    const r = await api['inbox.discard']({ items: picked });
    setBusy(false);
    if (r.ok) {
      setItems(r.value);
      setPicked([]);
    } else setError(r.error.message);
  }

  return (
    <div className="panel cap-inbox-panel" data-testid="inbox-panel">
      <h2>
        Hộp chờ <span className="muted small">({items.length} trang từ thư mục quét)</span>
      </h2>
      {!folder?.path && <p className="small muted">Chưa đặt thư mục quét: bấm tên cán bộ ở góc trên (Cài đặt) để đặt.</p>}
      {folder?.problem && <p className="small alert error">{folder.problem}</p>}
      {items.length === 0 ? (
        <p className="small muted" data-testid="inbox-empty">
          Không có trang nào đang chờ.
        </p>
      ) : (
        <>
          <div className="cap-inbox" role="listbox" aria-multiselectable="true" aria-label="Trang trong hộp chờ">
            {items.map((it) => {
              const n = picked.indexOf(it.id);
              return (
                <div
                  key={it.id}
                  role="option"
                  aria-selected={n >= 0}
                  tabIndex={0}
                  className={`cap-inbox-item${n >= 0 ? ' selected' : ''}`}
                  data-testid="inbox-item"
                  onClick={() => toggle(it.id)}
                  onKeyDown={(e) => {
                    if (e.key === ' ' || e.key === 'Enter') {
                      e.preventDefault();
                      toggle(it.id);
                    }
                  }}
                >
                  {it.thumbnail ? <img src={it.thumbnail} alt="" /> : <div className="cap-pdf">PDF</div>}
                  <span className="name" title={it.fileName}>
                    {n >= 0 ? `${n + 1}. ` : ''}
                    {it.fileName}
                  </span>
                  <span className="muted">
                    {formatBytes(it.size)}
                    {it.width ? ` · ${it.width}×${it.height}` : ''}
                  </span>
                </div>
              );
            })}
          </div>
          <div className="cap-assign">
            <label htmlFor="inbox-target">Gán vào</label>
            <select id="inbox-target" data-testid="inbox-target" value={target} onChange={(e) => setTarget(e.target.value)}>
              {components.map((c) => (
                <option key={c.componentId} value={c.componentId}>
                  {c.name}
                </option>
              ))}
            </select>
            <button type="button" className="btn primary" disabled={!picked.length || busy} onClick={() => void assign()} data-testid="inbox-assign">
              Gán {picked.length || ''} trang
            </button>
            <button type="button" className="btn danger-outline" disabled={!picked.length || busy} onClick={() => void discard()} data-testid="inbox-discard">
              Bỏ khỏi hộp chờ
            </button>
          </div>
        </>
      )}
      <ErrorBox message={error} testId="inbox-error" />
      {done && (
        <div className="alert success small" data-testid="inbox-done">
          {done}
        </div>
      )}
    </div>
  );
}
