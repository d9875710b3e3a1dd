// The loopback transport: the same handlers as Electron IPC, served over HTTP on
// 127.0.0.1 only, with a per-launch secret. It lets the renderer run in any Chromium
// without Electron (end-to-end tests; a machine where Electron cannot be installed).
//
// Defences: binds 127.0.0.1 only; every /rpc call needs the secret header (compared in
// constant time); the Host header must name this server (DNS rebinding); a browser
// Origin, when sent, must be this origin; bodies are capped; static files are served
// only from staticDir with a strict CSP.
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { dispatch, type Handlers } from '../ipc/dispatch';
import { MAX_PAGE_CALL_BYTES } from '../../shared/ipc/pages';

export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self'; media-src 'self' blob: mediastream:; frame-src blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Channels that carry files (base64 in JSON) get a bigger body: pages.add allows 60 MB of
 * files per call (shared/ipc/pages.ts), i.e. 80 MB of base64, plus the JSON around it.
 */
const CHANNEL_BODY_BYTES: Record<string, number> = {
  'pages.add': Math.ceil((MAX_PAGE_CALL_BYTES * 4) / 3) + 1024 * 1024,
  'pages.import': Math.ceil((MAX_PAGE_CALL_BYTES * 4) / 3) + 1024 * 1024,
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
};

export interface LoopbackOptions {
  handlers: Handlers;
  staticDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Fixed secret (tests); a fresh random one by default. */
  token?: string;
}

export interface LoopbackServer {
  /** The address to open, with the secret in the fragment (never sent to the server in requests). */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function serveLoopback(opts: LoopbackOptions): Promise<LoopbackServer> {
  const token = opts.token ?? randomBytes(32).toString('hex');
  const tokenBuf = Buffer.from(token);
  const staticRoot = path.resolve(opts.staticDir);
  let origin = '';
  let hosts = new Set<string>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      console.error('[loopback] request failed:', e);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'Lỗi máy chủ nội bộ.' } });
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    if (!hosts.has(String(req.headers.host ?? ''))) {
      return sendText(res, 421, 'Misdirected request');
    }
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname.startsWith('/rpc/')) {
      if (req.method !== 'POST') return sendText(res, 405, 'Method not allowed');
      if (req.headers.origin && req.headers.origin !== origin) return sendText(res, 403, 'Forbidden origin');
      const given = Buffer.from(String(req.headers['x-motcua-token'] ?? ''));
      if (given.length !== tokenBuf.length || !timingSafeEqual(given, tokenBuf)) {
        return sendJson(res, 401, { ok: false, error: { code: 'invalid', message: 'Phiên làm việc không hợp lệ. Hãy mở lại ứng dụng.' } });
      }
      const channelName = decodeURIComponent(url.pathname.slice('/rpc/'.length));
      const body = await readBody(req, CHANNEL_BODY_BYTES[channelName] ?? MAX_BODY_BYTES);
      if (body === null) {
        return sendJson(res, 413, { ok: false, error: { code: 'invalid', message: 'Dữ liệu gửi lên quá lớn.' } });
      }
      let input: unknown;
      try {
        input = body.length ? JSON.parse(body.toString('utf8')) : {};
      } catch {
        return sendJson(res, 400, { ok: false, error: { code: 'invalid', message: 'Dữ liệu gửi lên không đúng định dạng.' } });
      }
      const channel = decodeURIComponent(url.pathname.slice('/rpc/'.length));
      return sendJson(res, 200, await dispatch(opts.handlers, channel, input));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method not allowed');
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: http.ServerResponse) {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return sendText(res, 400, 'Bad path');
    }
    if (rel.includes('\0')) return sendText(res, 400, 'Bad path');
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticRoot, '.' + rel);
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return sendText(res, 403, 'Forbidden');
    try {
      const st = await stat(file);
      if (!st.isFile()) return sendText(res, 404, 'Not found');
      const data = await readFile(file);
      res.writeHead(200, {
        ...securityHeaders(),
        'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': data.length,
      });
      res.end(data);
    } catch {
      sendText(res, 404, 'Not found');
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;
  hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': RENDERER_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...securityHeaders(), 'content-type': 'application/json; charset=utf-8', 'content-length': data.length });
  res.end(data);
}

function sendText(res: http.ServerResponse, status: number, text: string) {
  res.writeHead(status, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function readBody(req: http.IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        tooBig = true;
        chunks.length = 0;
        return;
      }
      if (!tooBig) chunks.push(c);
    });
    req.on('end', () => resolve(tooBig ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Opens the app's services on a data folder and serves them with the renderer:
 * what `npm run start:browser` and the end-to-end tests run.
 */
export async function startLoopbackServer(opts: {
  dataDir: string;
  staticDir: string;
  port?: number;
  now?: () => number;
  appVersion?: string;
  /** Sync by itself whenever the hub answers (the app does; tests leave it off). */
  autoSync?: boolean;
}): Promise<LoopbackServer> {
  const { openAppServices } = await import('../services/app');
  const services = openAppServices({ dataDir: opts.dataDir, now: opts.now, appVersion: opts.appVersion, autoSync: opts.autoSync });
  try {
    const server = await serveLoopback({ handlers: services.handlers, staticDir: opts.staticDir, port: opts.port });
    return {
      ...server,
      close: async () => {
        await server.close();
        services.close();
      },
    };
  } catch (e) {
    services.close();
    throw e;
  }
}
