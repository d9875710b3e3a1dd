// Mẫu 02 numbers and register numbers on two PCs of one commune (PROTOCOL.md §7): two real
// app instances (two SQLite files, two enrolled devices) and a real hub. Both issue slips
// offline the same day, get distinct numbers, both reach the hub, and after a pull each PC
// lists (and reprints) the other's slips with the counter and clerk that issued them.
// Also: a PC skips numbers it already holds, and migration 4 adds slips pulled before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { backends, startTestHub, type TestHub } from '../sync-support/hubHarness';
import { checkGuidanceNumberForSlot, slotOfYearlyNumber, type SyncEventOf } from '../../shared/sync/protocol';
import { vnParts } from '../../shared/domain/vnTime';
import { storePulledSlip } from '../../electron/services/guidance';
import { openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS } from '../../electron/services/db/migrations';
import { UNIT, applicantNo, configuredSyncApp, enrolApp, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

const CLERK_B = 'Trần Văn Bảo';

function slipInput(i: number) {
  return { procedureCode: '1.001193', applicant: applicantNo(i).applicant, missing: receiveInput().components!, reason: `Thiếu giấy chứng sinh (${i})` };
}

describe.each(await backends())('Mẫu 02 and register numbers on two PCs, hub on %s', (backend) => {
  let h: TestHub;
  const apps: SyncTestApp[] = [];
  beforeAll(async () => {
    h = await startTestHub(backend);
  });
  afterAll(async () => {
    for (const a of apps) a.close();
    await h?.stop();
  });

  it('both PCs issue slips offline the same day with distinct numbers; the hub takes all; each lists and reprints both', async () => {
    const a = await configuredSyncApp();
    const b = await configuredSyncApp();
    apps.push(a, b);
    await b.call('settings.save', { ...UNIT, clerkName: CLERK_B });
    const ea = (await enrolApp(a, h, h.url, 'Quầy 1')).enrolment;
    const eb = (await enrolApp(b, h, h.url, 'Quầy 2')).enrolment;
    expect([ea.slot, eb.slot]).toEqual([1, 2]);

    // Offline all day: nothing is synced until both have worked.
    const slips = { a: [] as { id: string; number: number; year: number; issuedAt: number }[], b: [] as { id: string; number: number; year: number; issuedAt: number }[] };
    const registers: number[] = [];
    for (let i = 0; i < 3; i++) {
      slips.a.push(await a.call('guidance.create', slipInput(i)));
      slips.b.push(await b.call('guidance.create', slipInput(i + 3)));
      registers.push((await a.call('dossiers.receive', applicantNo(i))).registerNo, (await b.call('dossiers.receive', applicantNo(i))).registerNo);
    }
    const year = vnParts(Date.now()).year;
    expect(slips.a.map((s) => s.number)).toEqual([10_001, 10_002, 10_003]);
    expect(slips.b.map((s) => s.number)).toEqual([20_001, 20_002, 20_003]);
    for (const s of slips.a) expect(checkGuidanceNumberForSlot({ ...s, year }, ea.slot)).toBeNull();
    for (const s of slips.b) expect(checkGuidanceNumberForSlot({ ...s, year }, eb.slot)).toBeNull();
    expect(registers).toEqual([100_001, 200_001, 100_002, 200_002, 100_003, 200_003]);

    const ra = await a.call('sync.now', {});
    const rb = await b.call('sync.now', {});
    const ra2 = await a.call('sync.now', {});
    for (const r of [ra, rb, ra2]) expect([r.ok, r.error, r.pushed.rejected]).toEqual([true, null, 0]);

    // The hub holds the six slips once each, under six distinct numbers of the unit and year.
    const held = await h.db.query<{ n: string; device_id: string }>(
      `SELECT body->'body'->>'number' AS n, device_id FROM events WHERE unit_code = $1 AND type = 'guidance.issued' AND device_id = ANY($2::text[])`,
      [UNIT.unitCode, [ea.deviceId, eb.deviceId]],
    );
    expect(held.rows.map((r) => Number(r.n)).sort()).toEqual([10_001, 10_002, 10_003, 20_001, 20_002, 20_003]);

    // Each PC lists all six, newest first, with the counter (slot) and clerk of each.
    for (const [me, other, myClerk, otherClerk, mySlot, otherSlot] of [
      [a, b, UNIT.clerkName, CLERK_B, ea.slot, eb.slot],
      [b, a, CLERK_B, UNIT.clerkName, eb.slot, ea.slot],
    ] as const) {
      const list = await me.call('guidance.list', {});
      expect(list).toHaveLength(6);
      expect(new Set(list.map((s) => s.number)).size).toBe(6);
      const issuedAts = list.map((s) => s.issuedAt);
      expect(issuedAts).toEqual([...issuedAts].sort((x, y) => y - x));
      const mine = list.filter((s) => s.fromDevice === null);
      const theirs = list.filter((s) => s.fromDevice !== null);
      expect(mine.map((s) => [s.counterSlot, s.issuedBy])).toEqual(Array(3).fill([mySlot, myClerk]));
      expect(theirs.map((s) => [s.counterSlot, s.issuedBy, s.fromDevice])).toEqual(Array(3).fill([otherSlot, otherClerk, other === b ? eb.deviceId : ea.deviceId]));
      // The pulled slip is the one the other PC issued, field for field.
      const src = await other.call('guidance.list', {});
      const srcSlip = src.find((s) => s.number === theirs[0].number && s.fromDevice === null)!;
      expect({ ...theirs[0], id: '', fromDevice: null }).toEqual({ ...srcSlip, id: '' });
    }

    // Reprinting another counter's slip works and prints its own number and clerk.
    const listA = await a.call('guidance.list', {});
    const pulled = listA.find((s) => s.number === 20_002)!;
    const form = await a.call('forms.render', { kind: 'mau02', id: pulled.id });
    expect(form.fileName).toBe(`mau02-${year}-20002.pdf`);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path.join(a.dir, 'forms', form.fileName), '-'], { encoding: 'utf8' });
    expect(text).toContain('20002/HDHS');
    expect(text).toContain(CLERK_B);
    expect(text).toContain(pulled.applicant.fullName);
  });

  it('a PC that issued a slip before enrolment and then gets another slot is warned, and the hub refuses that slip', async () => {
    const c = await configuredSyncApp();
    apps.push(c);
    const early = await c.call('guidance.create', slipInput(7));
    expect(early.number).toBe(10_001); // unenrolled: slot 1, like dossier codes
    const { enrolment, warning } = await enrolApp(c, h, h.url, 'Quầy 3');
    expect(enrolment.slot).toBe(3);
    expect(warning).toMatch(/đã cấp 1 phiếu hướng dẫn trong dải 10001–19999 \(ví dụ 10001\/HDHS\)/);
    const r = await c.call('sync.now', {});
    expect(r.pushed.rejected).toBe(1);
    const failed = (await c.call('sync.status', {})).counts.failed;
    expect(failed).toBe(1);
    // Slips issued after enrolment are in the PC's own range and go through.
    expect((await c.call('guidance.create', slipInput(8))).number).toBe(30_002);
    expect((await c.call('sync.now', {})).pushed.rejected).toBe(0);
  });
});

