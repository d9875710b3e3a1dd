// HTTP(S) front of the hub, on Fastify. Every response is JSON (HEAD and file downloads
// aside) and carries the hub's clock (X-Hub-Time header and hubTime field) for the clock-skew
// display.
// Bodies are size-capped (and gzip unpacked under the same cap) by readBody/readJson below,
// not by Fastify's parsers, so the limits stay exactly those of LIMITS; every input goes
// through the zod schemas of shared/sync/protocol.ts.
import type http from 'node:http';
import type https from 'node:https';
import { createReadStream, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  API_PREFIX,
  HEADERS,
  LIMITS,
  PROTOCOL_VERSION,
  describeZodError,
  enrollRequestSchema,
  fileCreateRequestSchema,
  parseChunkChecksum,
  pullQuerySchema,
  pushRequestSchema,
  recordIdSchema,
  sha256Schema,
} from '../shared/sync/protocol';
import { Hub, HubError } from './hub';
import { updateFilePath, updateMime } from './updates';

export interface HubServerOptions {
  host?: string;
  port?: number;
  tls?: { certFile: string; keyFile: string };
  log?: (line: string) => void;
}

class BodyTooLarge extends HubError {
  constructor(limit: number) {
    super(413, 'body_too_large', `Nội dung yêu cầu lớn quá giới hạn ${Math.round(limit / 1024)} KiB.`, { limit });
  }
}

