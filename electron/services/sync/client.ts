// The device side of the sync protocol (shared/sync/PROTOCOL.md): enrolment, push, pull,
// resumable file upload and download against the province hub. Pure Node (global fetch), no
// Electron, no database: the outbox that decides WHAT to send is built on top of this.
//
// Every call has a timeout; transient failures (network errors, timeouts, 5xx, 429) are retried
// with capped, jittered exponential backoff. Retrying is safe because every operation is
// idempotent at the hub: a push carries its batchId and event ids, an upload resumes from the
// hub's offset. A refusal (4xx) is not retried: it would be refused again.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { API_PREFIX, DEFAULT_CHUNK_BYTES, HEADERS, LIMITS, STATUS_CHECKSUM_MISMATCH, formatChunkChecksum } from '../../../shared/sync/protocol';
import type { DossierSyncState, EnrollResponse, ErrorResponse, FileStateResponse, PullResponse, PushResponse, PushResult, SyncEvent } from '../../../shared/sync/protocol';

export class SyncError extends Error {
  constructor(
    message: string,
    /** HTTP status, or 0 for a network error / timeout. */
    readonly status: number,
    readonly code: string,
    /** Worth trying again later (network, timeout, 5xx, 429). */
    readonly retryable: boolean,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

// ---------- backoff ----------

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  random?: () => number;
}

/**
 * Delay before retry number `attempt` (0 = first retry): "full jitter", a random delay between
 * half and all of min(cap, base·2^attempt), so a hundred devices that lost the link at once do
 * not all come back in the same second.
 */
export function nextBackoffMs(attempt: number, opts: BackoffOptions = {}): number {
  const base = opts.baseMs ?? 1000;
  const cap = opts.capMs ?? 5 * 60_000;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** Math.min(Math.max(attempt, 0), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

// ---------- transport guard ----------

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Refuses plain http:// to anything but this machine, unless explicitly allowed. */
export function checkHubUrl(hubUrl: string, allowInsecureHttp = false): URL {
  let u: URL;
  try {
    u = new URL(hubUrl);
  } catch {
    throw new SyncError(`Địa chỉ hub không hợp lệ: "${hubUrl}".`, 0, 'invalid_url', false);
  }
  if (u.protocol === 'https:') return u;
  if (u.protocol !== 'http:') throw new SyncError(`Địa chỉ hub phải bắt đầu bằng https:// (nhận được ${u.protocol}).`, 0, 'invalid_url', false);
  if (!isLoopback(u.hostname) && !allowInsecureHttp) {
    throw new SyncError(
      `Từ chối đồng bộ qua http:// không mã hoá tới ${u.host}: dữ liệu công dân phải đi qua https://. ` + 'Chỉ bật "cho phép HTTP không mã hoá" khi thử nghiệm trong mạng nội bộ tin cậy.',
      0,
      'insecure_http',
      false,
    );
  }
  return u;
}

// ---------- client ----------

export interface SyncClientOptions {
  hubUrl: string;
  deviceToken?: string;
  allowInsecureHttp?: boolean;
  /** Per request; a 1 MiB chunk at 250 kbit/s needs ~35 s. */
  timeoutMs?: number;
  /** Upload chunk; DEFAULT_CHUNK_BYTES (64 KiB) suits slow links, 256 KiB fills a 1 Mbit/s link. */
  chunkBytes?: number;
  /** Tries per operation before giving up (the outbox tries again later). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface UploadStats {
  sha256: string;
  size: number;
  complete: boolean;
  /** Body bytes put on the wire by PATCH requests (including attempts that failed). */
  bytesSent: number;
  /** Bytes sent more than once (bytesSent − bytes the hub needed), ≤ one chunk per cut. */
  bytesResent: number;
  /** The offset the hub already had when the upload started (a resume). */
  startOffset: number;
  requests: number;
}

export interface DownloadStats {
  sha256: string;
  size: number;
  /** Where each request started: 0, then the resume points after cuts. */
  offsets: number[];
  /** Body bytes received over all requests (every one kept: a resume asks only for the rest). */
  bytesReceived: number;
  requests: number;
}

const sleepReal = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const gzipAsync = promisify(gzip);

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export class SyncClient {
  readonly base: URL;
  private readonly opts: Required<Omit<SyncClientOptions, 'deviceToken' | 'backoff'>> & { deviceToken?: string; backoff: BackoffOptions };
  /** hub clock − device clock, from the latest response (ms), for the clock-skew display. */
  clockSkewMs: number | null = null;

  constructor(opts: SyncClientOptions) {
    this.base = checkHubUrl(opts.hubUrl, opts.allowInsecureHttp);
    const chunk = opts.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!(chunk >= 1024 && chunk <= LIMITS.maxChunkBytes)) throw new RangeError(`chunkBytes phải từ 1 KiB đến ${LIMITS.maxChunkBytes} byte.`);
    this.opts = {
      hubUrl: opts.hubUrl,
      deviceToken: opts.deviceToken,
      allowInsecureHttp: opts.allowInsecureHttp ?? false,
      timeoutMs: opts.timeoutMs ?? 60_000,
      chunkBytes: chunk,
      maxAttempts: opts.maxAttempts ?? 6,
      backoff: opts.backoff ?? {},
      sleep: opts.sleep ?? sleepReal,
    };
  }

  private url(path: string): string {
    return new URL(API_PREFIX + path, this.base).toString();
  }

  /** One HTTP exchange, not retried; throws SyncError for network errors and non-2xx answers. */
  async request(method: string, path: string, init: { json?: unknown; gzip?: boolean; body?: Uint8Array; headers?: Record<string, string>; auth?: boolean } = {}): Promise<RawResponse> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | Uint8Array | undefined;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers['content-type'] = 'application/json';
      if (init.gzip && body.length > 1024) {
        // Records compress ~5×: on a 250 kbit/s link that is most of their sending time.
        body = new Uint8Array(await gzipAsync(body));
        headers['content-encoding'] = 'gzip';
      }
    } else if (init.body) {
      body = init.body;
      headers['content-type'] = 'application/offset+octet-stream';
    }
    const res = await this.open(method, path, { headers, body, auth: init.auth, signal: AbortSignal.timeout(this.opts.timeoutMs) });
    let text = '';
    try {
      text = method === 'HEAD' ? '' : await res.text();
    } catch (e) {
      throw new SyncError(`Mất kết nối khi đang nhận trả lời của hub (${(e as Error).message}).`, 0, 'network', true);
    }
    return { status: res.status, headers: res.headers, body: parseJson(text) };
  }

