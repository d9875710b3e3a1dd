// The seam between the scan jobs and a platform's scanner stack. Implementations:
// SaneDriver (Linux, `scanimage`) and WiaDriver (Windows, PowerShell + WIA COM).
import type { ScanMode, ScanSource, ScannerDevice } from '../../../shared/capture/types';

export interface ScanRequest {
  device: string;
  resolution: number;
  mode: ScanMode;
  source: ScanSource;
  /** Pages to scan from the feeder; null = until the feeder is empty. Ignored (1) for the flatbed. */
  pages: number | null;
}

export interface ScannedPage {
  /** 1-based, in scan order. */
  index: number;
  data: Buffer;
  mime: 'image/png' | 'image/jpeg' | 'image/tiff';
  fileName: string;
}

export interface ScanOutcome {
  /** done: every page asked for (or the feeder ran empty after ≥ 1 page); failed: the device stopped. */
  kind: 'done' | 'failed' | 'cancelled';
  pages: number;
  /** Vietnamese, for the clerk. */
  message: string | null;
}

export interface ScanHandle {
  /** Settles once the process has exited and every page was handed to onPage. Never rejects. */
  done: Promise<ScanOutcome>;
  cancel(): void;
}

export interface ScannerDriver {
  readonly kind: 'sane' | 'wia';
  /** Devices with their options. Never rejects for a missing tool: throws AppError('unavailable'). */
  list(): Promise<ScannerDevice[]>;
  /** Starts a scan; onPage is called once per finished page, in order. */
  scan(req: ScanRequest, onPage: (page: ScannedPage) => void): ScanHandle;
}

/** Device names go to a child process as one argument (never a shell). A name may not
 * start with '-' (it would read as an option) nor hold control characters. */
export function isSafeDeviceName(name: string): boolean {
  return name.length > 0 && name.length <= 300 && !name.startsWith('-') && !/[\x00-\x1f\x7f]/.test(name);
}

/** Common resolutions offered when a device reports a range. */
export const COMMON_DPI = [75, 100, 150, 200, 240, 300, 400, 600, 1200];

export function resolutionsFromRange(min: number, max: number, step = 1): number[] {
  const out = COMMON_DPI.filter((d) => d >= min && d <= max && (step <= 1 || (d - min) % step === 0));
  if (out.length === 0) out.push(Math.round(Math.min(Math.max(300, min), max)));
  return out;
}
