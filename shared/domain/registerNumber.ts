// The register book entry (Sổ theo dõi hồ sơ) as a clerk reads it. The stored number keeps
// the PC's slot in its high digits so that PCs of a unit never clash (shared/sync/protocol.ts
// yearlyNumberForSlot: 100001 is PC 1's first entry); on paper the entry is the plain count
// of the PC's book, and a PC other than the first names its own book: Quyển số 2026-2.
import { YEARLY_SLOT_SIZE, slotOfYearlyNumber } from '../sync/protocol';

export function registerEntry(book: number, no: number): { book: string; no: string } {
  const slot = slotOfYearlyNumber('register', no);
  if (slot === null) return { book: String(book), no: String(no) };
  const n = no % YEARLY_SLOT_SIZE.register;
  return { book: slot >= 2 ? `${book}-${slot}` : String(book), no: String(n) };
}
