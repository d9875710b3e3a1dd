// Issue 13 §3: a hub restored from an older backup is detected. Two counters work, the hub's
// database is backed up, they keep working, the hub is restored from that backup (PostgreSQL:
// pg_dump → pg_restore into a new database; PGlite: its data folder from dumpDataDir), and
// they keep working: both notice the new epoch, pull again from the start, re-send what the
// hub lacks, and converge, with nothing lost or duplicated at the hub or on either PC.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { openHub, type OpenHub } from '../../server/app';
import { startHubServer, type RunningHubServer } from '../../server/http';
import type { PgliteDb } from '../../server/db';
import { backends, createTempDatabase, expectHubHoldsExactly, PG_ADMIN_URL } from '../sync-support/hubHarness';
import { applicantNo, configuredSyncApp, madeEvents, removeSyncTempDirs, UNIT, type SyncTestApp } from '../sync-app/support';

afterAll(() => removeSyncTempDirs());

const codes = (app: SyncTestApp) => app.services.db.prepare('SELECT code FROM dossiers ORDER BY code').pluck().all() as string[];

describe.each(await backends())('a hub restored from an older backup on %s', (backend) => {
  it('is detected; both devices re-pull and re-send, and converge with nothing lost or duplicated', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-restore-'));
    let temp = backend === 'pg' ? await createTempDatabase() : null;
    const apps: SyncTestApp[] = [];
    let opened: OpenHub | null = null;
    let server: RunningHubServer | null = null;
    let port = 0;
    const start = async () => {
      opened = await openHub({ databaseUrl: temp?.url, dataDir });
      server = await startHubServer(opened.hub, { host: '127.0.0.1', port, log: () => undefined });
      port = Number(new URL(server.url).port);
    };
    const stop = async () => {
      await server?.close();
      await opened?.close();
      server = null;
      opened = null;
    };
    try {
      await start();
      const h = opened!;
      await h.hub.createUnit(UNIT.unitCode, UNIT.unitName, true);
      const a = await configuredSyncApp();
      const b = await configuredSyncApp();
      apps.push(a, b);
      const url = server!.url;
      await a.call('sync.enroll', { hubUrl: url, code: (await h.hub.createEnrolmentCode(UNIT.unitCode)).code, deviceName: 'Quầy 1' });
      await b.call('sync.enroll', { hubUrl: url, code: (await h.hub.createEnrolmentCode(UNIT.unitCode)).code, deviceName: 'Quầy 2' });
      const sync = async (app: SyncTestApp) => {
        const r = await app.call('sync.now', {});
        expect(r.error).toBeNull();
      };
      let n = 0;
      const work = async (app: SyncTestApp) => {
        await app.call('dossiers.receive', applicantNo(n++));
        await sync(app);
      };
      await work(a);
      await work(b);
      await sync(a);
      const epochBefore = h.hub.epoch;

      // The backup.
      let backup: Blob | null = null;
      const dumpFile = path.join(dataDir, 'backup.dump');
      if (temp) execFileSync('pg_dump', ['-Fc', '-f', dumpFile, temp.url]);
      else backup = await ((h.db as PgliteDb).pglite.dumpDataDir('none') as Promise<Blob>);

      // They keep working; both PCs' cursors move past what the backup holds.
      await work(a);
      await work(b);
      await work(a);
      await sync(b);

      // The restore.
      await stop();
      if (temp) {
        const restored = await createTempDatabase();
        execFileSync('pg_restore', ['--no-owner', '-d', restored.url, dumpFile]);
        await temp.drop();
        temp = restored;
      } else {
        rmSync(path.join(dataDir, 'db'), { recursive: true, force: true });
        const db = await PGlite.create(path.join(dataDir, 'db'), { loadDataDir: backup! });
        await db.close();
      }
      await start();
      expect(opened!.hub.epoch).not.toBe(epochBefore);

      // Work goes on; every PC syncs twice (the second run brings what the other re-sent).
      await work(b);
      await sync(a);
      await sync(b);
      await sync(a);

      const ids = [a, b].map((x) => x.services.sync.identity()!.deviceId);
      const made = [...madeEvents(a), ...madeEvents(b)];
      expect(await expectHubHoldsExactly(opened!, ids, made)).toBeNull();
      expect(codes(a)).toHaveLength(n);
      expect(codes(a)).toEqual(codes(b));
      for (const app of [a, b]) {
        const st = await app.call('sync.status', {});
        expect(st.counts).toMatchObject({ queued: 0, sending: 0, failed: 0 });
      }
    } finally {
      for (const x of apps) x.close();
      await stop();
      await temp?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