/** Reads a body up to `limit` bytes; past it, 413 (and the connection is closed after the reply). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge(limit));
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    let done = false;
    req.on('data', (d: Buffer) => {
      if (done) return;
      n += d.length;
      if (n > limit) {
        done = true;
        reject(new BodyTooLarge(limit));
        return;
      }
      parts.push(d);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      if (Number.isFinite(declared) && n !== declared) reject(new HubError(400, 'body_incomplete', 'Nội dung yêu cầu bị cắt giữa chừng.'));
      else resolve(Buffer.concat(parts, n));
    });
    req.on('aborted', () => {
      if (!done) {
        done = true;
        reject(new HubError(400, 'body_incomplete', 'Kết nối bị ngắt khi đang nhận nội dung.'));
      }
    });
    req.on('error', (e) => {
      if (!done) {
        done = true;
        reject(e);
      }
    });
  });
}

async function readJson(req: IncomingMessage, limit: number, allowGzip = false): Promise<unknown> {
  const ct = String(req.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(ct)) throw new HubError(415, 'unsupported_media_type', 'Nội dung phải là JSON (Content-Type: application/json).');
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && !(allowGzip && encoding === 'gzip')) {
    throw new HubError(415, 'unsupported_encoding', `Không nhận nội dung nén kiểu "${encoding}"${allowGzip ? ' (chỉ gzip)' : ''}.`);
  }
  let buf = await readBody(req, limit);
  if (encoding === 'gzip') {
    try {
      // The limit applies to the unpacked size too: a small "zip bomb" is refused, not unpacked.
      // In this thread: a push body unpacks in well under a millisecond, less than handing it
      // to the thread pool and back costs.
      buf = gunzipSync(buf, { maxOutputLength: limit });
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLarge(limit);
      throw new HubError(400, 'invalid_gzip', 'Nội dung nén gzip bị hỏng.');
    }
  }
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    throw new HubError(400, 'invalid_json', 'Nội dung yêu cầu không phải JSON hợp lệ.');
  }
}

function hubHeaders(hubTime: number): Record<string, string> {
  return { [HEADERS.hubTime]: String(hubTime), [HEADERS.protocol]: PROTOCOL_VERSION, 'cache-control': 'no-store' };
}

function send(reply: FastifyReply, status: number, body: Record<string, unknown> | null, headers: Record<string, string> = {}): FastifyReply {
  const hubTime = Date.now();
  reply.code(status).headers({ ...hubHeaders(hubTime), ...headers });
  if (body === null) return reply.send();
  return reply.type('application/json; charset=utf-8').send(JSON.stringify({ hubTime, ...body }));
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success)
    throw new HubError(
      400,
      'invalid_request',
      describeZodError(r.error),
      r.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return r.data;
}

export interface RunningHubServer {
  server: http.Server | https.Server;
  url: string;
  close(): Promise<void>;
}

const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

function allow(req: FastifyRequest, ...methods: string[]) {
  if (!methods.includes(req.method)) {
    throw new HubError(405, 'method_not_allowed', `Phương thức ${req.method} không dùng được cho ${req.url.split('?')[0]}.`, undefined, { allow: methods.join(', ') });
  }
}

export function createHubServer(hub: Hub, opts: HubServerOptions = {}): FastifyInstance<http.Server | https.Server> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const app = Fastify({
    logger: false,
    ...(opts.tls ? { https: { cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) } } : {}),
    // Slow links: a 1 MiB chunk at 250 kbit/s takes ~35 s; allow that, but not idle sockets forever.
    requestTimeout: 180_000,
    keepAliveTimeout: 65_000,
    exposeHeadRoutes: false,
    routerOptions: { maxParamLength: 300 },
    return503OnClosing: true,
  }) as unknown as FastifyInstance<http.Server | https.Server>;
  app.server.headersTimeout = 30_000;
  app.server.maxHeadersCount = 100;
  // Bodies are read by the routes themselves (readJson/readBody: the caps of LIMITS, gzip).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  app.addHook('onRequest', async (req) => {
    (req as FastifyRequest & { started?: number }).started = Date.now();
  });
  app.addHook('onResponse', async (req) => {
    const ms = Date.now() - ((req as FastifyRequest & { started?: number }).started ?? Date.now());
    if (ms > 10_000) log(`[hub] chậm: ${req.method} ${req.url} ${ms} ms`);
  });

  app.setNotFoundHandler(async (req, reply) => {
    const p = req.url.split('?')[0];
    return send(reply, 404, { error: { code: 'not_found', message: `Không có địa chỉ ${p} (giao thức ${PROTOCOL_VERSION}).` } });
  });

  app.setErrorHandler(async (e: unknown, req, reply) => {
    if (reply.sent || reply.raw.headersSent) {
      reply.raw.destroy();
      return;
    }
    const fe = e as { statusCode?: number; code?: string; message?: string };
    const err =
      e instanceof HubError
        ? e
        : typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500
          ? new HubError(fe.statusCode, 'invalid_request', 'Yêu cầu không hợp lệ (địa chỉ hoặc tiêu đề sai dạng).')
          : null;
    if (err) {
      const closeAfter = err.status === 413 || err.code === 'body_incomplete';
      const headers = { ...err.headers, ...(closeAfter ? { connection: 'close' } : {}) };
      if (err.status >= 500) log(`[hub] ${req.method} ${req.url} → ${err.status} ${err.message}`);
      if (req.method === 'HEAD') return send(reply, err.status, null, headers);
      return send(reply, err.status, { error: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } }, headers);
    }
    log(`[hub] ${req.method} ${req.url} lỗi: ${(e as Error)?.stack ?? e}`);
    return send(reply, 500, { error: { code: 'internal', message: 'Hub gặp lỗi nội bộ; thử lại sau. Dữ liệu đã gửi không bị mất.' } });
  });

  const route = (url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>) => app.route({ method: [...ALL_METHODS], url: API_PREFIX + url, handler });
  const device = (req: FastifyRequest) => hub.authenticate(req.headers.authorization);

  for (const p of ['/time', '/health']) {
    route(p, async (req, reply) => {
      allow(req, 'GET');
      return send(reply, 200, { ok: true, protocol: PROTOCOL_VERSION });
    });
  }

  // The app's update feed (server/updates.ts): public, like any download page; the app checks
  // each installer's sha512 and, on Windows, its publisher's signature.
  app.route({
    method: [...ALL_METHODS],
    url: '/updates/:platform/:file',
    handler: async (req, reply) => {
      allow(req, 'GET', 'HEAD');
      const { platform, file } = req.params as { platform: string; file: string };
      const p = hub.updatesDir ? updateFilePath(hub.updatesDir, platform, file) : null;
      const st = p ? await stat(p).catch(() => null) : null;
      if (!p || !st?.isFile()) throw new HubError(404, 'update_not_found', 'Hub của tỉnh chưa có bản cập nhật này.');
      return sendStream(req, reply, (range) => createReadStream(p, range), { size: st.size, mime: updateMime(file) }, {});
    },
  });

  route('/enroll', async (req, reply) => {
    allow(req, 'POST');
    const body = parse(enrollRequestSchema, await readJson(req.raw, LIMITS.maxSmallBodyBytes));
    const r = await hub.enroll(body.enrolmentCode, body.deviceName, body.deviceToken, req.ip);
    return send(reply, 201, { ...r });
  });

  // Everything else needs a device token (checked before the method, as a known address).
  route('/push', async (req, reply) => {
    const d = await device(req);
    allow(req, 'POST');
    const body = parse(pushRequestSchema, await readJson(req.raw, LIMITS.maxPushBodyBytes, true));
    return send(reply, 200, { ...(await hub.push(d, body.batchId, body.events)) });
  });

  route('/pull', async (req, reply) => {
    const d = await device(req);
    allow(req, 'GET');
    const q = parse(pullQuerySchema, Object.fromEntries(new URL(req.url, 'http://hub.invalid').searchParams));
    return send(reply, 200, { ...(await hub.pull(d, q.cursor, q.limit)) });
  });

  route('/files', async (req, reply) => {
    const d = await device(req);
    allow(req, 'POST');
    const body = parse(fileCreateRequestSchema, await readJson(req.raw, LIMITS.maxSmallBodyBytes));
    const r = await hub.createFile(d, body.sha256, body.size, body.mime);
    return send(reply, r.complete ? 200 : 201, { ...r }, { [HEADERS.uploadOffset]: String(r.offset), [HEADERS.uploadLength]: String(r.size) });
  });

  route('/files/:sha256/content', async (req, reply) => {
    const d = await device(req);
    allow(req, 'GET', 'HEAD');
    const sha = parse(sha256Schema, (req.params as { sha256: string }).sha256);
    return sendFile(hub, req, reply, sha, await hub.fileForDownload(d, sha));
  });

  route('/files/:sha256', async (req, reply) => {
    const d = await device(req);
    allow(req, 'HEAD', 'PATCH', 'GET');
    const sha = parse(sha256Schema, (req.params as { sha256: string }).sha256);
    if (req.method === 'HEAD' || req.method === 'GET') {
      const r = await hub.fileState(d, sha);
      const h = { [HEADERS.uploadOffset]: String(r.offset), [HEADERS.uploadLength]: String(r.size) };
      return req.method === 'HEAD' ? send(reply, 200, null, h) : send(reply, 200, { ...r }, h);
    }
    const offsetHeader = String(req.headers[HEADERS.uploadOffset] ?? '');
    if (!/^\d{1,15}$/.test(offsetHeader)) throw new HubError(400, 'missing_offset', 'Thiếu hoặc sai tiêu đề Upload-Offset.');
    const checksum = parseChunkChecksum(req.headers[HEADERS.uploadChecksum] as string | undefined);
    if (!checksum) throw new HubError(400, 'missing_checksum', 'Thiếu hoặc sai tiêu đề Upload-Checksum (dạng "sha256 <base64>").');
    const chunk = await readBody(req.raw, LIMITS.maxChunkBytes);
    const r = await hub.appendChunk(d, sha, Number(offsetHeader), checksum, chunk);
    return send(reply, 200, { ...r }, { [HEADERS.uploadOffset]: String(r.offset), [HEADERS.uploadLength]: String(r.size) });
  });

  const dossier = async (req: FastifyRequest, reply: FastifyReply, syncState: boolean) => {
    const d = await device(req);
    allow(req, 'GET');
    const id = parse(recordIdSchema, (req.params as { id: string }).id);
    if (syncState) return send(reply, 200, { ...(await hub.syncState(d, id)) });
    const found = await hub.getDossier(d.unitCode, id);
    if (!found) throw new HubError(404, 'dossier_not_found', 'Hub chưa có hồ sơ này của đơn vị.');
    return send(reply, 200, { dossierId: id, ...found });
  };
  route('/dossiers/:id', (req, reply) => dossier(req, reply, false));
  route('/dossiers/:id/sync-state', (req, reply) => dossier(req, reply, true));
  return app;
}

export async function startHubServer(hub: Hub, opts: HubServerOptions = {}): Promise<RunningHubServer> {
  const app = createHubServer(hub, opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ host, port: opts.port ?? 0 });
  const server = app.server;
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    url,
    close: async () => {
      server.closeAllConnections?.();
      await app.close();
    },
  };
}

/**
 * One byte range of a file of `size` bytes from a Range header (RFC 9110 §14.1.2: `bytes=N-`,
 * `bytes=N-M`, `bytes=-N`). null: no range, or a form not served (several ranges, garbage):
 * the whole file is sent, as the RFC allows. 'unsatisfiable': starts at or past the end.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec((header ?? '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    return n === 0 ? 'unsatisfiable' : { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return end < start ? null : { start, end };
}

/**
 * A verified file from the blob store, streamed (PROTOCOL.md §5 "Download"): whole (200) or the
 * range asked (206 + Content-Range), so a cut download resumes where it stopped. The SHA-256
 * the client asked by is repeated as ETag and Repr-Digest (RFC 9530) for it to check.
 */