  /**
   * One exchange up to the response headers: the device token, the hub's clock, network errors
   * and non-2xx answers (their JSON error read) as SyncError. A 2xx body is left to the caller.
   */
  private async open(method: string, path: string, init: { headers: Record<string, string>; body?: string | Uint8Array; auth?: boolean; signal: AbortSignal }): Promise<Response> {
    const headers = { ...init.headers };
    if (init.auth !== false) {
      if (!this.opts.deviceToken) throw new SyncError('Máy chưa đăng ký với hub (chưa có mã truy cập).', 0, 'not_enrolled', false);
      headers.authorization = `Bearer ${this.opts.deviceToken}`;
    }
    const sentAt = Date.now();
    let res: Response;
    try {
      res = await fetch(this.url(path), { method, headers, body: init.body as string | Uint8Array<ArrayBuffer> | undefined, signal: init.signal });
    } catch (e) {
      throw this.networkError(e);
    }
    const hubTime = Number(res.headers.get(HEADERS.hubTime));
    if (Number.isFinite(hubTime) && hubTime > 0) this.clockSkewMs = Math.round(hubTime - (sentAt + Date.now()) / 2);
    if (!res.ok) {
      const er = (parseJson(await res.text().catch(() => '')) as ErrorResponse | null)?.error;
      // 507 (the hub's storage quota) does not clear by retrying: the page is marked failed with the hub's reason.
      const retryable = (res.status >= 500 && res.status !== 507) || res.status === 429 || res.status === 408;
      throw new SyncError(er?.message ?? `Hub trả lời lỗi HTTP ${res.status}.`, res.status, er?.code ?? `http_${res.status}`, retryable, er?.details);
    }
    return res;
  }

