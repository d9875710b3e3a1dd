// Citizens already known by their ID number: the last applicant data given with that
// number, so the counter can fill in the form from earlier dossiers.
import type { Applicant, EpochMs } from '../../shared/domain/types';
import type { Db } from './db/database';

export class CitizenStore {
  private readonly getStmt;
  private readonly upsertStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT full_name AS fullName, id_number AS idNumber, birth_date AS birthDate, address, phone, email FROM citizens WHERE id_number = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO citizens (id_number, full_name, birth_date, address, phone, email, updated_at)
       VALUES (@idNumber, @fullName, @birthDate, @address, @phone, @email, @at)
       ON CONFLICT (id_number) DO UPDATE SET
         full_name = excluded.full_name, birth_date = excluded.birth_date, address = excluded.address,
         phone = excluded.phone, email = excluded.email, updated_at = excluded.updated_at
       WHERE excluded.updated_at >= citizens.updated_at`,
    );
  }

  lookup(idNumber: string): Applicant | null {
    return (this.getStmt.get(idNumber) as Applicant | undefined) ?? null;
  }

  /** Records the applicant's latest data (older data never overwrites newer). */
  upsert(a: Applicant, at: EpochMs): void {
    this.upsertStmt.run({ ...a, at });
  }
}
