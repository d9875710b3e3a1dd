// Issue 13 §4: enrolment is rate-limited per address and per unit (429 with the time to
// wait), codes expire sooner by default, and every attempt is logged and listed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestHub } from '../sync-support/hubHarness';
import { enroll, SyncError } from '../../electron/services/sync/client';
import { ADMIN_COMMANDS } from '../../server/commands';

const UNIT = '000.00.13.H12';

async function post(url: string, body: object): Promise<{ status: number; retryAfter: string | null; json: any }> {
  const r = await fetch(new URL('/v1/enroll', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), json: await r.json() };
}

describe.each(await backends())('enrolment limits on %s', (backend) => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub(backend);
    await h.hub.createUnit(UNIT, 'UBND xã Định Mỹ', true);
  });
  afterAll(async () => h?.stop());

  it('an address guessing codes gets 429 with Retry-After, even with a good code; the log lists each attempt', async () => {
    for (let i = 0; i < h.hub.enrolLimits.perAddress; i++) {
      const r = await post(h.url, { enrolmentCode: 'AAAA-AAAA-AAAA-AAAA', deviceName: 'Máy lạ' });
      expect(r.status).toBe(403);
    }
    const { code } = await h.hub.createEnrolmentCode(UNIT);
    const blocked = await post(h.url, { enrolmentCode: code, deviceName: 'Máy lạ' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThan(0);
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(h.hub.enrolLimits.windowMs / 1000);
    expect(blocked.json.error.message).toMatch(/thử lại sau \d+ phút/);
    // The good code was not consumed: usable once the window has passed (another address here).
    const rows = await h.hub.listEnrolments();
    expect(rows.filter((r) => r.outcome === 'enrolment_code_invalid')).toHaveLength(h.hub.enrolLimits.perAddress);
    expect(rows[0]).toMatchObject({ outcome: 'rate_limited_address', address: '127.0.0.1' });
    await h.db.query("UPDATE enrolment_log SET at = at - interval '1 day'");
    const ok = await enroll(h.url, code, 'Máy tiếp nhận');
    expect(ok.unitCode).toBe(UNIT);
    const out: string[] = [];
    await ADMIN_COMMANDS['enrolments:list']({ hub: h.hub, db: h.db } as never, { unit: UNIT }, {
      out: (l: string) => out.push(l),
      err: () => undefined,
      readFile: () => '',
      writeFile: () => undefined,
    } as never);
    expect(out[0]).toContain('enrolled');
    expect(out[0]).toContain(ok.deviceId);
  });

  it('a unit with too many attempts gets 429 and the code stays unused; codes expire in 24 hours by default', async () => {
    await h.db.query("UPDATE enrolment_log SET at = at - interval '1 day'");
    const limit = h.hub.enrolLimits.perUnit;
    // Attempts with used codes of the unit count too (an intercepted code tried again and again).
    const { code: once } = await h.hub.createEnrolmentCode(UNIT);
    await enroll(h.url, once, 'Quầy 1');
    for (let i = 1; i < limit; i++) {
      const e = await enroll(h.url, once, 'Kẻ lạ').catch((x: SyncError) => x);
      expect((e as SyncError).status).toBe(409);
      // these are failures of this address too: keep the address under its own limit
      if (i % 5 === 0) await h.db.query("UPDATE enrolment_log SET address = 'elsewhere' WHERE address = '127.0.0.1'");
    }
    const fresh = await h.hub.createEnrolmentCode(UNIT);
    expect(fresh.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3600_000 + 1000);
    const e = await enroll(h.url, fresh.code, 'Quầy 2').catch((x: SyncError) => x);
    expect(e).toBeInstanceOf(SyncError);
    expect((e as SyncError).status).toBe(429);
    expect((e as SyncError).message).toMatch(new RegExp(`Đơn vị ${UNIT.replaceAll('.', '\\.')} đã có quá ${limit} lượt`));
    const unused = await h.db.query<{ used_at: Date | null }>('SELECT used_at FROM enrolment_codes ORDER BY created_at DESC LIMIT 1');
    expect(unused.rows[0].used_at).toBeNull();
  });
});
