// Settings: the scan folder the unit's scanners save into (watched by the main process).
import { useEffect, useId, useState } from 'react';
import type { ScanFolderState } from '../../../shared/capture/types';
import { api } from '../api';
import './capture.css';

export function ScanFolderSetting() {
  const id = useId();
  const [state, setState] = useState<ScanFolderState | null>(null);
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void api['scanFolder.get']({}).then((r) => {
      if (r.ok) {
        setState(r.value);
        setValue(r.value.path ?? '');
      }
    });
  }, []);

  async function save() {
    setError(null);
    setSaved(false);
    const r = await api['scanFolder.set']({ path: value });
    if (r.ok) {
      setState(r.value);
      setSaved(true);
    } else setError(r.error.fields?.path ?? r.error.message);
  }

  return (
    <div className="panel" data-testid="scan-folder-setting">
      <h2>Thư mục quét (hộp chờ)</h2>
      <p className="small muted">
        Thư mục mà phần mềm của máy quét lưu tệp vào. Ứng dụng tự nhận các tệp JPEG, PNG, TIFF, PDF đã ghi xong vào "Hộp chờ", rồi chuyển tệp gốc vào thư mục con "đã nhập" (tệp lỗi vào "lỗi"). Để
        trống để tắt.
      </p>
      <form
        className="cap-folder"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className={`field${error ? ' has-error' : ''}`}>
          <label htmlFor={id}>Đường dẫn thư mục</label>
          <input id={id} data-testid="scan-folder-path" value={value} placeholder="Ví dụ: D:\Scan hoặc \\may-chu\scan" onChange={(e) => setValue(e.target.value)} aria-invalid={!!error} />
          {error && (
            <div className="field-msg error" role="alert" data-testid="scan-folder-error">
              {error}
            </div>
          )}
        </div>
        <button type="submit" className="btn" data-testid="scan-folder-save">
          Lưu thư mục
        </button>
      </form>
      <div className="small" data-testid="scan-folder-state">
        {state?.path ? (state.watching ? `Đang theo dõi: ${state.path}` : `Chưa theo dõi được: ${state.problem ?? state.path}`) : 'Chưa đặt thư mục quét.'}
        {saved && ' · Đã lưu.'}
      </div>
    </div>
  );
}
