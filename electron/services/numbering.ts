// The running numbers of this PC, in one module: dossier codes per Vietnam day (Mã hồ sơ
// {unit}-{yyMMdd}-{NNNN}, inside this PC's slot), and the yearly ones of a unit (the Sổ theo dõi số thứ tự,
// the Mẫu 02 number) are numbered inside this PC's slot (shared/sync/protocol.ts
// yearlyNumberForSlot, PROTOCOL.md §7), so two PCs of one commune offline all day never print
// the same number (and, coming next, fee receipts).
//
// They MUST be taken inside the IMMEDIATE transaction that stores the record using the
// number: the increment and the record commit (or roll back) together, so a number is never
// handed out twice and a failed save gives its number back, even with several processes
// writing to the same file (the write lock serialises them; busy_timeout makes the others wait).
import type Database from 'better-sqlite3';
import type { Db } from './db/database';
import { AppError } from './errors';
import { FIRST_DEVICE_SLOT, sequenceForSlot, yearlyNumberForSlot, type YearlyNumberKind } from '../../shared/sync/protocol';
import type { EpochMs } from '../../shared/domain/types';
import { formatDossierCode } from '../../shared/domain/dossierCode';
import { vnIsoDate } from '../../shared/domain/vnTime';

/** Counter kinds in `sequences`: 'register' and 'guidance' count n of this PC per unit per year. */
export type SequenceKind = YearlyNumberKind;

interface Stmts {
  next: Database.Statement<unknown[]>;
  slot: Database.Statement<unknown[]>;
  used: Record<YearlyNumberKind, Database.Statement<unknown[]>>;
}
const stmts = new WeakMap<Db, Stmts>();

function prepared(db: Db): Stmts {
  let s = stmts.get(db);
  if (!s) {
    s = {
      next: db.prepare<unknown[]>(
        `INSERT INTO sequences (kind, unit_code, period, last) VALUES (?, ?, ?, 1)
         ON CONFLICT (kind, unit_code, period) DO UPDATE SET last = last + 1
         RETURNING last`,
      ),
      slot: db.prepare<unknown[]>('SELECT slot FROM sync_device WHERE id = 1').pluck(),
      used: {
        guidance: db.prepare<unknown[]>('SELECT 1 FROM guidance_slips WHERE unit_code = ? AND year = ? AND number = ?').pluck(),
        register: db.prepare<unknown[]>('SELECT 1 FROM dossiers WHERE unit_code = ? AND register_book = ? AND register_no = ?').pluck(),
      },
    };
    stmts.set(db, s);
  }
  return s;
}

/**
 * The next yearly number of this PC: yearlyNumberForSlot(slot, n), n counted per unit per
 * year on this PC (an unenrolled PC uses slot 1, like dossier codes). A number already
 * present (pulled from a PC that held this slot before, e.g. a replaced PC) is skipped.
 */
export function nextYearlyNumber(db: Db, kind: YearlyNumberKind, unitCode: string, year: number): number {
  if (!db.inTransaction) throw new Error('nextYearlyNumber must run inside the transaction that uses the number');
  const s = prepared(db);
  const slot = (s.slot.get() as number | undefined) ?? UNENROLLED_SLOT;
  for (;;) {
    const n = (s.next.get(kind, unitCode, String(year)) as { last: number }).last;
    let num: number;
    try {
      num = yearlyNumberForSlot(kind, slot, n);
    } catch (e) {
      throw new AppError('conflict', `${(e as Error).message} Dùng máy tiếp nhận khác hoặc liên hệ quản trị hệ thống của tỉnh.`);
    }
    if (!s.used[kind].get(unitCode, year, num)) return num;
  }
}

// ---------- dossier codes (PROTOCOL.md §7) ----------

/**
 * The slot an unenrolled PC numbers in. Slot 0 (0001–0999) is the province's, never a
 * device's. Before enrolment a PC numbers in slot 1 (1001–1999): the hub gives slot 1 to the
 * FIRST device of a unit, so a single-PC commune that works offline from day one keeps
 * every code it issued valid when it enrols later. A unit with several PCs must enrol each
 * further PC before its first dossier (two unenrolled PCs would both use 1001…): enrol()
 * warns when a PC that already issued codes receives another slot.
 */
export const UNENROLLED_SLOT = FIRST_DEVICE_SLOT;

/** The counter kind in `sequences` for slot numbering (n = 1…999 per device per Vietnam day). */
export const SLOT_SEQUENCE_KIND = 'dossier-slot';

const codeStmts = new WeakMap<Db, { next: Database.Statement<unknown[]>; slot: Database.Statement<unknown[]>; exists: Database.Statement<unknown[]> }>();

/**
 * NNNN of the next dossier code of this device for `receivedAt`'s Vietnam day:
 * sequenceForSlot(slot, n) with n counted per day. Runs inside the IMMEDIATE transaction
 * that stores the dossier (so a failed save gives its number back). A code already present
 * (a dossier pulled from another PC, or one made by an older version) is skipped.
 */
export function nextDossierSequence(db: Db, unitCode: string, receivedAt: EpochMs): number {
  if (!db.inTransaction) throw new Error('nextDossierSequence must run inside the transaction that uses the number');
  let s = codeStmts.get(db);
  if (!s) {
    s = {
      next: db.prepare<unknown[]>(
        `INSERT INTO sequences (kind, unit_code, period, last) VALUES (?, ?, ?, 1)
         ON CONFLICT (kind, unit_code, period) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
      slot: db.prepare<unknown[]>('SELECT slot FROM sync_device WHERE id = 1').pluck(),
      exists: db.prepare<unknown[]>('SELECT 1 FROM dossiers WHERE code = ?').pluck(),
    };
    codeStmts.set(db, s);
  }
  const slot = (s.slot.get() as number | undefined) ?? UNENROLLED_SLOT;
  const day = vnIsoDate(receivedAt);
  for (;;) {
    const n = (s.next.get(SLOT_SEQUENCE_KIND, unitCode, day) as { last: number }).last;
    let seq: number;
    try {
      seq = sequenceForSlot(slot, n);
    } catch (e) {
      throw new AppError('conflict', `${(e as Error).message} Không cấp thêm mã hồ sơ trên máy này trong ngày; dùng máy tiếp nhận khác hoặc liên hệ quản trị hệ thống của tỉnh.`);
    }
    if (!s.exists.get(formatDossierCode(unitCode, receivedAt, seq))) return seq;
  }
}
