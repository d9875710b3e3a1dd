// The contract handlers of the digitisation calls (shared/ipc/pages.ts); composed into the
// app's handlers by app.ts. Arguments arrive validated by dispatch; ids are checked here
// against existing rows.
import type { Handlers } from '../../ipc/dispatch';
import { AppError } from '../errors';
import { MAX_PAGE_CALL_BYTES, MAX_PAGE_FILE_BYTES } from '../../../shared/ipc/pages';
import type { InputFile } from './inputs';
import { addPages, deletePage, listPages, pageImage, pageRow, pageText, reorderPages, requireDossier, rotatePage, saveCorrection, type PagesContext } from './index';
import type { OcrQueue } from './ocrQueue';
import type { PageImports } from './importJob';
import { exportSearchablePdf } from './searchablePdf';
import type { FileTokens } from '../files';
import { attachReused, reuseCandidates } from './reuse';
import { addResult, getReview, listResults, pendingDocuments, saveReview } from './review';
import { PAGE_MESSAGES as M } from './messages';

type PageChannels =
  | 'pages.list'
  | 'pages.add'
  | 'pages.import'
  | 'pages.imports'
  | 'pages.importCancel'
  | 'pages.image'
  | 'pages.reorder'
  | 'pages.rotate'
  | 'pages.delete'
  | 'pages.text'
  | 'pages.saveText'
  | 'pages.exportPdf'
  | 'ocr.status'
  | 'ocr.cancel'
  | 'ocr.retry'
  | 'reuse.candidates'
  | 'reuse.attach'
  | 'review.pending'
  | 'review.get'
  | 'review.save'
  | 'results.list'
  | 'results.add';

/** The files of pages.add / pages.import, decoded, with the per-file and per-call limits. */
function decodeFiles(files: { name: string; mime?: string; dataBase64: string }[]): InputFile[] {
  let total = 0;
  const images = files.map((f) => {
    const data = Buffer.from(f.dataBase64, 'base64');
    if (data.length > MAX_PAGE_FILE_BYTES) throw new AppError('invalid', M.tooBig(f.name, MAX_PAGE_FILE_BYTES / 1024 / 1024));
    total += data.length;
    return { data, fileName: f.name, mime: f.mime };
  });
  if (total > MAX_PAGE_CALL_BYTES) {
    throw new AppError('invalid', `Tổng dung lượng một lần thêm tối đa ${MAX_PAGE_CALL_BYTES / 1024 / 1024} MB; hãy chia thành nhiều lần.`);
  }
  return images;
}

export function pageHandlers(deps: {
  pages: PagesContext;
  ocr: OcrQueue;
  imports: PageImports;
  /** Images and PDFs go out by URL (../files.ts). */
  files: FileTokens;
  actor: () => string;
}): Pick<Handlers, PageChannels> {
  const { pages, ocr, imports, files, actor } = deps;
  return {
    'pages.list': (i) => listPages(pages, i.dossierId, i.componentId),
    'pages.add': (i) => addPages(pages, { dossierId: i.dossierId, componentId: i.componentId, images: decodeFiles(i.files), source: i.source, actor: actor() }),
    'pages.import': (i) => imports.start({ dossierId: i.dossierId, componentId: i.componentId, files: decodeFiles(i.files), source: i.source, actor: actor() }),
    'pages.imports': (i) => imports.list(String(requireDossier(pages.db, i.dossierId).id)),
    'pages.importCancel': (i) => imports.cancel(i.importId),
    'pages.image': async (i) => {
      const img = await pageImage(pages, i.pageId, i.variant);
      return { mime: img.mime, url: files.issue({ mime: img.mime, body: img.data, dossierId: img.dossierId }) };
    },
    'pages.reorder': (i) => reorderPages(pages, i.dossierId, i.componentId, i.pageIds, actor()),
    'pages.rotate': (i) => rotatePage(pages, i.pageId, i.rotation),
    'pages.delete': (i) => deletePage(pages, i.pageId, actor(), (id) => ocr.cancelPage(id)),
    'pages.text': (i) => pageText(pages, i.pageId),
    'pages.saveText': (i) => saveCorrection(pages, i.pageId, i.text, actor()),
    'pages.exportPdf': async (i) => {
      const r = await exportSearchablePdf(pages, i);
      const url = files.issue({ mime: 'application/pdf', body: r.pdf, dossierId: i.dossierId });
      return { fileName: r.fileName, url, savedPath: r.savedPath, pageCount: r.pageCount };
    },
    'ocr.status': (i) => ocr.status(requireDossier(pages.db, i.dossierId).id),
    'ocr.cancel': (i) => {
      if (i.pageId) {
        const row = pageRow(pages.db, i.pageId);
        ocr.cancelPage(row.id);
        return ocr.status(row.dossierId);
      }
      const d = requireDossier(pages.db, i.dossierId!);
      ocr.cancelDossier(d.id);
      return ocr.status(d.id);
    },
    'ocr.retry': (i) => {
      const row = pageRow(pages.db, i.pageId);
      ocr.retry(row.id, row.dossierId);
      return ocr.status(row.dossierId);
    },
    'reuse.candidates': (i) => reuseCandidates(pages, i.idNumber, i.excludeDossierId, (body, dossierId) => files.issue({ mime: 'image/jpeg', body, dossierId })),
    'reuse.attach': (i) => attachReused(pages, { ...i, actor: actor() }),
    'review.pending': (i) => pendingDocuments(pages, i.limit),
    'review.get': (i) => getReview(pages, i.dossierId, i.componentId),
    'review.save': (i) => saveReview(pages, { ...i, actor: actor() }),
    'results.list': (i) => listResults(pages, i.dossierId),
    'results.add': (i) => addResult(pages, { ...i, actor: actor() }),
  };
}
