// Capture (số hoá): what the scanner service, the watched scan folder and the camera
// dialog exchange over the contract. Pure types, shared by electron/ and renderer/.

/** Colour mode, normalised across drivers (SANE: Color/Gray/Lineart…, WIA: intent 1/2/4). */
export type ScanMode = 'color' | 'gray' | 'lineart';
/** Paper source, normalised (SANE: Flatbed / ADF / Automatic Document Feeder…, WIA: 3088 = 1/2). */
export type ScanSource = 'flatbed' | 'adf' | 'adfDuplex';

export const SCAN_MODES: readonly ScanMode[] = ['color', 'gray', 'lineart'];
export const SCAN_SOURCES: readonly ScanSource[] = ['flatbed', 'adf', 'adfDuplex'];

export interface ScannerDevice {
  /** The driver's device name (SANE `epson2:net:192.168.1.20`, WIA `{6BDD…}\0001`). */
  name: string;
  vendor: string;
  model: string;
  type: string;
  driver: 'sane' | 'wia';
  /** Resolutions the device accepts, dpi, ascending. */
  resolutions: number[];
  modes: ScanMode[];
  sources: ScanSource[];
  /** Set when the options could not be read (the device is listed but busy or unplugged). */
  optionsError?: string;
}

export type ScanJobStateName = 'scanning' | 'done' | 'failed' | 'cancelled';

export interface ScanJobState {
  jobId: string;
  state: ScanJobStateName;
  /** Pages scanned and stored in the dossier's component so far. */
  pagesDone: number;
  /** Pages asked for (ADF with a count, or 1 for the flatbed); null = until the feeder is empty. */
  pagesRequested: number | null;
  /** Vietnamese, for the clerk; set when state is failed (and for a feeder that ran out early). */
  message: string | null;
  /** Ids of the stored pages, in scan order. */
  pageIds: string[];
  startedAt: number;
  finishedAt: number | null;
}

export interface InboxItem {
  id: string;
  /** The file name in the scan folder. */
  fileName: string;
  mime: 'image/jpeg' | 'image/png' | 'image/tiff' | 'application/pdf';
  size: number;
  width: number | null;
  height: number | null;
  takenAt: number;
  /** A small JPEG preview as a data: URL (null for PDFs). */
  thumbnail: string | null;
}

export interface ScanFolderState {
  /** The folder the scanners' own software saves into; null = not set. */
  path: string | null;
  /** Whether the app is watching it now. */
  watching: boolean;
  /** Why watching stopped (folder gone, no permission), Vietnamese. */
  problem: string | null;
}

/** Vietnamese labels for the UI. */
export const SCAN_MODE_TEXT: Record<ScanMode, string> = {
  color: 'Màu',
  gray: 'Xám (đen trắng nhiều mức)',
  lineart: 'Trắng đen (nét)',
};
export const SCAN_SOURCE_TEXT: Record<ScanSource, string> = {
  flatbed: 'Mặt kính (từng trang)',
  adf: 'Khay nạp giấy (ADF)',
  adfDuplex: 'Khay nạp giấy, hai mặt',
};
