// Capture (số hoá đầu vào): the scanner service (SANE on Linux, WIA on Windows), scan
// jobs, the watched scan folder and its inbox. Produces page images and hands them to the
// page store's addPages (bound by app.ts). Plain Node; imported only by app.ts and tests.
import fs from 'node:fs';
import path from 'node:path';
import type { InboxItem, ScanFolderState, ScannerDevice } from '../../../shared/capture/types';
import type { PageInfo } from '../../../shared/ipc/pages';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import type { ScannerDriver } from './driver';
import { ScanJobs, type ScanJobRequest } from './jobs';
import type { PageSink } from './pageSink';
import { SaneDriver } from './sane';
import { Inbox, ScanFolderWatcher, type ScanFolderOptions } from './scanFolder';
import { WiaDriver } from './wia';

export type { ScannerDriver } from './driver';
export type { PageSink, AddPagesInput } from './pageSink';
export { SaneDriver } from './sane';
export { WiaDriver } from './wia';

/** The platform's driver: WIA through PowerShell on Windows, SANE's scanimage elsewhere. */
export function platformScannerDriver(platform: NodeJS.Platform = process.platform): ScannerDriver {
  return platform === 'win32' ? new WiaDriver() : new SaneDriver();
}

export interface CaptureOptions {
  dataDir: string;
  db: Db;
  addPages: PageSink;
  actor: () => string;
  now: () => number;
  checkTarget: (dossierId: string, componentId: string) => void;
  driver?: ScannerDriver;
  /** Poll timing of the watched folder (tests shorten nothing by default). */
  scanFolder?: Pick<ScanFolderOptions, 'pollMs' | 'stableMs' | 'damagedGraceMs'>;
}

const SCAN_FOLDER_KEY = 'capture.scanFolder';

export class CaptureService {
  readonly jobs: ScanJobs;
  readonly inbox: Inbox;
  readonly watcher: ScanFolderWatcher;
  private driver: ScannerDriver | null;
  private readonly getSetting;
  private readonly putSetting;
  private readonly delSetting;

  constructor(private readonly opts: CaptureOptions) {
    this.driver = opts.driver ?? null;
    this.jobs = new ScanJobs({
      driver: () => this.scannerDriver(),
      addPages: opts.addPages,
      actor: opts.actor,
      now: opts.now,
      checkTarget: opts.checkTarget,
    });
    this.inbox = new Inbox(path.join(opts.dataDir, 'inbox'));
    this.watcher = new ScanFolderWatcher({ inbox: this.inbox, now: opts.now, ...opts.scanFolder });
    // The scan folder lives in the settings table under its own key (no migration needed).
    this.getSetting = opts.db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.putSetting = opts.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.delSetting = opts.db.prepare('DELETE FROM settings WHERE key = ?');
    const saved = this.getSetting.get(SCAN_FOLDER_KEY) as string | undefined;
    if (saved) {
      try {
        const folder = JSON.parse(saved) as string;
        if (folder) this.watcher.start(folder);
      } catch {
        /* an unreadable setting: the clerk sets the folder again */
      }
    }
  }

  private scannerDriver(): ScannerDriver {
    this.driver ??= platformScannerDriver();
    return this.driver;
  }

  listScanners(): Promise<ScannerDevice[]> {
    return this.scannerDriver().list();
  }

  async startScan(req: ScanJobRequest): Promise<{ jobId: string }> {
    return this.jobs.start(req);
  }

  scanFolderState(): ScanFolderState {
    return this.watcher.state();
  }

  /** Sets (or, with '', clears) the watched folder after checking it exists and is a folder. */
  async setScanFolder(folder: string): Promise<ScanFolderState> {
    if (folder === '') {
      await this.watcher.stop();
      this.delSetting.run(SCAN_FOLDER_KEY);
      return this.watcher.state();
    }
    const bad = (message: string) => new AppError('invalid', message, { path: message });
    if (!path.isAbsolute(folder)) throw bad('Nhập đường dẫn đầy đủ của thư mục (ví dụ D:\\Scan hoặc /home/motcua/Scan).');
    let st: fs.Stats;
    try {
      st = fs.statSync(folder);
    } catch {
      throw bad('Thư mục này không tồn tại hoặc không truy cập được.');
    }
    if (!st.isDirectory()) throw bad('Đường dẫn này là một tệp, không phải thư mục.');
    try {
      fs.accessSync(folder, fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      throw bad('Ứng dụng không có quyền đọc và ghi trong thư mục này (cần để chuyển tệp đã nhập).');
    }
    const resolved = path.resolve(folder);
    if (resolved === path.resolve(this.opts.dataDir) || resolved.startsWith(path.resolve(this.opts.dataDir) + path.sep)) {
      throw bad('Không dùng thư mục dữ liệu của ứng dụng làm thư mục quét.');
    }
    this.putSetting.run(SCAN_FOLDER_KEY, JSON.stringify(resolved));
    this.watcher.start(resolved);
    return this.watcher.state();
  }

  inboxList(): InboxItem[] {
    return this.inbox.list();
  }

  /** Stores the chosen inbox pages, in the order given, in one component; then empties them from the inbox. */
  async inboxAssign(i: { items: string[]; dossierId: string; componentId: string }): Promise<PageInfo[]> {
    this.opts.checkTarget(i.dossierId, i.componentId);
    const files = i.items.map((id) => ({ id, ...this.inbox.get(id) }));
    const pages = await this.opts.addPages({
      dossierId: i.dossierId,
      componentId: i.componentId,
      images: files.map((f) => ({ data: f.data, fileName: f.item.fileName, mime: f.item.mime })),
      source: 'folder',
      actor: this.opts.actor(),
    });
    for (const f of files) this.inbox.remove(f.id);
    return pages;
  }

  inboxDiscard(items: string[]): InboxItem[] {
    // The original stays in the scan folder's `đã nhập`: discarding only empties the inbox.
    for (const id of items) this.inbox.remove(id);
    return this.inbox.list();
  }

  async close(): Promise<void> {
    await this.watcher.stop();
    await this.jobs.close();
  }
}
