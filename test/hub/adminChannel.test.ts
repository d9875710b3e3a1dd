// Admin commands while a REAL hub process serves on PGlite: the CLI runs as separate processes
// against the same data folder and its commands go through the hub's admin channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SyncClient, SyncError, enroll } from '../../electron/services/sync/client';
import { LOCK_FILE } from '../../server/adminChannel';
import type { LockInfo } from '../../server/adminChannel';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UNIT = '000.00.13.H12';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(p));
    });
  });
}

describe('admin commands while the hub serves on PGlite', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let hubPort: number;
  let hubUrl: string;
  let hub: ChildProcess;
  let hubLog = '';
  let staleLock: string;
  const lockFile = () => path.join(dir, LOCK_FILE);
  const readLock = () => JSON.parse(readFileSync(lockFile(), 'utf8')) as LockInfo;

  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', 'server/main.ts', ...args], { cwd: ROOT, env }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    });
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-admin-'));
    hubPort = await freePort();
    hubUrl = `http://127.0.0.1:${hubPort}`;
    env = { ...process.env, HUB_DATA_DIR: dir, HUB_HOST: '127.0.0.1', HUB_PORT: String(hubPort), HUB_WORKERS: '1' };
    delete env.DATABASE_URL;
    // A lock left by a killed hub: its pid is gone, nothing listens on its port.
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.once('exit', r));
    staleLock = JSON.stringify({ pid: dead.pid, role: 'serve', host: '127.0.0.1', port: await freePort(), secret: 'x'.repeat(43), since: new Date().toISOString() });
    writeFileSync(lockFile(), staleLock, { mode: 0o600 });
    hub = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`hub did not start: ${hubLog}`)), 90_000);
      hub.stderr!.on('data', (d: Buffer) => {
        hubLog += d.toString();
        if (hubLog.includes('đang phục vụ')) {
          clearTimeout(t);
          resolve();
        }
      });
      hub.once('exit', (code) => reject(new Error(`hub exited ${code}: ${hubLog}`)));
    });
  });

  afterAll(async () => {
    if (hub && hub.exitCode === null) {
      const exited = new Promise((r) => hub.once('exit', r));
      hub.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes over the stale lock of a dead process; the new lock is private and names its own loopback channel', () => {
    const lock = readLock();
    expect(lock.pid).toBe(hub.pid);
    expect(lock.role).toBe('serve');
    expect(lock.host).toBe('127.0.0.1');
    expect(lock.port).not.toBe(hubPort);
    expect(lock.secret).not.toBe(JSON.parse(staleLock).secret);
    if (process.platform !== 'win32') expect(statSync(lockFile()).mode & 0o777).toBe(0o600);
  });

  it('refuses a wrong secret, and the channel is not on any other interface', async () => {
    const lock = readLock();
    const run = (secret: string) =>
      fetch(`http://127.0.0.1:${lock.port}/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ command: 'unit:create', opts: { code: '000.00.99.H12', name: 'Kẻ lạ' }, inputs: {} }),
      });
    for (const secret of ['', 'x'.repeat(43), lock.secret.slice(0, -1) + (lock.secret.endsWith('A') ? 'B' : 'A')]) {
      const r = await run(secret);
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: string }).error).toMatch(/Mã bí mật của kênh quản trị không đúng/);
    }
    const noAuth = await fetch(`http://127.0.0.1:${lock.port}/ping`);
    expect(noAuth.status).toBe(401);
    // Nothing was created: checked with the next test's commands.

    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: external.address, port: lock.port });
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    }
  });

  let listedWhileServing = '';
  it('unit:create, enroll:create, publish, export, devices:list and devices:revoke run in the serving hub', async () => {
    const unit = await cli('unit:create', '--code', UNIT, '--name', 'UBND xã Định Mỹ');
    expect(unit).toMatchObject({ code: 0, stdout: `Đã tạo đơn vị ${UNIT}.\n` });

    const code = await cli('enroll:create', '--unit', UNIT, '--ttl-hours', '2');
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\n$/);
    expect(code.stderr).toMatch(/^Mã đăng ký dùng một lần, hết hạn lúc /);
    // The code works for a real enrol request to the same hub.
    const e = await enroll(hubUrl, code.stdout.trim(), 'Máy tiếp nhận 1');
    expect(e.unitCode).toBe(UNIT);
    // A unit made by unit:create approves no device by itself: the device waits for the officer.
    expect(e.approved).toBe(false);
    const client = new SyncClient({ hubUrl, deviceToken: e.deviceToken, timeoutMs: 10_000 });
    expect(await client.pull(0).catch((x: unknown) => x)).toMatchObject({
      status: 403,
      code: 'device_pending_approval',
      message: expect.stringMatching(/đang chờ cán bộ quản trị của tỉnh duyệt/),
    });
    const pending = await cli('devices:list', '--unit', UNIT);
    expect(pending.stdout).toMatch(new RegExp(`^${e.deviceId}\t${UNIT}\tô ${e.slot}\tCHỜ DUYỆT\tMáy tiếp nhận 1\tđăng ký \\S+ từ \\S*127\\.0\\.0\\.1\tchưa duyệt\t`, 'm'));
    expect(await cli('devices:approve', e.deviceId.slice(0, 8))).toMatchObject({
      code: 0,
      stdout: `Đã duyệt máy "Máy tiếp nhận 1" (${e.deviceId}) của đơn vị ${UNIT}; máy đồng bộ được từ lần kết nối tới.\n`,
    });
    expect(await cli('devices:approve', e.deviceId)).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Lỗi: Máy "Máy tiếp nhận 1" đã được duyệt lúc /) });

    // A file named on the CLI's side is read there; --out is written there.
    const catalogue = path.join(dir, 'catalogue.json');
    writeFileSync(catalogue, JSON.stringify({ procedures: [] }));
    const out = path.join(dir, 'hoso.json');
    const [pub, exp, listed] = await Promise.all([
      cli('publish:catalogue', '--file', catalogue, '--version', '2026.2'),
      cli('export:national', '--unit', UNIT, '--out', out),
      cli('devices:list', '--unit', UNIT),
    ]);
    expect(pub).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Đã phát hành catalogue 2026\.2 \(con trỏ \d+\)\.\n$/) });
    expect(exp).toMatchObject({ code: 0, stderr: `Đã ghi 0 hồ sơ, 0 bước xử lý vào ${out}.\n` });
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ unitCode: UNIT, DongBoHoSoMC: [], CapNhatTienDoHoSoMC: [] });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${e.deviceId}\t${UNIT}\tô ${e.slot}\thoạt động\tMáy tiếp nhận 1\t.*\tduyệt \\S+ \\(tỉnh\\)\t`, 'm'));

    expect((await client.pull(0)).items).toContainEqual(expect.objectContaining({ kind: 'catalogue', version: '2026.2', payload: { procedures: [] } }));

    expect(await cli('devices:revoke', '--device', e.deviceId)).toMatchObject({ code: 0, stdout: 'Đã thu hồi máy.\n' });
    const err = await client.pull(0).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(SyncError);
    expect(err).toMatchObject({ status: 401, code: 'device_revoked' });

    // Failures: the same message and exit code as when run directly.
    const [again, bad, stranger, after] = await Promise.all([
      cli('devices:revoke', '--device', e.deviceId),
      cli('unit:create', '--code', 'khong-hop-le', '--name', 'X'),
      cli('enroll:create', '--unit', '000.00.99.H12'), // the unit the wrong-secret requests tried to create
      cli('devices:list'),
    ]);
    expect(again).toMatchObject({ code: 1, stdout: 'Không có máy đang hoạt động với mã này.\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Lỗi: Mã định danh đơn vị không hợp lệ/);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toMatch(/^Lỗi: Không có đơn vị 000\.00\.99\.H12/);
    expect(after.stdout).toContain(`${e.deviceId}\t${UNIT}\tô ${e.slot}\tĐÃ THU HỒI`);
    listedWhileServing = after.stdout;
  });

  it('refuses a second serve on the folder without touching it', async () => {
    const before = readFileSync(lockFile(), 'utf8');
    const [second, listed] = await Promise.all([cli('serve'), cli('devices:list')]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `Lỗi: Thư mục dữ liệu ${dir} đang được một hub khác phục vụ (tiến trình ${hub.pid}). PGlite chỉ mở được trong một tiến trình: các lệnh quản trị tự gửi tới hub đang chạy; muốn khởi động lại thì dừng hub đó trước.\n`,
    );
    expect(readFileSync(lockFile(), 'utf8')).toBe(before);
    expect(hub.exitCode).toBeNull();
    expect(listed.stdout).toBe(listedWhileServing);
  });

  it('after the hub stops, the lock is gone and the commands open the folder directly with the same output', async () => {
    const exited = new Promise((r) => hub.once('exit', r));
    hub.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(lockFile())).toBe(false);
    const direct = await cli('devices:list');
    expect(direct.code).toBe(0);
    expect(direct.stdout).toBe(listedWhileServing);
    expect(existsSync(lockFile())).toBe(false);
  });
});
