// Issue 13 §4: a new device is usable only once the province officer approves it
// (`devices:approve`), unless its unit is set to auto-approve (`units:set --auto-approve`).
// A pending device's push, pull and file requests are refused with 403 device_pending_approval
// and a Vietnamese reason, and store nothing; `devices:list` shows pending/approved, when and
// from which address; every enrolment stays in `enrolments:list`. Migration 010 keeps the
// devices enrolled before it working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { backends, createTempDatabase, startTestHub } from '../sync-support/hubHarness';
import type { Backend, TestHub } from '../sync-support/hubHarness';
import { SyncError } from '../../electron/services/sync/client';
import { runCaptured } from '../../server/commands';
import { PgDb, PgliteDb, loadMigrations, migrate } from '../../server/db';
import type { Db } from '../../server/db';
import { DEVICE_PENDING_APPROVAL } from '../../shared/sync/protocol';

const UNIT = '000.00.13.H12';

/** What a command prints to stdout, and its exit code (run as the CLI runs it in a serving hub). */
async function command(h: TestHub, name: string, opts: Record<string, string> = {}) {
  const r = await runCaptured(h, name, opts, {});
  return { code: r.code, out: r.output.filter(([s]) => s === 'out').map(([, l]) => l), err: r.output.filter(([s]) => s === 'err').map(([, l]) => l) };
}

const refusal = (e: unknown) => (e instanceof SyncError ? { status: e.status, code: e.code, message: e.message } : e);

