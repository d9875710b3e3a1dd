// WIA (Windows) through PowerShell and the WIA Automation COM objects (wiaaut.dll ships
// with Windows): no native addon. The script below is sent on stdin to
//   powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command -
// as one line that decodes it (base64, so no quoting or code-page issue reaches the
// console) and runs it; it answers with one JSON object per line on stdout.
// Only the command construction and the output parsing are tested here (no Windows on
// the test machine): buildWiaInvocation, parseWiaLine, wiaDeviceFromEvent, wiaErrorText.
//
// WIA property ids (wiadef.h): 3086 WIA_DPS_DOCUMENT_HANDLING_CAPABILITIES, 3088
// WIA_DPS_DOCUMENT_HANDLING_SELECT (1 feeder, 2 flatbed, 4 duplex), 3096 WIA_DPS_PAGES,
// 6146 WIA_IPS_CUR_INTENT (1 colour, 2 grayscale, 4 text), 6147/6148 WIA_IPS_XRES/YRES.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScanMode, ScanSource, ScannerDevice } from '../../../shared/capture/types';
import { AppError } from '../errors';
import { isSafeDeviceName, resolutionsFromRange, type ScanHandle, type ScanOutcome, type ScanRequest, type ScannedPage, type ScannerDriver } from './driver';
import { inactivityWatchdog, runToEnd, startProcess } from './process';
import { scanFailureMessage } from './sane';

export const WIA_FORMAT_PNG = '{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}';
export const WIA_INTENT: Record<ScanMode, number> = { color: 1, gray: 2, lineart: 4 };
export const WIA_HANDLING_SELECT: Record<ScanSource, number> = { adf: 1, flatbed: 2, adfDuplex: 5 };

export const WIA_SCRIPT = String.raw`
$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false
function Out-Json($o) { [Console]::Out.WriteLine(($o | ConvertTo-Json -Compress -Depth 4)); [Console]::Out.Flush() }
function Get-HResult($e) { $x = $e.Exception; while ($x.InnerException) { $x = $x.InnerException }; '0x{0:X8}' -f $x.HResult }
function Get-Prop($props, [int]$id) { foreach ($p in $props) { if ($p.PropertyID -eq $id) { return $p } }; return $null }
$req = ConvertFrom-Json $motcuaRequest
try {
  $dm = New-Object -ComObject WIA.DeviceManager
  if ($req.action -eq 'list') {
    foreach ($di in $dm.DeviceInfos) {
      if ($di.Type -ne 1) { continue }
      $o = [ordered]@{ type = 'device'; id = $di.DeviceID; name = ''; vendor = ''; resolutions = @(); resMin = 0; resMax = 0; resStep = 0; intents = 7; handling = 0; error = $null }
      $p = Get-Prop $di.Properties 7; if ($p) { $o.name = [string]$p.Value }
      $p = Get-Prop $di.Properties 3; if ($p) { $o.vendor = [string]$p.Value }
      try {
        $dev = $di.Connect()
        $p = Get-Prop $dev.Properties 3086; if ($p) { $o.handling = [int]$p.Value }
        $item = $dev.Items.Item(1)
        $x = Get-Prop $item.Properties 6147
        if ($x) {
          if ($x.SubType -eq 2) { $o.resolutions = @($x.SubTypeValues | ForEach-Object { [int]$_ }) }
          elseif ($x.SubType -eq 1) { $o.resMin = [int]$x.SubTypeMin; $o.resMax = [int]$x.SubTypeMax; $o.resStep = [int]$x.SubTypeStep }
          else { $o.resolutions = @([int]$x.Value) }
        }
      } catch { $o.error = Get-HResult $_ }
      Out-Json $o
    }
    Out-Json @{ type = 'end' }
    return
  }
  $di = $null
  foreach ($d in $dm.DeviceInfos) { if ($d.DeviceID -eq $req.device) { $di = $d } }
  if (-not $di) { Out-Json @{ type = 'error'; code = '0x80210015'; message = 'device not found'; pages = 0 }; return }
  $dev = $di.Connect()
  $feeder = $req.handling -ne 2
  $p = Get-Prop $dev.Properties 3088; if ($p) { $p.Value = [int]$req.handling }
  if ($feeder) { $p = Get-Prop $dev.Properties 3096; if ($p) { $p.Value = 1 } }
  $item = $dev.Items.Item(1)
  # The intent first: setting it resets the resolution on some drivers.
  $p = Get-Prop $item.Properties 6146; if ($p) { $p.Value = [int]$req.intent }
  $p = Get-Prop $item.Properties 6147; if ($p) { $p.Value = [int]$req.dpi }
  $p = Get-Prop $item.Properties 6148; if ($p) { $p.Value = [int]$req.dpi }
  $n = 0
  while ($true) {
    if ($req.pages -gt 0 -and $n -ge $req.pages) { break }
    try { $img = $item.Transfer($req.format) }
    catch {
      $code = Get-HResult $_
      # 0x80210003 WIA_ERROR_PAPER_EMPTY after at least one page: the feeder is done.
      if ($feeder -and $n -gt 0 -and $code -eq '0x80210003') { break }
      Out-Json @{ type = 'error'; code = $code; message = $_.Exception.Message; pages = $n }
      return
    }
    if ($img.FormatID -ne $req.format) {
      $ip = New-Object -ComObject WIA.ImageProcess
      $ip.Filters.Add($ip.FilterInfos.Item('Convert').FilterID)
      $ip.Filters.Item(1).Properties.Item('FormatID').Value = $req.format
      $img = $ip.Apply($img)
    }
    $n++
    $file = Join-Path $req.dir ('p{0:D4}.png' -f $n)
    $img.SaveFile($file)
    Out-Json @{ type = 'page'; path = $file; index = $n }
    if (-not $feeder) { break }
  }
  Out-Json @{ type = 'done'; pages = $n }
} catch {
  Out-Json @{ type = 'error'; code = (Get-HResult $_); message = $_.Exception.Message; pages = -1 }
}
`;

