// Mẫu 02: the one-time written guidance for an incomplete dossier ("hướng dẫn một lần bằng
// văn bản", DOMAIN.md §1). Every slip is recorded and numbered per unit per year (Số …/HDHS)
// inside this PC's slot (sequences.ts, PROTOCOL.md §7). Slips issued by the unit's other PCs
// arrive by pull (sync/apply.ts → storePulledSlip) and are listed and reprinted like our own.
import type { Applicant, DossierComponent, EpochMs, GuidanceSlip } from '../../shared/domain/types';
import type { HandlerInput } from '../../shared/ipc/contract';
import { vnParts } from '../../shared/domain/vnTime';
import type { Db } from './db/database';
import { AppError } from './errors';
import { nextYearlyNumber } from './numbering';
import type { SettingsStore } from './settings';
import type { ProcedureStore } from './procedures';
import { randomUUID } from 'node:crypto';
import { emit } from './events/outbox';
import { slotOfYearlyNumber, type SyncEventOf } from '../../shared/sync/protocol';

interface SlipRow {
  id: number;
  unitCode: string;
  year: number;
  number: number;
  procedureCode: string;
  procedureName: string;
  applicant: string;
  missing: string;
  reason: string;
  issuedBy: string;
  issuedAt: number;
  deviceId: string | null;
}

const COLUMNS = `id, unit_code AS unitCode, year, number, procedure_code AS procedureCode, procedure_name AS procedureName,
  applicant, missing, reason, issued_by AS issuedBy, issued_at AS issuedAt, device_id AS deviceId`;

function toSlip(r: SlipRow): GuidanceSlip {
  return {
    id: String(r.id),
    number: r.number,
    year: r.year,
    unitCode: r.unitCode,
    procedureCode: r.procedureCode,
    procedureName: r.procedureName,
    applicant: JSON.parse(r.applicant) as Applicant,
    missing: JSON.parse(r.missing) as DossierComponent[],
    reason: r.reason,
    issuedBy: r.issuedBy,
    issuedAt: r.issuedAt,
    counterSlot: slotOfYearlyNumber('guidance', r.number),
    fromDevice: r.deviceId,
  };
}

export class GuidanceService {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly listStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => EpochMs,
    private readonly settings: SettingsStore,
    private readonly procedures: ProcedureStore,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO guidance_slips (unit_code, year, number, procedure_code, procedure_name, applicant, missing, reason, issued_by, issued_at, uid)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM guidance_slips WHERE id = ?`);
    // By issue time: slips pulled from other PCs arrive later than they were issued.
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM guidance_slips ORDER BY issued_at DESC, id DESC LIMIT ?`);
  }

  create(input: HandlerInput<'guidance.create'>): GuidanceSlip {
    const s = this.settings.require();
    const p = this.procedures.get(input.procedureCode);
    const issuedAt = this.now();
    const year = vnParts(issuedAt).year;
    const tx = this.db.transaction(() => {
      const number = nextYearlyNumber(this.db, 'guidance', s.unitCode, year);
      const uid = randomUUID();
      const id = Number(
        this.insertStmt.run(s.unitCode, year, number, p.code, p.name, JSON.stringify(input.applicant), JSON.stringify(input.missing), input.reason, s.clerkName, issuedAt, uid).lastInsertRowid,
      );
      // The slip is its own stream on the wire (PROTOCOL.md §2), sent by sync/engine.ts.
      emit(this.db, {
        type: 'guidance.issued',
        stream: uid,
        at: issuedAt,
        actor: s.clerkName,
        body: { number, year, procedureCode: p.code, procedureName: p.name, applicant: input.applicant, missing: input.missing, reason: input.reason, issuedBy: s.clerkName, issuedAt },
      });
      return id;
    });
    return this.get(String(tx.immediate()));
  }

  get(id: string): GuidanceSlip {
    const n = Number(id);
    const r = Number.isSafeInteger(n) ? (this.getStmt.get(n) as SlipRow | undefined) : undefined;
    if (!r) throw new AppError('not_found', 'Không tìm thấy phiếu hướng dẫn.');
    return toSlip(r);
  }

  list(limit: number): GuidanceSlip[] {
    return (this.listStmt.all(limit) as SlipRow[]).map(toSlip);
  }
}

/**
 * Stores a slip issued by another PC of the unit (a pulled guidance.issued; call inside the
 * pull's transaction). Returns a problem (Vietnamese) when its number is already taken here
 * by another slip: only possible when two PCs numbered in one slot (two unenrolled PCs).
 */
export function storePulledSlip(db: Db, e: SyncEventOf<'guidance.issued'>): string | null {
  const b = e.body;
  const other = db.prepare('SELECT uid FROM guidance_slips WHERE unit_code = ? AND year = ? AND number = ?').pluck().get(e.unitCode, b.year, b.number) as string | undefined;
  if (other !== undefined && other !== e.dossierId) {
    return `Phiếu hướng dẫn số ${b.number}/HDHS năm ${b.year} của máy khác trùng số với một phiếu trên máy này; chưa thêm được (báo quản trị hệ thống của tỉnh).`;
  }
  db.prepare(
    `INSERT INTO guidance_slips (unit_code, year, number, procedure_code, procedure_name, applicant, missing, reason, issued_by, issued_at, uid, device_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uid) DO NOTHING`,
  ).run(e.unitCode, b.year, b.number, b.procedureCode, b.procedureName, JSON.stringify(b.applicant), JSON.stringify(b.missing), b.reason, b.issuedBy, b.issuedAt, e.dossierId, e.deviceId);
  return null;
}