describe.each(await backends())('device approval on %s', (backend) => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub(backend, { autoApprove: false });
  });
  afterAll(async () => h?.stop());

  it('a pending device is refused on push, pull and files, stores nothing, and works once approved', async () => {
    const d = await h.device(UNIT, 'Quầy 1');
    const devices = await h.hub.listDevices(UNIT);
    const row = devices.find((x) => x.device_id === d.deviceId)!;
    expect(row).toMatchObject({ approved_at: null, approved_by: null, revoked: false });
    expect(row.enrolled_from).toMatch(/127\.0\.0\.1$/);

    const id = randomBytes(16).toString('hex');
    const events = [d.maker.received(id), d.maker.status(id, 2, 4, 'Chuyển xử lý')];
    const page = randomBytes(3000);
    const sha = createHash('sha256').update(page).digest('hex');
    const pendingReason = {
      status: 403,
      code: DEVICE_PENDING_APPROVAL,
      message: expect.stringMatching(/^Máy "Quầy 1" đã đăng ký với tỉnh lúc \d\d:\d\d \d\d\/\d\d\/\d{4} và đang chờ cán bộ quản trị của tỉnh duyệt\./),
    };
    expect(refusal(await d.client.push(events).catch((e: unknown) => e))).toMatchObject(pendingReason);
    expect(refusal(await d.client.pull(0).catch((e: unknown) => e))).toMatchObject(pendingReason);
    expect(refusal(await d.client.uploadFile(sha, page.length, (o, n) => page.subarray(o, o + n)).catch((e: unknown) => e))).toMatchObject(pendingReason);
    expect(refusal(await d.client.syncState(id).catch((e: unknown) => e))).toMatchObject(pendingReason);
    // Not retried as a passing fault: the refusal is final for this run.
    expect(await d.client.pull(0).catch((e: unknown) => (e as SyncError).retryable)).toBe(false);
    const stored = await h.db.query<{ n: number }>(
      `SELECT (SELECT count(*)::int FROM events WHERE device_id = $1) + (SELECT count(*)::int FROM uploads WHERE device_id = $1)
              + (SELECT count(*)::int FROM file_units WHERE device_id = $1) AS n`,
      [d.deviceId],
    );
    expect(stored.rows[0].n).toBe(0);
    const seen = await h.db.query<{ last_seen_at: Date | null }>('SELECT last_seen_at FROM devices WHERE device_id = $1', [d.deviceId]);
    expect(seen.rows[0].last_seen_at).toBeNull();

    // The officer sees it waiting, with when and from where, and approves it by the start of its id.
    const listed = await command(h, 'devices:list', { unit: UNIT });
    const line = listed.out.find((l) => l.startsWith(d.deviceId))!;
    expect(line.split('\t')).toEqual([
      d.deviceId,
      UNIT,
      `ô ${d.slot}`,
      'CHỜ DUYỆT',
      'Quầy 1',
      expect.stringMatching(/^đăng ký \d{4}-\d\d-\d\dT\S+ từ \S*127\.0\.0\.1$/),
      'chưa duyệt',
      'lần cuối —',
      'seq 0',
    ]);
    expect(await command(h, 'units:list')).toMatchObject({ code: 0, out: [`${UNIT}\tUBND xã ${UNIT}\tduyệt từng máy\t1 máy\t1 chờ duyệt`] });
    const approved = await command(h, 'devices:approve', { _: d.deviceId.slice(0, 8).toUpperCase() });
    expect(approved).toMatchObject({ code: 0, out: [`Đã duyệt máy "Quầy 1" (${d.deviceId}) của đơn vị ${UNIT}; máy đồng bộ được từ lần kết nối tới.`] });

    // The same client, the same events and page: everything goes through now.
    const pushed = await d.client.push(events);
    expect(pushed).toMatchObject({ accepted: 2, rejected: 0 });
    expect((await d.client.uploadFile(sha, page.length, (o, n) => page.subarray(o, o + n))).complete).toBe(true);
    expect((await d.client.pull(0)).more).toBe(false);
    // The unit's other counter, once approved too, receives them.
    const other = await h.device(UNIT, 'Quầy 2');
    expect(refusal(await other.client.pull(0).catch((e: unknown) => e))).toMatchObject({ status: 403, code: DEVICE_PENDING_APPROVAL });
    await h.hub.approveDevice(other.deviceId);
    const pulled = (await other.client.pull(0)).items.flatMap((x) => (x.kind === 'event' ? [x.event.eventId] : []));
    expect(pulled).toEqual(events.map((e) => e.eventId));
    const after = (await command(h, 'devices:list', { unit: UNIT })).out.find((l) => l.startsWith(d.deviceId))!.split('\t');
    expect(after[3]).toBe('hoạt động');
    expect(after[6]).toMatch(/^duyệt \d{4}-\d\d-\d\dT\S+ \(tỉnh\)$/);

    // Approving again, an unknown id, a revoked device: refused with the reason, nothing changes.
    expect(await command(h, 'devices:approve', { device: d.deviceId })).toMatchObject({ code: 1, err: [expect.stringMatching(/^Lỗi: Máy "Quầy 1" đã được duyệt lúc /)] });
    expect(await command(h, 'devices:approve', { _: 'khongcomay' })).toMatchObject({ code: 1, err: ['Lỗi: Không có máy nào mang mã khongcomay. Xem mã máy bằng devices:list.'] });
    expect(await command(h, 'devices:approve', {})).toMatchObject({ code: 1, err: ['Lỗi: Thiếu --device.'] });
    const stray = await h.device(UNIT, 'Máy lạ');
    await h.hub.revokeDevice(stray.deviceId);
    expect(await command(h, 'devices:approve', { _: stray.deviceId })).toMatchObject({ code: 1, err: [expect.stringMatching(/^Lỗi: Máy "Máy lạ" đã bị thu hồi; không duyệt được\./)] });
    expect(refusal(await stray.client.pull(0).catch((e: unknown) => e))).toMatchObject({ status: 401, code: 'device_revoked' });
  });

  it('a unit set to auto-approve lets its new devices work at once; set back, the next one waits again; every enrolment is listed', async () => {
    const unit = '000.00.14.H12';
    await h.hub.createUnit(unit, 'UBND xã Bên cạnh');
    expect(await command(h, 'units:set', { _: unit, 'auto-approve': 'true' })).toMatchObject({ code: 0, out: [`Đơn vị ${unit}: máy mới đăng ký được dùng ngay, không cần duyệt.`] });
    const { code } = await h.hub.createEnrolmentCode(unit);
    const res = await fetch(new URL('/v1/enroll', h.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrolmentCode: code, deviceName: 'Quầy tự duyệt', deviceToken: `dt_${randomBytes(32).toString('base64url')}` }),
    });
    expect(res.status).toBe(201);
    const enrolled = (await res.json()) as { deviceId: string; approved: boolean };
    expect(enrolled.approved).toBe(true);
    const auto = await h.device(unit, 'Quầy 2');
    expect((await auto.client.pull(0)).cursor).toBeGreaterThanOrEqual(0);
    expect((await h.hub.listDevices(unit)).find((x) => x.device_id === auto.deviceId)).toMatchObject({ approved_by: 'tự động' });

    expect(await command(h, 'units:set', { _: unit, 'auto-approve': 'false' })).toMatchObject({
      code: 0,
      out: [`Đơn vị ${unit}: máy mới đăng ký phải chờ cán bộ của tỉnh duyệt (devices:approve).`],
    });
    const waiting = await h.device(unit, 'Quầy 3');
    expect(refusal(await waiting.client.pull(0).catch((e: unknown) => e))).toMatchObject({ status: 403, code: DEVICE_PENDING_APPROVAL });
    // The devices approved before stay approved.
    expect((await auto.client.pull(0)).cursor).toBeGreaterThanOrEqual(0);
    expect(await command(h, 'units:set', { _: '000.00.99.H12', 'auto-approve': 'true' })).toMatchObject({ code: 1, err: [expect.stringMatching(/^Lỗi: Không có đơn vị 000\.00\.99\.H12/)] });
    expect(await command(h, 'units:set', { _: unit, 'auto-approve': 'maybe' })).toMatchObject({ code: 1, err: ['Lỗi: --auto-approve nhận true hoặc false (nhận được "maybe").'] });
    expect(await command(h, 'units:set', { _: unit })).toMatchObject({ code: 1 });

    const log = (await command(h, 'enrolments:list', { unit })).out.map((l) => l.split('\t'));
    expect(log.map((r) => [r[3], r[4], r[5]])).toEqual([
      ['enrolled', waiting.deviceId, 'Quầy 3'],
      ['enrolled', auto.deviceId, 'Quầy 2'],
      ['enrolled', enrolled.deviceId, 'Quầy tự duyệt'],
    ]);
  });

  it('a device that enrols again after a lost reply is told it still waits', async () => {
    const { code } = await h.hub.createEnrolmentCode(UNIT);
    const token = `dt_${randomBytes(32).toString('base64url')}`;
    const first = await h.hub.enroll(code, 'Quầy mất trả lời', token, '10.0.0.7');
    const again = await h.hub.enroll(code, 'Quầy mất trả lời', token, '10.0.0.7');
    expect(first).toMatchObject({ approved: false });
    expect(again).toEqual(first);
    expect((await h.hub.listDevices(UNIT)).find((x) => x.device_id === first.deviceId)).toMatchObject({ enrolled_from: '10.0.0.7', approved_at: null });
    await h.hub.approveDevice(first.deviceId);
    expect(await h.hub.enroll(code, 'Quầy mất trả lời', token, '10.0.0.7')).toMatchObject({ deviceId: first.deviceId, approved: true });
  });
});

