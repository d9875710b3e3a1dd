// Running numbers kept in the database: dossier codes per unit per Vietnam day, the Sổ theo
// dõi number per unit per year, Mẫu 02 numbers per unit per year.
//
// nextNumber MUST be called inside the IMMEDIATE transaction that stores the record using
// the number: the increment and the record commit (or roll back) together, so a number is
// never handed out twice and there are no gaps, even with several processes writing to
// the same file (the write lock serialises them; busy_timeout makes the others wait).
import type Database from 'better-sqlite3';
import type { Db } from './db/database';

export type SequenceKind = 'dossier' | 'register' | 'guidance';

const stmts = new WeakMap<Db, Database.Statement<unknown[]>>();

export function nextNumber(db: Db, kind: SequenceKind, unitCode: string, period: string): number {
  if (!db.inTransaction) throw new Error('nextNumber must run inside the transaction that uses the number');
  let stmt = stmts.get(db);
  if (!stmt) {
    stmt = db.prepare<unknown[]>(
      `INSERT INTO sequences (kind, unit_code, period, last) VALUES (?, ?, ?, 1)
       ON CONFLICT (kind, unit_code, period) DO UPDATE SET last = last + 1
       RETURNING last`,
    );
    stmts.set(db, stmt);
  }
  return (stmt.get(kind, unitCode, period) as { last: number }).last;
}
