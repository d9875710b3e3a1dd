// Helpers for the app-side sync tests: an app (real services on a temp folder) enrolled with a
// REAL hub (test/sync-support/hubHarness.ts), optionally through the fault proxy.
import { attachPages } from '../../electron/services/pages/attachEvents';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { dispatch } from '../../electron/ipc/dispatch';
import { openAppServices, type AppServices } from '../../electron/services/app';
import type { CallInput, CallOutput, Channel } from '../../shared/ipc/contract';
import { UNIT, receiveInput, APPLICANT } from '../electron/helpers/services';
import type { TestHub } from '../sync-support/hubHarness';
import { OUTBOX_COLUMNS, toWireEvent, type OutboxRow } from '../../electron/services/events/outbox';
import type { SyncEvent } from '../../shared/sync/protocol';
import type { OcrEngine } from '../../electron/services/pages/ocrQueue';

export { UNIT, receiveInput, APPLICANT };

export interface SyncTestApp {
  dir: string;
  services: AppServices;
  call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>>;
  close(): void;
}

const dirs: string[] = [];

export function removeSyncTempDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export interface SyncAppOptions {
  dir?: string;
  now?: () => number;
  /** A fake OCR engine (test/pages/helpers.ts fakeEngine): pages added or pulled are not read by tesseract. */
  ocrEngine?: (size: number) => Promise<OcrEngine>;
}

export function openSyncApp(opts: SyncAppOptions = {}): SyncTestApp {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sync-app-'));
  if (!opts.dir) dirs.push(dir);
  const services = openAppServices({
    dataDir: dir,
    now: opts.now,
    appVersion: 'test',
    ocrWorkers: 1,
    ocrEngine: opts.ocrEngine,
    sync: { client: { backoff: { baseMs: 20, capMs: 200 }, timeoutMs: 30_000, maxAttempts: 6 } },
  });
  const call = async <C extends Channel>(channel: C, input: CallInput<C>) => {
    const r = await dispatch(services.handlers, channel, input);
    if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code}: ${r.error.message}`), { callError: r.error });
    return r.value as CallOutput<C>;
  };
  return { dir, services, call, close: () => services.close() };
}

export async function configuredSyncApp(opts: SyncAppOptions = {}): Promise<SyncTestApp> {
  const app = openSyncApp(opts);
  if (!(await app.call('app.info', {})).settings) await app.call('settings.save', UNIT);
  return app;
}

const units = new WeakMap<TestHub, Set<string>>();

/** A fresh enrolment code of the unit (created on first use). */
export async function enrolmentCode(h: TestHub, unitCode = UNIT.unitCode): Promise<string> {
  let s = units.get(h);
  if (!s) units.set(h, (s = new Set()));
  if (!s.has(unitCode)) {
    await h.hub.createUnit(unitCode, `UBND xã ${unitCode}`, true); // its PCs work at once (approval: test/hub/approval.test.ts)
    s.add(unitCode);
  }
  return (await h.hub.createEnrolmentCode(unitCode)).code;
}

export async function enrolApp(app: SyncTestApp, h: TestHub, hubUrl: string = h.url, name = 'Máy tiếp nhận') {
  const code = await enrolmentCode(h);
  return app.call('sync.enroll', { hubUrl, code, deviceName: name });
}

/** Every event the app made, as sent on the wire. */
export function madeEvents(app: SyncTestApp): SyncEvent[] {
  const id = app.services.sync.identity()!;
  return (app.services.db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox ORDER BY id`).all() as OutboxRow[]).map((r) => toWireEvent(r, id));
}

export function outboxStates(app: SyncTestApp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of app.services.db.prepare('SELECT state, count(*) AS n FROM outbox GROUP BY state').all() as { state: string; n: number }[]) out[r.state] = r.n;
  return out;
}

/**
 * A compact page attached the way the pages service stores it (blob in dataDir/pages, a
 * pages row in one transaction): the sync trigger turns it into dossier.file_attached.
 */
export function attachPage(app: SyncTestApp, dossierId: string, componentId: string, bytes: Buffer, position = 1): string {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const file = path.join(app.dir, 'pages', sha.slice(0, 2), sha.slice(2, 4), `${sha}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  const now = Date.now();
  const db = app.services.db;
  // The row as addPages writes it, and its dossier.file_attached through the projector.
  db.transaction(() => {
    const id = Number(
      db
        .prepare(
          `INSERT INTO pages (dossier_id, component_id, position, sha256, mime, byte_size, width, height, dpi, source, file_name,
             compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at)
           VALUES (?, ?, ?, ?, 'image/png', ?, 1000, 1400, 200, 'file', '', ?, ?, ?, ?, 'Nguyễn Thị Lan', ?)`,
        )
        .run(Number(dossierId), componentId, position, sha, bytes.length, sha, bytes.length, sha, now, now).lastInsertRowid,
    );
    attachPages(db, app.services.projector, Number(dossierId), [{ id, componentId, position, compactSha256: sha, compactSize: bytes.length, createdAt: now, actor: 'Nguyễn Thị Lan' }]);
  }).immediate();
  return sha;
}

/** A receive input with a distinct applicant (valid CCCD for 1990 births in province 089). */
export function applicantNo(i: number): CallInput<'dossiers.receive'> {
  return receiveInput({ applicant: { ...APPLICANT, fullName: `Nguyễn Văn ${['An', 'Bình', 'Cường', 'Dũng', 'Hải', 'Khoa', 'Long', 'Minh'][i % 8]}` } });
}
