// The device's sync engine: sends the outbox to the province hub, uploads the compact copies
// of scanned pages, pulls and applies the other counters' and the province's changes, then
// downloads the other counters' pages (PROTOCOL.md; README.md beside this file). Plain Node
// (no Electron): the app, the CLI, the tests and the bench drive the same class.
//
// Never loses, never duplicates:
//  - an outbox row is 'sending' only while its request is in flight; the row goes back to
//    'queued' when the request fails, and at the start of the next run (or of the app) when
//    the process died meanwhile; the same event ids are then sent again and the hub answers
//    'duplicate' for what it already stored;
//  - a row is 'acked' only on the hub's accepted/duplicate answer, 'failed' (with the hub's
//    Vietnamese reason) only on its per-event refusal; a whole-request refusal (revoked
//    device, wrong unit) leaves every row queued with that reason;
//  - pulled items and the new cursor are stored in one transaction;
//  - one run at a time: an in-process promise plus a lease in sync_state that names the
//    owning process (a dead owner's lease is taken over at once, so kill -9 blocks nothing).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import type { SettingsStore } from '../settings';
import type { ProcedureStore } from '../procedures';
import type { HolidayStore } from '../holidays';
import type { DossierProjector } from '../dossier/projector';
import { STATUS_LABELS } from '../../../shared/domain/status';
import { FIELD_LABELS, fieldValueText } from '../../../shared/domain/dossierFields';
import type { DossierStatus, EpochMs } from '../../../shared/domain/types';
import type { EditableField, EnrollResponse, SyncEventType } from '../../../shared/sync/protocol';
import { DEVICE_PENDING_APPROVAL, checkCodeForSlot, checkGuidanceNumberForSlot } from '../../../shared/sync/protocol';
import type { Conflict } from '../../../shared/sync/derive';
import { CLOCK_SKEW_WARNING_MS, type SyncConflict, type SyncEnrolResult, type SyncItem, type SyncRunReport, type SyncStatus } from '../../../shared/ipc/sync';
import { SyncClient, SyncError, checkHubUrl, nextBackoffMs, splitIntoBatches, type SyncClientOptions } from './client';
import { readIdentity, saveIdentity, TokenStore, type DeviceIdentity } from './identity';
import { OUTBOX_COLUMNS, emit, toWireEvent, type OutboxRow } from '../events/outbox';
import { UNENROLLED_SLOT } from '../numbering';
import { applyPulledItems, applyStream, type ApplyDeps, type ApplyStats } from './apply';
import { downloadPending } from './download';
import { PageStore, type PagesContext } from '../pages/index';
import type { CloseFacts } from './closing';
import { checkPulledItems, checkedSha256, keepSetAside } from './pulledCheck';

export interface SyncEngineOptions {
  db: Db;
  dataDir: string;
  now: () => EpochMs;
  settings: SettingsStore;
  procedures: ProcedureStore;
  holidays: HolidayStore;
  /** The one dossier projector: pulled events and conflict settlements go through it. */
  projector: DossierProjector;
  /** Overrides for the HTTP client (tests, bench): backoff, timeouts, chunk size. */
  client?: Partial<Omit<SyncClientOptions, 'hubUrl' | 'deviceToken' | 'allowInsecureHttp'>>;
  /** Parallel file uploads (keeps a slow link busy across round trips; PROTOCOL.md §5). */
  uploadConcurrency?: number;
  /** Told when a run starts and ends (the push channel, services/changes.ts). */
  changes?: import('../changes').Changes;
  /** Parallel downloads of other PCs' pages (default 2). */
  downloadConcurrency?: number;
  /** Where downloaded pages go and the OCR queue is told (the app's); default: the page store of dataDir. */
  pages?: PagesContext;
  /** Automatic mode: seconds between runs while the hub is reachable. */
  periodMs?: number;
}

export interface SyncProgress {
  phase: 'push' | 'files' | 'pull' | 'done';
  message: string;
}

/** A run holds the lease this long; it is renewed while the run lasts. */
const LEASE_MS = 2 * 60_000;
/** How long a probe of /v1/time may take. */
const PROBE_TIMEOUT_MS = 10_000;

const TYPE_LABELS: Record<SyncEventType, string> = {
  'dossier.received': 'Tiếp nhận hồ sơ',
  'dossier.status_changed': 'Chuyển trạng thái',
  'dossier.field_edited': 'Sửa thông tin hồ sơ',
  'dossier.file_attached': 'Trang số hoá',
  'dossier.file_removed': 'Gỡ trang số hoá',
  'dossier.pages_reordered': 'Sắp xếp lại trang số hoá',
  'dossier.conflict_resolved': 'Giải quyết xung đột',
  'dossier.document_reviewed': 'Duyệt giấy tờ số hoá',
  'guidance.issued': 'Phiếu hướng dẫn (Mẫu 02)',
};

