// Content-addressed storage of page images: each distinct content is stored once, as
// dataDir/pages/ab/cd/<sha256>.<ext> (ab, cd = the first two byte pairs of the hash), and
// written atomically: a temp file in the same folder, fsync, rename, fsync of the folder.
// A crash leaves either the whole file or only a '.tmp-…' file (removed by sweepTemp).
// The database (pages table) holds the metadata; the same hash may be referenced by many
// page rows (re-adding the same file, reuse in another dossier).
//
// The filesystem is reached through a small seam (FsSeam) so tests can inject a write
// failure (a full disk) and check that nothing half-written remains.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import type { PageFileMeta, PreparedPageFile } from './inputs';
import { PAGE_MESSAGES as M } from './messages';

export interface FsSeam {
  openSync: typeof fs.openSync;
  writeSync: (fd: number, data: Buffer, offset: number, length: number) => number;
  fsyncSync: typeof fs.fsyncSync;
  closeSync: typeof fs.closeSync;
  renameSync: typeof fs.renameSync;
  unlinkSync: typeof fs.unlinkSync;
  mkdirSync: typeof fs.mkdirSync;
  existsSync: typeof fs.existsSync;
  readFileSync: (file: string) => Buffer;
}

export const realFs: FsSeam = {
  openSync: fs.openSync,
  writeSync: (fd, data, offset, length) => fs.writeSync(fd, data, offset, length),
  fsyncSync: fs.fsyncSync,
  closeSync: fs.closeSync,
  renameSync: fs.renameSync,
  unlinkSync: fs.unlinkSync,
  mkdirSync: fs.mkdirSync,
  existsSync: fs.existsSync,
  readFileSync: (f) => fs.readFileSync(f),
};

const EXT: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
  'image/webp': 'webp',
  'application/pdf': 'pdf',
};

export function extForMime(mime: string): string {
  return EXT[mime] ?? 'bin';
}

export function sha256(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

const HASH = /^[0-9a-f]{64}$/;

export class PageStore {
  readonly root: string;

  constructor(
    dataDir: string,
    readonly fs: FsSeam = realFs,
  ) {
    this.root = path.join(dataDir, 'pages');
  }

  /** The path of a blob (hash checked: a name never reaches the filesystem). */
  pathOf(hash: string, mime: string): string {
    if (!HASH.test(hash)) throw new Error(`bad page hash ${hash}`);
    return path.join(this.root, hash.slice(0, 2), hash.slice(2, 4), `${hash}.${extForMime(mime)}`);
  }

  has(hash: string, mime: string): boolean {
    return this.fs.existsSync(this.pathOf(hash, mime));
  }

  read(hash: string, mime: string): Buffer {
    return this.fs.readFileSync(this.pathOf(hash, mime));
  }

  /**
   * Stores data under its hash. Returns { hash, created }: created = false when the same
   * content was already stored (nothing written).
   */
  put(data: Buffer, mime: string, knownHash?: string): { hash: string; created: boolean; file: string } {
    const hash = knownHash ?? sha256(data);
    const file = this.pathOf(hash, mime);
    if (this.fs.existsSync(file)) return { hash, created: false, file };
    const dir = path.dirname(file);
    this.fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.tmp-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
    let fd: number | undefined;
    try {
      fd = this.fs.openSync(tmp, 'wx', 0o644);
      let off = 0;
      while (off < data.length) off += this.fs.writeSync(fd, data, off, data.length - off);
      this.fs.fsyncSync(fd);
      this.fs.closeSync(fd);
      fd = undefined;
      this.fs.renameSync(tmp, file);
    } catch (e) {
      if (fd !== undefined) {
        try {
          this.fs.closeSync(fd);
        } catch {
          /* already failing */
        }
      }
      try {
        this.fs.unlinkSync(tmp);
      } catch {
        /* not created */
      }
      throw e;
    }
    fsyncDir(dir);
    return { hash, created: true, file };
  }

  /** Removes a blob this call created (rollback of a failed import). Never throws. */
  remove(hash: string, mime: string): void {
    try {
      this.fs.unlinkSync(this.pathOf(hash, mime));
    } catch {
      /* gone already */
    }
  }

  /** Removes temp files left by a crash mid-write (call at start-up). */
  sweepTemp(): number {
    let n = 0;
    if (!fs.existsSync(this.root)) return 0;
    for (const a of fs.readdirSync(this.root)) {
      const da = path.join(this.root, a);
      if (!fs.statSync(da).isDirectory()) continue;
      for (const b of fs.readdirSync(da)) {
        const db = path.join(da, b);
        if (!fs.statSync(db).isDirectory()) continue;
        for (const f of fs.readdirSync(db)) {
          if (f.startsWith('.tmp-')) {
            fs.rmSync(path.join(db, f), { force: true });
            n++;
          }
        }
      }
    }
    return n;
  }
}

export type BlobRef = { hash: string; mime: string };

/** Writes the pages' blobs (a blob that already exists is not written again); each new one is added to `created`. */
export function writePageBlobs(store: PageStore, prepared: PreparedPageFile[], created: BlobRef[]): PageFileMeta[] {
  const put = (data: Buffer, mime: string, hash: string) => {
    if (store.put(data, mime, hash).created) created.push({ hash, mime });
  };
  return prepared.map((p) => {
    put(p.data, p.mime, p.sha256);
    put(p.compact.data, p.compact.mime, p.compact.sha256);
    put(p.thumb.data, p.thumb.mime, p.thumb.sha256);
    const { data, compact, thumb, ...meta } = p;
    return { ...meta, byteSize: data.length, compact: { sha256: compact.sha256, size: compact.data.length }, thumb: thumb.sha256 };
  });
}

export function diskWriteError(e: unknown): AppError {
  const detail = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new AppError('unavailable', M.diskWrite(String(detail)));
}

/** fsync a folder so the rename itself is durable (no-op where folders cannot be opened, e.g. Windows). */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* Windows: folders cannot be fsynced; NTFS journals the rename */
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
