// The digitisation calls of the contract (pages, OCR queue, searchable PDF, reuse): result
// types and argument schemas. Spread into `contract` (contract.ts). Pure: no Node, no DOM.
import { z } from 'zod';
import { nfc } from '../domain/text';
import type { EpochMs } from '../domain/types';

/** Component digitisation state (DOMAIN.md §5). */
export type DigitisationState = 0 | 1 | 2 | 3;
export const DIGITISATION_LABELS: Record<DigitisationState, string> = {
  0: 'Chưa số hoá',
  1: 'Được số hoá',
  2: 'Tái sử dụng',
  3: 'Tái sử dụng từ kết quả hồ sơ khác',
};

export type PageSource = 'scanner' | 'folder' | 'file' | 'camera' | 'reuse';
export type OcrState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type PageRotation = 0 | 90 | 180 | 270;

export interface PageInfo {
  id: string;
  dossierId: string;
  componentId: string;
  position: number;
  sha256: string;
  mime: string;
  byteSize: number;
  /** Upright (EXIF-oriented) size of the original, before the page's own rotation. */
  width: number;
  height: number;
  dpi: number | null;
  source: PageSource;
  fileName: string;
  rotation: PageRotation;
  compactSize: number;
  createdAt: EpochMs;
  /** NguoiSoHoa, ThoiGianSoHoa, TrangThaiSoHoa (0 chờ duyệt, 1 đã duyệt, 2 không duyệt). */
  digitisedBy: string;
  digitisedAt: EpochMs;
  reviewState: number;
  reusedFromPageId: string | null;
  /** OCR of this page: null when its text came from the PDF's own text layer. */
  ocr: { state: OcrState; error: string | null } | null;
  hasText: boolean;
}

export interface ComponentDigitisation {
  componentId: string;
  state: DigitisationState;
  sourceDossierCode: string | null;
  pageCount: number;
}

export interface PageList {
  pages: PageInfo[];
  components: ComponentDigitisation[];
}

export interface OcrWordInfo {
  text: string;
  confidence: number;
  bbox: { x0: number; y0: number; x1: number; y1: number };
}

export interface PageText {
  pageId: string;
  source: 'ocr' | 'pdf' | null;
  /** What the machine read. */
  text: string;
  /** The clerk's correction, if any (what search and the PDF export use). */
  correctedText: string | null;
  correctedBy: string | null;
  correctedAt: EpochMs | null;
  confidence: number;
  words: OcrWordInfo[];
}

export interface OcrPageStatus {
  pageId: string;
  state: OcrState;
  /** 0–1: 0 queued, 0.1 preparing, 0.5 recognising, 1 finished. */
  progress: number;
  attempts: number;
  error: string | null;
}

export interface OcrStatus {
  counts: Record<OcrState, number>;
  /** The whole queue (every dossier): pages waiting or being read. */
  queue: { queued: number; running: number };
  pages: OcrPageStatus[];
}

export interface PageImage {
  mime: string;
  dataBase64: string;
}

export interface ExportedPdf {
  fileName: string;
  pdfBase64: string;
  /** Where the copy was kept (dataDir/exports/…). */
  savedPath: string;
  pageCount: number;
}

export interface ReuseCandidate {
  dossierId: string;
  dossierCode: string;
  procedureCode: string;
  procedureName: string;
  componentId: string;
  componentName: string;
  digitisedAt: EpochMs;
  pageCount: number;
  /** Up to 3 thumbnails (JPEG, base64). */
  thumbnails: string[];
}

// ---------- argument schemas ----------

/** Per-file and per-call limits of pages.add (the loopback transport allows this channel a bigger body). */
export const MAX_PAGE_FILE_BYTES = 40 * 1024 * 1024;
export const MAX_PAGE_CALL_BYTES = 60 * 1024 * 1024;
const b64Len = (bytes: number) => 4 * Math.ceil(bytes / 3);

const rowId = (label: string) => z.string().regex(/^[1-9][0-9]{0,15}$/, `${label} không hợp lệ.`);
const componentId = z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/, 'Mã thành phần hồ sơ không hợp lệ.');

/** A file name is metadata only (never a path): NFC, control characters and folders dropped, bounded. */
export function sanitiseFileName(name: string): string {
  const base = nfc(String(name ?? ''))
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[\\/]/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .pop() ?? '';
  return base.replace(/^\.+/, '').trim().slice(0, 200);
}

