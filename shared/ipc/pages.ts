// The digitisation calls of the contract (pages, OCR queue, searchable PDF, reuse, review with
// document data, results of dossiers): result types and argument schemas. Spread into
// `contract` (contract.ts). Pure: no Node, no DOM.
import { z } from 'zod';
import { nfc } from '../domain/text';
import type { EpochMs } from '../domain/types';
import { displayToIso, parseIsoDate } from '../domain/vnTime';

/** Component digitisation state (DOMAIN.md §5). */
export type DigitisationState = 0 | 1 | 2 | 3;
export const DIGITISATION_LABELS: Record<DigitisationState, string> = {
  0: 'Chưa số hoá',
  1: 'Được số hoá',
  2: 'Tái sử dụng',
  3: 'Tái sử dụng từ kết quả hồ sơ khác',
};

/** 'sync': attached at another PC of the unit and pulled from the province hub (its compact copy is the page). */
export type PageSource = 'scanner' | 'folder' | 'file' | 'camera' | 'reuse' | 'sync';
export type OcrState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type PageRotation = 0 | 90 | 180 | 270;

/** Why the OCR could not read a page (electron/services/ocr/quality.ts decides). */
export type UnreadableReason = 'blurred' | 'skewed' | 'covered' | 'not-text';
export const UNREADABLE_TITLE = 'Không đọc được — cần quét lại';
export const UNREADABLE_REASON_LABELS: Record<UnreadableReason, string> = {
  blurred: 'mờ',
  skewed: 'nghiêng',
  covered: 'bị che',
  'not-text': 'không phải chữ in',
};
/** "Không đọc được — cần quét lại (mờ)". */
export const unreadableLabel = (reason: UnreadableReason): string => `${UNREADABLE_TITLE} (${UNREADABLE_REASON_LABELS[reason]})`;

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
  /** The clerk's own clockwise turn, applied on top of the automatic one. */
  rotation: PageRotation;
  /** Measured at import and applied to the display, thumbnail and compact copy (never to the
   *  original): the clockwise turn that makes the text upright, and the skew levelled after
   *  it (degrees, corrected from 0.3°). null for pages imported before this was measured. */
  autoRotation: PageRotation | null;
  skewDeg: number | null;
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
  /** The OCR found the page unreadable, and why: its text is kept but not offered as the
   *  page's text (not searched, no suggestions from it). null: readable, not read yet, or PDF text. */
  unreadable: UnreadableReason | null;
  /** A page from another PC (source 'sync') whose file has not arrived yet; `error`: why the
   *  last try failed (Vietnamese), null while it simply waits. null once the file is here. */
  download: { error: string | null } | null;
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
  /** 'result': a result paper of the earlier dossier ("Kết quả của hồ sơ …"); attaching it records state 3. */
  kind: DocumentKind;
  dossierId: string;
  dossierCode: string;
  procedureCode: string;
  procedureName: string;
  /** The component (or result) of the earlier dossier. */
  componentId: string;
  componentName: string;
  digitisedAt: EpochMs;
  pageCount: number;
  /** Up to 3 thumbnails (JPEG, base64). */
  thumbnails: string[];
}

// ---------- review, document data, results (DOMAIN.md §5) ----------

/** TrangThaiSoHoa of a digitised document. */
export type ReviewState = 0 | 1 | 2;
export const REVIEW_LABELS: Record<ReviewState, string> = { 0: 'Chờ duyệt', 1: 'Đã duyệt', 2: 'Không duyệt' };

/** A document's review state from its pages (null: no page). A page added after the review makes it pending again. */
export function documentReviewState(pages: readonly { reviewState: number }[]): ReviewState | null {
  if (!pages.length) return null;
  if (pages.some((p) => p.reviewState === 0)) return 0;
  return pages.some((p) => p.reviewState === 2) ? 2 : 1;
}

/** LoaiSoHoa: 'component' (0, a paper the citizen handed in) or 'result' (1, the paper the commune issued). */
export type DocumentKind = 'component' | 'result';

/** The document data of a digitised paper (DOMAIN.md §5 "Document data"). Dates yyyy-mm-dd or ''. */
export interface DocumentData {
  soKyHieu: string;
  ngayBanHanh: string;
  coQuanBanHanh: string;
  nguoiKy: string;
  trichYeu: string;
  /** ThoiHanHieuLuc ('' when none or vĩnh viễn). */
  hieuLucDen: string;
  /** ThoiHanVinhVien. */
  vinhVien: boolean;
}

