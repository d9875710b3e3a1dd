// 'Quét': scan pages from a scanner straight into one dossier component. Lists the
// scanners (SANE or WIA, chosen by the main process), the resolution (300 dpi by
// default), colour mode (gray by default), paper source and, for the feeder, a page
// count; shows progress; can cancel. Each page is stored as soon as it is scanned, so a
// scanner that stops mid-feed leaves the pages already scanned in the component.
import { useEffect, useRef, useState } from 'react';
import type { ScanJobState, ScanMode, ScanSource, ScannerDevice } from '../../../shared/capture/types';
import { SCAN_MODE_TEXT, SCAN_SOURCE_TEXT } from '../../../shared/capture/types';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { Modal, announcePagesChanged } from './Modal';

const LAST_KEY = 'motcua.scanner.last';

interface Choice {
  device: string;
  resolution: number;
  mode: ScanMode;
  source: ScanSource;
  pages: string;
}

function defaults(d: ScannerDevice, last: Partial<Choice> | null): Choice {
  const res = d.resolutions.length ? d.resolutions : [300];
  const pick = <T,>(list: readonly T[], want: T | undefined, fallback: T): T => (want !== undefined && list.includes(want) ? want : list.includes(fallback) ? fallback : (list[0] ?? fallback));
  const resolution = res.includes(last?.resolution ?? 300) ? (last?.resolution ?? 300) : res.reduce((a, b) => (Math.abs(b - 300) < Math.abs(a - 300) ? b : a));
  return {
    device: d.name,
    resolution,
    mode: pick(d.modes.length ? d.modes : ['gray'], last?.mode, 'gray'),
    source: pick(d.sources.length ? d.sources : ['flatbed'], last?.source, 'flatbed'),
    pages: last?.pages ?? '',
  };
}

