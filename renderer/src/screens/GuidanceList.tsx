// Phiếu hướng dẫn: the Mẫu 02 slips of the unit, this PC's and those pulled from its other
// counters, newest first, with the PC (its slot, PROTOCOL.md §7) and the clerk who issued
// each, and a reprint.
import { useEffect, useMemo, useState } from 'react';
import type { GuidanceSlip } from '../../../shared/domain/types';
import type { RenderedForm } from '../../../shared/ipc/contract';
import { formatDateTime } from '../../../shared/domain/vnTime';
import { foldForSearch } from '../../../shared/domain/text';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { PdfView } from '../components/PdfView';

function counterText(s: GuidanceSlip): string {
  const where = s.fromDevice ? 'Máy khác' : 'Máy này';
  return s.counterSlot ? `${where} (ô ${s.counterSlot})` : where;
}

export function GuidanceListScreen() {
  const [slips, setSlips] = useState<GuidanceSlip[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [form, setForm] = useState<RenderedForm | null>(null);
  const [printing, setPrinting] = useState<string | null>(null);

  useEffect(() => {
    let alive = true;
    void api['guidance.list']({ limit: 500 }).then((r) => {
      if (!alive) return;
      if (r.ok) setSlips(r.value);
      else setError(r.error.message);
    });
    return () => {
      alive = false;
    };
  }, []);

  const shown = useMemo(() => {
    const q = foldForSearch(query.trim());
    if (!slips || !q) return slips ?? [];
    return slips.filter((s) => String(s.number).startsWith(q) || foldForSearch(`${s.applicant.fullName} ${s.procedureName} ${s.issuedBy}`).includes(q));
  }, [slips, query]);

  async function reprint(s: GuidanceSlip) {
    setPrinting(s.id);
    setError(null);
    const r = await api['forms.render']({ kind: 'mau02', id: s.id });
    setPrinting(null);
    if (r.ok) setForm(r.value);
    else setError(r.error.message);
  }

  return (
    <div className={`guidance${form ? ' with-pdf' : ''}`} data-testid="guidance-list">
      <div className="panel guidance-list">
        <div className="filter-row">
          <input
            type="search"
            value={query}
            placeholder="Tìm theo số phiếu, người nộp, thủ tục, người hướng dẫn"
            aria-label="Tìm phiếu hướng dẫn"
            onChange={(e) => setQuery(e.target.value)}
            data-testid="guidance-search"
          />
        </div>
        <ErrorBox message={error} testId="guidance-error" />
        <div className="table-wrap">
          <table className="table" data-testid="guidance-table">
            <thead>
              <tr>
                <th>Số</th>
                <th className="c-date">Ngày lập</th>
                <th>Người nộp</th>
                <th className="g-extra">Thủ tục</th>
                <th>Máy tiếp nhận</th>
                <th className="g-extra">Người hướng dẫn</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={s.id} data-testid="guidance-row" data-number={s.number}>
                  <td className="mono c-code">{s.number}/HDHS</td>
                  <td className="c-date">{formatDateTime(s.issuedAt)}</td>
                  <td>{s.applicant.fullName}</td>
                  <td className="small g-extra">{s.procedureName}</td>
                  <td className="small" data-testid="guidance-counter">
                    {counterText(s)}
                  </td>
                  <td className="small g-extra" data-testid="guidance-clerk">
                    {s.issuedBy}
                  </td>
                  <td>
                    <button type="button" className="btn small" disabled={printing !== null} onClick={() => void reprint(s)} data-testid="guidance-reprint">
                      In lại
                    </button>
                  </td>
                </tr>
              ))}
              {slips && shown.length === 0 && (
                <tr>
                  <td colSpan={7} className="empty">
                    {slips.length ? 'Không có phiếu nào khớp.' : 'Chưa có phiếu hướng dẫn nào.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
      {form && (
        <div className="panel detail-pdf guidance-pdf">
          <PdfView url={form.url} fileName={form.fileName} title={form.fileName} />
          <button type="button" className="btn" onClick={() => setForm(null)}>
            Đóng bản in
          </button>
        </div>
      )}
    </div>
  );
}