/** One digitised document: the pages of one component or result of a dossier. */
export interface DocumentRef {
  dossierId: string;
  dossierCode: string;
  applicantName: string;
  procedureName: string;
  componentId: string;
  name: string;
  kind: DocumentKind;
  pageCount: number;
  /** Pages the OCR could not read ("Không đọc được — cần quét lại"; no correction typed). */
  unreadablePages: number;
  /** ThoiGianSoHoa and NguoiSoHoa of its first page. */
  digitisedAt: EpochMs;
  digitisedBy: string;
}

export interface DocumentReview extends DocumentRef {
  state: ReviewState;
  /** Why it was not approved (state 2). */
  reason: string;
  reviewedBy: string | null;
  reviewedAt: EpochMs | null;
  data: DocumentData;
  /** Fields of `data` filled from the OCR text, not saved yet (shown as suggestions). */
  suggested: ('soKyHieu' | 'ngayBanHanh')[];
  /** The pages in order, each with its text (the correction when there is one). */
  pages: { page: PageInfo; text: string }[];
}

/** A result paper of a dossier (LoaiSoHoa 1): a page target like a component. */
export interface DossierResult {
  resultId: string;
  name: string;
  createdBy: string;
  createdAt: EpochMs;
  pageCount: number;
  reviewState: ReviewState | null;
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
  const base =
    nfc(String(name ?? ''))
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

/** Typed text of the document data: NFC, control characters dropped, white space folded, bounded. */
function docText(max: number, label: string) {
  return z
    .string({ error: `${label}: phải là chuỗi ký tự.` })
    .transform((s) => nfc(s).replace(/\s+/g, ' ').trim())
    .refine((s) => s.length <= max, { message: `${label}: dài quá ${max} ký tự.` });
}

const vnToday = () => new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);

/** A date typed dd/mm/yyyy (or yyyy-mm-dd), or '' → yyyy-mm-dd or ''; a date that does not exist is refused. */
function docDate(label: string) {
  return z.string({ error: `${label}: phải là ngày dd/mm/yyyy.` }).transform((raw, ctx) => {
    const s = raw.trim();
    if (!s) return '';
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? (parseIsoDate(s) ? s : null) : displayToIso(s);
    if (!iso || iso < '1900-01-01') {
      ctx.addIssue({ code: 'custom', message: `${label} "${s}" không hợp lệ: cần ngày có thật, dạng dd/mm/yyyy (từ năm 1900).` });
      return z.NEVER;
    }
    return iso;
  });
}

/**
 * Smallest skew levelled on the copies the clerk and the province see (never on the OCR input,
 * where resampling cost CER). The sample scans are 0.7° and 2.3° askew and a clean page
 * measures 0.04–0.06°, so 0.3° is well above the estimator's noise; at 0.3° a line across an
 * A4 text block (17 cm) still drifts ~0.9 mm, nearly half the x-height of 12 pt text (visibly
 * askew), while below it the page looks straight.
 */
export const DISPLAY_MIN_DESKEW_DEG = 0.3;

/**
 * Images of a page: the original bytes; 'display' = upright, levelled, with the clerk's turn
 * ("Bản gốc" in the viewer); 'cleaned' = the same with seals and pen faded and the lighting
 * flattened ("Bản làm sạch"); the thumbnail; the compact copy sent to the province.
 */
