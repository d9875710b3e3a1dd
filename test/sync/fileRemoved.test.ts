// dossier.file_removed and dossier.pages_reordered: a deleted page is withdrawn from the
// derived dossier, a re-ordering renumbers the pages, in every arrival order (both name attach
// events, so they may arrive first), and the events of protocol v1 before them stay valid.
import { describe, expect, it } from 'vitest';
import { deriveDossier, canonicalJson } from '../../shared/sync/derive';
import { syncEventSchema, describeZodError, type SyncEvent } from '../../shared/sync/protocol';
import { permutations, twoClerks } from '../sync-support/events';
import { vnTime } from '../../shared/domain/vnTime';

const UNIT = '000.00.13.H12';
const T0 = vnTime(2026, 11, 23, 8, 0);
const SHA1 = '1'.repeat(64);
const SHA2 = '2'.repeat(64);

const clerks = () => twoClerks(UNIT, T0);

describe('dossier.file_removed', () => {
  it('drops the page from the derived files in every arrival order; attaching the same file again later is a new page that stays', () => {
    const { a } = clerks();
    const rec = a.received('d1');
    const p1 = a.file('d1', SHA1, 100, 1);
    const p2 = a.file('d1', SHA2, 200, 2);
    const gone = a.removeFile(p1);
    const again = a.file('d1', SHA1, 100, 3); // the same scan added back, after the deletion
    const evs = [rec, p1, p2, gone, again];

    const reference = deriveDossier(evs);
    expect(reference.conflicts).toEqual([]);
    expect(reference.state?.files.map((f) => [f.eventId, f.sha256, f.page])).toEqual([
      [p2.eventId, SHA2, 2],
      [again.eventId, SHA1, 3],
    ]);
    expect(reference.state?.updatedAt).toBe(again.at);
    expect(reference.state?.eventCount).toBe(5);
    const ref = canonicalJson(reference);
    let n = 0;
    for (const p of permutations(evs)) {
      expect(canonicalJson(deriveDossier(p))).toBe(ref);
      n++;
    }
    expect(n).toBe(120);
    // A repeat of the removal (a resend) changes nothing.
    expect(canonicalJson(deriveDossier([gone, ...evs, gone]))).toBe(ref);
  });

  it('a removal that arrives before its attach still withdraws it; without the removal the page is listed', () => {
    const { a } = clerks();
    const rec = a.received('d1');
    const p1 = a.file('d1', SHA1, 100, 1);
    const gone = a.removeFile(p1);
    // Only the removal and the receipt so far: nothing to list, no error.
    expect(deriveDossier([gone, rec]).state?.files).toEqual([]);
    // The attach arrives later: it is withdrawn at once.
    expect(deriveDossier([gone, rec, p1]).state?.files).toEqual([]);
    expect(deriveDossier([rec, p1]).state?.files.map((f) => f.eventId)).toEqual([p1.eventId]);
  });

  it('withdraws only the attach it names: the same file attached by another counter stays, and a removal naming another dossier’s page does nothing', () => {
    const { a, b } = clerks();
    const rec = a.received('d1');
    const byA = a.file('d1', SHA1, 100, 1);
    const byB = b.file('d1', SHA1, 100, 1);
    const other = a.file('d2', SHA2, 100, 1);
    const evs = [rec, byA, byB, a.removeFile(byA), { ...a.removeFile(other), dossierId: 'd1' } as SyncEvent];
    const state = deriveDossier(evs).state!;
    expect(state.files.map((f) => f.eventId)).toEqual([byB.eventId]);
    // Both withdrawn: no file left.
    expect(deriveDossier([...evs, a.removeFile(byB)]).state?.files).toEqual([]);
  });

  it('dossier.pages_reordered gives the listed pages their new numbers, the later re-ordering winning, in every arrival order', () => {
    const { a } = clerks();
    const rec = a.received('d1');
    const [p1, p2, p3] = [SHA1, SHA2, '3'.repeat(64)].map((sha, i) => a.file('d1', sha, 100, i + 1));
    const first = a.reorder('d1', 'tokhai', [p3, p1, p2]);
    expect(deriveDossier([rec, p1, p2, p3, first]).state?.files.map((f) => [f.eventId, f.page])).toEqual([
      [p3.eventId, 1],
      [p1.eventId, 2],
      [p2.eventId, 3],
    ]);
    // Page 1 deleted, then the two left swapped: the later re-ordering sets both.
    const evs = [rec, p1, p2, p3, first, a.removeFile(p1), a.reorder('d1', 'tokhai', [p2, p3])];
    const reference = deriveDossier(evs);
    expect(reference.state?.files.map((f) => [f.eventId, f.page])).toEqual([
      [p2.eventId, 1],
      [p3.eventId, 2],
    ]);
    const ref = canonicalJson(reference);
    let n = 0;
    for (const p of permutations(evs)) {
      expect(canonicalJson(deriveDossier(p))).toBe(ref);
      n++;
    }
    expect(n).toBe(5040);
    // A re-ordering naming another component's pages moves nothing.
    expect(deriveDossier([rec, p1, p2, a.reorder('d1', 'chungsinh', [p2, p1])]).state?.files.map((f) => f.page)).toEqual([1, 2]);
  });

  it('is a valid v1 event with Vietnamese refusals; the events made before it still parse', () => {
    const { a } = clerks();
    const p1 = a.file('d1', SHA1, 100, 1);
    expect(syncEventSchema.safeParse(p1).success).toBe(true);
    expect(syncEventSchema.safeParse(a.received('d1')).success).toBe(true);
    const gone = a.removeFile(p1);
    expect(syncEventSchema.safeParse(gone).success).toBe(true);
    expect(syncEventSchema.safeParse(a.reorder('d1', 'tokhai', [p1])).success).toBe(true);
    expect(syncEventSchema.safeParse({ ...a.reorder('d1', 'tokhai', [p1]), body: { componentId: 'tokhai', order: [] } }).success).toBe(false);
    const bad = syncEventSchema.safeParse({ ...gone, body: { ...(gone.body as object), attachedEventId: 'trang-1' } });
    expect(bad.success).toBe(false);
    if (!bad.success) expect(describeZodError(bad.error)).toBe('Mã sự kiện phải là UUID. (body.attachedEventId)');
    const noPage = syncEventSchema.safeParse({ ...gone, body: { ...(gone.body as object), page: 0 } });
    expect(noPage.success).toBe(false);
  });
});