  /** A failed fetch or body read (cut, refused, timed out) as a retryable SyncError. */
  private networkError(e: unknown): SyncError {
    if (e instanceof SyncError) return e;
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const timeout = err.name === 'TimeoutError' || err.name === 'AbortError';
    const cause = err.cause?.code ?? err.cause?.message ?? err.message;
    // The library's code (UND_ERR_SOCKET, ECONNREFUSED…) stays in details for the logs; the
    // clerk reads what happened and what to do (issue 13 §8).
    return new SyncError(
      timeout ? `Hub không trả lời sau ${Math.round(this.opts.timeoutMs / 1000)} giây; sẽ thử lại.` : networkErrorText(err.cause?.code),
      0,
      timeout ? 'timeout' : 'network',
      true,
      { cause },
    );
  }

  /** Runs op, retrying retryable failures with backoff. */
  private async retrying<T>(op: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op(attempt);
      } catch (e) {
        if (!(e instanceof SyncError) || !e.retryable || attempt + 1 >= this.opts.maxAttempts) throw e;
        await this.opts.sleep(nextBackoffMs(attempt, this.opts.backoff));
      }
    }
  }

  // ---------- push ----------

  /**
   * Sends events in batches that respect the hub's limits (≤ 500 events, ≤ 4 MiB). A batch
   * whose reply was lost is sent again unchanged (same batchId, same event ids): the hub
   * answers "duplicate" for what it already has. Results are in the order of `events`.
   */
  async push(events: SyncEvent[]): Promise<PushResponse> {
    const batches = splitIntoBatches(events);
    const results: PushResult[] = [];
    const batchIds: string[] = [];
    let hubTime = 0;
    for (const batch of batches) {
      const batchId = randomUUID();
      batchIds.push(batchId);
      const r = await this.retrying(async () => (await this.request('POST', '/push', { json: { batchId, events: batch }, gzip: true })).body as PushResponse);
      results.push(...r.results);
      hubTime = r.hubTime;
    }
    return {
      hubTime,
      batchId: batchIds.join(','),
      results,
      accepted: results.filter((r) => r.outcome === 'accepted').length,
      duplicates: results.filter((r) => r.outcome === 'duplicate').length,
      rejected: results.filter((r) => r.outcome === 'rejected').length,
    };
  }

  /** One batch as given (the caller keeps batchId for its outbox); retried like push. */
  async pushBatch(batchId: string, events: SyncEvent[]): Promise<PushResponse> {
    return this.retrying(async () => (await this.request('POST', '/push', { json: { batchId, events }, gzip: true })).body as PushResponse);
  }

  // ---------- pull ----------

  async pull(cursor: number, limit: number = LIMITS.defaultPullLimit): Promise<PullResponse> {
    return this.retrying(async () => (await this.request('GET', `/pull?cursor=${encodeURIComponent(cursor)}&limit=${limit}`)).body as PullResponse);
  }

  /** Pulls every page from `cursor`; onPage must store the items and the new cursor together. */
  async pullAll(cursor: number, onPage: (page: PullResponse) => Promise<void> | void): Promise<number> {
    for (;;) {
      const page = await this.pull(cursor);
      await onPage(page);
      cursor = page.cursor;
      if (!page.more) return cursor;
    }
  }

  async syncState(dossierId: string): Promise<DossierSyncState> {
    return this.retrying(async () => (await this.request('GET', `/dossiers/${encodeURIComponent(dossierId)}/sync-state`)).body as DossierSyncState);
  }

  // ---------- files ----------

  async fileOffset(sha256: string): Promise<{ offset: number; size: number }> {
    const r = await this.retrying(() => this.request('HEAD', `/files/${sha256}`));
    return { offset: Number(r.headers.get(HEADERS.uploadOffset)), size: Number(r.headers.get(HEADERS.uploadLength)) };
  }

  /**
   * Uploads a file by its SHA-256, resuming from the hub's offset. readChunk(offset, length)
   * returns the file's bytes there (from disk: nothing is held in memory). Each chunk carries
   * its own checksum; a chunk cut short is discarded by the hub and sent again, so a cut costs
   * at most one chunk. Resolves when the hub has verified the whole file.
   */
  async uploadFile(sha256: string, size: number, readChunk: (offset: number, length: number) => Promise<Uint8Array> | Uint8Array, mime = 'application/octet-stream'): Promise<UploadStats> {
    const stats: UploadStats = { sha256, size, complete: false, bytesSent: 0, bytesResent: 0, startOffset: 0, requests: 0 };
    const create = async () => {
      stats.requests++;
      return (await this.retrying(() => this.request('POST', '/files', { json: { sha256, size, mime } }))).body as FileStateResponse;
    };
    let st = await create();
    stats.startOffset = st.offset;
    let offset = st.offset;
    let failures = 0;
    let checksumFailures = 0;
    while (!st.complete && offset < size) {
      const len = Math.min(this.opts.chunkBytes, size - offset);
      const chunk = await readChunk(offset, len);
      if (chunk.length !== len) throw new SyncError(`Đọc tệp được ${chunk.length} byte thay vì ${len}.`, 0, 'read_error', false);
      const checksum = formatChunkChecksum(createHash('sha256').update(chunk).digest('base64'));
      stats.requests++;
      stats.bytesSent += len;
      try {
        const r = await this.request('PATCH', `/files/${sha256}`, { body: chunk, headers: { [HEADERS.uploadOffset]: String(offset), [HEADERS.uploadChecksum]: checksum } });
        st = r.body as FileStateResponse;
        offset = st.offset;
        failures = 0;
      } catch (e) {
        if (!(e instanceof SyncError)) throw e;
        if (e.status === 409 && e.code === 'offset_mismatch') {
          offset = Number((e.details as { offset?: number } | undefined)?.offset ?? (await this.fileOffset(sha256)).offset);
          continue;
        }
        if (e.status === STATUS_CHECKSUM_MISMATCH) {
          // Corrupted on the way (or the file changed under us): send again, a few times.
          if (++checksumFailures > 3) throw e;
          offset = Number((e.details as { offset?: number } | undefined)?.offset ?? offset);
          continue;
        }
        if (e.status === 404) {
          st = await create();
          offset = st.offset;
          continue;
        }
        if (!e.retryable || ++failures >= this.opts.maxAttempts) throw e;
        await this.opts.sleep(nextBackoffMs(failures - 1, this.opts.backoff));
        // Where did the hub stop? The unacknowledged chunk may or may not have landed.
        offset = (await this.fileOffset(sha256)).offset;
      }
    }
    stats.complete = true;
    stats.bytesResent = Math.max(0, stats.bytesSent - (size - stats.startOffset));
    return stats;
  }

  /**
   * Downloads a verified file (GET /v1/files/:sha256/content, PROTOCOL.md §5) from `offset` on.
   * Each piece is handed to write(piece, position) as it arrives, so a cut loses only what was
   * in flight and the next request asks for the rest (Range: bytes=N-). Cuts, timeouts (no byte
   * for timeoutMs) and 5xx are retried with backoff; a 4xx is thrown. The caller checks the
   * whole file's SHA-256.
   */
  async downloadFile(sha256: string, size: number, offset: number, write: (piece: Uint8Array, position: number) => Promise<void>): Promise<DownloadStats> {
    const stats: DownloadStats = { sha256, size, offsets: [], bytesReceived: 0, requests: 0 };
    let failures = 0;
    let localError: unknown = null; // the writer's own failure (a full disk): not the link's
    while (offset < size) {
      stats.offsets.push(offset);
      stats.requests++;
      const idle = new AbortController();
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(new DOMException('idle', 'TimeoutError')), this.opts.timeoutMs);
      };
      try {
        arm();
        const res = await this.open('GET', `/files/${sha256}/content`, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, signal: idle.signal });
        // 206: the rest from `offset`; 200: the whole file (the range was not served), from 0.
        if (res.status === 206 && Number(/^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '')?.[1]) !== offset) {
          throw new SyncError('Hub trả về sai đoạn tệp được yêu cầu.', 206, 'bad_range', false);
        }
        if (res.status !== 206) offset = 0;
        const reader = res.body!.getReader();
        try {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            arm();
            if (offset + value.length > size) throw new SyncError(`Hub gửi nhiều hơn ${size} byte đã khai của tệp.`, res.status, 'too_long', false);
            await write(value, offset).catch((w: unknown) => {
              localError = w;
              throw w;
            });
            offset += value.length;
            stats.bytesReceived += value.length;
          }
        } finally {
          reader.releaseLock();
        }
        if (offset < size) throw new SyncError('Kết nối bị ngắt khi đang tải tệp.', 0, 'network', true);
      } catch (e) {
        if (localError) throw localError;
        const err = this.networkError(e);
        if (err.status === 416 && offset > 0 && failures++ === 0) {
          offset = 0; // what this PC holds is longer than the file: start again
          continue;
        }
        if (!err.retryable || ++failures >= this.opts.maxAttempts) throw err;
        await this.opts.sleep(nextBackoffMs(failures - 1, this.opts.backoff));
      } finally {
        clearTimeout(timer);
      }
    }
    return stats;
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Splits events into batches of ≤ 500 events and ≤ ~4 MiB of JSON each. */
export function splitIntoBatches(events: SyncEvent[], maxEvents: number = LIMITS.maxEventsPerBatch, maxBytes: number = LIMITS.maxPushBodyBytes - 64 * 1024): SyncEvent[][] {
  const out: SyncEvent[][] = [];
  let cur: SyncEvent[] = [];
  let bytes = 0;
  for (const e of events) {
    const n = Buffer.byteLength(JSON.stringify(e)) + 1;
    if (cur.length && (cur.length >= maxEvents || bytes + n > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += n;
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Enrols this device with a one-time code from the province. The device makes its own secret
 * token and sends it (the hub stores only its SHA-256), so a retry after a lost reply with the
 * same code and token gets the same enrolment instead of "code already used".
 * Keep deviceToken secret (OS keychain / safeStorage).
 */
export async function enroll(hubUrl: string, enrolmentCode: string, deviceName: string, opts: Omit<SyncClientOptions, 'hubUrl' | 'deviceToken'> = {}): Promise<EnrollResponse> {
  const c = new SyncClient({ ...opts, hubUrl, maxAttempts: opts.maxAttempts ?? 5 });
  const deviceToken = 'dt_' + randomBytes(32).toString('base64url');
  const r = await c['retrying'](() => c.request('POST', '/enroll', { json: { enrolmentCode, deviceName, deviceToken }, auth: false }));
  return r.body as EnrollResponse;
}

/** A network failure in words for the clerk, from the code Node or undici gives (never the code itself). */
export function networkErrorText(code: string | undefined): string {
  const c = code ?? '';
  if (c === 'ECONNREFUSED') return 'Hub của tỉnh không nhận kết nối (máy chủ chưa chạy hoặc sai địa chỉ); sẽ thử lại.';
  if (c === 'ENOTFOUND' || c === 'EAI_AGAIN') return 'Không tìm thấy địa chỉ hub của tỉnh (kiểm tra mạng Internet hoặc tên máy chủ); sẽ thử lại.';
  if (/TIMEOUT|ETIMEDOUT/.test(c)) return 'Hub của tỉnh không trả lời kịp (mạng chậm hoặc đứt); sẽ thử lại.';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|ERR_TLS/.test(c)) return 'Chứng chỉ bảo mật của hub không hợp lệ hoặc không được tin cậy; liên hệ quản trị hệ thống của tỉnh.';
  if (c === 'ENETUNREACH' || c === 'EHOSTUNREACH') return 'Máy không có đường mạng tới hub của tỉnh (kiểm tra cáp mạng, wifi); sẽ thử lại.';
  return 'Mất kết nối tới hub của tỉnh giữa chừng; sẽ thử lại khi mạng ổn định.';
}
