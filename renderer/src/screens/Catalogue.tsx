// Danh mục thủ tục: the unit's procedure catalogue; pick one to edit, or add one.
import { useEffect, useMemo, useState } from 'react';
import type { Procedure, ProcedureComponent, ProcessingTime } from '../../../shared/domain/types';
import { foldForSearch } from '../../../shared/domain/text';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { feeRateText, processingShort } from '../labels';
import { useSaveStatus } from '../saveStatus';
import { hhmmToMinutes, minutesToHhmm } from '../util';

/** Procedure.source once the unit has saved a procedure (electron/services/procedures.ts UNIT_EDIT_SOURCE). */
const UNIT_EDIT_SOURCE = 'unit edit';
const BLANK: Procedure = {
  code: '',
  name: '',
  fieldCode: '',
  fieldName: '',
  processing: { kind: 'workingHours', hours: 24 },
  fee: { amount: 0, description: '' },
  components: [],
  legalBasis: '',
  source: UNIT_EDIT_SOURCE,
  postalAllowed: true,
  active: true,
};

export function CatalogueScreen() {
  const [list, setList] = useState<Procedure[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ p: Procedure; isNew: boolean } | null>(null);

  async function load() {
    const r = await api['procedures.search']({ query: '', includeInactive: true });
    if (r.ok) {
      setList(r.value);
      setError(null);
    } else setError(r.error.message);
  }
  useEffect(() => {
    void load();
  }, []);

  const shown = useMemo(() => {
    const q = foldForSearch(filter);
    return q ? list.filter((p) => foldForSearch(`${p.code} ${p.name} ${p.fieldName}`).includes(q)) : list;
  }, [list, filter]);

  return (
    // Without a procedure open the list has the whole width; with one open, the form takes the
    // right and the list keeps the code, the name and the fee.
    <div className={`catalogue${editing ? ' editing' : ''}`} data-testid="catalogue">
      <div className="cat-list panel">
        <div className="filter-row">
          <input type="search" placeholder="Lọc theo mã, tên, lĩnh vực…" aria-label="Lọc thủ tục" value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="catalogue-filter" />
          <button type="button" className="btn" onClick={() => setEditing({ p: structuredClone(BLANK), isNew: true })} data-testid="catalogue-add">
            + Thêm thủ tục
          </button>
        </div>
        {!editing && <p className="muted small">Chọn một thủ tục để xem và sửa (thành phần hồ sơ, thời hạn, lệ phí), hoặc thêm thủ tục mới.</p>}
        <ErrorBox message={error} />
        <div className="table-wrap">
          <table className="table" data-testid="catalogue-table">
            <thead>
              <tr>
                <th className="c-code">Mã</th>
                <th>Tên thủ tục</th>
                <th className="cat-extra">Lĩnh vực</th>
                <th className="cat-extra">Thời hạn</th>
                <th>Lệ phí</th>
                <th className="c-num cat-extra">Giấy tờ</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((p) => (
                <tr
                  key={p.code}
                  tabIndex={0}
                  className={`clickable${editing?.p.code === p.code && !editing.isNew ? ' selected' : ''}${p.active ? '' : ' inactive'}`}
                  data-testid="catalogue-row"
                  onClick={() => setEditing({ p: structuredClone(p), isNew: false })}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') setEditing({ p: structuredClone(p), isNew: false });
                  }}
                >
                  <td className="c-code mono">{p.code}</td>
                  <td>
                    {p.name}
                    {!p.active && <span className="badge">ngừng</span>}
                  </td>
                  <td className="small cat-extra">{p.fieldName}</td>
                  <td className="small nowrap cat-extra">{processingShort(p.processing)}</td>
                  <td className="small nowrap">{feeRateText(p.fee)}</td>
                  <td className="c-num cat-extra" title={p.components.map((c) => c.name).join('\n')}>
                    {p.components.length}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      {editing && (
        <div className="cat-edit panel">
          <ProcedureForm
            key={editing.isNew ? 'new' : editing.p.code}
            initial={editing.p}
            isNew={editing.isNew}
            onSaved={(p) => {
              setEditing({ p, isNew: false });
              void load();
            }}
            onCancel={() => setEditing(null)}
          />
        </div>
      )}
    </div>
  );
}

