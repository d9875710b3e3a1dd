// The loopback transport: the same handlers as Electron IPC, served over HTTP on
// 127.0.0.1 only, with a per-launch secret. It lets the renderer run in any Chromium
// without Electron (end-to-end tests; a machine where Electron cannot be installed).
// Built on Fastify: routes declare their body limits, the call's argument is checked by
// the contract's zod schema (dispatch), and every refusal is a short Vietnamese answer.
//
// Defences: binds 127.0.0.1 only; every /rpc call needs the secret header (compared in
// constant time); the Host header must name this server (DNS rebinding), and the page
// opened as localhost is sent to 127.0.0.1 (one origin, so the secret's storage and the
// Origin check hold); a browser Origin, when sent, must be this origin; bodies are capped;
// a malformed address answers 400; static files are served only from staticDir with a
// strict CSP.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dispatch, type Handlers } from '../ipc/dispatch';
import { MAX_PAGE_CALL_BYTES } from '../../shared/ipc/pages';
import { PUSH_PATH } from '../../shared/ipc/push';
import type { Changes } from '../services/changes';
import { MIME } from './mime';

/** A comment line now and then keeps the event stream open through idle proxies and shows a dead client. */
const PUSH_HEARTBEAT_MS = 25_000;

export const RENDERER_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; font-src 'self'; " +
  "connect-src 'self'; media-src 'self' blob: mediastream:; frame-src blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * Channels that carry files (base64 in JSON) get a bigger body: pages.add allows 60 MB of
 * files per call (shared/ipc/pages.ts), i.e. 80 MB of base64, plus the JSON around it.
 */
const FILE_CHANNEL_BODY_BYTES = Math.ceil((MAX_PAGE_CALL_BYTES * 4) / 3) + 1024 * 1024;
const FILE_CHANNELS = ['pages.add', 'pages.import'] as const;

const MSG = {
  session: 'Phiên làm việc không hợp lệ. Hãy mở lại ứng dụng.',
  tooBig: 'Dữ liệu gửi lên quá lớn.',
  badJson: 'Dữ liệu gửi lên không đúng định dạng.',
  internal: 'Lỗi máy chủ nội bộ.',
};

/** The route parameter, checked with zod like every argument of the contract. */
const rpcParams = z.object({ channel: z.string().max(100) });

