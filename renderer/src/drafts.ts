// The half-typed intake, kept in IndexedDB (db 'motcua-drafts') so that a crash, a
// reload or a closed window loses at most the last keystrokes. One draft per counter
// (this app has one clerk per window); it is deleted after a successful save.
import Dexie, { type EntityTable } from 'dexie';
import type { Procedure, ResultDelivery } from '../../shared/domain/types';

export interface IntakeDraftData {
  procedure: Procedure | null;
  applicant: {
    fullName: string;
    idNumber: string;
    /** As typed, 'dd/mm/yyyy'. */
    birthDate: string;
    address: string;
    phone: string;
    email: string;
  };
  /** Per component id: ticked and the counts. */
  components: Record<string, { received: boolean; notApplicable?: boolean; original: number; certified: number; photocopy: number; pages?: number }>;
  delivery: ResultDelivery;
  copies: number;
  note: string;
}

interface DraftRow {
  id: string;
  savedAt: number;
  data: IntakeDraftData;
}

const INTAKE_KEY = 'intake';

class DraftDb extends Dexie {
  drafts!: EntityTable<DraftRow, 'id'>;
  constructor() {
    super('motcua-drafts');
    this.version(1).stores({ drafts: 'id, savedAt' });
  }
}

let db: DraftDb | null = null;
function open(): DraftDb {
  db ??= new DraftDb();
  return db;
}

export interface IntakeDraft {
  savedAt: number;
  data: IntakeDraftData;
}

export async function loadIntakeDraft(): Promise<IntakeDraft | null> {
  const row = await open().drafts.get(INTAKE_KEY);
  return row ? { savedAt: row.savedAt, data: row.data } : null;
}

export async function saveIntakeDraft(data: IntakeDraftData, now = Date.now()): Promise<number> {
  await open().drafts.put({ id: INTAKE_KEY, savedAt: now, data });
  return now;
}

export async function deleteIntakeDraft(): Promise<void> {
  await open().drafts.delete(INTAKE_KEY);
}

/** Whether a draft holds anything worth keeping. */
export function isDraftEmpty(d: IntakeDraftData): boolean {
  const a = d.applicant;
  return !d.procedure && !a.fullName && !a.idNumber && !a.birthDate && !a.address && !a.phone && !a.email && !d.note;
}
