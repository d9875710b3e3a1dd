// kill -9 in the middle of a sync: the CLI `sync` runs in a child process against a slow
// link (fault proxy), is killed while requests are in flight, and a second `sync` finishes
// the work. The hub then holds exactly the device's events (none twice, none missing) and
// byte-identical page files; the device's outbox is all acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { backends, expectHubHoldsExactly, startTestHub, type TestHub } from '../sync-support/hubHarness';
import { FaultProxy } from '../sync-support/faultProxy';
import { applicantNo, attachPage, configuredSyncApp, enrolApp, madeEvents, openSyncApp, outboxStates, removeSyncTempDirs } from './support';

const root = path.resolve(import.meta.dirname, '..', '..');

function cliSync(dataDir: string): { child: ChildProcess; stderr: () => string; done: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/cli.ts', 'sync', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => err, done };
}

afterAll(() => removeSyncTempDirs());

describe.each(await backends())('kill -9 mid-sync on %s', (backend) => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub(backend);
  });
  afterAll(async () => h?.stop());

  it('a crash between commit and push loses nothing: every dossier saved before kill -9 reaches the hub', async () => {
    const app = await configuredSyncApp();
    const { enrolment } = await enrolApp(app, h, h.url, 'Máy mất điện');
    const dir = app.dir;
    app.close();
    // A child saves dossiers one by one (printing each after its commit) and dies mid-way.
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/electron/helpers/saver.ts', dir, '100000', String(Date.now())], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const saved: string[] = [];
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) if (l.startsWith('SAVED ')) saved.push(l.split(' ')[2]);
      if (saved.length >= 60) child.kill('SIGKILL');
    });
    await new Promise((r) => child.once('exit', r));
    expect(child.signalCode).toBe('SIGKILL');
    const again = openSyncApp({ dir });
    try {
      const r = await again.call('sync.now', {});
      expect(r.ok).toBe(true);
      const made = madeEvents(again);
      expect(made.length).toBeGreaterThanOrEqual(60);
      expect(await expectHubHoldsExactly(h, [enrolment.deviceId], made)).toBeNull();
      const atHub = new Set((await h.db.query<{ code: string }>('SELECT code FROM dossiers WHERE unit_code = $1', [enrolment.unitCode])).rows.map((x) => x.code));
      for (const code of saved) expect(atHub.has(code), code).toBe(true);
    } finally {
      again.close();
    }
  });

  it('a killed CLI sync, restarted, leaves the hub with exactly what the device made', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), upBitsPerSec: 1_000_000, downBitsPerSec: 1_000_000, latencyMs: 50 });
    try {
      const app = await configuredSyncApp();
      const { enrolment } = await enrolApp(app, h, proxy.url, 'Máy bị tắt ngang');
      for (let i = 0; i < 40; i++) {
        const d = await app.call('dossiers.receive', applicantNo(i));
        await app.call('dossiers.transition', { id: d.id, to: 4, note: 'Chuyển xử lý' });
        attachPage(app, d.id, 'banchinh', randomBytes(40_000 + i * 17));
      }
      const dir = app.dir;
      app.close();

      const hubCounts = async () => ({
        events: (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM events WHERE device_id = $1', [enrolment.deviceId])).rows[0].n,
        files: (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM files WHERE verified')).rows[0].n,
      });
      const filesBefore = (await hubCounts()).files;
      // Killed twice: first while the first push request is on the wire, then with pages in
      // flight; each time the process dies without a chance to clean up.
      for (const upBytes of [proxy.stats.upBytes + 3_000, proxy.stats.upBytes + 400_000]) {
        const run = cliSync(dir);
        const t0 = Date.now();
        while (proxy.stats.upBytes < upBytes && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
        run.child.kill('SIGKILL');
        expect(await run.done).toBeNull();
        expect(run.child.signalCode).toBe('SIGKILL');
      }
      const mid = await hubCounts();
      expect(mid.files - filesBefore).toBeLessThan(40); // really killed mid-way

      // Second run (a fresh process: the dead one's lease and 'sending' rows are recovered).
      proxy.setLink({ upBitsPerSec: 0, downBitsPerSec: 0, latencyMs: 5 });
      const second = cliSync(dir);
      expect(await second.done, second.stderr()).toBe(0);

      const again = openSyncApp({ dir });
      try {
        const made = madeEvents(again);
        expect(made.length).toBe(120);
        expect(outboxStates(again)).toEqual({ acked: 120 });
        expect(await expectHubHoldsExactly(h, [enrolment.deviceId], made)).toBeNull();
        const files = again.services.db.prepare(`SELECT sha256, state FROM sync_files`).all() as { sha256: string; state: string }[];
        expect(files).toHaveLength(40);
        for (const f of files) {
          expect(f.state).toBe('verified');
          const local = fs.readFileSync(path.join(dir, 'pages', f.sha256.slice(0, 2), f.sha256.slice(2, 4), `${f.sha256}.png`));
          expect(Buffer.compare(await h.hub.blobs.read(f.sha256), local)).toBe(0);
        }
        expect(again.services.db.prepare('SELECT count(*) FROM sync_dossiers').pluck().get()).toBe(40);
        const st = again.services.sync.status();
        expect(st.counts).toMatchObject({ queued: 0, sending: 0, failed: 0, acked: 120 });
      } finally {
        again.close();
      }
    } finally {
      await proxy.close();
    }
  });
});
