// Files by URL (issue 8 item 7): a call that shows a page image or a PDF returns a short,
// unguessable address instead of the bytes in JSON. The address names a random 128-bit
// token this map keeps, for this launch only and for a bounded time, with the bytes of one
// dossier's file. Electron serves it at app://motcua/files/<token> (appProtocol.ts), the
// loopback at /files/<token> (transport/loopback.ts, behind its Host/Origin checks): both
// answer through fileResponse, so they refuse the same things.
import { randomBytes } from 'node:crypto';

/** The path every file address starts with; relative, so it resolves on app:// and on loopback alike. */
export const FILES_PATH = '/files/';
/** How long an address works: long enough to show and print, short enough not to linger. */
export const FILE_TTL_MS = 15 * 60_000;
/** At most this many files are kept; the oldest go first. */
const MAX_FILES = 300;
/** At most this many bytes are kept (a page is a few MB, a form some hundred kB). */
const MAX_BYTES = 256 * 1024 * 1024;
/** A file may be framed by the app's own page only (the renderer's CSP says frame-ancestors 'none'). */
export const FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'";
const TOKEN_RE = /^[0-9a-f]{32}$/;

interface Entry {
  mime: string;
  body: Buffer;
  dossierId: string;
  expiresAt: number;
}

export interface FileAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

export class FileTokens {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = FILE_TTL_MS,
  ) {}

  /** Keeps the file and returns its address (FILES_PATH + token). */
  issue(file: { mime: string; body: Buffer; dossierId: string | number }): string {
    this.sweep();
    const token = randomBytes(16).toString('hex');
    this.entries.set(token, { mime: file.mime, body: file.body, dossierId: String(file.dossierId), expiresAt: this.now() + this.ttlMs });
    this.bytes += file.body.length;
    for (const [k, e] of this.entries) {
      if (this.entries.size <= MAX_FILES && this.bytes <= MAX_BYTES) break;
      if (k === token) continue;
      this.drop(k, e);
    }
    return FILES_PATH + token;
  }

  /** The file a token names, while it lasts. */
  get(token: string): { mime: string; body: Buffer; dossierId: string } | null {
    if (!TOKEN_RE.test(token)) return null;
    const e = this.entries.get(token);
    if (!e) return null;
    if (e.expiresAt <= this.now()) {
      this.drop(token, e);
      return null;
    }
    return e;
  }

  /** The bytes an address returned by issue names (tests, the CLI). */
  read(url: string): { mime: string; body: Buffer } | null {
    return url.startsWith(FILES_PATH) ? this.get(url.slice(FILES_PATH.length)) : null;
  }

  private drop(token: string, e: Entry): void {
    this.entries.delete(token);
    this.bytes -= e.body.length;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= t) this.drop(k, e);
  }
}

const plain = (status: number, message: string): FileAnswer => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' },
  body: Buffer.from(message),
});

/**
 * The answer to a request for FILES_PATH + rest (rest: what follows the prefix, still
 * percent-encoded): GET or HEAD only, no Range, the stored MIME, never cached.
 */
export function fileResponse(files: FileTokens | undefined, req: { method: string; rest: string; range?: string }): FileAnswer {
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'Method not allowed');
  if (req.range) return plain(416, 'Range not satisfiable');
  const f = files?.get(req.rest);
  if (!f) return plain(404, 'Not found');
  return {
    status: 200,
    headers: {
      'content-type': f.mime,
      'content-length': String(f.body.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'content-disposition': 'inline',
      'content-security-policy': FILE_CSP,
      'x-frame-options': 'SAMEORIGIN',
    },
    body: req.method === 'HEAD' ? null : f.body,
  };
}
