// Automatic mode: the engine probes GET /v1/time, backs off while the hub is unreachable,
// and syncs by itself once it answers; the clock skew is recorded from the hub's time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { saveIdentity, TOKEN_FILE_NAME } from '../../electron/services/sync/identity';
import { FaultProxy } from '../sync-support/faultProxy';
import { BUILTIN_CATALOGUE } from '../../shared/data/catalogue/index';
import { configuredSyncApp, enrolApp, enrolmentCode, outboxStates, receiveInput, removeSyncTempDirs } from './support';

let h: TestHub;
beforeAll(async () => {
  h = await startTestHub('pglite');
});
afterAll(async () => {
  await h?.stop();
  removeSyncTempDirs();
});

const until = async (f: () => boolean, ms = 15_000) => {
  const t0 = Date.now();
  while (!f()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('automatic sync', () => {
  it('syncs by itself when the hub answers', async () => {
    const a = await configuredSyncApp();
    try {
      await enrolApp(a, h);
      await a.call('dossiers.receive', receiveInput());
      a.services.sync.start();
      await until(() => outboxStates(a).acked === 1 && a.services.sync.status().lastSuccessAt !== null);
      const st = a.services.sync.status();
      expect(st.reachable).toBe(true);
      expect(st.lastSuccessAt).not.toBeNull();
      expect(st.clockSkewMs).not.toBeNull();
    } finally {
      a.close();
    }
  });

  it('while the hub is unreachable it backs off and keeps everything queued', async () => {
    const a = await configuredSyncApp();
    try {
      const e = (await enrolApp(a, h)).enrolment;
      // The PC now points at an address where nothing listens (the hub is "down").
      saveIdentity(a.services.db, { ...e, hubUrl: 'http://127.0.0.1:9' });
      await a.call('dossiers.receive', receiveInput());
      a.services.sync.start();
      await until(() => a.services.sync.status().reachable === false);
      const st = a.services.sync.status();
      // Next probe: capped, jittered backoff from 5 s.
      expect(st.nextAttemptAt! - Date.now()).toBeGreaterThan(2000);
      expect(outboxStates(a)).toEqual({ queued: 1 });
      expect((await a.call('sync.status', {})).counts.queued).toBe(1);
    } finally {
      a.close();
    }
  });

  it('one run at a time: a live process holding the lease refuses a second run; a dead one does not block', async () => {
    const a = await configuredSyncApp();
    try {
      await enrolApp(a, h);
      await a.call('dossiers.receive', receiveInput());
      const db = a.services.db;
      db.prepare('UPDATE sync_state SET lock_owner = ?, lock_until = ? WHERE id = 1').run(`${os.hostname()}:${process.pid}:other`, Date.now() + 60_000);
      await expect(a.call('sync.now', {})).rejects.toThrow(/tiến trình khác/);
      // Concurrent calls in one process share the same run.
      db.prepare('UPDATE sync_state SET lock_owner = ?, lock_until = ? WHERE id = 1').run(`${os.hostname()}:999999999:dead`, Date.now() + 60_000);
      const [r1, r2] = await Promise.all([a.call('sync.now', {}), a.call('sync.now', {})]);
      expect(r1).toEqual(r2);
      expect(r1.ok).toBe(true);
      expect(outboxStates(a)).toEqual({ acked: 1 });
      expect(db.prepare('SELECT lock_owner FROM sync_state').pluck().get()).toBeNull();
    } finally {
      a.close();
    }
  });

  it('enrolment survives a lost reply (same self-made token, same enrolment) and keeps the token private', async () => {
    const proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port) });
    const a = await configuredSyncApp();
    try {
      const code = await enrolmentCode(h);
      proxy.dropNextReply('POST /v1/enroll');
      const r = await a.call('sync.enroll', { hubUrl: proxy.url, code: code.toLowerCase().replace(/-/g, ' '), deviceName: 'Máy mất trả lời' });
      expect(proxy.stats.droppedReplies).toBe(1);
      expect(r.enrolment.slot).toBeGreaterThanOrEqual(1);
      const devices = (await h.hub.listDevices(r.enrolment.unitCode)).filter((d) => d.name === 'Máy mất trả lời');
      expect(devices).toHaveLength(1);
      const st = fs.statSync(path.join(a.dir, TOKEN_FILE_NAME));
      if (process.platform !== 'win32') expect(st.mode & 0o777).toBe(0o600);
      expect(JSON.stringify(await a.call('sync.status', {}))).not.toContain('dt_');
    } finally {
      a.close();
      await proxy.close();
    }
  });

  it('applies the catalogue and holiday updates the province publishes', async () => {
    const a = await configuredSyncApp();
    try {
      await enrolApp(a, h);
      const p0 = BUILTIN_CATALOGUE.procedures[0];
      const catalogue = {
        ...BUILTIN_CATALOGUE,
        id: 'tinh-2026',
        version: 2,
        procedures: BUILTIN_CATALOGUE.procedures.map((p, i) => (i === 0 ? { ...p, name: `${p.name} (cập nhật của tỉnh)` } : p)),
      };
      await h.hub.publish('catalogue', '2026.2', catalogue);
      await h.hub.publish('holidays', '2027.1', [
        { date: '2027-04-30', name: 'Ngày Giải phóng miền Nam (tỉnh công bố)', kind: 'off' },
        { date: '2027-05-08', name: 'Làm bù', kind: 'work' },
      ]);
      const r = await a.call('sync.now', {});
      expect(r.error).toBeNull();
      expect(r.pulled.updates).toBe(2);
      expect((await a.call('procedures.get', { code: p0.code })).name).toContain('cập nhật của tỉnh');
      const days = await a.call('holidays.list', { year: 2027 });
      expect(days.find((d) => d.date === '2027-05-08')).toMatchObject({ kind: 'work' });
    } finally {
      a.close();
    }
  });
});