export interface LoopbackOptions {
  handlers: Handlers;
  staticDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Fixed secret (tests); a fresh random one by default. */
  token?: string;
  /** The push channel's source (services/changes.ts): served as server-sent events at PUSH_PATH. */
  changes?: Changes;
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
  let port = 0;

  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    requestTimeout: 60_000,
    connectionTimeout: 70_000,
    forceCloseConnections: true,
  });
  app.server.headersTimeout = 10_000;

  app.setValidatorCompiler(({ schema }) => (data) => {
    const r = (schema as z.ZodType).safeParse(data);
    return r.success ? { value: r.data } : { error: new Error(r.error.issues[0]?.message ?? 'invalid') };
  });

  // Every answer carries the same security headers.
  app.addHook('onSend', async (_req, reply, payload) => {
    void reply.headers(securityHeaders());
    return payload;
  });

  app.addHook('onRequest', async (req, reply) => {
    const host = String(req.headers.host ?? '');
    if (host === `localhost:${port}` && (req.method === 'GET' || req.method === 'HEAD') && !req.url.startsWith('/rpc/')) {
      // The page opened as localhost goes to the one origin the app knows (the fragment with the secret follows the redirect).
      return reply.code(308).header('location', `${origin}${req.url}`).type('text/plain; charset=utf-8').send('Moved');
    }
    if (host !== `127.0.0.1:${port}`) return reply.code(421).type('text/plain; charset=utf-8').send('Misdirected request');
  });

  // JSON is parsed here, so that a malformed body gets the contract's kind of answer.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body: Buffer, done) => {
    if (!body.length) return done(null, {});
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(Object.assign(new Error(MSG.badJson), { statusCode: 400, badJson: true }), undefined);
    }
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; badJson?: boolean }, req, reply) => {
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || status === 413) return reply.code(413).send(callError(MSG.tooBig));
    if (err.badJson || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(400).send(callError(MSG.badJson));
    }
    if (status >= 400 && status < 500) return reply.code(status).type('text/plain; charset=utf-8').send('Bad request');
    console.error(`[loopback] ${req.method} ${req.url.split('?')[0]} failed: ${err.message}`);
    return reply.code(500).send(callError(MSG.internal));
  });

  app.setNotFoundHandler((req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply.code(405).type('text/plain; charset=utf-8').send('Method not allowed');
    return serveStatic(req, reply);
  });

  const tokenOk = (given: string) => {
    const b = Buffer.from(given);
    return b.length === tokenBuf.length && timingSafeEqual(b, tokenBuf);
  };

  /** The secret and the Origin, for every call. */
  const guard = async (req: FastifyRequest, reply: FastifyReply) => {
    if (req.headers.origin && req.headers.origin !== origin) return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden origin');
    if (!tokenOk(String(req.headers['x-motcua-token'] ?? ''))) return reply.code(401).send(callError(MSG.session));
  };

  // The push channel. EventSource cannot send a header, so the secret comes in the query
  // (the page's own origin only: Host and Origin are checked as for calls).
  app.get<{ Querystring: { token?: string } }>(PUSH_PATH, async (req, reply) => {
    if (req.headers.origin && req.headers.origin !== origin) return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden origin');
    if (!tokenOk(String(req.query.token ?? ''))) return reply.code(401).send(callError(MSG.session));
    if (!opts.changes) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { ...securityHeaders(), 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write(': motcua\n\n');
    const off = opts.changes.on((e) => res.write(`event: change\ndata: ${JSON.stringify(e)}\n\n`));
    const beat = setInterval(() => res.write(': ping\n\n'), PUSH_HEARTBEAT_MS);
    req.raw.socket.setTimeout(0);
    res.on('close', () => {
      off();
      clearInterval(beat);
    });
  });

  for (const channel of FILE_CHANNELS) {
    app.post(`/rpc/${channel}`, { bodyLimit: FILE_CHANNEL_BODY_BYTES, onRequest: guard }, (req) => dispatch(opts.handlers, channel, req.body ?? {}));
  }
  app.post<{ Params: { channel: string } }>('/rpc/:channel', { schema: { params: rpcParams }, onRequest: guard }, (req) => dispatch(opts.handlers, req.params.channel, req.body ?? {}));
  app.all('/rpc/*', { onRequest: guard }, async (req, reply) => reply.code(405).type('text/plain; charset=utf-8').send('Method not allowed'));

  async function serveStatic(req: FastifyRequest, reply: FastifyReply) {
    let rel: string;
    try {
      rel = decodeURIComponent(req.url.split('?')[0]);
    } catch {
      return reply.code(400).type('text/plain; charset=utf-8').send('Bad path');
    }
    if (rel.includes('\0')) return reply.code(400).type('text/plain; charset=utf-8').send('Bad path');
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(staticRoot, '.' + rel);
    if (file !== staticRoot && !file.startsWith(staticRoot + path.sep)) return reply.code(403).type('text/plain; charset=utf-8').send('Forbidden');
    try {
      const st = await stat(file);
      if (!st.isFile()) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
      const data = await readFile(file);
      return reply
        .code(200)
        .type(MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
        .send(data);
    } catch {
      return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    }
  }

  await app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    close: () => app.close(),
  };
}

function callError(message: string) {
  return { ok: false, error: { code: 'invalid', message } };
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
    const server = await serveLoopback({ handlers: services.handlers, staticDir: opts.staticDir, port: opts.port, changes: services.changes });
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
