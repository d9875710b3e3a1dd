import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestHub } from '../sync-support/hubHarness';
import { SyncClient, SyncError, enroll, checkHubUrl, nextBackoffMs } from '../../electron/services/sync/client';
import { sha256Hex } from '../../server/hub';

const UNIT = '000.00.13.H12';

describe('client guards (no hub)', () => {
  it('refuses plain http:// to anything but loopback unless allowed', () => {
    expect(() => checkHubUrl('http://hub.tinh.gov.vn')).toThrow(/Từ chối đồng bộ qua http:\/\/ không mã hoá/);
    expect(() => checkHubUrl('http://10.0.0.5:8080')).toThrow(SyncError);
    expect(checkHubUrl('http://10.0.0.5:8080', true).host).toBe('10.0.0.5:8080');
    expect(checkHubUrl('http://127.0.0.1:8080').hostname).toBe('127.0.0.1');
    expect(checkHubUrl('http://localhost:1').hostname).toBe('localhost');
    expect(checkHubUrl('http://[::1]:1').hostname).toBe('[::1]');
    expect(checkHubUrl('https://hub.tinh.gov.vn').protocol).toBe('https:');
    expect(() => checkHubUrl('ftp://x')).toThrow(/https:\/\//);
    expect(() => new SyncClient({ hubUrl: 'http://example.vn' })).toThrow(/http:\/\//);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(nextBackoffMs(0, { baseMs: 1000, random: () => 0 })).toBe(500);
    expect(nextBackoffMs(0, { baseMs: 1000, random: () => 1 })).toBe(1000);
    expect(nextBackoffMs(3, { baseMs: 1000, random: () => 1 })).toBe(8000);
    expect(nextBackoffMs(50, { baseMs: 1000, capMs: 60_000, random: () => 1 })).toBe(60_000);
    expect(nextBackoffMs(50, { baseMs: 1000, capMs: 60_000, random: () => 0 })).toBe(30_000);
    const xs = new Set(Array.from({ length: 50 }, () => nextBackoffMs(4)));
    expect(xs.size).toBeGreaterThan(10);
  });
});

describe.each(await backends())('enrolment on %s', (backend) => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub(backend);
    await h.hub.createUnit(UNIT, 'UBND xã Định Mỹ', true);
    await h.hub.createUnit('000.00.14.H12', 'UBND xã Bên cạnh', true);
  });
  afterAll(async () => h?.stop());

  it('gives a device a token, a slot and its unit; the code works once; only hashes are stored', async () => {
    const { code } = await h.hub.createEnrolmentCode(UNIT);
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(code).not.toMatch(/[01OIL5SB8]/);
    const e = await enroll(h.url, code.toLowerCase().replace(/-/g, ' '), 'Máy tiếp nhận 1');
    expect(e.unitCode).toBe(UNIT);
    expect(e.unitName).toBe('UBND xã Định Mỹ');
    expect(e.slot).toBeGreaterThanOrEqual(1);
    const again = await enroll(h.url, code, 'Máy khác').catch((x: SyncError) => x);
    expect(again).toBeInstanceOf(SyncError);
    expect((again as SyncError).status).toBe(409);
    expect((again as SyncError).message).toMatch(/đã được dùng/);
    // Nothing in the database holds the code or the token in clear.
    const dump = JSON.stringify([(await h.db.query('SELECT * FROM enrolment_codes')).rows, (await h.db.query('SELECT * FROM devices')).rows]);
    expect(dump).not.toContain(e.deviceToken);
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(code.replace(/-/g, ''));
    expect(dump).toContain(sha256Hex(e.deviceToken));
  });

  it('two devices racing with one code: exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const { code } = await h.hub.createEnrolmentCode(UNIT);
      const rs = await Promise.allSettled([enroll(h.url, code, 'A'), enroll(h.url, code, 'B'), enroll(h.url, code, 'C')]);
      expect(rs.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of rs) if (r.status === 'rejected') expect((r.reason as SyncError).status).toBe(409);
    }
  });

  it('a retry with the same device token after a lost reply returns the same enrolment', async () => {
    const { code } = await h.hub.createEnrolmentCode(UNIT);
    const token = 'dt_' + 'x'.repeat(43);
    const a = await h.hub.enroll(code, 'Máy 7', token);
    const b = await h.hub.enroll(code, 'Máy 7', token);
    expect(b).toEqual(a);
    await expect(h.hub.enroll(code, 'Máy 8', 'dt_' + 'y'.repeat(43))).rejects.toMatchObject({ status: 409 });
  });

  it('refuses an expired or unknown code with a clear message', async () => {
    const { code } = await h.hub.createEnrolmentCode(UNIT, 0.0001);
    await new Promise((r) => setTimeout(r, 600));
    await expect(enroll(h.url, code, 'Muộn')).rejects.toMatchObject({ status: 410, message: expect.stringMatching(/hết hạn/) });
    await expect(enroll(h.url, 'AAAA-AAAA-AAAA-AAAA', 'Lạ')).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/không đúng/) });
  });

  it('active devices of a unit hold distinct slots; a revoked device is refused with a clear 401', async () => {
    const d1 = await h.device('000.00.14.H12', 'Máy 1');
    const d2 = await h.device('000.00.14.H12', 'Máy 2');
    expect(d1.slot).not.toBe(d2.slot);
    expect((await d1.client.pull(0)).items).toEqual([]);
    expect(await h.hub.revokeDevice(d1.deviceId)).toBe(true);
    const err = await d1.client.pull(0).catch((e: SyncError) => e);
    expect(err).toBeInstanceOf(SyncError);
    expect((err as SyncError).status).toBe(401);
    expect((err as SyncError).code).toBe('device_revoked');
    expect((err as SyncError).message).toMatch(/đã bị thu hồi/);
    expect((err as SyncError).retryable).toBe(false);
    // The revoked slot is not given again the same day.
    const d3 = await h.device('000.00.14.H12', 'Máy 3');
    expect([d1.slot, d2.slot]).not.toContain(d3.slot);
    const list = await h.hub.listDevices('000.00.14.H12');
    expect(list.map((d) => d.revoked)).toEqual([true, false, false]);
  });
});
