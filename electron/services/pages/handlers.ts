// The contract handlers of the digitisation calls (shared/ipc/pages.ts); composed into the
// app's handlers by app.ts. Arguments arrive validated by dispatch; ids are checked here
// against existing rows.
import type { Handlers } from '../../ipc/dispatch';
import { AppError } from '../errors';
import { MAX_PAGE_CALL_BYTES, MAX_PAGE_FILE_BYTES } from '../../../shared/ipc/pages';
import { addPages, deletePage, listPages, pageImage, pageRow, pageText, reorderPages, requireDossier, rotatePage, saveCorrection, type PagesContext } from './index';
import type { OcrQueue } from './ocrQueue';
import { exportSearchablePdf } from './searchablePdf';
import { attachReused, reuseCandidates } from './reuse';
import { PAGE_MESSAGES as M } from './messages';

type PageChannels =
  | 'pages.list'
  | 'pages.add'
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
  | 'reuse.attach';

export function pageHandlers(deps: { pages: PagesContext; ocr: OcrQueue; actor: () => string }): Pick<Handlers, PageChannels> {
  const { pages, ocr, actor } = deps;
  return {
    'pages.list': (i) => listPages(pages, i.dossierId, i.componentId),
    'pages.add': async (i) => {
      let total = 0;
      const images = i.files.map((f) => {
        const data = Buffer.from(f.dataBase64, 'base64');
        if (data.length > MAX_PAGE_FILE_BYTES) throw new AppError('invalid', M.tooBig(f.name, MAX_PAGE_FILE_BYTES / 1024 / 1024));
        total += data.length;
        return { data, fileName: f.name, mime: f.mime };
      });
      if (total > MAX_PAGE_CALL_BYTES) {
        throw new AppError('invalid', `Tổng dung lượng một lần thêm tối đa ${MAX_PAGE_CALL_BYTES / 1024 / 1024} MB; hãy chia thành nhiều lần.`);
      }
      return addPages(pages, { dossierId: i.dossierId, componentId: i.componentId, images, source: i.source, actor: actor() });
    },
    'pages.image': async (i) => {
      const img = await pageImage(pages, i.pageId, i.variant);
      return { mime: img.mime, dataBase64: img.dataBase64 };
    },
    'pages.reorder': (i) => reorderPages(pages, i.dossierId, i.componentId, i.pageIds),
    'pages.rotate': (i) => rotatePage(pages, i.pageId, i.rotation),
    'pages.delete': (i) => deletePage(pages, i.pageId, (id) => ocr.cancelPage(id)),
    'pages.text': (i) => pageText(pages, i.pageId),
    'pages.saveText': (i) => saveCorrection(pages, i.pageId, i.text, actor()),
    'pages.exportPdf': async (i) => {
      const r = await exportSearchablePdf(pages, i);
      return { fileName: r.fileName, pdfBase64: r.pdf.toString('base64'), savedPath: r.savedPath, pageCount: r.pageCount };
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
    'reuse.candidates': (i) => reuseCandidates(pages, i.idNumber, i.excludeDossierId),
    'reuse.attach': (i) => attachReused(pages, { ...i, actor: actor() }),
  };
}
