// The hub's national export: the unit's derived dossiers (stored with every push) in the
// national format, through the one mapper of shared/national/records.ts.
import type { Db } from './db';
import type { DerivedDossier } from '../shared/sync/derive';
import { formatPortal } from '../shared/domain/vnTime';
import { type CapNhatTienDoHoSoMC, type DongBoHoSoMC, type NationalUnit, toCapNhatTienDo, toDongBoHoSoMC } from '../shared/national/records';

export interface NationalExport {
  unitCode: string;
  generatedAt: string;
  DongBoHoSoMC: DongBoHoSoMC[];
  CapNhatTienDoHoSoMC: CapNhatTienDoHoSoMC[];
}

/** The unit's dossiers changed since `since` (all when omitted), in the national format. */
export async function exportNational(db: Db, unitCode: string, since?: Date, fileBaseUrl?: string): Promise<NationalExport> {
  const u = await db.query<{ name: string }>('SELECT name FROM units WHERE code = $1', [unitCode]);
  if (!u.rows.length) throw new Error(`Không có đơn vị ${unitCode}.`);
  const unit: NationalUnit = { unitCode, unitName: u.rows[0].name, fileBaseUrl };
  const r = await db.query<{ state: DerivedDossier }>(
    `SELECT state FROM dossiers WHERE unit_code = $1 AND state IS NOT NULL AND ($2::timestamptz IS NULL OR updated_at >= $2)
     ORDER BY code`,
    [unitCode, since ?? null],
  );
  const dossiers = r.rows.map((x) => x.state);
  return {
    unitCode,
    generatedAt: formatPortal(Date.now()),
    DongBoHoSoMC: dossiers.map((d) => toDongBoHoSoMC(d, unit)),
    CapNhatTienDoHoSoMC: dossiers.flatMap((d) => toCapNhatTienDo(d, unit)),
  };
}
