// The watched scan folder: the unit points the app at the folder its scanners' own
// software saves into. Files that appear there are taken into the inbox (hộp chờ) of
// unassigned pages, which the clerk assigns to a dossier component.
//
// A file is taken only once it is complete: its size and mtime unchanged over ≥ 2 polls
// AND for ≥ stableMs, and it can be opened. fs.watch only triggers an early poll; the
// periodic poll is what counts, because network shares and some Windows scanner tools
// never raise watch events (Node docs, fs.watch "Caveats").
// After a file is taken it is MOVED to the `đã nhập` sub-folder (never deleted); a file
// that is not JPEG/PNG/TIFF/PDF, or is damaged, is moved to `lỗi` with a `.txt` reason.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { InboxItem, ScanFolderState } from '../../../shared/capture/types';
import { AppError } from '../errors';

export const IMPORTED_DIR = 'đã nhập';
export const REJECTED_DIR = 'lỗi';

type Mime = InboxItem['mime'];
const EXT: Record<Mime, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/tiff': 'tif', 'application/pdf': 'pdf' };

/** The real type from the first bytes (never the file name). */
export function sniffCaptureType(b: Buffer): Mime | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (b.length >= 4 && (b.subarray(0, 4).equals(Buffer.from('II*\0', 'latin1')) || b.subarray(0, 4).equals(Buffer.from('MM\0*', 'latin1')))) return 'image/tiff';
  if (b.subarray(0, 1024).includes(Buffer.from('%PDF-', 'latin1'))) return 'application/pdf';
  return null;
}

/** Names a scanner tool uses while writing, or system files: never taken, never refused. */
function ignoredName(name: string): boolean {
  return name.startsWith('.') || name.startsWith('~') || /\.(tmp|temp|part|partial|crdownload|download|lock|lck)$/i.test(name) || /^(thumbs\.db|desktop\.ini)$/i.test(name);
}

interface InboxMeta extends InboxItem {
  sha256: string;
}

/** The inbox: dataDir/inbox/<id>.<ext> with <id>.json beside it. */
export class Inbox {
  constructor(readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
  }

  private metaPath(id: string) {
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(id)) throw new AppError('invalid', 'Mã trang trong hộp chờ không hợp lệ.');
    return path.join(this.dir, `${id}.json`);
  }

  list(): InboxItem[] {
    const out: InboxItem[] = [];
    for (const f of fs.readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const { sha256: _sha, ...item } = JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')) as InboxMeta;
        out.push(item);
      } catch {
        /* a half-written meta file of a crash: ignored */
      }
    }
    return out.sort((a, b) => a.takenAt - b.takenAt || a.id.localeCompare(b.id));
  }

  has(sha256: string, fileName: string): boolean {
    for (const f of fs.readdirSync(this.dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const m = JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')) as InboxMeta;
        if (m.sha256 === sha256 && m.fileName === fileName) return true;
      } catch {
        /* ignored */
      }
    }
    return false;
  }

  get(id: string): { item: InboxItem; data: Buffer } {
    let meta: InboxMeta;
    try {
      meta = JSON.parse(fs.readFileSync(this.metaPath(id), 'utf8')) as InboxMeta;
    } catch {
      throw new AppError('not_found', 'Trang này không còn trong hộp chờ (có thể đã được gán hoặc bỏ).');
    }
    const { sha256: _sha, ...item } = meta;
    return { item, data: fs.readFileSync(path.join(this.dir, `${id}.${EXT[meta.mime]}`)) };
  }

  add(meta: InboxMeta, data: Buffer): void {
    const file = path.join(this.dir, `${meta.id}.${EXT[meta.mime]}`);
    writeAtomic(file, data);
    // The meta file last: an item is listed only when its data is complete.
    writeAtomic(this.metaPath(meta.id), Buffer.from(JSON.stringify(meta)));
  }

  remove(id: string): void {
    const metaFile = this.metaPath(id);
    let mime: Mime | null = null;
    try {
      mime = (JSON.parse(fs.readFileSync(metaFile, 'utf8')) as InboxMeta).mime;
    } catch {
      /* already gone */
    }
    fs.rmSync(metaFile, { force: true });
    if (mime) fs.rmSync(path.join(this.dir, `${id}.${EXT[mime]}`), { force: true });
  }
}

