import { describe, expect, it } from 'vitest';
import { deriveDossier, openConflicts, canonicalJson } from '../../shared/sync/derive';
import { checkCodeForSlot, sequenceForSlot, slotOfSequence, syncEventSchema, pushRequestSchema, parseChunkChecksum, MAX_PER_SLOT } from '../../shared/sync/protocol';
import type { SyncEvent } from '../../shared/sync/protocol';
import { permutations, twoClerks } from '../sync-support/events';
import { vnTime } from '../../shared/domain/vnTime';

const UNIT = '000.00.13.H12';
const T0 = vnTime(2026, 11, 23, 8, 0);

const clerks = () => twoClerks(UNIT, T0);

describe('dossier codes across devices', () => {
  it('gives each slot its own range of NNNN', () => {
    expect(sequenceForSlot(1, 1)).toBe(1001);
    expect(sequenceForSlot(2, 999)).toBe(2999);
    expect(sequenceForSlot(9, 1)).toBe(9001);
    expect(slotOfSequence(2999)).toBe(2);
    expect(slotOfSequence(1000)).toBeNull();
    expect(() => sequenceForSlot(1, MAX_PER_SLOT + 1)).toThrow(/đã cấp đủ 999/);
    expect(() => sequenceForSlot(10, 1)).toThrow(RangeError);
    expect(() => sequenceForSlot(1, 0)).toThrow(RangeError);
  });

  it('two devices never share a code on the same day', () => {
    const codes = new Set<number>();
    for (let slot = 1; slot <= 9; slot++) for (let n = 1; n <= MAX_PER_SLOT; n++) codes.add(sequenceForSlot(slot, n));
    expect(codes.size).toBe(9 * 999);
  });

  it('checks that a code belongs to the device slot and unit', () => {
    expect(checkCodeForSlot(`${UNIT}-261123-2005`, UNIT, 2)).toBeNull();
    expect(checkCodeForSlot(`${UNIT}-261123-1005`, UNIT, 2)).toMatch(/ngoài dải số/);
    expect(checkCodeForSlot(`000.00.14.H12-261123-2005`, UNIT, 2)).toMatch(/không thuộc đơn vị/);
    expect(checkCodeForSlot(`garbage`, UNIT, 2)).toMatch(/không đúng dạng/);
  });
});

