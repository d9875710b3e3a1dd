// HTTP(S) front of the hub: node:http, no framework. Every response is JSON (HEAD and file
// downloads aside) and carries the hub's clock (X-Hub-Time header and hubTime field) for the
// clock-skew display.
// Bodies are size-capped before they are parsed; every input goes through the zod schemas
// of shared/sync/protocol.ts.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { gunzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

function send(res: ServerResponse, status: number, body: Record<string, unknown> | null, headers: Record<string, string> = {}) {
  const hubTime = Date.now();
  const h: Record<string, string> = { ...hubHeaders(hubTime), ...headers };
  if (body === null) {
    res.writeHead(status, h);
    res.end();
    return;
  }
  const text = JSON.stringify({ hubTime, ...body });
  h['content-type'] = 'application/json; charset=utf-8';
  h['content-length'] = String(Buffer.byteLength(text));
  res.writeHead(status, h);
  res.end(text);
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new HubError(400, 'invalid_request', describeZodError(r.error), r.error.issues.slice(0, 5).map((i) => ({ path: i.path.join('.'), message: i.message })));
  return r.data;
}

export interface RunningHubServer {
  server: http.Server | https.Server;
  url: string;
  close(): Promise<void>;
}

export function createHubServer(hub: Hub, opts: HubServerOptions = {}): http.Server | https.Server {
  const log = opts.log ?? ((l: string) => console.error(l));
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    route(hub, req, res).catch((e: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (e instanceof HubError) {
        const closeAfter = e.status === 413 || e.code === 'body_incomplete';
        const headers = { ...e.headers, ...(closeAfter ? { connection: 'close' } : {}) };
        if (req.method === 'HEAD') send(res, e.status, null, headers);
        else send(res, e.status, { error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } }, headers);
        if (e.status >= 500) log(`[hub] ${req.method} ${req.url} → ${e.status} ${e.message}`);
        return;
      }
      log(`[hub] ${req.method} ${req.url} lỗi: ${(e as Error)?.stack ?? e}`);
      send(res, 500, { error: { code: 'internal', message: 'Hub gặp lỗi nội bộ; thử lại sau. Dữ liệu đã gửi không bị mất.' } });
    }).finally(() => {
      const ms = Date.now() - started;
      if (ms > 10_000) log(`[hub] chậm: ${req.method} ${req.url} ${ms} ms`);
    });
  };
  const server = opts.tls
    ? https.createServer({ cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) }, handler)
    : http.createServer(handler);
  // Slow links: a 1 MiB chunk at 250 kbit/s takes ~35 s; allow that, but not idle sockets forever.
  server.requestTimeout = 180_000;
  server.headersTimeout = 30_000;
  server.keepAliveTimeout = 65_000;
  server.maxHeadersCount = 100;
  return server;
}

