// The app:// protocol: the renderer is served from app://motcua/ instead of file:// (issue 13:
// a file:// page may read any local file a link points to, and every file:// page shares
// one origin). The request → response step is a plain function (appResponse) so that it is
// tested without the Electron binary; registerAppProtocol only hands it to Electron.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';
import { MIME } from './transport/mime';
import { FILES_PATH, fileResponse, type FileTokens } from './services/files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'motcua';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The page the window loads (hash routes follow: app://motcua/index.html#/ho-so). */
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | null;
}

const text = (status: number, message: string, csp: string): AppResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'content-security-policy': csp, 'x-content-type-options': 'nosniff' },
  body: Buffer.from(message),
});

/**
 * The answer to one app:// request: a file of rendererDir (the built renderer), with the
 * app's CSP; nothing outside it, nothing of another host, only GET and HEAD, 400 for a
 * malformed address. Under FILES_PATH: the file a token names (services/files.ts), nothing else.
 */
export async function appResponse(req: { method: string; url: string; range?: string }, rendererDir: string, csp: string, files?: FileTokens): Promise<AppResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return text(405, 'Method not allowed', csp);
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return text(400, 'Bad request', csp);
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return text(404, 'Not found', csp);
  // A page image or PDF by its token (services/files.ts); the query is never part of it.
  if (url.pathname.startsWith(FILES_PATH)) {
    const r = fileResponse(files, { method: req.method, rest: url.search ? '' : url.pathname.slice(FILES_PATH.length), range: req.range });
    return r.status === 200 ? r : { ...r, headers: { ...r.headers, 'content-security-policy': csp } };
  }
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return text(400, 'Bad request', csp);
  }
  if (rel.includes('\0')) return text(400, 'Bad request', csp);
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = path.resolve(rendererDir);
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep)) return text(403, 'Forbidden', csp);
  try {
    const st = await stat(file);
    if (!st.isFile()) return text(404, 'Not found', csp);
    const body = req.method === 'HEAD' ? null : await readFile(file);
    return {
      status: 200,
      headers: {
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': csp,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      },
      body,
    };
  } catch {
    return text(404, 'Not found', csp);
  }
}

/** Before app 'ready': app:// is a standard, secure origin (fetch, storage and the CSP's 'self' work as for https). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After 'ready': serves app:// from the built renderer. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string, csp: string, files?: FileTokens): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const range = request.headers.get('range') ?? undefined;
    const r = await appResponse({ method: request.method, url: request.url, range }, rendererDir, csp, files);
    return new Response(r.body ? new Uint8Array(r.body) : null, { status: r.status, headers: r.headers });
  });
}
