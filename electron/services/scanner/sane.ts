// SANE (Linux) through `scanimage`: list devices, read their options, scan one page or a
// feeder batch into a private temp folder. scanimage writes each page to `pN.png.part`
// and renames it when complete, then prints its name (--batch-print): a printed name is
// a finished page.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanMode, ScanSource, ScannerDevice } from '../../../shared/capture/types';
import { AppError } from '../errors';
import { isSafeDeviceName, resolutionsFromRange, type ScanHandle, type ScanOutcome, type ScanRequest, type ScannedPage, type ScannerDriver } from './driver';
import { inactivityWatchdog, runToEnd, startProcess } from './process';

export interface SaneDriverOptions {
  /** The scanimage binary (tests point it at a stand-in script). */
  command?: string;
  /** Extra environment, e.g. SANE_CONFIG_DIR for a private dll.conf. */
  env?: Record<string, string>;
  /** No new page for this long = the device hangs: the scan is stopped. */
  pageTimeoutMs?: number;
  listTimeoutMs?: number;
}

interface SaneDeviceRaw {
  name: string;
  vendor: string;
  model: string;
  type: string;
}

export interface SaneOptions {
  resolutions: number[];
  /** Our mode → the backend's own value (Color/Gray/Lineart, Binary, Black & White…). */
  modes: Partial<Record<ScanMode, string>>;
  sources: Partial<Record<ScanSource, string>>;
}

const SEP = '\x1f';
/** `scanimage -f`: one device a line, fields split by a unit separator (names may hold spaces). */
export const SANE_LIST_FORMAT = `%d${SEP}%v${SEP}%m${SEP}%t%n`;

const TYPE_SUFFIX = /(flatbed scanner|sheetfed scanner|handheld scanner|film scanner|multi-function peripheral|virtual device|video camera|still camera|sheetfed|scanner|\S+)$/;

