// Issue 13 §5: the device checks what it pulls. A hub (restored wrongly, or worse) serving a
// malformed event, another unit's event or a file event whose "hash" is a path: each is set
// aside with its reason (named in the run's error, kept in sync-set-aside/), nothing is built
// from it, and the page's good items are applied. PGlite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { backends, startTestHub, type TestHub } from '../sync-support/hubHarness';
import { configuredSyncApp, enrolApp, removeSyncTempDirs, UNIT } from '../sync-app/support';

afterAll(() => removeSyncTempDirs());

describe.each(await backends())('hostile pulled items on %s', (backend) => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub(backend);
  });
  afterAll(async () => h?.stop());

  it('sets aside a malformed, a foreign and a path-as-hash item, and applies the rest', async () => {
    const app = await configuredSyncApp();
    await enrolApp(app, h, h.url, 'Quầy nhận');
    const other = await h.device(UNIT.unitCode, 'Quầy khác');
    const good = other.maker.received();
    await other.client.push([good]);

    // Rows the hub would never accept from a device, written straight into its store.
    const raw = async (unitCode: string, body: Record<string, unknown>) =>
      h.db.query('INSERT INTO events (event_id, unit_code, device_id, dossier_id, seq, type, at, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::json)', [
        body.eventId,
        unitCode,
        other.deviceId,
        body.dossierId,
        body.seq,
        body.type,
        body.at,
        JSON.stringify(body),
      ]);
    const evil = { ...other.maker.file(good.dossierId, 'a'.repeat(64), 1000, 1) } as Record<string, any>;
    evil.body = { ...evil.body, sha256: '../../../../../tmp/pwned' };
    await raw(UNIT.unitCode, evil);
    const broken = { ...other.maker.received(), type: 'dossier.received', body: { nonsense: true } } as Record<string, any>;
    await raw(UNIT.unitCode, broken);
    const foreign = { ...other.maker.received(randomUUID()), unitCode: '000.00.99.H12' };
    await raw(UNIT.unitCode, foreign);
    const after = other.maker.received();
    await other.client.push([after]);

    const r = await app.call('sync.now', {});
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/bị bỏ riêng/);
    expect(r.error).toMatch(/đơn vị khác/);
    // The good ones, before and after the bad, are applied.
    const have = app.services.db.prepare('SELECT event_id FROM sync_remote_events').pluck().all() as string[];
    expect(have).toEqual(expect.arrayContaining([good.eventId, after.eventId]));
    for (const bad of [evil, broken, foreign]) expect(have).not.toContain(bad.eventId);
    // Nothing was built from the hostile "hash", and every bad item is kept for the support desk.
    expect(fs.existsSync('/tmp/pwned.part')).toBe(false);
    const kept = fs.readdirSync(path.join(app.dir, 'sync-set-aside')).map((f) => JSON.parse(fs.readFileSync(path.join(app.dir, 'sync-set-aside', f), 'utf8')));
    expect(kept.map((k) => k.item.event.eventId).sort()).toEqual([evil.eventId, broken.eventId, foreign.eventId].sort());
    expect((await app.call('sync.status', {})).lastError).toMatch(/bị bỏ riêng/);
    // The cursor moved past them: the next run does not stumble on them again.
    expect((await app.call('sync.now', {})).ok).toBe(true);
    app.close();
  });
});
