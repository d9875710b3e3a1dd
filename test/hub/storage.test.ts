// Issue 13 §2: quotas and cleaning. A page past the unit's or the device's quota is refused
// with 507 and a Vietnamese reason that reaches the device's sync state (the page marked
// failed, the pull not stopped); expired partial uploads and blobs no event refers to are
// collected, a referenced blob never is. PGlite and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { backends, startTestHub } from '../sync-support/hubHarness';
import { SyncClient, SyncError } from '../../electron/services/sync/client';
import { runCaptured } from '../../server/commands';
import { applicantNo, attachPage, configuredSyncApp, enrolApp, removeSyncTempDirs, UNIT, type SyncTestApp } from '../sync-app/support';

afterAll(() => removeSyncTempDirs());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const reader = (buf: Buffer) => (o: number, n: number) => buf.subarray(o, o + n);
const codes = (app: SyncTestApp) => app.services.db.prepare('SELECT code FROM dossiers ORDER BY code').pluck().all() as string[];
const fileRow = (app: SyncTestApp, s: string) =>
  app.services.db.prepare('SELECT state, last_error AS lastError FROM sync_files WHERE sha256 = ?').get(s) as { state: string; lastError: string | null };
const DAY = 24 * 3600_000;

describe.each(await backends())('storage quotas on %s', (backend) => {
  it('a page past the unit quota: 507, the page failed with the Vietnamese reason, the pull done all the same', async () => {
    const h = await startTestHub(backend, { storage: { perUnitBytes: 250_000 } });
    const apps: SyncTestApp[] = [];
    try {
      const scanner = await configuredSyncApp();
      const other = await configuredSyncApp();
      apps.push(scanner, other);
      await enrolApp(scanner, h, h.url, 'Quầy quét');
      await enrolApp(other, h, h.url, 'Quầy bên');
      const o = await other.call('dossiers.receive', applicantNo(1));
      expect((await other.call('sync.now', {})).ok).toBe(true);

      const d = await scanner.call('dossiers.receive', applicantNo(2));
      const big = attachPage(scanner, d.id, 'banchinh', randomBytes(300_000));
      await scanner.call('sync.now', {});
      const row = fileRow(scanner, big);
      expect(row.state).toBe('failed');
      expect(row.lastError).toMatch(/Đơn vị đã dùng hết hạn mức lưu trữ tại tỉnh/);
      expect(codes(scanner)).toContain(o.code); // the pull was not stopped
      expect((await scanner.call('sync.status', {})).files.failed).toBe(1);
      expect((await h.db.query('SELECT 1 FROM uploads WHERE sha256 = $1', [big])).rows).toHaveLength(0);
    } finally {
      for (const a of apps) a.close();
      await h.stop();
    }
  }, 60_000);

  it('the device quota: 507 quota_device once the device’s own files fill it; another device of the unit still sends', async () => {
    const h = await startTestHub(backend, { storage: { perDeviceBytes: 150_000 } });
    try {
      const a = await h.device(UNIT.unitCode, 'Quầy 1');
      const b = await h.device(UNIT.unitCode, 'Quầy 2');
      const first = randomBytes(100_000);
      expect((await a.client.uploadFile(sha(first), first.length, reader(first), 'image/png')).complete).toBe(true);
      const second = randomBytes(100_000);
      const err = await a.client.uploadFile(sha(second), second.length, reader(second), 'image/png').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SyncError);
      expect((err as SyncError).status).toBe(507);
      expect((err as SyncError).code).toBe('quota_device');
      expect((err as SyncError).retryable).toBe(false);
      expect((err as SyncError).message).toMatch(/Máy này đã dùng hết hạn mức lưu trữ/);
      expect((await b.client.uploadFile(sha(second), second.length, reader(second), 'image/png')).complete).toBe(true);

      const report = (await h.hub.storageReport()).find((r) => r.unitCode === UNIT.unitCode)!;
      expect(report).toMatchObject({ files: 2, bytes: 200_000, partials: 0 });
      // `npm run hub -- storage:report` prints the same, one line per unit.
      const cli = await runCaptured(h, 'storage:report', {}, {});
      expect(cli.code).toBe(0);
      expect(cli.output).toContainEqual(['out', `${UNIT.unitCode}\t2\t0.2\t0\t0.0`]);
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describe.each(await backends())('storage cleaning on %s', (backend) => {
  it('expired partials and orphan blobs are collected; a blob an event attaches never is', async () => {
    const h = await startTestHub(backend);
    const apps: SyncTestApp[] = [];
    try {
      const app = await configuredSyncApp();
      apps.push(app);
      await enrolApp(app, h, h.url, 'Quầy quét');
      const d = await app.call('dossiers.receive', applicantNo(3));
      const kept = attachPage(app, d.id, 'banchinh', randomBytes(120_000));
      expect((await app.call('sync.now', {})).ok).toBe(true);
      expect(await h.hub.blobs.has(kept)).toBe(true);

      const dev = await h.device(UNIT.unitCode, 'Quầy 2');
      const orphanBytes = randomBytes(90_000);
      const orphan = sha(orphanBytes);
      await dev.client.uploadFile(orphan, orphanBytes.length, reader(orphanBytes), 'image/png');
      const partialBytes = randomBytes(150_000);
      const partial = sha(partialBytes);
      const cut = new SyncClient({ hubUrl: h.url, deviceToken: dev.token, chunkBytes: 64 * 1024 });
      let reads = 0;
      await expect(cut.uploadFile(partial, partialBytes.length, (o, n) => (++reads > 1 ? Promise.reject(new Error('mất điện')) : partialBytes.subarray(o, o + n)))).rejects.toThrow(/mất điện/);
      const partFile = path.join(h.dataDir, 'uploads', `${partial}.${dev.deviceId}.part`);
      expect(existsSync(partFile)).toBe(true);
      expect((await h.hub.storageReport()).find((r) => r.unitCode === UNIT.unitCode)).toMatchObject({ files: 2, partials: 1 });

      // Within the grace period and the partial's lifetime: nothing goes.
      expect(await h.hub.cleanStorage(Date.now() + DAY)).toEqual({ partials: 0, partialBytes: 0, orphans: 0, orphanBytes: 0 });
      expect(await h.hub.blobs.has(orphan)).toBe(true);

      // Past both: the partial and the orphan go, the attached page stays.
      const r = await h.hub.cleanStorage(Date.now() + 8 * DAY);
      expect(r).toMatchObject({ partials: 1, orphans: 1, orphanBytes: 90_000 });
      expect(existsSync(partFile)).toBe(false);
      expect((await h.db.query('SELECT 1 FROM uploads WHERE sha256 = $1', [partial])).rows).toHaveLength(0);
      expect(await h.hub.blobs.has(orphan)).toBe(false);
      expect((await h.db.query('SELECT 1 FROM files WHERE sha256 = $1', [orphan])).rows).toHaveLength(0);
      expect(await h.hub.blobs.has(kept)).toBe(true);
      expect((await h.hub.fileForDownload({ deviceId: dev.deviceId, unitCode: UNIT.unitCode, unitName: '', slot: dev.slot, name: '' }, kept)).size).toBe(120_000);
      // Collected again later: still kept.
      expect((await h.hub.cleanStorage(Date.now() + 400 * DAY)).orphans).toBe(0);
      expect(await h.hub.blobs.has(kept)).toBe(true);
    } finally {
      for (const a of apps) a.close();
      await h.stop();
    }
  }, 60_000);
});