/** Parses `scanimage -L` (device `NAME' is a VENDOR MODEL TYPE) or the -f format above. */
export function parseSaneDeviceList(stdout: string): SaneDeviceRaw[] {
  const out: SaneDeviceRaw[] = [];
  const seen = new Set<string>();
  for (const line of stdout.split(/\r?\n/)) {
    let dev: SaneDeviceRaw | null = null;
    if (line.includes(SEP)) {
      const [name, vendor = '', model = '', type = ''] = line.split(SEP);
      dev = { name, vendor: vendor.trim(), model: model.trim(), type: type.trim() };
    } else {
      const m = /^device [`'‘](.+)['’] is a (.*)$/.exec(line.trim());
      if (!m) continue;
      const rest = m[2].trim();
      const t = TYPE_SUFFIX.exec(rest);
      const type = t ? t[1] : '';
      const before = rest.slice(0, rest.length - type.length).trim();
      const sp = before.indexOf(' ');
      dev = { name: m[1], vendor: sp < 0 ? before : before.slice(0, sp), model: sp < 0 ? '' : before.slice(sp + 1).trim(), type };
    }
    if (dev && dev.name && isSafeDeviceName(dev.name) && !seen.has(dev.name)) {
      seen.add(dev.name);
      out.push(dev);
    }
  }
  return out;
}

function normaliseMode(v: string): ScanMode | null {
  const s = v.toLowerCase();
  if (/colou?r|rgb/.test(s)) return 'color';
  if (/gr[ae]y/.test(s)) return 'gray';
  if (/line ?art|binary|black ?& ?white|monochrome|^bw$|^mono$/.test(s)) return 'lineart';
  return null;
}

function normaliseSource(v: string): ScanSource | null {
  const s = v.toLowerCase();
  if (/duplex/.test(s)) return 'adfDuplex';
  if (/adf|feeder|automatic document|sheetfed/.test(s)) return /back/.test(s) ? null : 'adf';
  if (/flatbed|platen|normal|glass|document table/.test(s)) return 'flatbed';
  return null;
}

/** Parses the option listing of `scanimage --device-name=D -A` (or `--help`). */
export function parseSaneOptions(stdout: string): SaneOptions {
  const res: SaneOptions = { resolutions: [], modes: {}, sources: {} };
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s+--(mode|resolution|source)[ =](.+?)\s+\[([^\]]*)\]\s*$/.exec(line);
    if (!m) continue;
    const [, opt, valuesRaw] = m;
    const values = valuesRaw.replace(/\s*\(in steps of [^)]*\)\s*$/, '');
    if (opt === 'resolution') {
      const range = /^(\d+(?:\.\d+)?)\.\.(\d+(?:\.\d+)?)\s*dpi/.exec(values);
      const step = /\(in steps of (\d+(?:\.\d+)?)\)/.exec(valuesRaw);
      if (range) {
        res.resolutions = resolutionsFromRange(Number(range[1]), Number(range[2]), step ? Number(step[1]) : 1);
      } else {
        res.resolutions = values
          .replace(/dpi$/, '')
          .split('|')
          .map((v) => Math.round(Number(v)))
          .filter((n) => Number.isFinite(n) && n > 0)
          .sort((a, b) => a - b);
      }
    } else {
      for (const v of values.split('|')) {
        const value = v.trim();
        const norm = opt === 'mode' ? normaliseMode(value) : normaliseSource(value);
        const bucket = (opt === 'mode' ? res.modes : res.sources) as Record<string, string>;
        if (norm && !(norm in bucket)) bucket[norm] = value;
      }
    }
  }
  return res;
}

/** The scanimage arguments for one scan into `dir`. */
export function buildSaneScanArgs(req: ScanRequest, opts: SaneOptions, dir: string): string[] {
  const args = [`--device-name=${req.device}`, '--format=png', `--resolution=${req.resolution}`];
  const mode = opts.modes[req.mode];
  if (mode) args.push(`--mode=${mode}`);
  const source = opts.sources[req.source];
  if (source) args.push(`--source=${source}`);
  args.push(`--batch=${path.join(dir, 'p%04d.png')}`, '--batch-print');
  const count = req.source === 'flatbed' ? 1 : req.pages;
  if (count !== null) args.push(`--batch-count=${count}`);
  return args;
}

/** scanimage / SANE status texts → what the clerk reads. */
export function saneErrorText(stderr: string): string {
  const s = stderr.toLowerCase();
  if (/out of documents|no docs/.test(s)) return 'Khay nạp giấy hết giấy.';
  if (/jammed/.test(s)) return 'Kẹt giấy trong máy quét.';
  if (/cover (is )?open/.test(s)) return 'Nắp máy quét đang mở.';
  if (/device busy/.test(s)) return 'Máy quét đang bận (có thể một chương trình khác đang dùng).';
  if (/no such device|not found|invalid argument.*device|open of device .* failed/.test(s)) return 'Không tìm thấy máy quét: kiểm tra cáp, nguồn điện hoặc mạng.';
  if (/i\/o|error during device|device i\/o/.test(s)) return 'Mất kết nối với máy quét (máy bị tắt, rút cáp hoặc lỗi thiết bị).';
  if (/access.*denied|permission/.test(s)) return 'Không có quyền dùng máy quét.';
  if (/setting of option .* failed|invalid argument/.test(s)) return 'Máy quét không nhận thiết lập đã chọn (độ phân giải, chế độ màu hoặc khay giấy).';
  if (/no memory/.test(s)) return 'Máy quét báo hết bộ nhớ.';
  return 'Máy quét báo lỗi.';
}

export function scanFailureMessage(pages: number, reason: string): string {
  return pages > 0 ? `Máy quét dừng sau ${pages} trang: ${reason} Đã giữ ${pages} trang đã quét; các trang còn lại chưa quét được, hãy quét tiếp.` : `Chưa quét được trang nào: ${reason}`;
}

export class SaneDriver implements ScannerDriver {
  readonly kind = 'sane' as const;
  private readonly command: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly options = new Map<string, SaneOptions>();

  constructor(private readonly opts: SaneDriverOptions = {}) {
    this.command = opts.command ?? 'scanimage';
    this.env = { ...process.env, ...(opts.env ?? {}), LC_ALL: 'C' };
  }

  async list(): Promise<ScannerDevice[]> {
    const timeoutMs = this.opts.listTimeoutMs ?? 30_000;
    const r = await runToEnd(this.command, [`--formatted-device-list=${SANE_LIST_FORMAT}`], { env: this.env, timeoutMs });
    if (r.spawnError) {
      throw new AppError('unavailable', 'Chưa cài trình điều khiển máy quét SANE (gói sane-utils, lệnh scanimage).');
    }
    if (r.timedOut) throw new AppError('unavailable', 'Tìm máy quét quá lâu không có kết quả; kiểm tra máy quét rồi thử lại.');
    const devices: ScannerDevice[] = [];
    for (const d of parseSaneDeviceList(r.stdout)) {
      const o = await runToEnd(this.command, [`--device-name=${d.name}`, '--all-options'], { env: this.env, timeoutMs });
      const dev: ScannerDevice = { ...d, driver: 'sane', resolutions: [], modes: [], sources: [] };
      if (o.code === 0 && !o.timedOut) {
        const opt = parseSaneOptions(o.stdout);
        this.options.set(d.name, opt);
        dev.resolutions = opt.resolutions;
        dev.modes = Object.keys(opt.modes) as ScanMode[];
        dev.sources = Object.keys(opt.sources) as ScanSource[];
        if (dev.sources.length === 0) dev.sources = ['flatbed'];
      } else {
        dev.optionsError = o.timedOut ? 'Máy quét không trả lời.' : saneErrorText(o.stderr);
      }
      devices.push(dev);
    }
    return devices;
  }

  private async optionsFor(device: string): Promise<SaneOptions> {
    let o = this.options.get(device);
    if (!o) {
      const r = await runToEnd(this.command, [`--device-name=${device}`, '--all-options'], { env: this.env, timeoutMs: this.opts.listTimeoutMs ?? 30_000 });
      if (r.spawnError) throw new AppError('unavailable', 'Chưa cài trình điều khiển máy quét SANE (gói sane-utils, lệnh scanimage).');
      if (r.code !== 0) throw new AppError('unavailable', scanFailureMessage(0, saneErrorText(r.stderr)));
      o = parseSaneOptions(r.stdout);
      this.options.set(device, o);
    }
    return o;
  }

  scan(req: ScanRequest, onPage: (page: ScannedPage) => void): ScanHandle {
    let cancel: () => void = () => {};
    let cancelled = false;
    const done = (async (): Promise<ScanOutcome> => {
      if (!isSafeDeviceName(req.device)) return { kind: 'failed', pages: 0, message: 'Tên máy quét không hợp lệ.' };
      let opts: SaneOptions;
      try {
        opts = await this.optionsFor(req.device);
      } catch (e) {
        return { kind: 'failed', pages: 0, message: e instanceof Error ? e.message : String(e) };
      }
      if (cancelled) return { kind: 'cancelled', pages: 0, message: null };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-scan-'));
      let pages = 0;
      const delivered = new Set<string>();
      const deliver = (file: string) => {
        const full = path.resolve(dir, file);
        // Only our own folder, each file once, never a half-written .part.
        if (path.dirname(full) !== dir || delivered.has(full) || full.endsWith('.part')) return;
        let data: Buffer;
        try {
          data = fs.readFileSync(full);
        } catch {
          return;
        }
        if (data.length === 0) return;
        delivered.add(full);
        pages++;
        fs.rmSync(full, { force: true });
        onPage({ index: pages, data, mime: 'image/png', fileName: `quet-${String(pages).padStart(3, '0')}.png` });
      };
      const pageTimeoutMs = this.opts.pageTimeoutMs ?? 120_000;
      const watchdog = inactivityWatchdog(pageTimeoutMs, () => proc.kill());
      const proc = startProcess(this.command, buildSaneScanArgs(req, opts, dir), {
        env: this.env,
        onStdoutLine: (line) => {
          if (line.trim()) deliver(line.trim());
          watchdog.arm();
        },
        onStderrLine: () => watchdog.arm(),
      });
      cancel = () => proc.kill();
      if (cancelled) proc.kill();
      watchdog.arm();
      const r = await proc.exited;
      watchdog.stop();
      try {
        // Pages finished but not printed yet (stdout cut by the exit): in name order.
        for (const f of fs
          .readdirSync(dir)
          .filter((f) => /^p\d+\.png$/.test(f))
          .sort())
          deliver(f);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      if (r.spawnError) {
        return { kind: 'failed', pages, message: 'Chưa cài trình điều khiển máy quét SANE (gói sane-utils, lệnh scanimage).' };
      }
      if (cancelled) return { kind: 'cancelled', pages, message: pages ? `Đã huỷ; giữ ${pages} trang đã quét.` : null };
      if (watchdog.expired) {
        return { kind: 'failed', pages, message: scanFailureMessage(pages, `máy quét không phản hồi sau ${Math.round(pageTimeoutMs / 1000)} giây.`) };
      }
      const feederEmpty = /out of documents|no docs/i.test(r.stderr);
      if (r.code === 0 || (feederEmpty && pages > 0)) {
        const short = req.source !== 'flatbed' && req.pages !== null && pages < req.pages;
        return { kind: 'done', pages, message: short ? `Khay nạp giấy hết sau ${pages}/${req.pages} trang.` : null };
      }
      return { kind: 'failed', pages, message: scanFailureMessage(pages, saneErrorText(r.stderr)) };
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        cancel();
      },
    };
  }
}
