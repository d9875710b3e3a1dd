// First run: the unit's settings (mã định danh, names, clerk, working hours).
// Also reachable later from the clerk's name in the header.
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from 'zod';
import { DEFAULT_WORKING_HOURS, type UnitSettings } from '../../../shared/domain/types';
import { unitSettingsSchema } from '../../../shared/ipc/contract';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { useSaveStatus } from '../saveStatus';
import { hhmmToMinutes, minutesToHhmm } from '../util';

type TextKey = 'unitCode' | 'unitName' | 'parentName' | 'provinceName' | 'placeName' | 'clerkName' | 'contactPhone';

const TEXT_FIELDS: { key: TextKey; label: string; required?: boolean; placeholder?: string; wide?: boolean }[] = [
  { key: 'unitCode', label: 'Mã định danh đơn vị', required: true, placeholder: 'VD: 000.00.13.H12 hoặc H01.151' },
  { key: 'provinceName', label: 'Tỉnh/thành phố', required: true, placeholder: 'VD: An Giang' },
  { key: 'unitName', label: 'Tên đơn vị', required: true, placeholder: 'VD: Trung tâm Phục vụ hành chính công xã Định Mỹ', wide: true },
  { key: 'parentName', label: 'Cơ quan chủ quản', required: true, placeholder: 'VD: UBND XÃ ĐỊNH MỸ', wide: true },
  { key: 'placeName', label: 'Địa danh (ghi trên phiếu)', required: true, placeholder: 'VD: Định Mỹ' },
  { key: 'clerkName', label: 'Tên cán bộ tiếp nhận', required: true },
  { key: 'contactPhone', label: 'Số điện thoại liên hệ' },
];

/**
 * The form, checked with the contract's own schema (unitSettingsSchema): the screen only reads
 * the typed hours (HH:mm) before the contract's rules run. After a first save attempt every
 * change is checked again, so a message goes as soon as its field is right.
 */
const hhmm = z.string().transform((s, ctx) => {
  const m = hhmmToMinutes(s);
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: 'Giờ phải có dạng HH:mm, ví dụ 07:00.' });
    return z.NEVER;
  }
  return m;
});
const setupFormSchema = unitSettingsSchema.extend({
  unitCode: z
    .string()
    .transform((s) => s.trim().toUpperCase())
    .pipe(unitSettingsSchema.shape.unitCode),
  workingHours: z.object({ morningStart: hhmm, morningEnd: hhmm, afternoonStart: hhmm, afternoonEnd: hhmm }).pipe(unitSettingsSchema.shape.workingHours),
});
type SetupForm = z.input<typeof setupFormSchema>;

export function SetupScreen({ initial, onSaved }: { initial: UnitSettings | null; onSaved: (s: UnitSettings) => void }) {
  const wh = initial?.workingHours ?? DEFAULT_WORKING_HOURS;
  const { register, handleSubmit, setError, formState } = useForm<SetupForm, unknown, UnitSettings>({
    resolver: zodResolver(setupFormSchema),
    defaultValues: {
      unitCode: initial?.unitCode ?? '',
      unitName: initial?.unitName ?? '',
      parentName: initial?.parentName ?? '',
      provinceName: initial?.provinceName ?? '',
      placeName: initial?.placeName ?? '',
      clerkName: initial?.clerkName ?? '',
      contactPhone: initial?.contactPhone ?? '',
      workingHours: {
        morningStart: minutesToHhmm(wh.morningStart),
        morningEnd: minutesToHhmm(wh.morningEnd),
        afternoonStart: minutesToHhmm(wh.afternoonStart),
        afternoonEnd: minutesToHhmm(wh.afternoonEnd),
      },
    },
  });
  const [message, setMessage] = useState<string | null>(null);
  const { report } = useSaveStatus();
  const errors = formState.errors;
  const busy = formState.isSubmitting;
  const hourError = (k: keyof SetupForm['workingHours']) => errors.workingHours?.[k]?.message ?? (k === 'morningStart' ? errors.workingHours?.message : undefined);

  const submit = handleSubmit(
    async (settings) => {
      setMessage(null);
      const r = await api['settings.save'](settings);
      if (r.ok) {
        report({ kind: 'saved', what: 'cài đặt đơn vị', at: Date.now() });
        onSaved(r.value);
      } else {
        for (const [k, m] of Object.entries(r.error.fields ?? {})) setError(k as keyof SetupForm, { message: m });
        setMessage(r.error.message);
      }
    },
    (errs) => setMessage(errs.workingHours ? 'Giờ làm việc không hợp lệ.' : 'Thông tin đơn vị chưa hợp lệ: xem các ô được đánh dấu đỏ.'),
  );

  return (
    <form className="panel setup" onSubmit={(e) => void submit(e)} data-testid="setup-form" noValidate>
      <h1>{initial ? 'Cài đặt đơn vị' : 'Thiết lập đơn vị lần đầu'}</h1>
      {!initial && <p className="muted">Nhập thông tin Bộ phận Một cửa. Các thông tin này được in trên Giấy tiếp nhận và hẹn trả kết quả, và mã định danh đơn vị là phần đầu của mã hồ sơ.</p>}
      <ErrorBox message={message} testId="setup-error" />
      <div className="grid-2">
        {TEXT_FIELDS.map((f, i) => (
          <Field key={f.key} label={f.label} required={f.required} error={errors[f.key]?.message} name={f.key} className={f.wide ? 'span-2' : undefined}>
            {(p) => <input {...p} {...register(f.key)} type="text" autoFocus={i === 0} data-testid={`setup-${f.key}`} placeholder={f.placeholder} />}
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
          <Field key={k} label={label} error={hourError(k)} name={`workingHours.${k}`} className="hour-field">
            {(p) => <input {...p} {...register(`workingHours.${k}`)} type="text" inputMode="numeric" data-testid={`setup-${k}`} />}
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