function sendFile(hub: Hub, req: FastifyRequest, reply: FastifyReply, sha256: string, file: { size: number; mime: string }): Promise<void> {
  return sendStream(req, reply, (range) => hub.blobs.stream(sha256, range), file, {
    etag: `"${sha256}"`,
    'repr-digest': `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`,
  });
}

/** A file whole (200) or by the range asked (206 + Content-Range), streamed to the socket. */
async function sendStream(
  req: FastifyRequest,
  reply: FastifyReply,
  open: (range: { start: number; end: number }) => NodeJS.ReadableStream,
  file: { size: number; mime: string },
  extra: Record<string, string>,
): Promise<void> {
  const range = parseRange(req.headers.range, file.size);
  if (range === 'unsatisfiable') {
    throw new HubError(
      416,
      'range_not_satisfiable',
      `Vị trí tải tiếp vượt quá kích thước tệp (${file.size} byte); hãy tải lại từ đầu.`,
      { size: file.size },
      {
        'content-range': `bytes */${file.size}`,
      },
    );
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  const h: Record<string, string> = {
    ...hubHeaders(Date.now()),
    'content-type': file.mime,
    'content-length': String(end - start + 1),
    'accept-ranges': 'bytes',
    ...extra,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
  };
  // The bytes go straight from the store to the socket (no buffering by the framework).
  reply.hijack();
  const res: ServerResponse = reply.raw;
  res.writeHead(range ? 206 : 200, h);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(open({ start, end }), res);
  } catch {
    // A client that went away mid-file: the headers are out, closing is all there is to do.
    res.destroy();
  }
}