function writeAtomic(file: string, data: Buffer) {
  const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data, 0, data.length);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Moves a file into sub-folder `sub`, never over another file: 'a.jpg' → 'a (2).jpg'. */
export function moveInto(folder: string, name: string, sub: string): string {
  const dest = path.join(folder, sub);
  fs.mkdirSync(dest, { recursive: true });
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  let target = path.join(dest, name);
  for (let i = 2; fs.existsSync(target); i++) target = path.join(dest, `${stem} (${i})${ext}`);
  try {
    fs.renameSync(path.join(folder, name), target);
  } catch (e) {
    // Another volume or a share that refuses rename: copy first, then remove the original.
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    fs.copyFileSync(path.join(folder, name), target, fs.constants.COPYFILE_EXCL);
    fs.rmSync(path.join(folder, name));
  }
  return target;
}

export interface ScanFolderOptions {
  inbox: Inbox;
  now?: () => number;
  /** Poll period (default 750 ms). */
  pollMs?: number;
  /** A file must be unchanged this long before it is taken (default 1,500 ms). */
  stableMs?: number;
  /** A damaged image/PDF is refused only after staying unchanged this long (a stalled writer may resume). */
  damagedGraceMs?: number;
  onTaken?: (item: InboxItem) => void;
  onRejected?: (fileName: string, reason: string) => void;
}

interface Candidate {
  size: number;
  mtimeMs: number;
  changedAt: number;
  samePolls: number;
}

export class ScanFolderWatcher {
  private folder: string | null = null;
  private watcher: fs.FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private early: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private problem: string | null = null;
  private readonly candidates = new Map<string, Candidate>();
  private readonly now: () => number;

  constructor(private readonly opts: ScanFolderOptions) {
    this.now = opts.now ?? Date.now;
  }

