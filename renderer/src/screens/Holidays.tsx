// Ngày nghỉ: the unit's holiday table for a year (rule-computed entries plus the unit's
// own: official days off and swapped working days), used to count working days.
import { useEffect, useState } from 'react';
import type { HolidayEntry } from '../../../shared/domain/types';
import { isoToDisplay, parseIsoDate } from '../../../shared/domain/vnTime';
import { normalizeTypedDate, typedDateToIso } from '../../../shared/domain/typedDate';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { useSaveStatus } from '../saveStatus';
import { weekdayText } from '../labels';

export function HolidaysScreen() {
  const thisYear = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();
  const [year, setYear] = useState(thisYear);
  const [entries, setEntries] = useState<HolidayEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [date, setDate] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'off' | 'work'>('off');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const { report } = useSaveStatus();

  useEffect(() => {
    let alive = true;
    void api['holidays.list']({ year }).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setEntries(r.value);
        setError(null);
      } else setError(r.error.message);
    });
    return () => {
      alive = false;
    };
  }, [year]);

  /** A proposed day (a rule not yet confirmed) counts once the unit enters it as its own. */
  async function confirm(e: HolidayEntry) {
    const r = await api['holidays.save']({ date: e.date, name: e.name, kind: e.kind });
    if (r.ok) {
      report({ kind: 'saved', what: `ngày ${isoToDisplay(e.date)}`, at: Date.now() });
      setEntries(r.value.filter((x) => x.date.startsWith(`${year}-`)));
    } else setError(r.error.message);
  }

  async function add() {
    const iso = typedDateToIso(date, Date.now());
    const errs: Record<string, string> = {};
    if (!iso) errs.date = 'Ngày phải có dạng dd/mm/yyyy.';
    if (!name.trim()) errs.name = 'Tên ngày nghỉ: không được để trống.';
    setErrors(errs);
    if (!iso || errs.name) return;
    setBusy(true);
    const r = await api['holidays.save']({ date: iso, name, kind });
    setBusy(false);
    if (r.ok) {
      report({ kind: 'saved', what: `ngày ${isoToDisplay(iso)}`, at: Date.now() });
      const y = Number(iso.slice(0, 4));
      if (y !== year) setYear(y);
      else setEntries(r.value.filter((e) => e.date.startsWith(`${year}-`)));
      setDate('');
      setName('');
      setError(null);
    } else {
      setErrors(r.error.fields ?? {});
      setError(r.error.message);
    }
  }

  async function remove(e: HolidayEntry) {
    if (!window.confirm(`Xoá ngày ${isoToDisplay(e.date)} (${e.name})?`)) return;
    const r = await api['holidays.delete']({ date: e.date });
    if (r.ok) {
      report({ kind: 'saved', what: `xoá ngày ${isoToDisplay(e.date)}`, at: Date.now() });
      setEntries(r.value.filter((x) => x.date.startsWith(`${year}-`)));
    } else setError(r.error.message);
  }

  const years = Array.from({ length: 6 }, (_, i) => thisYear - 2 + i);

  return (
    <div className="holidays" data-testid="holidays">
      <div className="panel holidays-list">
        <div className="filter-row">
          <label className="inline">
            Năm
            <select value={year} onChange={(e) => setYear(Number(e.target.value))} data-testid="holiday-year">
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          </label>
          <span className="muted small">Ngày nghỉ lễ theo Điều 112 Bộ luật Lao động được tính sẵn; ngày nghỉ Tết, nghỉ bù và ngày làm bù theo thông báo hằng năm do đơn vị nhập.</span>
        </div>
        <ErrorBox message={error} testId="holiday-error" />
        <div className="table-wrap">
          <table className="table" data-testid="holiday-table">
            <thead>
              <tr>
                <th className="c-date">Ngày</th>
                <th>Thứ</th>
                <th>Tên</th>
                <th>Loại</th>
                <th>Nguồn</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => {
                const p = parseIsoDate(e.date);
                const wd = p ? new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay() : 0;
                return (
                  <tr key={`${e.date}-${e.origin}`} data-testid="holiday-row" className={e.kind === 'work' ? 'work-day' : undefined}>
                    <td className="c-date mono">{isoToDisplay(e.date)}</td>
                    <td className="small">{weekdayText(wd)}</td>
                    <td>{e.name}</td>
                    <td>{e.kind === 'off' ? 'Nghỉ' : 'Làm bù'}</td>
                    <td className={`small${e.origin === 'proposed' ? ' proposed' : ' muted'}`} data-testid="holiday-origin">
                      {e.origin === 'rule' ? 'Theo luật' : e.origin === 'unit' ? 'Đơn vị nhập' : 'Chưa được tỉnh xác nhận — kiểm tra và xác nhận'}
                    </td>
                    <td>
                      {e.origin === 'proposed' && (
                        <button type="button" className="btn small" onClick={() => void confirm(e)} data-testid="holiday-confirm">
                          Xác nhận
                        </button>
                      )}
                      {e.origin === 'unit' && (
                        <button type="button" className="btn small" onClick={() => void remove(e)} data-testid="holiday-delete">
                          Xoá
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
              {entries.length === 0 && !error && (
                <tr>
                  <td colSpan={6} className="empty">
                    Chưa có ngày nghỉ nào cho năm {year}.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
      <form
        className="panel holidays-add"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
        data-testid="holiday-form"
      >
        <h2>Thêm ngày</h2>
        <Field label="Ngày" required name="date" error={errors.date} hint="dd/mm/yyyy">
          {(f) => (
            <input
              {...f}
              type="text"
              placeholder="dd/mm/yyyy"
              maxLength={10}
              value={date}
              onChange={(e) => setDate(e.target.value)}
              onBlur={(e) => setDate(normalizeTypedDate(e.target.value, Date.now()))}
              data-testid="holiday-date"
            />
          )}
        </Field>
        <Field label="Tên" required name="name" error={errors.name}>
          {(f) => <input {...f} type="text" placeholder="VD: Nghỉ Tết Nguyên đán" value={name} onChange={(e) => setName(e.target.value)} data-testid="holiday-name" />}
        </Field>
        <fieldset className="radio-group">
          <legend>Loại</legend>
          <label>
            <input type="radio" name="hkind" checked={kind === 'off'} onChange={() => setKind('off')} data-testid="holiday-kind-off" /> Nghỉ
          </label>
          <label>
            <input type="radio" name="hkind" checked={kind === 'work'} onChange={() => setKind('work')} data-testid="holiday-kind-work" /> Làm bù
          </label>
        </fieldset>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={busy} data-testid="holiday-save">
            Thêm
          </button>
        </div>
      </form>
    </div>
  );
}
