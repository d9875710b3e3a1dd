// "Sửa thông tin": correcting a dossier's details after receipt (dossiers.editFields). The
// form is prefilled with the current values; only what the clerk changed is sent. Ctrl+Enter
// saves, Esc closes; the server's messages appear next to their field.
import { useState } from 'react';
import type { CallInput, DossierDetail } from '../../../shared/ipc/contract';
import type { Dossier, ResultDelivery } from '../../../shared/domain/types';
import { isoToDisplay } from '../../../shared/domain/vnTime';
import { typedDateToIso } from '../../../shared/domain/typedDate';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { Modal } from '../capture/Modal';
import { DELIVERY_TEXT } from '../labels';

type ApplicantKey = keyof Dossier['applicant'];
interface FormValues {
  fullName: string;
  idNumber: string;
  birthDate: string;
  address: string;
  phone: string;
  email: string;
  copies: string;
  resultDelivery: ResultDelivery;
  note: string;
}
type Key = keyof FormValues;

const APPLICANT_INPUTS: { key: ApplicantKey; label: string; wide?: boolean; hint?: string }[] = [
  { key: 'fullName', label: 'Họ và tên', wide: true },
  { key: 'idNumber', label: 'Số định danh cá nhân' },
  { key: 'birthDate', label: 'Ngày sinh', hint: 'dd/mm/yyyy' },
  { key: 'address', label: 'Địa chỉ', wide: true },
  { key: 'phone', label: 'Số điện thoại' },
  { key: 'email', label: 'Email' },
];

function valuesOf(d: Dossier): FormValues {
  const a = d.applicant;
  return {
    fullName: a.fullName,
    idNumber: a.idNumber,
    birthDate: a.birthDate ? isoToDisplay(a.birthDate) : '',
    address: a.address,
    phone: a.phone,
    email: a.email,
    copies: String(d.copies),
    resultDelivery: d.resultDelivery,
    note: d.note,
  };
}

/** The server's field path of a form key ('phone' → 'applicant.phone'). */
const pathOf = (k: Key) => (k === 'copies' || k === 'resultDelivery' || k === 'note' ? k : `applicant.${k}`);

export function EditFieldsDialog({ dossier, onClose, onSaved }: { dossier: Dossier; onClose: () => void; onSaved: (d: DossierDetail) => void }) {
  const [initial] = useState(() => valuesOf(dossier));
  const [v, setV] = useState<FormValues>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  function set<K extends Key>(k: K, value: FormValues[K]) {
    setV((s) => ({ ...s, [k]: value }));
    setErrors((e) => {
      if (!(pathOf(k) in e)) return e;
      const n = { ...e };
      delete n[pathOf(k)];
      return n;
    });
  }

  async function save() {
    if (busy) return;
    const changed = (Object.keys(v) as Key[]).filter((k) => v[k] !== initial[k]);
    if (changed.length === 0) {
      onClose();
      return;
    }
    const input: CallInput<'dossiers.editFields'> = { id: dossier.id };
    const applicant: Partial<Record<ApplicantKey, string>> = {};
    for (const k of changed) {
      if (k === 'birthDate') {
        const iso = typedDateToIso(v.birthDate, Date.now(), 'past');
        if (!iso) {
          setErrors((e) => ({ ...e, 'applicant.birthDate': 'Ngày sinh phải có dạng dd/mm/yyyy và là ngày có thật.' }));
          return;
        }
        applicant.birthDate = iso;
      } else if (k === 'copies') input.copies = /^\s*\d+\s*$/.test(v.copies) ? Number(v.copies) : (v.copies as unknown as number);
      else if (k === 'resultDelivery') input.resultDelivery = v.resultDelivery;
      else if (k === 'note') input.note = v.note;
      else applicant[k] = v[k];
    }
    if (Object.keys(applicant).length) input.applicant = applicant;
    setBusy(true);
    const r = await api['dossiers.editFields'](input);
    setBusy(false);
    if (r.ok) {
      onSaved(r.value);
      return;
    }
    const fields = r.error.fields ?? {};
    setErrors(fields);
    // A message with no field of its own (a closed dossier, say) goes above the form.
    const known = new Set((Object.keys(initial) as Key[]).map(pathOf));
    setMessage(Object.keys(fields).some((f) => known.has(f)) ? null : r.error.message);
  }

  return (
    <Modal title={`Sửa thông tin hồ sơ ${dossier.code}`} onClose={onClose} testId="edit-fields" wide>
      <div
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void save();
          }
        }}
      >
        <ErrorBox message={message} testId="edit-error" />
        <div className="grid-2">
          {APPLICANT_INPUTS.map(({ key, label, wide, hint }, i) => (
            <Field key={key} label={label} name={`edit-${key}`} error={errors[pathOf(key)]} hint={hint} className={wide ? 'span-2' : undefined}>
              {(p) => (
                <input
                  {...p}
                  type={key === 'phone' ? 'tel' : 'text'}
                  autoComplete="off"
                  autoFocus={i === 0}
                  data-testid={`edit-${key}`}
                  value={v[key]}
                  onChange={(e) => set(key, e.target.value)}
                />
              )}
            </Field>
          ))}
          <Field label="Số bộ hồ sơ" name="edit-copies" error={errors.copies}>
            {(p) => <input {...p} type="number" min={1} max={99} data-testid="edit-copies" value={v.copies} onChange={(e) => set('copies', e.target.value)} />}
          </Field>
          <Field label="Nhận kết quả" name="edit-resultDelivery" error={errors.resultDelivery}>
            {(p) => (
              <select {...p} data-testid="edit-resultDelivery" value={v.resultDelivery} onChange={(e) => set('resultDelivery', e.target.value as ResultDelivery)}>
                {(Object.keys(DELIVERY_TEXT) as ResultDelivery[]).map((k) => (
                  <option key={k} value={k}>
                    {DELIVERY_TEXT[k]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Ghi chú" name="edit-note" error={errors.note} className="span-2">
            {(p) => <textarea {...p} rows={2} data-testid="edit-note" value={v.note} onChange={(e) => set('note', e.target.value)} />}
          </Field>
        </div>
        <div className="actions">
          <button type="button" className="btn primary" disabled={busy} onClick={() => void save()} data-testid="edit-save">
            Lưu thay đổi <kbd>Ctrl+Enter</kbd>
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Huỷ <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    </Modal>
  );
}