export async function startHubServer(hub: Hub, opts: HubServerOptions = {}): Promise<RunningHubServer> {
  const server = createHubServer(hub, opts);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

const FILE_PATH = new RegExp(`^${API_PREFIX}/files/([^/]+)$`);
const FILE_CONTENT_PATH = new RegExp(`^${API_PREFIX}/files/([^/]+)/content$`);
const DOSSIER_PATH = new RegExp(`^${API_PREFIX}/dossiers/([^/]+)(/sync-state)?$`);

async function route(hub: Hub, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub.invalid');
  const p = url.pathname;
  const method = req.method ?? 'GET';
  const allow = (...methods: string[]) => {
    if (!methods.includes(method)) throw new HubError(405, 'method_not_allowed', `Phương thức ${method} không dùng được cho ${p}.`, undefined, { allow: methods.join(', ') });
  };

  if (p === `${API_PREFIX}/time` || p === `${API_PREFIX}/health`) {
    allow('GET');
    return send(res, 200, { ok: true, protocol: PROTOCOL_VERSION });
  }

  if (p === `${API_PREFIX}/enroll`) {
    allow('POST');
    const body = parse(enrollRequestSchema, await readJson(req, LIMITS.maxSmallBodyBytes));
    const r = await hub.enroll(body.enrolmentCode, body.deviceName, body.deviceToken);
    return send(res, 201, { ...r });
  }

  // Everything else needs a device token.
  const known = p === `${API_PREFIX}/push` || p === `${API_PREFIX}/pull` || p === `${API_PREFIX}/files` || FILE_PATH.test(p) || FILE_CONTENT_PATH.test(p) || DOSSIER_PATH.test(p);
  if (!known) throw new HubError(404, 'not_found', `Không có địa chỉ ${p} (giao thức ${PROTOCOL_VERSION}).`);
  const device = await hub.authenticate(req.headers.authorization);

  if (p === `${API_PREFIX}/push`) {
    allow('POST');
    const body = parse(pushRequestSchema, await readJson(req, LIMITS.maxPushBodyBytes, true));
    const r = await hub.push(device, body.batchId, body.events);
    return send(res, 200, { ...r });
  }

  if (p === `${API_PREFIX}/pull`) {
    allow('GET');
    const q = parse(pullQuerySchema, Object.fromEntries(url.searchParams));
    const r = await hub.pull(device, q.cursor, q.limit);
    return send(res, 200, { ...r });
  }

  if (p === `${API_PREFIX}/files`) {
    allow('POST');
    const body = parse(fileCreateRequestSchema, await readJson(req, LIMITS.maxSmallBodyBytes));
    const r = await hub.createFile(device, body.sha256, body.size, body.mime);
    return send(res, r.complete ? 200 : 201, { ...r }, { [HEADERS.uploadOffset]: String(r.offset), [HEADERS.uploadLength]: String(r.size) });
  }

  const cm = FILE_CONTENT_PATH.exec(p);
  if (cm) {
    allow('GET', 'HEAD');
    const sha = parse(sha256Schema, cm[1]);
    return sendFile(hub, req, res, sha, await hub.fileForDownload(device, sha));
  }

  const fm = FILE_PATH.exec(p);
  if (fm) {
    allow('HEAD', 'PATCH', 'GET');
    const sha = parse(sha256Schema, fm[1]);
    if (method === 'HEAD' || method === 'GET') {
      const r = await hub.fileState(device, sha);
      const h = { [HEADERS.uploadOffset]: String(r.offset), [HEADERS.uploadLength]: String(r.size) };
      return method === 'HEAD' ? send(res, 200, null, h) : send(res, 200, { ...r }, h);
    }
    const offsetHeader = String(req.headers[HEADERS.uploadOffset] ?? '');
    if (!/^\d{1,15}$/.test(offsetHeader)) throw new HubError(400, 'missing_offset', 'Thiếu hoặc sai tiêu đề Upload-Offset.');
    const checksum = parseChunkChecksum(req.headers[HEADERS.uploadChecksum] as string | undefined);
    if (!checksum) throw new HubError(400, 'missing_checksum', 'Thiếu hoặc sai tiêu đề Upload-Checksum (dạng "sha256 <base64>").');
    const chunk = await readBody(req, LIMITS.maxChunkBytes);
    const r = await hub.appendChunk(device, sha, Number(offsetHeader), checksum, chunk);
    return send(res, 200, { ...r }, { [HEADERS.uploadOffset]: String(r.offset), [HEADERS.uploadLength]: String(r.size) });
  }

  const dm = DOSSIER_PATH.exec(p);
  if (dm) {
    allow('GET');
    const id = parse(recordIdSchema, decodeURIComponent(dm[1]));
    if (dm[2]) return send(res, 200, { ...(await hub.syncState(device, id)) });
    const d = await hub.getDossier(device.unitCode, id);
    if (!d) throw new HubError(404, 'dossier_not_found', 'Hub chưa có hồ sơ này của đơn vị.');
    return send(res, 200, { dossierId: id, ...d });
  }
  throw new HubError(404, 'not_found', `Không có địa chỉ ${p}.`);
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
async function sendFile(hub: Hub, req: IncomingMessage, res: ServerResponse, sha256: string, file: { size: number; mime: string }): Promise<void> {
  const range = parseRange(req.headers.range, file.size);
  if (range === 'unsatisfiable') {
    throw new HubError(416, 'range_not_satisfiable', `Vị trí tải tiếp vượt quá kích thước tệp (${file.size} byte); hãy tải lại từ đầu.`, { size: file.size }, {
      'content-range': `bytes */${file.size}`,
    });
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  const h: Record<string, string> = {
    ...hubHeaders(Date.now()),
    'content-type': file.mime,
    'content-length': String(end - start + 1),
    'accept-ranges': 'bytes',
    etag: `"${sha256}"`,
    'repr-digest': `sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`,
    ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
  };
  res.writeHead(range ? 206 : 200, h);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // A client that goes away mid-file ends the pipeline with an error; route's catch then
  // destroys the socket (the headers are out), which is all there is to do.
  await pipeline(hub.blobs.stream(sha256, { start, end }), res);
}