  start(folder: string): void {
    this.stop();
    this.folder = folder;
    this.problem = null;
    try {
      this.watcher = fs.watch(folder, { persistent: false }, () => this.pollSoon());
      this.watcher.on('error', () => {
        // The poll keeps going (a share that dropped, a folder renamed).
        this.watcher?.close();
        this.watcher = null;
      });
    } catch {
      this.watcher = null;
    }
    this.timer = setInterval(() => void this.pollNow(), this.opts.pollMs ?? 750);
    this.timer.unref();
    void this.pollNow();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.early) clearTimeout(this.early);
    this.timer = this.early = null;
    this.folder = null;
    this.candidates.clear();
    await this.polling;
  }

  state(): ScanFolderState {
    return { path: this.folder, watching: this.folder !== null && this.problem === null, problem: this.problem };
  }

  private pollSoon() {
    if (this.early || !this.folder) return;
    this.early = setTimeout(() => {
      this.early = null;
      void this.pollNow();
    }, 150);
    this.early.unref();
  }

  /** One pass over the folder (the timer, fs.watch and tests call it). */
  pollNow(): Promise<void> {
    if (!this.polling) {
      this.polling = this.poll().finally(() => {
        this.polling = null;
      });
    }
    return this.polling;
  }

  private async poll(): Promise<void> {
    const folder = this.folder;
    if (!folder) return;
    let names: string[];
    try {
      names = fs
        .readdirSync(folder, { withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => d.name);
      this.problem = null;
    } catch (e) {
      this.problem = `Không truy cập được thư mục quét (${(e as NodeJS.ErrnoException).code ?? 'lỗi'}); sẽ thử lại.`;
      return;
    }
    const now = this.now();
    const present = new Set(names);
    for (const k of this.candidates.keys()) if (!present.has(k)) this.candidates.delete(k);
    for (const name of names) {
      if (ignoredName(name) || folder !== this.folder) continue;
      let st: fs.Stats;
      try {
        st = fs.statSync(path.join(folder, name));
      } catch {
        continue;
      }
      const c = this.candidates.get(name);
      if (!c || c.size !== st.size || c.mtimeMs !== st.mtimeMs) {
        this.candidates.set(name, { size: st.size, mtimeMs: st.mtimeMs, changedAt: now, samePolls: 0 });
        continue;
      }
      c.samePolls++;
      if (c.samePolls < 2 || now - c.changedAt < (this.opts.stableMs ?? 1500) || st.size === 0) continue;
      await this.take(folder, name, c, now);
    }
  }

  private async take(folder: string, name: string, c: Candidate, now: number): Promise<void> {
    const full = path.join(folder, name);
    let data: Buffer;
    try {
      // Opening fails while a Windows scanner tool still holds the file exclusively.
      data = fs.readFileSync(full);
      const st = fs.statSync(full);
      if (st.size !== c.size || st.mtimeMs !== c.mtimeMs || data.length !== c.size) {
        this.candidates.delete(name);
        return;
      }
    } catch {
      return;
    }
    const mime = sniffCaptureType(data);
    if (!mime) {
      this.reject(folder, name, 'Không phải tệp ảnh JPEG, PNG, TIFF hoặc tệp PDF; ứng dụng chỉ nhận các loại này.');
      return;
    }
    const check = await inspect(data, mime);
    if (!check.ok) {
      // A writer that stalls (a slow share) may resume: refuse only after a longer wait.
      if (now - c.changedAt < (this.opts.damagedGraceMs ?? 10_000)) return;
      this.reject(folder, name, check.reason);
      return;
    }
    const hash = crypto.createHash('sha256').update(data).digest('hex');
    // A crash between copying and moving would take the file again: skip the copy.
    if (!this.opts.inbox.has(hash, name)) {
      const item: InboxMeta = {
        id: `${now.toString(36)}-${crypto.randomBytes(4).toString('hex')}`,
        fileName: name,
        mime,
        size: data.length,
        width: check.width,
        height: check.height,
        takenAt: now,
        thumbnail: check.thumbnail,
        sha256: hash,
      };
      this.opts.inbox.add(item, data);
      const { sha256: _s, ...pub } = item;
      this.opts.onTaken?.(pub);
    }
    this.candidates.delete(name);
    try {
      moveInto(folder, name, IMPORTED_DIR);
    } catch (e) {
      console.warn(`[scanFolder] không chuyển được ${name} vào "${IMPORTED_DIR}":`, (e as Error).message);
    }
  }

  private reject(folder: string, name: string, reason: string) {
    this.candidates.delete(name);
    try {
      const moved = moveInto(folder, name, REJECTED_DIR);
      fs.writeFileSync(`${moved}.txt`, `Tệp: ${name}\nThời điểm: ${new Date(this.now()).toISOString()}\nLý do: ${reason}\n`, 'utf8');
      this.opts.onRejected?.(name, reason);
    } catch (e) {
      console.warn(`[scanFolder] không chuyển được ${name} vào "${REJECTED_DIR}":`, (e as Error).message);
    }
  }
}

async function inspect(data: Buffer, mime: Mime): Promise<{ ok: true; width: number | null; height: number | null; thumbnail: string | null } | { ok: false; reason: string }> {
  if (mime === 'application/pdf') {
    // A complete PDF ends with %%EOF (ISO 32000-1 §7.5.5), allowing trailing whitespace.
    if (!data.subarray(Math.max(0, data.length - 1024)).includes(Buffer.from('%%EOF', 'latin1'))) {
      return { ok: false, reason: 'Tệp PDF không hoàn chỉnh (thiếu phần kết thúc %%EOF).' };
    }
    return { ok: true, width: null, height: null, thumbnail: null };
  }
  try {
    const img = sharp(data, { failOn: 'truncated', limitInputPixels: 268_402_689 });
    const meta = await img.metadata();
    const thumb = await img.rotate().resize({ width: 160, height: 220, fit: 'inside' }).flatten({ background: '#ffffff' }).jpeg({ quality: 70 }).toBuffer();
    return { ok: true, width: meta.width ?? null, height: meta.height ?? null, thumbnail: `data:image/jpeg;base64,${thumb.toString('base64')}` };
  } catch {
    return { ok: false, reason: 'Tệp ảnh bị hỏng hoặc chưa ghi xong (không đọc được toàn bộ ảnh).' };
  }
}