function isoOwner(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Is the process named by a lease owner still alive? (Another host: trust the lease time.) */
function ownerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== os.hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SyncEngine {
  private readonly db: Db;
  private readonly tokens: TokenStore;
  private running: Promise<SyncRunReport> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private autoOn = false;
  private closed = false;
  private probeFailures = 0;
  private reachable: boolean | null = null;
  private nextAttemptAt: number | null = null;
  /**
   * The hub keeps this PC waiting for the province officer's approval (learnt at enrolment or
   * from a run refused with DEVICE_PENDING_APPROVAL; cleared by a run that gets through). Kept
   * in memory: after a restart the first run learns it again, and last_error says it meanwhile.
   */
  private awaitingApproval = false;

  constructor(private readonly opts: SyncEngineOptions) {
    this.db = opts.db;
    this.tokens = new TokenStore(opts.dataDir);
    this.recoverInterrupted();
  }

  private applyDeps(): ApplyDeps {
    const { db, now, procedures, holidays, projector } = this.opts;
    return { db, now, procedures, holidays, projector };
  }

  // ---------- identity ----------

  identity(): DeviceIdentity | null {
    return readIdentity(this.db);
  }

  private client(id: DeviceIdentity, extra: Partial<SyncClientOptions> = {}): SyncClient {
    const token = this.tokens.token();
    if (!token) throw new AppError('conflict', 'Không tìm thấy mã truy cập của máy (tệp sync-token.json). Hãy đăng ký lại máy với tỉnh.');
    return new SyncClient({ timeoutMs: 60_000, maxAttempts: 4, ...this.opts.client, ...extra, hubUrl: id.hubUrl, deviceToken: token, allowInsecureHttp: id.allowInsecureHttp });
  }

  /**
   * Enrols this PC with a one-time code from the province. Refuses plain http:// to another
   * machine unless explicitly allowed, and a code of another unit than the one set up here.
   */
  async enroll(input: { hubUrl: string; code: string; deviceName: string; allowInsecureHttp?: boolean }): Promise<SyncEnrolResult> {
    const settings = this.opts.settings.require();
    const allowInsecureHttp = input.allowInsecureHttp ?? false;
    try {
      checkHubUrl(input.hubUrl, allowInsecureHttp);
    } catch (e) {
      throw new AppError('invalid', (e as Error).message, { hubUrl: (e as Error).message });
    }
    const hubUrl = input.hubUrl.replace(/\/+$/, '');
    const token = this.tokens.pendingToken(hubUrl, input.code);
    const client = new SyncClient({ timeoutMs: 30_000, ...this.opts.client, hubUrl, allowInsecureHttp, maxAttempts: 1 });
    let r: EnrollResponse | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        r = (await client.request('POST', '/enroll', { json: { enrolmentCode: input.code, deviceName: input.deviceName, deviceToken: token }, auth: false })).body as EnrollResponse;
        break;
      } catch (e) {
        if (e instanceof SyncError && e.retryable && attempt < 3) {
          await new Promise((res) => setTimeout(res, nextBackoffMs(attempt, { baseMs: 500, capMs: 5000 })));
          continue;
        }
        if (e instanceof SyncError) throw new AppError(e.status === 0 ? 'unavailable' : 'conflict', e.status === 0 ? `Không kết nối được hub của tỉnh: ${e.message}` : e.message);
        throw e;
      }
    }
    if (r.unitCode !== settings.unitCode) {
      // The pending token is kept: after correcting the unit code, the same code works again.
      throw new AppError(
        'conflict',
        `Mã đăng ký này thuộc đơn vị ${r.unitCode} (${r.unitName}), nhưng máy đang thiết lập cho đơn vị ${settings.unitCode}. ` +
          'Kiểm tra lại mã định danh đơn vị trong phần Cài đặt rồi đăng ký lại với cùng mã.',
      );
    }
    const before = this.identity();
    const enrolment: DeviceIdentity = {
      hubUrl,
      allowInsecureHttp,
      deviceId: r.deviceId,
      deviceName: input.deviceName,
      unitCode: r.unitCode,
      unitName: r.unitName,
      slot: r.slot,
      enrolledAt: this.opts.now(),
    };
    this.tokens.commit(r.deviceToken);
    this.db
      .transaction(() => {
        saveIdentity(this.db, enrolment);
        if (before && before.unitCode !== enrolment.unitCode) this.db.prepare('UPDATE sync_state SET pull_cursor = 0 WHERE id = 1').run();
        this.db.prepare('UPDATE sync_state SET hub_epoch = NULL WHERE id = 1').run(); // a new enrolment: the hub's epoch is learnt anew
        if (r.hubTime) this.db.prepare('UPDATE sync_state SET clock_skew_ms = ?, clock_checked_at = ? WHERE id = 1').run(r.hubTime - this.opts.now(), this.opts.now());
      })
      .immediate();
    this.awaitingApproval = r.approved === false;
    return { enrolment, warning: this.slotWarning(enrolment), awaitingApproval: this.awaitingApproval };
  }

  /** Codes and Mẫu 02 numbers issued before enrolment that the hub will refuse (outside the slot this PC received). */
  private slotWarning(id: DeviceIdentity): string | null {
    if (id.slot === UNENROLLED_SLOT) return null;
    const unsent = (type: SyncEventType) => (this.db.prepare(`SELECT body FROM outbox WHERE type = ? AND state <> 'acked'`).pluck().all(type) as string[]).map((b) => JSON.parse(b));
    const bad = unsent('dossier.received')
      .map((b: { code: string }) => b.code)
      .filter((c) => checkCodeForSlot(c, id.unitCode, id.slot) !== null);
    const slips = unsent('guidance.issued')
      .filter((b) => checkGuidanceNumberForSlot(b, id.slot) !== null)
      .map((b: { number: number }) => `${b.number}/HDHS`);
    if (!bad.length && !slips.length) return null;
    const issued = [
      bad.length ? `${bad.length} mã hồ sơ trong dải 1001–1999 (ví dụ ${bad.slice(0, 3).join(', ')})` : '',
      slips.length ? `${slips.length} phiếu hướng dẫn trong dải 10001–19999 (ví dụ ${slips.slice(0, 3).join(', ')})` : '',
    ].filter(Boolean);
    return (
      `Máy được cấp ô số ${id.slot} (mã hồ sơ ${id.slot}001–${id.slot}999), nhưng trước khi đăng ký máy đã cấp ${issued.join(' và ')}. ` +
      'Các số này có thể trùng với máy khác của đơn vị và sẽ bị tỉnh từ chối; ' +
      'hãy báo quản trị hệ thống của tỉnh. Đơn vị có nhiều máy nên đăng ký mỗi máy trước khi tiếp nhận hồ sơ đầu tiên.'
    );
  }

  // ---------- lock ----------

  private acquire(owner: string): boolean {
    return this.db
      .transaction(() => {
        const s = this.db.prepare('SELECT lock_owner AS owner, lock_until AS until FROM sync_state WHERE id = 1').get() as { owner: string | null; until: number | null };
        const now = Date.now();
        if (s.owner && s.owner !== owner && (s.until ?? 0) > now && ownerAlive(s.owner)) return false;
        this.db.prepare('UPDATE sync_state SET lock_owner = ?, lock_until = ? WHERE id = 1').run(owner, now + LEASE_MS);
        // Whoever was sending before us is gone: its in-flight rows go back to the queue.
        this.db.prepare(`UPDATE outbox SET state = 'queued' WHERE state = 'sending'`).run();
        return true;
      })
      .immediate();
  }

  private release(owner: string): void {
    if (this.closed) return;
    this.db.prepare('UPDATE sync_state SET lock_owner = NULL, lock_until = NULL WHERE id = 1 AND lock_owner = ?').run(owner);
  }

  /** At start-up: rows left 'sending' by a process that died go back to 'queued'. */
  private recoverInterrupted(): void {
    const owner = isoOwner();
    if (this.acquire(owner)) this.release(owner);
  }

  // ---------- a run ----------

  /** One full run (push, files, pull). Concurrent callers in this process share the run. */
  syncNow(onProgress?: (p: SyncProgress) => void): Promise<SyncRunReport> {
    if (this.running) return this.running;
    const run = this.runOnce(onProgress).finally(() => {
      this.running = null;
      for (const kind of ['sync', 'dossiers', 'pages'] as const) this.opts.changes?.emit({ kind }); // pulled changes, the queue moved
    });
    this.running = run;
    this.opts.changes?.emit({ kind: 'sync' });
    return run;
  }

  private async runOnce(onProgress?: (p: SyncProgress) => void): Promise<SyncRunReport> {
    const t0 = performance.now();
    const report: SyncRunReport = {
      ok: false,
      pushed: { accepted: 0, duplicates: 0, rejected: 0 },
      files: { uploaded: 0, failed: 0, bytes: 0 },
      pulled: { events: 0, dossiersAdded: 0, updates: 0 },
      downloads: { done: 0, failed: 0, bytes: 0 },
      failed: 0,
      remaining: 0,
      error: null,
      seconds: 0,
    };
    const id = this.identity();
    if (!id) throw new AppError('conflict', 'Máy chưa đăng ký đồng bộ với tỉnh. Vào mục Đồng bộ để đăng ký bằng mã do tỉnh cấp.');
    const client = this.client(id);
    const owner = isoOwner();
    if (!this.acquire(owner)) throw new AppError('conflict', 'Đang đồng bộ trong một cửa sổ hoặc tiến trình khác của ứng dụng; hãy chờ lượt đó xong.');
    const renew = setInterval(() => {
      if (!this.closed) this.db.prepare('UPDATE sync_state SET lock_until = ? WHERE id = 1 AND lock_owner = ?').run(Date.now() + LEASE_MS, owner);
    }, LEASE_MS / 4);
    renew.unref();
    const progress = (phase: SyncProgress['phase'], message: string) => onProgress?.({ phase, message });
    try {
      this.db.prepare('UPDATE sync_state SET last_attempt_at = ? WHERE id = 1').run(this.opts.now());
      // Records and files travel side by side: the link never idles during a round trip.
      const [pushR, filesR] = await Promise.allSettled([this.pushAll(client, id, report, progress), this.uploadAll(client, report, progress)]);
      const sendError: unknown = pushR.status === 'rejected' ? pushR.reason : filesR.status === 'rejected' ? filesR.reason : null;
      if (!sendError) this.markSynced();
      // A change or page that could not be sent never stops this PC from receiving the
      // others' changes (issue 13 §8): the pull runs anyway, and the run then reports the
      // stuck item.
      progress('pull', 'Đang nhận thay đổi từ tỉnh…');
      let pullError: unknown = null;
      try {
        if (await this.pullAll(client, id, report)) {
          // The hub was restored from an older copy: everything it lacks goes again (the hub
          // keeps each event once by its id), then what the others re-sent is pulled.
          progress('push', 'Hub của tỉnh đã được khôi phục từ bản sao lưu: đang gửi lại các thay đổi và trang…');
          await this.pushAll(client, id, report, progress);
          await this.uploadAll(client, report, progress);
        }
        await this.downloadAll(client, report, progress);
      } catch (e) {
        pullError = e;
      }
      this.recordSkew(client);
      const pending = [sendError, pullError].some((x) => x instanceof SyncError && x.code === DEVICE_PENDING_APPROVAL);
      if (pending) this.awaitingApproval = true;
      else if (!pullError) this.awaitingApproval = false; // the hub served the pull: approved
      if (sendError || pullError) throw sendError ?? pullError;
      const now = this.opts.now();
      this.db.prepare('UPDATE sync_state SET last_success_at = ?, last_error = NULL, last_error_at = NULL WHERE id = 1').run(now);
      report.ok = true;
    } catch (e) {
      const msg = e instanceof SyncError || e instanceof AppError ? e.message : `Lỗi khi đồng bộ: ${(e as Error).message}`;
      report.error = msg;
      if (!this.closed) {
        this.recordSkew(client);
        this.db.prepare('UPDATE sync_state SET last_error = ?, last_error_at = ? WHERE id = 1').run(msg, this.opts.now());
      }
    } finally {
      clearInterval(renew);
      this.release(owner);
    }
    if (!this.closed) {
      const c = this.counts();
      report.failed = c.failed;
      report.remaining = c.queued + c.sending;
      if (report.ok && report.failed > 0) report.ok = false;
    }
    report.seconds = Math.round((performance.now() - t0) / 100) / 10;
    progress(
      'done',
      report.error ? `Đồng bộ chưa xong: ${report.error}` : `Đã đồng bộ (${report.pushed.accepted + report.pushed.duplicates} thay đổi gửi, ${report.pulled.events} nhận, ${report.failed} lỗi).`,
    );
    return report;
  }

  private recordSkew(client: SyncClient): void {
    if (client.clockSkewMs === null || this.closed) return;
    this.db.prepare('UPDATE sync_state SET clock_skew_ms = ?, clock_checked_at = ? WHERE id = 1').run(client.clockSkewMs, this.opts.now());
  }

  private async pushAll(client: SyncClient, id: DeviceIdentity, report: SyncRunReport, progress: (p: SyncProgress['phase'], m: string) => void): Promise<void> {
    const pick = this.db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE state = 'queued' ORDER BY id LIMIT 500`);
    const markSending = this.db.prepare(`UPDATE outbox SET state = 'sending', batch_id = ?, attempts = attempts + 1, sent_at = ? WHERE id = ? AND state = 'queued'`);
    const markAcked = this.db.prepare(`UPDATE outbox SET state = 'acked', acked_at = ?, last_error = NULL WHERE id = ?`);
    const markFailed = this.db.prepare(`UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?`);
    const requeue = this.db.prepare(`UPDATE outbox SET state = 'queued', last_error = ? WHERE id = ? AND state = 'sending'`);
    for (;;) {
      if (this.closed) return;
      const rows = pick.all() as OutboxRow[];
      if (!rows.length) return;
      const events = rows.map((r) => toWireEvent(r, id));
      const batch = splitIntoBatches(events)[0];
      const sent = rows.slice(0, batch.length);
      const batchId = randomUUID();
      this.db.transaction(() => sent.forEach((r) => markSending.run(batchId, this.opts.now(), r.id))).immediate();
      progress('push', `Đang gửi ${sent.length} thay đổi…`);
      let res;
      try {
        res = await client.pushBatch(batchId, batch);
      } catch (e) {
        const msg = e instanceof SyncError ? e.message : (e as Error).message;
        if (!this.closed) this.db.transaction(() => sent.forEach((r) => requeue.run(msg, r.id))).immediate();
        throw e;
      }
      if (this.closed) return;
      const byId = new Map(res.results.map((x) => [x.eventId.toLowerCase(), x]));
      this.db
        .transaction(() => {
          for (const r of sent) {
            const x = byId.get(r.eventId.toLowerCase());
            if (!x) requeue.run('Hub không trả lời cho thay đổi này; sẽ gửi lại.', r.id);
            else if (x.outcome === 'rejected') markFailed.run(x.reason ?? 'Hub từ chối (không rõ lý do).', r.id);
            else markAcked.run(this.opts.now(), r.id);
          }
        })
        .immediate();
      report.pushed.accepted += res.accepted;
      report.pushed.duplicates += res.duplicates;
      report.pushed.rejected += res.rejected;
    }
  }

  /** Where the page store (pages/pageStore.ts) keeps a blob. */
  private blobPath(sha256: string): string {
    checkedSha256(sha256);
    return path.join(this.opts.dataDir, 'pages', sha256.slice(0, 2), sha256.slice(2, 4), `${sha256}.png`);
  }

  private async uploadAll(client: SyncClient, report: SyncRunReport, progress: (p: SyncProgress['phase'], m: string) => void): Promise<void> {
    const files = this.db.prepare(`SELECT sha256, size, mime FROM sync_files WHERE state = 'queued' ORDER BY created_at, sha256`).all() as { sha256: string; size: number; mime: string }[];
    if (!files.length) return;
    const verified = this.db.prepare(`UPDATE sync_files SET state = 'verified', verified_at = ?, last_error = NULL, attempts = attempts + 1 WHERE sha256 = ?`);
    const failed = this.db.prepare(`UPDATE sync_files SET state = 'failed', last_error = ?, attempts = attempts + 1 WHERE sha256 = ?`);
    const retry = this.db.prepare(`UPDATE sync_files SET last_error = ?, attempts = attempts + 1 WHERE sha256 = ?`);
    let next = 0;
    let done = 0;
    let stop: unknown = null;
    const worker = async () => {
      while (next < files.length && !stop && !this.closed) {
        const f = files[next++];
        const file = this.blobPath(f.sha256);
        let fh: fs.promises.FileHandle;
        try {
          fh = await fs.promises.open(file, 'r');
        } catch {
          failed.run(`Không tìm thấy tệp trang trên máy (${path.basename(file)}); trang không gửi được.`, f.sha256);
          report.files.failed++;
          continue;
        }
        try {
          const st = await client.uploadFile(
            f.sha256,
            f.size,
            async (offset, length) => {
              const buf = Buffer.alloc(length);
              const { bytesRead } = await fh.read(buf, 0, length, offset);
              return buf.subarray(0, bytesRead);
            },
            f.mime,
          );
          if (this.closed) return;
          if (st.complete) {
            verified.run(this.opts.now(), f.sha256);
            report.files.uploaded++;
            report.files.bytes += st.bytesSent;
            progress('files', `Đã gửi ${++done}/${files.length} trang số hoá.`);
          }
        } catch (e) {
          if (this.closed) return;
          const msg = (e as Error).message;
          if (e instanceof SyncError && !e.retryable && e.status >= 400 && e.status !== 401 && e.status !== 403) {
            failed.run(msg, f.sha256);
            report.files.failed++;
          } else {
            retry.run(msg, f.sha256);
            // The link or the device's rights: the others would fail the same way. The run's
            // error names the page that is stuck.
            stop = e instanceof SyncError ? new SyncError(`Trang ${f.sha256.slice(0, 12)}… chưa gửi được lên tỉnh: ${msg}`, e.status, e.code, e.retryable, e.details) : e;
          }
        } finally {
          await fh.close();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.opts.uploadConcurrency ?? 3, files.length) }, worker));
    if (stop) throw stop;
  }

  /** The files of other PCs' pages pulled so far (sync/download.ts); OCR is told of the new pages. */
  private async downloadAll(client: SyncClient, report: SyncRunReport, progress: (p: SyncProgress['phase'], m: string) => void): Promise<void> {
    const pages = this.opts.pages ?? { db: this.db, dataDir: this.opts.dataDir, now: this.opts.now, store: new PageStore(this.opts.dataDir), projector: this.opts.projector };
    const r = await downloadPending({
      pages,
      client,
      concurrency: this.opts.downloadConcurrency,
      isClosed: () => this.closed,
      onFile: (done, total) => progress('files', `Đã tải về ${done}/${total} trang số hoá của máy khác.`),
    });
    report.downloads = { done: r.done, failed: r.failed, bytes: r.bytes };
    pages.onQueued?.(); // pulled pages whose file was already here were queued for OCR by the pull
  }

  /** A dossier is synced when the hub acknowledged all its events and verified all its files. */
  private markSynced(): void {
    if (this.closed) return;
    this.db
      .prepare(
        `INSERT OR IGNORE INTO sync_dossiers (stream, synced_at)
         SELECT DISTINCT o.stream, ? FROM outbox o
         WHERE o.type = 'dossier.received' AND o.state = 'acked'
           AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.stream = o.stream AND x.state <> 'acked')
           AND NOT EXISTS (SELECT 1 FROM outbox x JOIN sync_files f ON f.sha256 = json_extract(x.body, '$.sha256')
                           WHERE x.stream = o.stream AND x.type = 'dossier.file_attached' AND f.state <> 'verified')`,
      )
      .run(this.opts.now());
  }

  /**
   * Pulls every page. The first page tells the hub's epoch and head (issue 13 §3): a new
   * epoch, or a stored cursor past the head, means the hub's database was restored or
   * replaced. The pull then starts again from 0 (what is already here is skipped by event id),
   * and every change and page this PC had sent is queued again; returns true then.
   */
  private async pullAll(client: SyncClient, id: DeviceIdentity, report: SyncRunReport): Promise<boolean> {
    const start = this.db.prepare('SELECT pull_cursor AS cursor, hub_epoch AS epoch FROM sync_state WHERE id = 1').get() as { cursor: number; epoch: string | null };
    const first = await client.pull(start.cursor, 1);
    let restored = false;
    if (first.epoch !== undefined) {
      restored = (start.epoch !== null && first.epoch !== start.epoch) || (first.head !== undefined && start.cursor > first.head);
      this.db
        .transaction(() => {
          this.db.prepare('UPDATE sync_state SET hub_epoch = ? WHERE id = 1').run(first.epoch);
          if (!restored) return;
          this.db.prepare('UPDATE sync_state SET pull_cursor = 0 WHERE id = 1').run();
          this.db.prepare(`UPDATE outbox SET state = 'queued', acked_at = NULL WHERE state = 'acked'`).run();
          this.db.prepare(`UPDATE sync_files SET state = 'queued' WHERE state = 'verified'`).run();
        })
        .immediate();
    }
    await this.pullPages(client, id, report);
    return restored;
  }

  private async pullPages(client: SyncClient, id: DeviceIdentity, report: SyncRunReport): Promise<void> {
    const cursor = this.db.prepare('SELECT pull_cursor FROM sync_state WHERE id = 1').pluck().get() as number;
    const problems: string[] = [];
    await client.pullAll(cursor, (page) => {
      if (this.closed) throw new Error('closed');
      const stats: ApplyStats = { events: 0, dossiersAdded: 0, updates: 0, problems };
      const { good, bad } = checkPulledItems(page.items, id.unitCode);
      problems.push(...keepSetAside(this.opts.dataDir, bad, this.opts.now()));
      this.db
        .transaction(() => {
          applyPulledItems(this.applyDeps(), id, good, stats);
          this.db.prepare('UPDATE sync_state SET pull_cursor = ? WHERE id = 1').run(page.cursor);
        })
        .immediate();
      report.pulled.events += stats.events;
      report.pulled.dossiersAdded += stats.dossiersAdded;
      report.pulled.updates += stats.updates;
    });
    if (problems.length) throw new Error(problems.join(' '));
  }

  // ---------- automatic mode ----------

  /**
   * Runs by itself: probes GET /v1/time; while the hub is unreachable, probes again with a
   * capped, jittered backoff (5 s … 5 min); when it answers, syncs (and again every periodMs).
   */
  start(): void {
    if (this.autoOn || this.closed) return;
    this.autoOn = true;
    this.schedule(1000);
  }

  stop(): void {
    this.autoOn = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextAttemptAt = null;
  }

  close(): void {
    this.stop();
    this.closed = true;
  }

  private schedule(ms: number): void {
    if (!this.autoOn) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextAttemptAt = Date.now() + ms;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref?.();
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.autoOn || this.closed) return;
    const id = this.identity();
    if (!id) return this.schedule(60_000);
    if (await this.probe(id)) {
      this.probeFailures = 0;
      try {
        const r = await this.syncNow();
        if (r.error && !this.closed) return this.schedule(nextBackoffMs(this.probeFailures++, { baseMs: 5000, capMs: 5 * 60_000 }));
      } catch {
        /* another process is syncing: try later */
      }
      return this.schedule(this.opts.periodMs ?? 60_000);
    }
    this.schedule(nextBackoffMs(this.probeFailures++, { baseMs: 5000, capMs: 5 * 60_000 }));
  }

  /** Is the hub reachable? Records the clock skew from its answer. */
  async probe(id: DeviceIdentity | null = this.identity()): Promise<boolean> {
    if (!id) return false;
    try {
      const c = new SyncClient({ hubUrl: id.hubUrl, allowInsecureHttp: id.allowInsecureHttp, timeoutMs: PROBE_TIMEOUT_MS, maxAttempts: 1 });
      await c.request('GET', '/time', { auth: false });
      this.reachable = true;
      this.recordSkew(c);
    } catch {
      this.reachable = false;
    }
    return this.reachable;
  }

  // ---------- status, failed items, conflicts ----------

  counts(): { queued: number; sending: number; failed: number; acked: number } {
    const c = { queued: 0, sending: 0, failed: 0, acked: 0 };
    for (const r of this.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as { state: keyof typeof c; n: number }[]) c[r.state] = r.n;
    return c;
  }

  /** Changes not yet at the hub: queued or in flight (failed ones are shown apart). */
  pendingCount(): number {
    const c = this.counts();
    const f = this.db.prepare(`SELECT count(*) FROM sync_files WHERE state = 'queued'`).pluck().get() as number;
    return c.queued + c.sending + f;
  }

  status(): SyncStatus {
    const id = this.identity();
    const s = this.db
      .prepare(
        `SELECT last_success_at AS lastSuccessAt, last_attempt_at AS lastAttemptAt, last_error AS lastError, last_error_at AS lastErrorAt,
                clock_skew_ms AS clockSkewMs FROM sync_state WHERE id = 1`,
      )
      .get() as Pick<SyncStatus, 'lastSuccessAt' | 'lastAttemptAt' | 'lastError' | 'lastErrorAt' | 'clockSkewMs'>;
    const files = { queued: 0, verified: 0, failed: 0 };
    for (const r of this.db.prepare('SELECT state, count(*) AS n FROM sync_files GROUP BY state').all() as { state: keyof typeof files; n: number }[]) files[r.state] = r.n;
    const downloads = { waiting: 0, failed: 0 };
    for (const r of this.db.prepare(`SELECT state, count(*) AS n FROM sync_downloads WHERE state <> 'done' GROUP BY state`).all() as { state: string; n: number }[]) {
      downloads[r.state === 'failed' ? 'failed' : 'waiting'] += r.n;
    }
    const rows = this.db
      .prepare(
        `SELECT o.id, o.type, o.body, o.state, o.attempts, o.last_error AS lastError, o.at, d.code AS dossierCode, d.id AS dossierId
         FROM outbox o LEFT JOIN dossiers d ON d.uid = o.stream
         WHERE o.state <> 'acked' ORDER BY CASE o.state WHEN 'failed' THEN 0 WHEN 'sending' THEN 1 ELSE 2 END, o.id LIMIT 200`,
      )
      .all() as {
      id: number;
      type: SyncEventType;
      body: string;
      state: SyncItem['state'];
      attempts: number;
      lastError: string | null;
      at: number;
      dossierCode: string | null;
      dossierId: number | null;
    }[];
    const items: SyncItem[] = rows.map((r) => ({
      id: r.id,
      type: r.type,
      label: itemLabel(r.type, r.body),
      dossierCode: r.dossierCode,
      dossierId: r.dossierId === null ? null : String(r.dossierId),
      state: r.state,
      attempts: r.attempts,
      reason: r.lastError,
      at: r.at,
    }));
    const open = this.db.prepare('SELECT count(*) FROM sync_conflicts WHERE resolved_by IS NULL').pluck().get() as number;
    return {
      enrolled: id,
      counts: this.counts(),
      files,
      downloads,
      items,
      running: this.running !== null,
      reachable: this.reachable,
      ...s,
      clockWarning: s.clockSkewMs !== null && Math.abs(s.clockSkewMs) > CLOCK_SKEW_WARNING_MS,
      openConflicts: open,
      nextAttemptAt: this.autoOn ? this.nextAttemptAt : null,
      awaitingApproval: id !== null && this.awaitingApproval,
    };
  }

  /** Failed items go back to the queue (after the cause was fixed at the hub, say). */
  retryFailed(): { requeued: number } {
    const a = this.db.prepare(`UPDATE outbox SET state = 'queued', attempts = 0 WHERE state = 'failed'`).run().changes;
    const b = this.db.prepare(`UPDATE sync_files SET state = 'queued', attempts = 0 WHERE state = 'failed'`).run().changes;
    return { requeued: a + b };
  }

  conflicts(): SyncConflict[] {
    const rows = this.db
      .prepare(
        `SELECT c.id, c.data, c.resolved_by AS resolvedBy, d.id AS dossierId, d.code, d.status
         FROM sync_conflicts c LEFT JOIN dossiers d ON d.uid = c.stream
         ORDER BY c.resolved_by IS NOT NULL, c.updated_at DESC LIMIT 500`,
      )
      .all() as { id: string; data: string; resolvedBy: string | null; dossierId: number | null; code: string | null; status: DossierStatus | null }[];
    return rows.map((r) => {
      const c = JSON.parse(r.data) as Conflict;
      const sideOf = (s: Conflict['other']) => ({ deviceId: s.deviceId, actor: s.actor, at: s.at, value: s.value, label: valueLabel(c, s.value) });
      return {
        id: r.id,
        dossierId: r.dossierId === null ? null : String(r.dossierId),
        dossierCode: r.code,
        kind: c.kind,
        reason: c.reason,
        base: c.base,
        kept: c.kept ? sideOf(c.kept) : null,
        other: sideOf(c.other),
        resolved: r.resolvedBy !== null,
        currentStatus: r.status,
      };
    });
  }

  /**
   * Settles a conflict by choosing the status the dossier should have: a status move from the
   * current (derived) status when it differs, and dossier.conflict_resolved, both in the
   * outbox in one transaction with the local change; every device converges on it.
   */
  resolveConflict(input: { conflictId: string; status: DossierStatus; note: string }): SyncConflict[] {
    const id = this.identity();
    if (!id) throw new AppError('conflict', 'Máy chưa đăng ký đồng bộ với tỉnh.');
    const actor = this.opts.settings.get()?.clerkName ?? '';
    this.db
      .transaction(() => {
        const c = this.db.prepare('SELECT stream, resolved_by AS resolvedBy FROM sync_conflicts WHERE id = ?').get(input.conflictId) as { stream: string; resolvedBy: string | null } | undefined;
        if (!c) throw new AppError('not_found', 'Không tìm thấy xung đột này (có thể đã được giải quyết).');
        if (c.resolvedBy) throw new AppError('conflict', 'Xung đột này đã được giải quyết.');
        const row = this.db.prepare('SELECT id, status FROM dossiers WHERE uid = ?').get(c.stream) as { id: number; status: DossierStatus } | undefined;
        if (!row) throw new AppError('not_found', 'Hồ sơ của xung đột chưa có trên máy này.');
        const now = this.opts.now();
        const note = input.note || 'Giải quyết xung đột đồng bộ';
        const open = this.db.prepare('SELECT id FROM sync_conflicts WHERE stream = ? AND resolved_by IS NULL').pluck().all(c.stream) as string[];
        // The chosen status (a move from the current one) and the settlement, through the
        // projector like every change: the row, timeline and conflicts follow the new events.
        const move = input.status !== row.status ? [{ type: 'dossier.status_changed' as const, stream: c.stream, at: now, actor, body: { from: row.status, to: input.status, note } }] : [];
        this.opts.projector.record([...move, { type: 'dossier.conflict_resolved', stream: c.stream, at: now, actor, body: { conflictIds: open, note } }]);
      })
      .immediate();
    return this.conflicts();
  }

  /** The facts decideOnClose (closing.ts) needs. */
  closeFacts(): CloseFacts {
    return { pending: this.pendingCount(), failed: this.counts().failed, enrolled: this.identity() !== null };
  }

  /** Closing the window: a last sync, given at most `timeoutMs` (it goes on in the background if longer). */
  async trySyncFor(timeoutMs: number): Promise<void> {
    const run = this.syncNow().catch(() => null);
    await Promise.race([run, new Promise<void>((r) => setTimeout(r, timeoutMs).unref?.())]);
  }
}

function itemLabel(type: SyncEventType, body: string): string {
  const base = TYPE_LABELS[type] ?? type;
  try {
    const b = JSON.parse(body) as { from?: DossierStatus; to?: DossierStatus; page?: number; componentId?: string; number?: number; year?: number; path?: EditableField };
    if (type === 'dossier.status_changed' && b.from && b.to) return `${base}: ${STATUS_LABELS[b.from]} → ${STATUS_LABELS[b.to]}`;
    if (type === 'dossier.file_attached' || type === 'dossier.file_removed') return `${base}: trang ${b.page}`; // the internal component code is no clerk's word
    if (type === 'guidance.issued') return `${base} số ${b.number}/${b.year}`;
    if (type === 'dossier.field_edited' && b.path) return `${base}: ${FIELD_LABELS[b.path] ?? b.path}`;
  } catch {
    /* label only */
  }
  return base;
}

function valueLabel(c: Conflict, v: unknown): string {
  if (c.kind === 'status' && typeof v === 'number') return `${v} – ${STATUS_LABELS[v as DossierStatus] ?? ''}`;
  // A field conflict names the field: 'Số điện thoại: 0987654321'.
  if (c.kind === 'field' && c.path) return `${FIELD_LABELS[c.path as EditableField] ?? c.path}: ${fieldValueText(c.path as EditableField, v)}`;
  return typeof v === 'string' ? v : JSON.stringify(v);
}