async function openBare(backend: Backend): Promise<{ db: Db; drop(): Promise<void> }> {
  if (backend === 'pglite') {
    const db = await PgliteDb.open(null);
    return { db, drop: () => db.close() };
  }
  const temp = await createTempDatabase();
  const db = new PgDb(temp.url);
  return {
    db,
    async drop() {
      await db.close();
      await temp.drop();
    },
  };
}

describe.each(await backends())('migration 010 on %s', (backend) => {
  it('keeps the devices enrolled before it approved (at their enrolment time) and the units approving by hand', async () => {
    const { db, drop } = await openBare(backend);
    try {
      await migrate(
        db,
        loadMigrations().filter((m) => m.version < 10),
      );
      await db.query("INSERT INTO units (code, name) VALUES ($1, 'UBND xã cũ')", [UNIT]);
      await db.query("INSERT INTO devices (device_id, unit_code, name, token_hash, slot, enrolled_at) VALUES ('old-device', $1, 'Máy cũ', 'h', 1, '2026-11-02T01:00:00Z')", [UNIT]);
      expect(await migrate(db)).toContain(10);
      const d = await db.query<{ approved_at: Date; approved_by: string; enrolled_from: string | null }>(
        "SELECT approved_at, approved_by, enrolled_from FROM devices WHERE device_id = 'old-device'",
      );
      expect(d.rows[0]).toEqual({ approved_at: new Date('2026-11-02T01:00:00Z'), approved_by: 'migration', enrolled_from: null });
      const u = await db.query<{ auto_approve: boolean }>('SELECT auto_approve FROM units WHERE code = $1', [UNIT]);
      expect(u.rows[0].auto_approve).toBe(false);
    } finally {
      await drop();
    }
  });
});