describe('numbers a PC already holds', () => {
  it('are skipped: a PC that took over a slot continues after the slips it pulled', async () => {
    const c = await configuredSyncApp();
    try {
      const year = vnParts(Date.now()).year;
      // Slips 10001 and 10002 of the PC that held slot 1 before, pulled (sync/apply.ts stores them so).
      const pulled = (number: number): SyncEventOf<'guidance.issued'> => ({
        eventId: randomUUID(),
        deviceId: 'old-pc',
        unitCode: UNIT.unitCode,
        dossierId: randomUUID(),
        seq: number,
        at: Date.now(),
        actor: 'Lê Văn Cũ',
        type: 'guidance.issued',
        body: { ...slipInput(1), procedureName: 'Đăng ký khai sinh', number, year, issuedBy: 'Lê Văn Cũ', issuedAt: Date.now() - 60_000 },
      });
      const db = c.services.db;
      const first = pulled(10_001);
      db.transaction(() => {
        expect(storePulledSlip(db, first)).toBeNull();
        expect(storePulledSlip(db, pulled(10_002))).toBeNull();
        // The same slip again changes nothing; another slip under a taken number is reported, not stored.
        expect(storePulledSlip(db, first)).toBeNull();
        expect(storePulledSlip(db, pulled(10_001))).toMatch(/trùng số với một phiếu trên máy này/);
      })();
      expect(db.prepare('SELECT count(*) FROM guidance_slips').pluck().get()).toBe(2);
      const s = await c.call('guidance.create', slipInput(2));
      expect([s.number, s.counterSlot, s.fromDevice]).toEqual([10_003, 1, null]);
      expect(slotOfYearlyNumber('guidance', s.number)).toBe(1);
    } finally {
      c.close();
    }
  });
});

describe('migration 4', () => {
  it('adds the slips pulled before it to the list, with their device, and the register index', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guidance-mig-'));
    try {
      const file = path.join(dir, 'v3.sqlite');
      const v3 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 3) });
      const uid = randomUUID();
      const event = {
        eventId: randomUUID(),
        deviceId: 'dev-2',
        unitCode: 'U.1',
        dossierId: uid,
        seq: 4,
        at: 1,
        actor: 'B',
        type: 'guidance.issued',
        body: {
          number: 20_007,
          year: 2026,
          procedureCode: 'p',
          procedureName: 'Thủ tục P',
          applicant: { fullName: 'Nguyễn Văn An' },
          missing: [{ componentId: 'x' }],
          reason: 'Thiếu',
          issuedBy: 'Trần Văn Bảo',
          issuedAt: 1_770_000_000_000,
        },
      };
      v3.prepare(`INSERT INTO sync_remote_events (event_id, stream, type, device_id, at, event, cursor, applied_at) VALUES (?, ?, 'guidance.issued', 'dev-2', 1, ?, 9, 1)`).run(
        event.eventId,
        uid,
        JSON.stringify(event),
      );
      v3.prepare(
        `INSERT INTO guidance_slips (unit_code, year, number, procedure_code, procedure_name, applicant, missing, reason, issued_by, issued_at) VALUES ('U.1', 2026, 3, 'p', 'P', '{}', '[]', '', 'x', 0)`,
      ).run();
      v3.close();

      const db = openDatabase(file);
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4);
      const rows = db.prepare('SELECT number, uid, device_id AS deviceId, issued_by AS issuedBy, procedure_name AS procedureName, applicant, missing FROM guidance_slips ORDER BY number').all();
      expect(rows).toEqual([
        { number: 3, uid: expect.any(String), deviceId: null, issuedBy: 'x', procedureName: 'P', applicant: '{}', missing: '[]' },
        { number: 20_007, uid, deviceId: 'dev-2', issuedBy: 'Trần Văn Bảo', procedureName: 'Thủ tục P', applicant: '{"fullName":"Nguyễn Văn An"}', missing: '[{"componentId":"x"}]' },
      ]);
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT 1 FROM dossiers WHERE unit_code = 'U.1' AND register_book = 2026 AND register_no = 100001`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX dossiers_register/);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
