// Where verified files live. Content-addressed: a file's name is its SHA-256, so a page sent
// twice (or by two devices) is stored once. Behind a small interface so an object store
// (S3-compatible, MinIO) can replace the disk later without touching the hub.
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface BlobStore {
  has(sha256: string): Promise<boolean>;
  /**
   * Moves an already verified local file into the store (or drops it when the store already
   * holds those bytes: storage deduplicates, the grants per unit are the hub's); returns its location.
   */
  putFile(sha256: string, verifiedTempPath: string): Promise<string>;
  /** Where a stored blob is (its location as putFile returns it). */
  location(sha256: string): string;
  read(sha256: string): Promise<Buffer>;
  /** Forgets a blob (the storage clean, once nothing refers to it); no error when absent. */
  remove(sha256: string): Promise<void>;
  /** The file, or the bytes start…end (inclusive) of it (a resumed download, HTTP Range). */
  stream(sha256: string, range?: { start: number; end: number }): Readable;
}

export class FsBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('SHA-256 không hợp lệ');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fsp.access(this.pathFor(sha256));
      return true;
    } catch {
      return false;
    }
  }

  location(sha256: string): string {
    return this.pathFor(sha256);
  }

  async putFile(sha256: string, verifiedTempPath: string): Promise<string> {
    const dest = this.pathFor(sha256);
    if (await this.has(sha256)) {
      await fsp.rm(verifiedTempPath, { force: true });
      return dest;
    }
    await fsp.mkdir(path.dirname(dest), { recursive: true });
    // rename is atomic on one file system: a reader sees the whole file or none.
    await fsp.rename(verifiedTempPath, dest);
    return dest;
  }

  read(sha256: string): Promise<Buffer> {
    return fsp.readFile(this.pathFor(sha256));
  }

  async remove(sha256: string): Promise<void> {
    await fsp.rm(this.pathFor(sha256), { force: true });
  }

  stream(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathFor(sha256), range);
  }
}
