// Issue 13 §8: sync messages for clerks. A cut or refused link is told in words, never as a
// library code (UND_ERR_SOCKET, ECONNREFUSED); `sync` names what still waits (pages to send,
// pages to fetch) and exits non-zero while anything does; `seed` refuses an enrolled folder.
import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { SyncClient, SyncError } from '../../electron/services/sync/client';
import { syncCommand } from '../../electron/cli/syncCommands';
import { runCli } from '../../electron/cli/run';
import { backends, startTestHub } from '../sync-support/hubHarness';
import { applicantNo, attachPage, configuredSyncApp, enrolApp, removeSyncTempDirs } from '../sync-app/support';

afterAll(() => removeSyncTempDirs());

const RAW_CODE = /\b(UND_ERR_[A-Z_]+|E[A-Z]{4,}|ERR_[A-Z_]+)\b/;

function sink(): { stream: Writable; text: () => string } {
  let s = '';
  return { stream: new Writable({ write: (c, _e, cb) => ((s += c.toString()), cb()) }), text: () => s };
}

async function captureStderr<T>(fn: () => Promise<T>): Promise<{ value: T; err: string }> {
  const orig = process.stderr.write.bind(process.stderr);
  let err = '';
  process.stderr.write = ((c: string | Uint8Array) => ((err += c.toString()), true)) as typeof process.stderr.write;
  try {
    return { value: await fn(), err };
  } finally {
    process.stderr.write = orig;
  }
}

describe('network failures in words', () => {
  it('a refused connection and a socket cut mid-answer carry no library code', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const cutter = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"items":');
      res.socket?.destroy();
    });
    await new Promise<void>((r) => cutter.listen(0, '127.0.0.1', () => r()));
    try {
      for (const port of [closed, (cutter.address() as net.AddressInfo).port]) {
        const c = new SyncClient({ hubUrl: `http://127.0.0.1:${port}`, deviceToken: 'dt_' + 'x'.repeat(40), maxAttempts: 1 });
        const e = await c.pull(0).catch((x: SyncError) => x);
        expect(e).toBeInstanceOf(SyncError);
        expect((e as SyncError).message).not.toMatch(RAW_CODE);
        expect((e as SyncError).message).toMatch(/hub của tỉnh|Hub/);
      }
    } finally {
      cutter.close();
    }
  });
});

describe.each(await backends())('sync and seed from the command line on %s', (backend) => {
  it('`sync` exits non-zero while pages wait to be sent or fetched, and says which; `seed` refuses an enrolled folder', async () => {
    const h = await startTestHub(backend);
    try {
      const a = await configuredSyncApp();
      const b = await configuredSyncApp();
      await enrolApp(a, h, h.url, 'Quầy quét');
      await enrolApp(b, h, h.url, 'Quầy bên');
      h.hub.faults.afterBlobStored = () => {
        throw new Error('ổ đĩa của hub lỗi');
      };
      const d = await a.call('dossiers.receive', applicantNo(5));
      attachPage(a, d.id, 'banchinh', randomBytes(50_000));
      const ra = await captureStderr(() => syncCommand(a.services, false, sink().stream));
      expect(ra.value).toBe(1);
      expect(ra.err).toMatch(/Còn chờ: 1 trang chưa gửi lên tỉnh/);
      // B has the dossier and its page record, not the page's bytes: it waits, and says so.
      const rb = await captureStderr(() => syncCommand(b.services, false, sink().stream));
      expect(rb.err).toMatch(/1 trang chưa tải về từ tỉnh/);
      expect(rb.value).toBe(1);

      delete h.hub.faults.afterBlobStored;
      expect((await captureStderr(() => syncCommand(a.services, false, sink().stream))).value).toBe(0);
      const done = await captureStderr(() => syncCommand(b.services, false, sink().stream));
      expect(done.err).toMatch(/không còn gì chờ/);
      expect(done.value).toBe(0);

      const dir = b.dir;
      a.close();
      b.close();
      const seeded = await captureStderr(() => runCli(['seed', '--count', '5', '--data-dir', dir], sink().stream));
      expect(seeded.value).toBe(1);
      expect(seeded.err).toMatch(/đã đăng ký đồng bộ với tỉnh: không tạo dữ liệu mẫu/);
    } finally {
      await h.stop();
    }
  }, 120_000);
});