export type WiaRequest = { action: 'list' } | { action: 'scan'; device: string; dpi: number; intent: number; handling: number; pages: number; dir: string; format: string };

export interface WiaInvocation {
  command: string;
  args: string[];
  stdin: string;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** The PowerShell command line and the one-line stdin that decodes and runs WIA_SCRIPT. */
export function buildWiaInvocation(request: WiaRequest, command = 'powershell.exe'): WiaInvocation {
  const stdin =
    `$motcuaRequest = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64(JSON.stringify(request))}')); ` +
    `& ([ScriptBlock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64(WIA_SCRIPT)}')))\r\n` +
    'exit 0\r\n';
  return { command, args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'], stdin };
}

export type WiaEvent =
  | {
      type: 'device';
      id: string;
      name: string;
      vendor: string;
      resolutions: number[];
      resMin: number;
      resMax: number;
      resStep: number;
      intents: number;
      handling: number;
      error: string | null;
    }
  | { type: 'page'; path: string; index: number }
  | { type: 'error'; code: string; message: string; pages: number }
  | { type: 'done'; pages: number }
  | { type: 'end' };

/** One stdout line → an event; anything else (PowerShell noise, a BOM) → null. */
export function parseWiaLine(line: string): WiaEvent | null {
  const s = line.replace(/^\uFEFF/, '').trim();
  if (!s.startsWith('{')) return null;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(s) as Record<string, unknown>;
  } catch {
    return null;
  }
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (o.type) {
    case 'device': {
      // ConvertTo-Json writes a one-element array as a bare number on PowerShell 5.1.
      const r = Array.isArray(o.resolutions) ? o.resolutions : typeof o.resolutions === 'number' ? [o.resolutions] : [];
      return {
        type: 'device',
        id: str(o.id),
        name: str(o.name),
        vendor: str(o.vendor),
        resolutions: r.map(num).filter((n) => n > 0),
        resMin: num(o.resMin),
        resMax: num(o.resMax),
        resStep: num(o.resStep),
        intents: num(o.intents),
        handling: num(o.handling),
        error: typeof o.error === 'string' ? o.error : null,
      };
    }
    case 'page':
      return { type: 'page', path: str(o.path), index: num(o.index) };
    case 'error':
      return { type: 'error', code: str(o.code).toUpperCase().replace(/^0X/, '0x'), message: str(o.message), pages: num(o.pages) };
    case 'done':
      return { type: 'done', pages: num(o.pages) };
    case 'end':
      return { type: 'end' };
    default:
      return null;
  }
}

export function wiaDeviceFromEvent(e: Extract<WiaEvent, { type: 'device' }>): ScannerDevice {
  const resolutions = e.resolutions.length ? [...new Set(e.resolutions)].sort((a, b) => a - b) : e.resMax > 0 ? resolutionsFromRange(e.resMin, e.resMax, e.resStep) : [];
  const modes: ScanMode[] = (['color', 'gray', 'lineart'] as const).filter((m) => (e.intents || 7) & WIA_INTENT[m]);
  const sources: ScanSource[] = [];
  if (e.handling === 0 || e.handling & 2) sources.push('flatbed');
  if (e.handling & 1) sources.push('adf');
  if (e.handling & 4) sources.push('adfDuplex');
  return {
    name: e.id,
    vendor: e.vendor,
    model: e.name,
    type: 'scanner',
    driver: 'wia',
    resolutions,
    modes,
    sources,
    ...(e.error ? { optionsError: wiaErrorText(e.error) } : {}),
  };
}

/** WIA HRESULTs (wia_lh.h) → what the clerk reads. */
export function wiaErrorText(code: string): string {
  switch (code.toUpperCase().replace(/^0X/, '0x')) {
    case '0x80210002':
      return 'Kẹt giấy trong máy quét.';
    case '0x80210003':
      return 'Khay nạp giấy hết giấy.';
    case '0x80210004':
      return 'Giấy đặt không đúng trong máy quét.';
    case '0x80210005':
      return 'Máy quét đang tắt hoặc mất kết nối.';
    case '0x80210006':
      return 'Máy quét đang bận (có thể một chương trình khác đang dùng).';
    case '0x80210007':
      return 'Máy quét đang khởi động, hãy chờ rồi thử lại.';
    case '0x8021000A':
      return 'Mất kết nối với máy quét (máy bị tắt, rút cáp hoặc lỗi thiết bị).';
    case '0x8021000C':
      return 'Máy quét không nhận thiết lập đã chọn (độ phân giải, chế độ màu hoặc khay giấy).';
    case '0x8021000D':
      return 'Máy quét đang bị khoá.';
    case '0x80210015':
      return 'Không tìm thấy máy quét: kiểm tra cáp, nguồn điện hoặc mạng.';
    case '0x80210016':
      return 'Nắp máy quét đang mở.';
    case '0x80210017':
      return 'Đèn máy quét đang tắt.';
    case '0x80040154':
      return 'Windows thiếu thành phần quét ảnh WIA.';
    default:
      return `Máy quét báo lỗi (mã ${code}).`;
  }
}

export interface WiaDriverOptions {
  command?: string;
  pageTimeoutMs?: number;
  listTimeoutMs?: number;
}

export class WiaDriver implements ScannerDriver {
  readonly kind = 'wia' as const;
  constructor(private readonly opts: WiaDriverOptions = {}) {}