export const PAGE_IMAGE_VARIANTS = ['original', 'display', 'cleaned', 'thumb', 'compact'] as const;
export type PageImageVariant = (typeof PAGE_IMAGE_VARIANTS)[number];

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
  image: z.object({
    pageId: rowId('Mã trang'),
    variant: z.enum(PAGE_IMAGE_VARIANTS, { error: 'Kiểu ảnh trang không hợp lệ.' }).default('display'),
  }),
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
  reviewPending: z.object({ limit: z.number().int().min(1).max(500).default(200) }),
  reviewGet: z.object({ dossierId: rowId('Mã hồ sơ'), componentId }),
  reviewSave: z
    .object({
      dossierId: rowId('Mã hồ sơ'),
      componentId,
      /** Omitted: only the document data is saved. */
      decision: z.enum(['approve', 'reject'], { error: 'Quyết định duyệt không hợp lệ.' }).optional(),
      reason: docText(500, 'Lý do không duyệt').default(''),
      data: z.object({
        soKyHieu: docText(50, 'Số, ký hiệu'),
        ngayBanHanh: docDate('Ngày ban hành'),
        coQuanBanHanh: docText(200, 'Cơ quan ban hành'),
        nguoiKy: docText(120, 'Người ký'),
        trichYeu: docText(1000, 'Trích yếu nội dung'),
        hieuLucDen: docDate('Thời hạn hiệu lực'),
        vinhVien: z.boolean({ error: 'Hiệu lực vĩnh viễn phải là có/không.' }),
      }),
    })
    .superRefine((i, ctx) => {
      const d = i.data;
      if (i.decision === 'reject' && !i.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'Không duyệt: hãy ghi lý do.' });
      if (d.ngayBanHanh && d.ngayBanHanh > vnToday()) {
        ctx.addIssue({ code: 'custom', path: ['data', 'ngayBanHanh'], message: 'Ngày ban hành không được sau ngày hôm nay.' });
      }
      if (d.vinhVien && d.hieuLucDen) {
        ctx.addIssue({ code: 'custom', path: ['data', 'hieuLucDen'], message: 'Giấy tờ có hiệu lực vĩnh viễn thì không ghi thời hạn hiệu lực.' });
      }
      if (d.hieuLucDen && d.ngayBanHanh && d.hieuLucDen < d.ngayBanHanh) {
        ctx.addIssue({ code: 'custom', path: ['data', 'hieuLucDen'], message: 'Thời hạn hiệu lực không được trước ngày ban hành.' });
      }
    }),
  resultsList: z.object({ dossierId: rowId('Mã hồ sơ') }),
  resultsAdd: z.object({
    dossierId: rowId('Mã hồ sơ'),
    name: docText(300, 'Tên giấy tờ kết quả').refine((s) => s.length > 0, { message: 'Tên giấy tờ kết quả: không được để trống.' }),
  }),
};

// ---------- background import of files (pages.import) ----------

/**
 * A background import: the files are checked and counted ('opening'), then each page is
 * stored as soon as it is made ('importing'), so it appears in the component at once.
 * 'waiting': behind another import (one at a time). A cancel keeps the pages already stored.
 */
export interface PageImportState {
  importId: string;
  dossierId: string;
  componentId: string;
  state: 'waiting' | 'opening' | 'importing' | 'done' | 'failed' | 'cancelled';
  fileNames: string[];
  pagesDone: number;
  /** Known once every file is opened (null before). */
  pagesTotal: number | null;
  /** Why it failed or stopped, and what was kept (Vietnamese). */
  message: string | null;
  pageIds: string[];
  startedAt: EpochMs;
  finishedAt: EpochMs | null;
}

const importId = z.string().regex(/^imp-[0-9a-z]{1,16}-[0-9a-f]{8}$/, 'Mã lượt nhập tệp không hợp lệ.');
export const importSchemas = {
  list: z.object({ dossierId: rowId('Mã hồ sơ') }),
  cancel: z.object({ importId }),
};

function call<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

export const pagesCalls = {
  'pages.list': call<PageList>()(pagesSchemas.list),
  'pages.add': call<PageInfo[]>()(pagesSchemas.add),
  /** Same files as pages.add; returns at once, the pages are stored in the background. */
  'pages.import': call<PageImportState>()(pagesSchemas.add),
  /** The imports of a dossier (running, waiting, and recently finished). */
  'pages.imports': call<PageImportState[]>()(importSchemas.list),
  'pages.importCancel': call<PageImportState>()(importSchemas.cancel),
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
  'review.pending': call<DocumentRef[]>()(pagesSchemas.reviewPending),
  'review.get': call<DocumentReview>()(pagesSchemas.reviewGet),
  'review.save': call<DocumentReview>()(pagesSchemas.reviewSave),
  'results.list': call<DossierResult[]>()(pagesSchemas.resultsList),
  'results.add': call<DossierResult[]>()(pagesSchemas.resultsAdd),
} as const;
