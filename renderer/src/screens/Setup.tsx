// First run: the unit's settings (mã định danh, names, clerk, working hours).
// Also reachable later from the clerk's name in the header.
import { useState, type FormEvent } from 'react';
import { DEFAULT_WORKING_HOURS, type UnitSettings } from '../../../shared/domain/types';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { useSaveStatus } from '../saveStatus';
import { hhmmToMinutes, minutesToHhmm } from '../util';

type Form = Record<
  'unitCode' | 'unitName' | 'parentName' | 'provinceName' | 'placeName' | 'clerkName' | 'contactPhone' | 'morningStart' | 'morningEnd' | 'afternoonStart' | 'afternoonEnd',
  string
>;

const TEXT_FIELDS: { key: keyof Form; label: string; required?: boolean; placeholder?: string; wide?: boolean }[] = [
  { key: 'unitCode', label: 'Mã định danh đơn vị', required: true, placeholder: 'VD: 000.00.13.H12 hoặc H01.151' },
  { key: 'provinceName', label: 'Tỉnh/thành phố', required: true, placeholder: 'VD: An Giang' },
  { key: 'unitName', label: 'Tên đơn vị', required: true, placeholder: 'VD: Trung tâm Phục vụ hành chính công xã Định Mỹ', wide: true },
  { key: 'parentName', label: 'Cơ quan chủ quản', required: true, placeholder: 'VD: UBND XÃ ĐỊNH MỸ', wide: true },
  { key: 'placeName', label: 'Địa danh (ghi trên phiếu)', required: true, placeholder: 'VD: Định Mỹ' },
  { key: 'clerkName', label: 'Tên cán bộ tiếp nhận', required: true },
  { key: 'contactPhone', label: 'Số điện thoại liên hệ' },
];

export function SetupScreen({ initial, onSaved }: { initial: UnitSettings | null; onSaved: (s: UnitSettings) => void }) {
  const wh = initial?.workingHours ?? DEFAULT_WORKING_HOURS;
  const [form, setForm] = useState<Form>({
    unitCode: initial?.unitCode ?? '',
    unitName: initial?.unitName ?? '',
    parentName: initial?.parentName ?? '',
    provinceName: initial?.provinceName ?? '',
    placeName: initial?.placeName ?? '',
    clerkName: initial?.clerkName ?? '',
    contactPhone: initial?.contactPhone ?? '',
    morningStart: minutesToHhmm(wh.morningStart),
    morningEnd: minutesToHhmm(wh.morningEnd),
    afternoonStart: minutesToHhmm(wh.afternoonStart),
    afternoonEnd: minutesToHhmm(wh.afternoonEnd),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { report } = useSaveStatus();

  const set = (k: keyof Form, v: string) => setForm((f) => ({ ...f, [k]: v }));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const hours = {
      morningStart: hhmmToMinutes(form.morningStart),
      morningEnd: hhmmToMinutes(form.morningEnd),
      afternoonStart: hhmmToMinutes(form.afternoonStart),
      afternoonEnd: hhmmToMinutes(form.afternoonEnd),
    };
    const errs: Record<string, string> = {};
    for (const [k, v] of Object.entries(hours)) if (v === null) errs[`workingHours.${k}`] = 'Giờ phải có dạng HH:mm, ví dụ 07:00.';
    if (Object.keys(errs).length) {
      setErrors(errs);
      setMessage('Giờ làm việc không hợp lệ.');
      return;
    }
    setBusy(true);
    setMessage(null);
    const r = await api['settings.save']({
      unitCode: form.unitCode.trim().toUpperCase(),
      unitName: form.unitName,
      parentName: form.parentName,
      provinceName: form.provinceName,
      placeName: form.placeName,
      clerkName: form.clerkName,
      contactPhone: form.contactPhone,
      workingHours: hours as UnitSettings['workingHours'],
    });
    setBusy(false);
    if (r.ok) {
      report({ kind: 'saved', what: 'cài đặt đơn vị', at: Date.now() });
      onSaved(r.value);
    } else {
      setErrors(r.error.fields ?? {});
      setMessage(r.error.message);
    }
  }

  return (
    <form className="panel setup" onSubmit={submit} data-testid="setup-form" noValidate>
      <h1>{initial ? 'Cài đặt đơn vị' : 'Thiết lập đơn vị lần đầu'}</h1>
      {!initial && (
        <p className="muted">
          Nhập thông tin Bộ phận Một cửa. Các thông tin này được in trên Giấy tiếp nhận và hẹn trả kết quả, và mã định danh đơn vị là phần đầu của mã hồ sơ.
        </p>
      )}
      <ErrorBox message={message} testId="setup-error" />
      <div className="grid-2">
        {TEXT_FIELDS.map((f, i) => (
          <Field key={f.key} label={f.label} required={f.required} error={errors[f.key]} name={f.key} className={f.wide ? 'span-2' : undefined}>
            {(p) => (
              <input
                {...p}
                type="text"
                autoFocus={i === 0}
                data-testid={`setup-${f.key}`}
                placeholder={f.placeholder}
                value={form[f.key]}
                onChange={(e) => set(f.key, e.target.value)}
              />
            )}
          </Field>
        ))}
      </div>
      <fieldset className="hours">
        <legend>Giờ làm việc</legend>
        {(
          [
            ['morningStart', 'Sáng từ'],
            ['morningEnd', 'đến'],
            ['afternoonStart', 'Chiều từ'],
            ['afternoonEnd', 'đến'],
          ] as const
        ).map(([k, label]) => (
          <Field key={k} label={label} error={errors[`workingHours.${k}`] ?? (k === 'morningStart' ? errors['workingHours'] : undefined)} name={`workingHours.${k}`} className="hour-field">
            {(p) => <input {...p} type="text" inputMode="numeric" data-testid={`setup-${k}`} value={form[k]} onChange={(e) => set(k, e.target.value)} />}
          </Field>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" className="btn primary" disabled={busy} data-testid="setup-save">
          {busy ? 'Đang lưu…' : 'Lưu thông tin đơn vị'}
        </button>
      </div>
    </form>
  );
}