describe('protocol schemas', () => {
  it('accepts events made by the event maker and refuses bad ones with Vietnamese messages', () => {
    const { a } = clerks();
    const r = a.received('d1');
    expect(syncEventSchema.safeParse(r).success).toBe(true);
    expect(syncEventSchema.safeParse(a.edit('d1', 'applicant.phone', '0912345678', '0987654321')).success).toBe(true);
    const bad = syncEventSchema.safeParse({ ...r, eventId: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toBe('Mã sự kiện phải là UUID.');
    const badEdit = syncEventSchema.safeParse(a.edit('d1', 'copies', 1, 'ba'));
    expect(badEdit.success).toBe(false);
    const badPath = syncEventSchema.safeParse({ ...a.edit('d1', 'note', '', 'x'), body: { path: 'status', previous: 1, value: 9 } });
    expect(badPath.success).toBe(false);
    expect(pushRequestSchema.safeParse({ batchId: crypto.randomUUID(), events: new Array(501).fill({}) }).error?.issues[0].message).toMatch(/tối đa 500/);
  });

  it('parses the tus checksum header', () => {
    expect(parseChunkChecksum('sha256 ' + 'A'.repeat(43) + '=')).toBe('A'.repeat(43) + '=');
    expect(parseChunkChecksum('md5 abc')).toBeNull();
    expect(parseChunkChecksum(undefined)).toBeNull();
  });
});

describe('deriveDossier', () => {
  it('replays a simple life: received → 4 → 9 → 10', () => {
    const { a } = clerks();
    const evs = [a.received('d1'), a.status('d1', 2, 4), a.status('d1', 4, 9), a.status('d1', 9, 10)];
    const { state, conflicts } = deriveDossier(evs);
    expect(conflicts).toEqual([]);
    expect(state?.status).toBe(10);
    expect(state?.finishedAt).toBe(evs[2].at);
    expect(state?.returnedAt).toBe(evs[3].at);
    expect(state?.history.map((h) => `${h.from}>${h.to}`)).toEqual(['2>4', '4>9', '9>10']);
    expect(state?.code).toMatch(/^000\.00\.13\.H12-261123-1001$/);
  });

  it('has no state without the received event, and is immune to clock skew between devices', () => {
    const { a, b } = clerks();
    const rec = a.received('d1');
    expect(deriveDossier([a.status('d1', 2, 4)]).state).toBeNull();
    // B's clock runs 2 hours behind: its 4→9 carries an earlier `at` than A's 2→4.
    const move1 = a.status('d1', 2, 4);
    const move2 = b.status('d1', 4, 9, '', rec.at - 7200_000);
    const { state, conflicts } = deriveDossier([move2, rec, move1]);
    expect(state?.status).toBe(9);
    expect(conflicts).toEqual([]);
  });

  it('two clerks editing offline converge to the same state in every arrival order, and conflicts are reported', () => {
    const { a, b } = clerks();
    const rec = a.received('d1');
    const evs: SyncEvent[] = [
      rec,
      a.status('d1', 2, 4),
      b.status('d1', 2, 4), // the same decision twice: not a conflict
      a.edit('d1', 'applicant.phone', '0912345678', '0911111111'),
      b.edit('d1', 'applicant.phone', '0912345678', '0922222222'), // conflict
      b.edit('d1', 'applicant.address', rec.type === 'dossier.received' ? rec.body.applicant.address : '', 'Ấp 5'),
      a.status('d1', 4, 9),
      b.status('d1', 4, 8, 'Hồ sơ giả mạo'), // conflict with A's 4→9
    ];
    const reference = deriveDossier(evs);
    expect(reference.state?.status).toBe(9);
    // B's edit carries the earlier clock (T0+120.5 s against A's T0+180 s): it is the one shown.
    expect(reference.state?.applicant.phone).toBe('0922222222');
    expect(reference.state?.applicant.address).toBe('Ấp 5');
    expect(reference.conflicts.map((c) => `${c.kind}:${c.path ?? ''}:${c.reason}`).sort()).toEqual(['field:applicant.phone:concurrent', 'status::concurrent']);
    const st = reference.conflicts.find((c) => c.kind === 'status')!;
    expect(st.base).toBe(4);
    expect(st.kept?.value).toBe(9);
    expect(st.other.value).toBe(8);
    expect(st.other.deviceId).toBe('dev-b');
    const ref = canonicalJson(reference);
    let n = 0;
    for (const p of permutations(evs.slice(0, 7))) {
      const r = deriveDossier([...p, evs[7]]);
      expect(canonicalJson(r)).toBe(ref);
      n++;
    }
    // and the last event anywhere
    for (let i = 0; i < evs.length; i++) {
      const p = evs.slice(0, 7);
      p.splice(i, 0, evs[7]);
      expect(canonicalJson(deriveDossier(p.reverse()))).toBe(ref);
    }
    expect(n).toBe(5040);
  });

  it('keeps the conflict, marked settled, after a conflict_resolved event, and duplicates by id change nothing', () => {
    const { a, b } = clerks();
    const evs = [a.received('d1'), a.edit('d1', 'note', '', 'A'), b.edit('d1', 'note', '', 'B')];
    const r1 = deriveDossier(evs);
    expect(openConflicts(r1.conflicts)).toHaveLength(1);
    const fix = a.resolve('d1', [r1.conflicts[0].id]);
    const r2 = deriveDossier([...evs, fix, fix, evs[1]]);
    expect(r2.conflicts).toHaveLength(1);
    expect(r2.conflicts[0].resolvedBy).toBe(fix.eventId);
    expect(openConflicts(r2.conflicts)).toHaveLength(0);
    expect(r2.state?.note).toBe(r1.state?.note);
  });

  it('reports a move from a status the dossier never had as stale', () => {
    const { a } = clerks();
    const { state, conflicts } = deriveDossier([a.received('d1'), a.status('d1', 6, 9)]);
    expect(state?.status).toBe(2);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].reason).toBe('stale');
    expect(conflicts[0].kept).toBeUndefined();
  });

  it('replays a supplement loop 4→5→4→9 and lists files once', () => {
    const { a, b } = clerks();
    const sha = 'a'.repeat(64);
    const evs = [a.received('d1'), a.status('d1', 2, 4), a.status('d1', 4, 5), a.file('d1', sha, 100, 1), b.file('d1', sha, 100, 1), a.status('d1', 5, 4), a.status('d1', 4, 9)];
    const { state, conflicts } = deriveDossier(evs.slice().reverse());
    expect(conflicts).toEqual([]);
    expect(state?.status).toBe(9);
    expect(state?.files).toHaveLength(1);
    expect(state?.eventCount).toBe(7);
  });
});