  async list(): Promise<ScannerDevice[]> {
    const inv = buildWiaInvocation({ action: 'list' }, this.opts.command);
    const r = await runToEnd(inv.command, inv.args, { stdin: inv.stdin, timeoutMs: this.opts.listTimeoutMs ?? 60_000 });
    if (r.spawnError) throw new AppError('unavailable', 'Không chạy được PowerShell để tìm máy quét.');
    if (r.timedOut) throw new AppError('unavailable', 'Tìm máy quét quá lâu không có kết quả; kiểm tra máy quét rồi thử lại.');
    const devices: ScannerDevice[] = [];
    for (const line of r.stdout.split(/\r?\n/)) {
      const e = parseWiaLine(line);
      if (e?.type === 'device' && isSafeDeviceName(e.id)) devices.push(wiaDeviceFromEvent(e));
      if (e?.type === 'error') throw new AppError('unavailable', wiaErrorText(e.code));
    }
    return devices;
  }

  scan(req: ScanRequest, onPage: (page: ScannedPage) => void): ScanHandle {
    let cancelled = false;
    let kill: () => void = () => {};
    const done = (async (): Promise<ScanOutcome> => {
      if (!isSafeDeviceName(req.device)) return { kind: 'failed', pages: 0, message: 'Tên máy quét không hợp lệ.' };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-scan-'));
      let pages = 0;
      let error: Extract<WiaEvent, { type: 'error' }> | null = null;
      const pageTimeoutMs = this.opts.pageTimeoutMs ?? 180_000;
      const inv = buildWiaInvocation(
        {
          action: 'scan',
          device: req.device,
          dpi: req.resolution,
          intent: WIA_INTENT[req.mode],
          handling: WIA_HANDLING_SELECT[req.source],
          pages: req.source === 'flatbed' ? 1 : (req.pages ?? 0),
          dir,
          format: WIA_FORMAT_PNG,
        },
        this.opts.command,
      );
      const watchdog = inactivityWatchdog(pageTimeoutMs, () => proc.kill());
      const proc = startProcess(inv.command, inv.args, {
        stdin: inv.stdin,
        onStdoutLine: (line) => {
          const e = parseWiaLine(line);
          if (!e) return;
          watchdog.arm();
          if (e.type === 'page') {
            const full = path.resolve(e.path);
            if (path.dirname(full) !== path.resolve(dir)) return;
            try {
              const data = fs.readFileSync(full);
              fs.rmSync(full, { force: true });
              pages++;
              onPage({ index: pages, data, mime: 'image/png', fileName: `quet-${String(pages).padStart(3, '0')}.png` });
            } catch {
              /* reported as a missing page below */
            }
          } else if (e.type === 'error') error = e;
        },
      });
      kill = () => proc.kill();
      if (cancelled) proc.kill();
      watchdog.arm();
      const r = await proc.exited;
      watchdog.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      if (r.spawnError) return { kind: 'failed', pages, message: 'Không chạy được PowerShell để quét.' };
      if (cancelled) return { kind: 'cancelled', pages, message: pages ? `Đã huỷ; giữ ${pages} trang đã quét.` : null };
      if (watchdog.expired) return { kind: 'failed', pages, message: scanFailureMessage(pages, `máy quét không phản hồi sau ${Math.round(pageTimeoutMs / 1000)} giây.`) };
      const err = error as Extract<WiaEvent, { type: 'error' }> | null;
      if (err) return { kind: 'failed', pages, message: scanFailureMessage(pages, wiaErrorText(err.code)) };
      if (r.code !== 0) return { kind: 'failed', pages, message: scanFailureMessage(pages, 'PowerShell dừng bất thường.') };
      const short = req.source !== 'flatbed' && req.pages !== null && pages < req.pages;
      return { kind: 'done', pages, message: short ? `Khay nạp giấy hết sau ${pages}/${req.pages} trang.` : null };
    })();
    return {
      done,
      cancel: () => {
        cancelled = true;
        kill();
      },
    };
  }
}
