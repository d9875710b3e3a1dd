// Export of dossiers in the national format (DongBoHoSoMC, DOMAIN.md §4), streamed so a
// million dossiers never sit in memory: each dossier's state is derived from its log by the
// projector (with the appointment moved by the supplement pauses) and mapped by the ONE
// national mapper (shared/national/records.ts) that the hub's export:national uses too.
import type { Db } from './db/database';
import { parseIsoDate, vnTime } from '../../shared/domain/vnTime';
import { toDongBoHoSoMC, type DongBoHoSoMC, type NationalUnit } from '../../shared/national/records';
import type { DossierProjector } from './dossier/projector';
import { AppError } from './errors';

const DAY_MS = 86_400_000;

function dayStart(iso: string, label: string): number {
  const p = parseIsoDate(iso);
  if (!p) throw new AppError('invalid', `${label}: ngày không hợp lệ (cần dạng yyyy-mm-dd).`);
  return vnTime(p.year, p.month, p.day);
}

/** Rows read per query: the export never keeps a statement open across the caller's awaits. */
const EXPORT_BATCH = 1000;

/**
 * Dossiers received in [from, to] (Vietnam days, inclusive), oldest first.
 * Read in keyset-paginated batches: a caller that awaits between items (a file stream's
 * back-pressure) must not hold a better-sqlite3 iterator open, or the connection is busy
 * for the app's own timers (search-index merges, OCR queue, sync) meanwhile.
 */
export function* exportDossiers(db: Db, projector: DossierProjector, unit: NationalUnit, opts: { from?: string; to?: string } = {}): Iterable<DongBoHoSoMC> {
  const from = opts.from ? dayStart(opts.from, 'Từ ngày') : 0;
  const to = opts.to ? dayStart(opts.to, 'Đến ngày') + DAY_MS : 8_640_000_000_000;
  const page = db.prepare(
    `SELECT id, uid, received_at AS receivedAt FROM dossiers
     WHERE received_at < ? AND (received_at > ? OR (received_at = ? AND id > ?))
     ORDER BY received_at, id LIMIT ${EXPORT_BATCH}`,
  );
  let afterAt = from - 1;
  let afterId = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = page.all(to, afterAt, afterAt, afterId) as { id: number; uid: string; receivedAt: number }[];
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    afterAt = last.receivedAt;
    afterId = last.id;
    for (const r of rows) {
      const state = projector.state(r.uid);
      if (state) yield toDongBoHoSoMC(state, unit);
    }
    if (rows.length < EXPORT_BATCH) return;
  }
}