function ProcedureForm({ initial, isNew, onSaved, onCancel }: { initial: Procedure; isNew: boolean; onSaved: (p: Procedure) => void; onCancel: () => void }) {
  const [p, setP] = useState<Procedure>(initial);
  const [procValue, setProcValue] = useState(() => processingValue(initial.processing));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { report } = useSaveStatus();

  const set = <K extends keyof Procedure>(k: K, v: Procedure[K]) => setP((cur) => ({ ...cur, [k]: v }));
  const setComp = (i: number, patch: Partial<ProcedureComponent>) => setP((cur) => ({ ...cur, components: cur.components.map((c, j) => (j === i ? { ...c, ...patch } : c)) }));

  async function save() {
    const processing = toProcessing(p.processing.kind, procValue);
    if (!processing) {
      setErrors({ processing: 'Thời hạn giải quyết không hợp lệ.' });
      return;
    }
    setBusy(true);
    const r = await api['procedures.save']({ ...p, processing });
    setBusy(false);
    if (r.ok) {
      setErrors({});
      setMessage(null);
      report({ kind: 'saved', what: `thủ tục ${r.value.code}`, at: Date.now() });
      onSaved(r.value);
    } else {
      setErrors(r.error.fields ?? {});
      setMessage(r.error.message);
    }
  }

  return (
    <form
      className="proc-form"
      data-testid="procedure-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          void save();
        } else if (e.key === 'Escape') onCancel();
      }}
    >
      <h2>{isNew ? 'Thêm thủ tục' : `Sửa thủ tục ${p.code}`}</h2>
      {/* The built-in catalogue is a starting point: the one place that says so is here, where it is confirmed. */}
      {!isNew && initial.source !== UNIT_EDIT_SOURCE && (
        <div className="alert info small" data-testid="procedure-unconfirmed">
          Chưa được tỉnh xác nhận — kiểm tra và xác nhận: đối chiếu thời hạn, lệ phí và thành phần hồ sơ với Quyết định công bố thủ tục của tỉnh, sửa nếu cần rồi bấm Lưu.
        </div>
      )}
      <ErrorBox message={message} testId="procedure-error" />
      <div className="grid-3">
        <Field label="Mã thủ tục" required name="code" error={errors.code}>
          {(f) => <input {...f} type="text" readOnly={!isNew} value={p.code} onChange={(e) => set('code', e.target.value)} data-testid="proc-code" />}
        </Field>
        <Field label="Tên thủ tục" required name="name" error={errors.name} className="span-2">
          {(f) => <input {...f} type="text" value={p.name} onChange={(e) => set('name', e.target.value)} data-testid="proc-name" />}
        </Field>
        <Field label="Mã lĩnh vực" name="fieldCode" error={errors.fieldCode}>
          {(f) => <input {...f} type="text" value={p.fieldCode} onChange={(e) => set('fieldCode', e.target.value)} />}
        </Field>
        <Field label="Lĩnh vực" required name="fieldName" error={errors.fieldName} className="span-2">
          {(f) => <input {...f} type="text" value={p.fieldName} onChange={(e) => set('fieldName', e.target.value)} />}
        </Field>
        <Field label="Cách tính thời hạn" name="processing.kind" error={errors.processing}>
          {(f) => (
            <select
              {...f}
              value={p.processing.kind}
              onChange={(e) => {
                const kind = e.target.value as ProcessingTime['kind'];
                set('processing', defaultProcessing(kind));
                setProcValue(processingValue(defaultProcessing(kind)));
              }}
            >
              <option value="workingHours">Ngày làm việc</option>
              <option value="sameDay">Trong ngày (giờ chốt)</option>
              <option value="calendarDays">Ngày theo lịch</option>
              <option value="none">Không có ngày hẹn</option>
            </select>
          )}
        </Field>
        <Field
          label={p.processing.kind === 'workingHours' ? 'Số ngày làm việc' : p.processing.kind === 'sameDay' ? 'Giờ chốt (HH:mm)' : p.processing.kind === 'calendarDays' ? 'Số ngày' : '—'}
          name="processing.value"
        >
          {(f) => <input {...f} type="text" disabled={p.processing.kind === 'none'} value={procValue} onChange={(e) => setProcValue(e.target.value)} />}
        </Field>
        <Field label="Lệ phí (đồng)" name="fee.amount" error={errors['fee.amount']}>
          {(f) => <input {...f} type="number" min={0} value={p.fee.amount} onChange={(e) => set('fee', { ...p.fee, amount: Math.max(0, Math.floor(Number(e.target.value) || 0)) })} />}
        </Field>
        <Field label="Ghi chú lệ phí" name="fee.description" error={errors['fee.description']} className="span-3">
          {(f) => <input {...f} type="text" value={p.fee.description} onChange={(e) => set('fee', { ...p.fee, description: e.target.value })} />}
        </Field>
        <Field label="Căn cứ pháp lý" name="legalBasis" error={errors.legalBasis} className="span-3">
          {(f) => <input {...f} type="text" value={p.legalBasis} onChange={(e) => set('legalBasis', e.target.value)} />}
        </Field>
      </div>
      <div className="row-inline">
        <label>
          <input type="checkbox" checked={p.postalAllowed} onChange={(e) => set('postalAllowed', e.target.checked)} /> Nhận/trả qua bưu chính công ích
        </label>
        <label>
          <input type="checkbox" checked={p.active} onChange={(e) => set('active', e.target.checked)} /> Đang áp dụng
        </label>
      </div>
      <h3>Thành phần hồ sơ</h3>
      <table className="table compact comp-edit">
        <thead>
          <tr>
            <th>Tên giấy tờ</th>
            <th className="c-num">Chính</th>
            <th className="c-num">C.thực</th>
            <th className="c-num">Photo</th>
            <th className="c-num">Bắt buộc</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {p.components.map((c, i) => (
            <tr key={i}>
              <td>
                <input type="text" aria-label="Tên giấy tờ" value={c.name} onChange={(e) => setComp(i, { name: e.target.value })} />
                {errors[`components.${i}.name`] && <div className="field-msg error">{errors[`components.${i}.name`]}</div>}
              </td>
              {(['original', 'certified', 'photocopy'] as const).map((k) => (
                <td key={k} className="c-num">
                  <input type="number" min={0} max={99} aria-label={k} value={c[k]} onChange={(e) => setComp(i, { [k]: Math.max(0, Math.min(99, Number(e.target.value) || 0)) })} />
                </td>
              ))}
              <td className="c-num">
                <input type="checkbox" aria-label="Bắt buộc" checked={c.required} onChange={(e) => setComp(i, { required: e.target.checked })} />
              </td>
              <td>
                <button
                  type="button"
                  className="btn small"
                  aria-label="Xoá giấy tờ"
                  onClick={() =>
                    set(
                      'components',
                      p.components.filter((_, j) => j !== i),
                    )
                  }
                >
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button
        type="button"
        className="btn small"
        onClick={() => set('components', [...p.components, { id: nextComponentId(p.components), name: '', original: 1, certified: 0, photocopy: 0, required: true }])}
      >
        + Thêm giấy tờ
      </button>
      <div className="actions">
        <button type="submit" className="btn primary" disabled={busy} data-testid="proc-save">
          {busy ? 'Đang lưu…' : 'Lưu thủ tục'} <kbd>Ctrl+Enter</kbd>
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Đóng
        </button>
      </div>
    </form>
  );
}

function nextComponentId(cs: ProcedureComponent[]): string {
  let n = cs.length + 1;
  while (cs.some((c) => c.id === `tp${n}`)) n++;
  return `tp${n}`;
}

function defaultProcessing(kind: ProcessingTime['kind']): ProcessingTime {
  switch (kind) {
    case 'workingHours':
      return { kind, hours: 24 };
    case 'sameDay':
      return { kind, cutoffMinutes: 15 * 60 };
    case 'calendarDays':
      return { kind, days: 5 };
    case 'none':
      return { kind };
  }
}

function processingValue(p: ProcessingTime): string {
  switch (p.kind) {
    case 'workingHours':
      return String(p.hours / 8).replace('.', ',');
    case 'sameDay':
      return minutesToHhmm(p.cutoffMinutes);
    case 'calendarDays':
      return String(p.days);
    case 'none':
      return '';
  }
}

function toProcessing(kind: ProcessingTime['kind'], value: string): ProcessingTime | null {
  switch (kind) {
    case 'workingHours': {
      const days = Number(value.replace(',', '.'));
      const hours = Math.round(days * 8);
      return Number.isFinite(days) && hours >= 1 ? { kind, hours } : null;
    }
    case 'sameDay': {
      const m = hhmmToMinutes(value);
      return m === null ? null : { kind, cutoffMinutes: m };
    }
    case 'calendarDays': {
      const d = Number(value);
      return Number.isInteger(d) && d >= 1 ? { kind, days: d } : null;
    }
    case 'none':
      return { kind };
  }
}
