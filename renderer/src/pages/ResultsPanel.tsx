// Kết quả giải quyết (LoaiSoHoa 1): once the dossier is done or returned (9/10), the clerk
// names the result paper(s) the commune issued and digitises them with the same tools as a
// component: Quét and Chụp bằng camera here (ComponentCapture with the result as target),
// files, drag-and-drop and thumbnails in the pages panel (which lists the results after the
// components), the scan folder's inbox. A later dossier of the same citizen is offered the
// approved results at intake (ReusePanel: "Kết quả của hồ sơ …").
import { useEffect, useState } from 'react';
import type { DossierComponent, DossierStatus } from '../../../shared/domain/types';
import type { DossierResult } from '../../../shared/ipc/pages';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { ComponentCapture } from '../capture/ComponentCapture';
import { useSaveStatus } from '../saveStatus';
import { ReviewBadge } from './ReviewForm';
import './review.css';

const RESULT_STATUSES: readonly DossierStatus[] = [9, 10];

/** Results as page targets for the pages panel and the inbox. */
export function resultTargets(results: DossierResult[]): DossierComponent[] {
  return results.map((r) => ({ componentId: r.resultId, name: r.name, original: 0, certified: 0, photocopy: 0, received: true }));
}

export function ResultsPanel({ dossierId, status, results, onChange }: { dossierId: string; status: DossierStatus; results: DossierResult[]; onChange: (r: DossierResult[]) => void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { report } = useSaveStatus();

  useEffect(() => {
    const load = () =>
      void api['results.list']({ dossierId }).then((r) => {
        if (r.ok) onChange(r.value);
      });
    load();
    // Pages arrive from the scanner, the camera and the scan folder too: refresh the counts now and then.
    const t = setInterval(load, 4000);
    return () => clearInterval(t);
  }, [dossierId, onChange]);

  if (!RESULT_STATUSES.includes(status) && results.length === 0) return null;

  async function add() {
    if (busy) return;
    setBusy(true);
    setError(null);
    report({ kind: 'saving', what: 'giấy tờ kết quả' });
    const r = await api['results.add']({ dossierId, name });
    setBusy(false);
    if (r.ok) {
      onChange(r.value);
      setName('');
      report({ kind: 'saved', what: 'giấy tờ kết quả', at: Date.now() });
    } else {
      setError(r.error.message);
      report({ kind: 'error', what: 'giấy tờ kết quả', message: r.error.message });
    }
  }

  return (
    <div className="panel rv-results" data-testid="results-panel">
      <h2>Kết quả giải quyết (số hoá)</h2>
      {results.length > 0 && (
        <table className="table compact">
          <tbody>
            {results.map((r) => (
              <tr key={r.resultId} data-testid={`result-${r.resultId}`}>
                <td>{r.name}</td>
                <td className="c-num">{r.pageCount} trang</td>
                <td>{r.reviewState !== null && <ReviewBadge state={r.reviewState} testId={`result-state-${r.resultId}`} />}</td>
                <td>
                  <ComponentCapture dossierId={dossierId} componentId={r.resultId} componentName={r.name} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="rv-result-add">
        <input
          value={name}
          placeholder="Tên giấy tờ kết quả, ví dụ: Trích lục khai sinh"
          aria-label="Tên giấy tờ kết quả"
          onChange={(e) => setName(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void add();
            }
          }}
          data-testid="result-name"
        />
        <button type="button" className="btn small" disabled={busy || !name.trim()} onClick={() => void add()} data-testid="result-add">
          Thêm giấy tờ kết quả
        </button>
      </div>
      <ErrorBox message={error} testId="result-error" />
    </div>
  );
}
