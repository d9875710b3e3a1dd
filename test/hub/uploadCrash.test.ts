// Issue 13 §8: a crash at the wrong moment never blocks a PC. The hub (a real child process)
// is killed with SIGKILL between the blob store and the database at the last chunk of a page;
// restarted, it completes that upload at the device's next run, and that run also pulls the
// other counter's changes. In-process: an upload the hub keeps failing never stops the pull,
// and the run's error names the page. PGlite (a data folder) and PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { backends, createTempDatabase, startTestHub } from '../sync-support/hubHarness';
import { openHub } from '../../server/app';
import { applicantNo, attachPage, configuredSyncApp, enrolApp, removeSyncTempDirs, UNIT, type SyncTestApp } from '../sync-app/support';

const root = path.resolve(import.meta.dirname, '..', '..');

afterAll(() => removeSyncTempDirs());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function startHubProcess(env: Record<string, string>): Promise<{ child: ChildProcess; exited: Promise<NodeJS.Signals | number | null>; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', 'serve'], { cwd: root, env: { ...process.env, HUB_WORKERS: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start: ${log}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('đang phục vụ')) {
        clearTimeout(timer);
        resolve({ child, exited, log: () => log });
      }
    });
    child.once('exit', () => reject(new Error(`hub exited: ${log}`)));
  });
}

const codes = (app: SyncTestApp) => app.services.db.prepare('SELECT code FROM dossiers ORDER BY code').pluck().all() as string[];
const fileState = (app: SyncTestApp, sha: string) => app.services.db.prepare('SELECT state FROM sync_files WHERE sha256 = ?').pluck().get(sha);

describe.each(await backends())('a hub killed mid-finish on %s', (backend) => {
  it('SIGKILL between the blob store and the database: the next run finishes the page and pulls the other counter’s changes', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-kill-'));
    const temp = backend === 'pg' ? await createTempDatabase() : null;
    const dbEnv: Record<string, string> = { HUB_DATA_DIR: dataDir, ...(temp ? { DATABASE_URL: temp.url } : {}) };
    let hub: Awaited<ReturnType<typeof startHubProcess>> | null = null;
    const apps: SyncTestApp[] = [];
    try {
      // The unit and two enrolment codes, written before the hub process opens the folder.
      const admin = await openHub({ databaseUrl: temp?.url, dataDir });
      await admin.hub.createUnit(UNIT.unitCode, UNIT.unitName ?? 'UBND xã', true);
      const enrol = [(await admin.hub.createEnrolmentCode(UNIT.unitCode)).code, (await admin.hub.createEnrolmentCode(UNIT.unitCode)).code];
      await admin.close();

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      hub = await startHubProcess({ ...dbEnv, HUB_PORT: String(port), HUB_TEST_FAULT: 'kill-after-blob-stored' });
      const scanner = await configuredSyncApp();
      const other = await configuredSyncApp();
      apps.push(scanner, other);
      await scanner.call('sync.enroll', { hubUrl: url, code: enrol[0], deviceName: 'Quầy quét' });
      await other.call('sync.enroll', { hubUrl: url, code: enrol[1], deviceName: 'Quầy bên' });

      const d = await scanner.call('dossiers.receive', applicantNo(1));
      const sha = attachPage(scanner, d.id, 'banchinh', randomBytes(300_000));
      const killed = await scanner.call('sync.now', {});
      expect(await hub.exited).toBe('SIGKILL');
      expect(killed.ok).toBe(false);
      expect(fileState(scanner, sha)).toBe('queued'); // not given up: the next run resumes

      // Restarted without the fault; meanwhile the other counter receives a dossier.
      hub = await startHubProcess({ ...dbEnv, HUB_PORT: String(port) });
      const o = await other.call('dossiers.receive', applicantNo(2));
      expect((await other.call('sync.now', {})).ok).toBe(true);
      // The scanner's dossier, acknowledged right before the kill, survived it (flushed).
      expect(codes(other)).toContain(d.code);

      const next = await scanner.call('sync.now', {});
      expect(next.error).toBeNull();
      expect(next.ok).toBe(true);
      expect(fileState(scanner, sha)).toBe('verified');
      expect(codes(scanner)).toContain(o.code);
      const st = await other.call('sync.status', {});
      expect(st.downloads.failed).toBe(0);
    } finally {
      for (const a of apps) a.close();
      if (hub && hub.child.exitCode === null && hub.child.signalCode === null) {
        hub.child.kill('SIGTERM');
        await hub.exited;
      }
      await temp?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe.each(await backends())('a stuck upload on %s', (backend) => {
  it('an upload the hub keeps refusing never stops the pull; the run names the page', async () => {
    const h = await startTestHub(backend);
    try {
      const scanner = await configuredSyncApp();
      const other = await configuredSyncApp();
      await enrolApp(scanner, h, h.url, 'Quầy quét');
      await enrolApp(other, h, h.url, 'Quầy bên');
      const o = await other.call('dossiers.receive', applicantNo(3));
      expect((await other.call('sync.now', {})).ok).toBe(true);

      h.hub.faults.afterBlobStored = () => {
        throw new Error('ổ đĩa của hub lỗi');
      };
      const d = await scanner.call('dossiers.receive', applicantNo(4));
      const sha = attachPage(scanner, d.id, 'banchinh', randomBytes(100_000));
      const r = await scanner.call('sync.now', {});
      expect(r.ok).toBe(false);
      expect(r.error).toContain(`Trang ${sha.slice(0, 12)}`);
      expect(codes(scanner)).toContain(o.code); // pulled all the same
      expect((await scanner.call('sync.status', {})).lastError).toContain(sha.slice(0, 12));

      delete h.hub.faults.afterBlobStored;
      expect((await scanner.call('sync.now', {})).ok).toBe(true);
      expect(fileState(scanner, sha)).toBe('verified');
      scanner.close();
      other.close();
    } finally {
      await h.stop();
    }
  }, 120_000);
});
