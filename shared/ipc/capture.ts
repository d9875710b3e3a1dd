// The capture calls of the contract (scanner, watched scan folder, inbox): argument
// schemas with Vietnamese messages, result types in shared/capture/types.ts. Spread into
// `contract` (contract.ts). Pure: no Node, no DOM. Camera pages go through pages.add.
import { z } from 'zod';
import { nfc } from '../domain/text';
import type { InboxItem, ScanFolderState, ScanJobState, ScannerDevice } from '../capture/types';
import type { PageInfo } from './pages';

const rowId = (label: string) => z.string().regex(/^[1-9][0-9]{0,15}$/, `${label} không hợp lệ.`);
const componentId = z.string().regex(/^[0-9A-Za-z_.-]{1,60}$/, 'Mã thành phần hồ sơ không hợp lệ.');

/** A device name goes to scanimage/PowerShell as one argument: no leading '-', no control characters. */
const deviceName = z
  .string({ error: 'Chưa chọn máy quét.' })
  .min(1, 'Chưa chọn máy quét.')
  .max(300, 'Tên máy quét quá dài.')
  // eslint-disable-next-line no-control-regex
  .refine((s) => !s.startsWith('-') && !/[\x00-\x1f\x7f]/.test(s), { message: 'Tên máy quét không hợp lệ.' });

const jobId = z.string().regex(/^scan-[0-9a-z]{1,16}-[0-9a-f]{8}$/, 'Mã lượt quét không hợp lệ.');
const inboxId = z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'Mã trang trong hộp chờ không hợp lệ.');

export const captureSchemas = {
  scannerList: z.object({}),
  scan: z.object({
    dossierId: rowId('Mã hồ sơ'),
    componentId,
    device: deviceName,
    resolution: z
      .number({ error: 'Độ phân giải phải là số.' })
      .int('Độ phân giải phải là số nguyên.')
      .min(50, 'Độ phân giải tối thiểu 50 dpi.')
      .max(1200, 'Độ phân giải tối đa 1200 dpi.')
      .default(300),
    mode: z.enum(['color', 'gray', 'lineart'], { error: 'Chế độ màu không hợp lệ.' }).default('gray'),
    source: z.enum(['flatbed', 'adf', 'adfDuplex'], { error: 'Nguồn giấy không hợp lệ.' }).default('flatbed'),
    /** Feeder only: how many pages; omitted = until the feeder is empty. */
    pages: z.number({ error: 'Số trang phải là số.' }).int('Số trang phải là số nguyên.').min(1, 'Số trang tối thiểu là 1.').max(500, 'Tối đa 500 trang một lượt.').optional(),
  }),
  job: z.object({ jobId }),
  folderSet: z.object({
    path: z
      .string({ error: 'Đường dẫn phải là chuỗi ký tự.' })
      .transform((s) => nfc(s).trim())
      .refine((s) => s.length <= 1000, { message: 'Đường dẫn quá dài.' })
      // eslint-disable-next-line no-control-regex
      .refine((s) => !/[\x00-\x1f\x7f]/.test(s), { message: 'Đường dẫn có ký tự không hợp lệ.' }),
  }),
  inboxAssign: z.object({
    items: z.array(inboxId).min(1, 'Chưa chọn trang nào trong hộp chờ.').max(500, 'Tối đa 500 trang một lần.'),
    dossierId: rowId('Mã hồ sơ'),
    componentId,
  }),
  inboxDiscard: z.object({ items: z.array(inboxId).min(1, 'Chưa chọn trang nào trong hộp chờ.').max(500, 'Tối đa 500 trang một lần.') }),
};

function call<O>() {
  return <I extends z.ZodType>(input: I) => ({ input, output: undefined as unknown as O });
}

export const captureCalls = {
  'scanner.list': call<ScannerDevice[]>()(captureSchemas.scannerList),
  'scanner.scan': call<{ jobId: string }>()(captureSchemas.scan),
  'scanner.job': call<ScanJobState>()(captureSchemas.job),
  'scanner.cancel': call<ScanJobState>()(captureSchemas.job),
  'scanFolder.get': call<ScanFolderState>()(z.object({})),
  'scanFolder.set': call<ScanFolderState>()(captureSchemas.folderSet),
  'inbox.list': call<InboxItem[]>()(z.object({})),
  'inbox.assign': call<PageInfo[]>()(captureSchemas.inboxAssign),
  'inbox.discard': call<InboxItem[]>()(captureSchemas.inboxDiscard),
} as const;