const fileSchema = z.object({
  name: z.string().max(1000, 'Tên tệp quá dài.').transform(sanitiseFileName),
  mime: z.string().max(100).optional(),
  dataBase64: z
    .string()
    .max(b64Len(MAX_PAGE_FILE_BYTES), `Mỗi tệp tối đa ${MAX_PAGE_FILE_BYTES / 1024 / 1024} MB.`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Dữ liệu tệp không đúng định dạng base64.'),
});

const rotation = z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)], { error: 'Góc xoay phải là 0, 90, 180 hoặc 270 độ.' });

export const pagesSchemas = {
  list: z.object({ dossierId: rowId('Mã hồ sơ'), componentId: componentId.optional() }),
  add: z
    .object({
      dossierId: rowId('Mã hồ sơ'),
      componentId,
      source: z.enum(['file', 'camera']).default('file'),
      files: z.array(fileSchema).min(1, 'Chưa chọn tệp nào.').max(200, 'Tối đa 200 tệp một lần.'),
    })
    .refine((i) => i.files.reduce((n, f) => n + f.dataBase64.length, 0) <= b64Len(MAX_PAGE_CALL_BYTES), {
      message: `Tổng dung lượng một lần thêm tối đa ${MAX_PAGE_CALL_BYTES / 1024 / 1024} MB; hãy chia thành nhiều lần.`,
    }),
  image: z.object({ pageId: rowId('Mã trang'), variant: z.enum(['original', 'display', 'thumb', 'compact']).default('display') }),
  reorder: z.object({
    dossierId: rowId('Mã hồ sơ'),
    componentId,
    pageIds: z.array(rowId('Mã trang')).min(1).max(2000),
  }),
  rotate: z.object({ pageId: rowId('Mã trang'), rotation }),
  delete: z.object({ pageId: rowId('Mã trang') }),
  text: z.object({ pageId: rowId('Mã trang') }),
  saveText: z.object({
    pageId: rowId('Mã trang'),
    text: z
      .string({ error: 'Nội dung phải là chuỗi ký tự.' })
      .transform((s) => nfc(s.replace(/\r\n?/g, '\n')))
      .refine((s) => s.length <= 100_000, { message: 'Nội dung dài quá 100.000 ký tự.' }),
  }),
  ocrStatus: z.object({ dossierId: rowId('Mã hồ sơ') }),
  ocrCancel: z
    .object({ pageId: rowId('Mã trang').optional(), dossierId: rowId('Mã hồ sơ').optional() })
    .refine((i) => !!i.pageId !== !!i.dossierId, { message: 'Chọn một trang hoặc một hồ sơ để huỷ nhận dạng.' }),
  ocrRetry: z.object({ pageId: rowId('Mã trang') }),
  exportPdf: z.object({ dossierId: rowId('Mã hồ sơ'), componentId: componentId.optional() }),
  reuseCandidates: z.object({
    idNumber: z.string().regex(/^\d{9}$|^\d{12}$/, 'Số định danh phải gồm 12 chữ số (hoặc CMND 9 số).'),
    excludeDossierId: rowId('Mã hồ sơ').optional(),
  }),
  reuseAttach: z.object({
    dossierId: rowId('Mã hồ sơ'),
    componentId,
    sourceDossierId: rowId('Mã hồ sơ nguồn'),
    sourceComponentId: componentId,
  }),
};

function call<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

export const pagesCalls = {
  'pages.list': call<PageList>()(pagesSchemas.list),
  'pages.add': call<PageInfo[]>()(pagesSchemas.add),
  'pages.image': call<PageImage>()(pagesSchemas.image),
  'pages.reorder': call<PageInfo[]>()(pagesSchemas.reorder),
  'pages.rotate': call<PageInfo>()(pagesSchemas.rotate),
  'pages.delete': call<{ deleted: string }>()(pagesSchemas.delete),
  'pages.text': call<PageText>()(pagesSchemas.text),
  'pages.saveText': call<PageText>()(pagesSchemas.saveText),
  'pages.exportPdf': call<ExportedPdf>()(pagesSchemas.exportPdf),
  'ocr.status': call<OcrStatus>()(pagesSchemas.ocrStatus),
  'ocr.cancel': call<OcrStatus>()(pagesSchemas.ocrCancel),
  'ocr.retry': call<OcrStatus>()(pagesSchemas.ocrRetry),
  'reuse.candidates': call<ReuseCandidate[]>()(pagesSchemas.reuseCandidates),
  'reuse.attach': call<PageInfo[]>()(pagesSchemas.reuseAttach),
} as const;