export function ScanDialog({ dossierId, componentId, componentName, onClose }: { dossierId: string; componentId: string; componentName: string; onClose: () => void }) {
  const [devices, setDevices] = useState<ScannerDevice[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [choice, setChoice] = useState<Choice | null>(null);
  const [job, setJob] = useState<ScanJobState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const seenPages = useRef(0);
  const scanRef = useRef<HTMLButtonElement>(null);

  async function loadDevices() {
    setDevices(null);
    setListError(null);
    const r = await api['scanner.list']({});
    if (!r.ok) {
      setListError(r.error.message);
      setDevices([]);
      return;
    }
    setDevices(r.value);
    let last: Partial<Choice> | null = null;
    try {
      last = JSON.parse(localStorage.getItem(LAST_KEY) ?? 'null') as Partial<Choice> | null;
    } catch {
      last = null;
    }
    const d = r.value.find((x) => x.name === last?.device) ?? r.value.find((x) => !x.optionsError) ?? r.value[0];
    setChoice(d ? defaults(d, last) : null);
  }

  useEffect(() => {
    void loadDevices();
  }, []);

  const scanning = job?.state === 'scanning';
  useEffect(() => {
    if (!job || job.state !== 'scanning') return;
    const t = setInterval(async () => {
      const r = await api['scanner.job']({ jobId: job.jobId });
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      if (r.value.pagesDone !== seenPages.current) {
        seenPages.current = r.value.pagesDone;
        announcePagesChanged(dossierId, componentId);
      }
      setJob(r.value);
    }, 400);
    return () => clearInterval(t);
  }, [job?.jobId, job?.state, dossierId, componentId]);

  useEffect(() => {
    if (job && job.state !== 'scanning') setTimeout(() => scanRef.current?.focus(), 0);
  }, [job?.state]);

  const device = devices?.find((d) => d.name === choice?.device) ?? null;

  async function start() {
    if (!choice || scanning) return;
    setError(null);
    setFieldErrors({});
    const pages = choice.source === 'flatbed' || choice.pages.trim() === '' ? undefined : Number(choice.pages);
    if (pages !== undefined && (!Number.isInteger(pages) || pages < 1 || pages > 500)) {
      setFieldErrors({ pages: 'Số trang từ 1 đến 500; để trống để quét đến khi hết giấy.' });
      return;
    }
    localStorage.setItem(LAST_KEY, JSON.stringify(choice));
    seenPages.current = 0;
    const r = await api['scanner.scan']({ dossierId, componentId, device: choice.device, resolution: choice.resolution, mode: choice.mode, source: choice.source, pages });
    if (!r.ok) {
      setError(r.error.message);
      setFieldErrors(r.error.fields ?? {});
      return;
    }
    setJob({
      jobId: r.value.jobId,
      state: 'scanning',
      pagesDone: 0,
      pagesRequested: pages ?? (choice.source === 'flatbed' ? 1 : null),
      message: null,
      pageIds: [],
      startedAt: Date.now(),
      finishedAt: null,
    });
  }

  async function cancel() {
    if (!job) return;
    const r = await api['scanner.cancel']({ jobId: job.jobId });
    if (r.ok) setJob(r.value);
  }

  const close = () => {
    if (scanning) void cancel();
    onClose();
  };

  return (
    <Modal title={`Quét: ${componentName}`} onClose={close} testId="scan-dialog">
      {devices === null ? (
        <p className="muted" data-testid="scan-searching">
          Đang tìm máy quét…
        </p>
      ) : devices.length === 0 ? (
        <div>
          <ErrorBox message={listError ?? 'Không tìm thấy máy quét nào. Kiểm tra máy quét đã bật, đã cắm cáp (hoặc cùng mạng) và đã cài trình điều khiển.'} testId="scan-no-device" />
          <p className="small muted">Nếu máy quét chỉ lưu vào thư mục bằng phần mềm riêng, hãy dùng "Hộp chờ" (thư mục quét) bên dưới.</p>
          <button type="button" className="btn" onClick={() => void loadDevices()} data-testid="scan-refresh">
            Tìm lại
          </button>
        </div>
      ) : choice ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <div className="cap-grid">
            <div className="field span-2">
              <label htmlFor="scan-device">Máy quét</label>
              <select
                id="scan-device"
                data-testid="scan-device"
                value={choice.device}
                disabled={scanning}
                onChange={(e) => {
                  const d = devices.find((x) => x.name === e.target.value);
                  if (d) setChoice(defaults(d, choice));
                }}
              >
                {devices.map((d) => (
                  <option key={d.name} value={d.name}>
                    {[d.vendor, d.model].filter(Boolean).join(' ') || d.name} ({d.name})
                  </option>
                ))}
              </select>
              {device?.optionsError && <div className="field-msg error">{device.optionsError}</div>}
            </div>
            <div className="field">
              <label htmlFor="scan-resolution">Độ phân giải</label>
              <select
                id="scan-resolution"
                data-testid="scan-resolution"
                value={choice.resolution}
                disabled={scanning}
                onChange={(e) => setChoice({ ...choice, resolution: Number(e.target.value) })}
              >
                {(device?.resolutions.length ? device.resolutions : [300]).map((r) => (
                  <option key={r} value={r}>
                    {r} dpi{r === 300 ? ' (khuyến nghị)' : ''}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="scan-mode">Chế độ màu</label>
              <select id="scan-mode" data-testid="scan-mode" value={choice.mode} disabled={scanning} onChange={(e) => setChoice({ ...choice, mode: e.target.value as ScanMode })}>
                {(device?.modes.length ? device.modes : (['gray'] as ScanMode[])).map((m) => (
                  <option key={m} value={m}>
                    {SCAN_MODE_TEXT[m]}
                  </option>
                ))}
              </select>
            </div>
            <fieldset className="field radio-group span-2" disabled={scanning}>
              <legend>Nguồn giấy</legend>
              {(device?.sources.length ? device.sources : (['flatbed'] as ScanSource[])).map((s) => (
                <label key={s}>
                  <input type="radio" name="scan-source" value={s} checked={choice.source === s} data-testid={`scan-source-${s}`} onChange={() => setChoice({ ...choice, source: s })} />{' '}
                  {SCAN_SOURCE_TEXT[s]}
                </label>
              ))}
            </fieldset>
            {choice.source !== 'flatbed' && (
              <div className={`field${fieldErrors.pages ? ' has-error' : ''}`}>
                <label htmlFor="scan-pages">Số trang</label>
                <input
                  id="scan-pages"
                  data-testid="scan-pages"
                  inputMode="numeric"
                  placeholder="đến khi hết giấy"
                  value={choice.pages}
                  disabled={scanning}
                  onChange={(e) => setChoice({ ...choice, pages: e.target.value.replace(/\D/g, '').slice(0, 3) })}
                />
                {fieldErrors.pages && (
                  <div className="field-msg error" role="alert">
                    {fieldErrors.pages}
                  </div>
                )}
              </div>
            )}
          </div>
          {job && (
            <div className="cap-progress" data-testid="scan-progress" data-state={job.state} aria-live="polite">
              {job.state === 'scanning' ? (
                <>
                  <progress max={job.pagesRequested ?? undefined} value={job.pagesRequested ? job.pagesDone : undefined} />
                  <div>
                    Đang quét… đã lưu <strong data-testid="scan-pages-done">{job.pagesDone}</strong>
                    {job.pagesRequested ? `/${job.pagesRequested}` : ''} trang
                  </div>
                </>
              ) : job.state === 'done' ? (
                <div className="alert success" data-testid="scan-done">
                  Đã quét và lưu {job.pagesDone} trang vào thành phần hồ sơ.{job.message ? ` ${job.message}` : ''}
                </div>
              ) : job.state === 'cancelled' ? (
                <div className="alert info" data-testid="scan-cancelled">
                  Đã huỷ lượt quét. {job.pagesDone ? `Giữ ${job.pagesDone} trang đã quét.` : ''}
                </div>
              ) : (
                <div className="alert error" role="alert" data-testid="scan-failed">
                  {job.message ?? 'Máy quét báo lỗi.'}
                </div>
              )}
            </div>
          )}
          <ErrorBox message={error} testId="scan-error" />
          <div className="actions">
            <button ref={scanRef} type="submit" className="btn primary" disabled={scanning} data-testid="scan-start" data-autofocus autoFocus>
              {job && !scanning ? 'Quét tiếp' : 'Quét'} <kbd>Enter</kbd>
            </button>
            {scanning && (
              <button type="button" className="btn danger-outline" onClick={() => void cancel()} data-testid="scan-cancel">
                Huỷ quét
              </button>
            )}
            <button type="button" className="btn" onClick={() => void loadDevices()} disabled={scanning} data-testid="scan-refresh">
              Tìm lại máy quét
            </button>
          </div>
        </form>
      ) : null}
    </Modal>
  );
}
