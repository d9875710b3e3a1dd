// Giấy tờ đã số hoá trước đây: at intake, once the ID number is known, the citizen's
// earlier digitised and APPROVED papers (DOMAIN.md §5: a citizen never hands in the same
// paper twice): components of earlier dossiers, and the results those dossiers produced
// ("Kết quả của hồ sơ …"). Ticked ones are attached to the chosen component right after the
// dossier is saved (reuse.attach: new page rows on the same files, state "Tái sử dụng", or
// "Tái sử dụng từ kết quả hồ sơ khác" for a result).
import { useEffect, useState } from 'react';
import type { ReuseCandidate } from '../../../shared/ipc/pages';
import { formatDate } from '../../../shared/domain/vnTime';
import { api } from '../api';
import './pages.css';

export interface ReuseChoice {
  sourceDossierId: string;
  sourceComponentId: string;
  componentId: string;
}

export const reuseKey = (c: { dossierId: string; componentId: string }) => `${c.dossierId}:${c.componentId}`;

/** Attaches the ticked papers to a newly saved dossier; returns the messages of the ones that failed. */
export async function attachReuse(dossierId: string, choices: ReuseChoice[]): Promise<string[]> {
  const errors: string[] = [];
  for (const c of choices) {
    const r = await api['reuse.attach']({ dossierId, componentId: c.componentId, sourceDossierId: c.sourceDossierId, sourceComponentId: c.sourceComponentId });
    if (!r.ok) errors.push(r.error.message);
  }
  return errors;
}

export function ReusePanel({
  idNumber,
  components,
  value,
  onChange,
}: {
  idNumber: string;
  components: { id: string; name: string }[];
  value: Record<string, ReuseChoice>;
  onChange: (v: Record<string, ReuseChoice>) => void;
}) {
  const [cands, setCands] = useState<ReuseCandidate[]>([]);
  const valid = /^\d{12}$/.test(idNumber);

  // Ticks belong to the citizen whose candidates are shown: drop the others (ID changed).
  useEffect(() => {
    const keys = new Set(cands.map(reuseKey));
    const stale = Object.keys(value).filter((k) => !keys.has(k));
    if (stale.length) {
      const next = { ...value };
      for (const k of stale) delete next[k];
      onChange(next);
    }
  }, [cands, value, onChange]);

  useEffect(() => {
    if (!valid) {
      setCands([]);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      void api['reuse.candidates']({ idNumber }).then((r) => {
        if (live) setCands(r.ok ? r.value : []);
      });
    }, 250);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [idNumber, valid]);

  if (!valid || !cands.length || !components.length) return null;

  const target = (c: ReuseCandidate) => value[reuseKey(c)]?.componentId ?? (components.some((x) => x.id === c.componentId) ? c.componentId : components[0].id);

  function set(c: ReuseCandidate, on: boolean, componentId = target(c)) {
    const next = { ...value };
    if (on) next[reuseKey(c)] = { sourceDossierId: c.dossierId, sourceComponentId: c.componentId, componentId };
    else delete next[reuseKey(c)];
    onChange(next);
  }

  return (
    <div className="panel" data-testid="reuse-panel">
      <h2>Giấy tờ đã số hoá trước đây</h2>
      <p className="small muted">Giấy tờ đã nộp ở hồ sơ trước và kết quả đã cấp cho công dân (đã duyệt); đánh dấu để dùng lại bản số hoá, không phải quét lại.</p>
      <div className="reuse-list">
        {cands.map((c) => {
          const k = reuseKey(c);
          const on = k in value;
          return (
            <div className="reuse-item" key={k} data-testid="reuse-candidate">
              <span className="reuse-thumbs">
                {c.thumbnails.slice(0, 2).map((t, i) => (
                  <img key={i} src={`data:image/jpeg;base64,${t}`} alt="" />
                ))}
              </span>
              <label className="small">
                <input type="checkbox" checked={on} onChange={(e) => set(c, e.target.checked)} data-testid={`reuse-tick-${c.componentId}`} />
                {c.kind === 'result' ? (
                  <>
                    <span data-testid="reuse-result-label">
                      Kết quả của hồ sơ <span className="mono">{c.dossierCode}</span>
                    </span>
                    : <strong>{c.componentName}</strong> · {c.pageCount} trang ({c.procedureName}), số hoá {formatDate(c.digitisedAt)}
                  </>
                ) : (
                  <>
                    <strong>{c.componentName}</strong> · {c.pageCount} trang · hồ sơ <span className="mono">{c.dossierCode}</span> ({c.procedureName}), số hoá {formatDate(c.digitisedAt)}
                  </>
                )}
              </label>
              <select value={target(c)} aria-label="Đính kèm vào thành phần" onChange={(e) => set(c, true, e.target.value)} data-testid={`reuse-target-${c.componentId}`}>
                {components.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name.length > 40 ? x.name.slice(0, 39) + '…' : x.name}
                  </option>
                ))}
              </select>
            </div>
          );
        })}
      </div>
    </div>
  );
}
