// Export of dossiers as DongBoHoSoMC-shaped records (DOMAIN.md §4), streamed row by row
// so a million dossiers never sit in memory. Dates are 'yyyyMMddHHmmss' Vietnam time.
import type { Db } from './db/database';
import { parseIsoDate, vnTime, formatPortal } from '../../shared/domain/vnTime';
import { AppError } from './errors';

const DAY_MS = 86_400_000;

function dayStart(iso: string, label: string): number {
  const p = parseIsoDate(iso);
  if (!p) throw new AppError('invalid', `${label}: ngày không hợp lệ (cần dạng yyyy-mm-dd).`);
  return vnTime(p.year, p.month, p.day);
}

interface ExportRow {
  id: number;
  code: string;
  procedureCode: string;
  procedureName: string;
  fieldCode: string;
  fieldName: string;
  channel: number;
  applicantName: string;
  idNumber: string;
  address: string;
  phone: string;
  email: string;
  status: number;
  receivedAt: number;
  appointmentAt: number | null;
  finishedAt: number | null;
  returnedAt: number | null;
  resultDelivery: string;
  receivedBy: string;
  note: string;
  reason: string;
}

/** Rows read per query: the export never keeps a statement open across the caller's awaits. */
const EXPORT_BATCH = 1000;

/**
 * Dossiers received in [from, to] (Vietnam days, inclusive), oldest first.
 * Read in keyset-paginated batches: a caller that awaits between items (a file stream's
 * back-pressure) must not hold a better-sqlite3 iterator open, or the connection is busy
 * for the app's own timers (search-index merges, OCR queue, sync) meanwhile.
 */
export function* exportDossiers(db: Db, opts: { from?: string; to?: string } = {}): Iterable<object> {
  const from = opts.from ? dayStart(opts.from, 'Từ ngày') : 0;
  const to = opts.to ? dayStart(opts.to, 'Đến ngày') + DAY_MS : 8_640_000_000_000;
  const page = db.prepare(
    `SELECT id, code, procedure_code AS procedureCode, procedure_name AS procedureName, field_code AS fieldCode,
       field_name AS fieldName, channel, applicant_name AS applicantName, id_number AS idNumber, address, phone, email,
       status, received_at AS receivedAt, appointment_at AS appointmentAt, finished_at AS finishedAt,
       returned_at AS returnedAt, result_delivery AS resultDelivery, received_by AS receivedBy, note, reason
     FROM dossiers
     WHERE received_at < ? AND (received_at > ? OR (received_at = ? AND id > ?))
     ORDER BY received_at, id LIMIT ${EXPORT_BATCH}`,
  );
  let afterAt = from - 1;
  let afterId = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = page.all(to, afterAt, afterAt, afterId) as (ExportRow & { id: number })[];
    if (rows.length === 0) return;
    const last = rows[rows.length - 1];
    afterAt = last.receivedAt;
    afterId = last.id;
    yield* rows.map(toPortalRecord);
    if (rows.length < EXPORT_BATCH) return;
  }
}

function toPortalRecord(r: ExportRow): object {
  return {
    MaHoSo: r.code,
    MaTTHC: r.procedureCode,
    TenTTHC: r.procedureName,
    MaLinhVuc: r.fieldCode,
    TenLinhVuc: r.fieldName,
    KenhThucHien: r.channel,
    ChuHoSo: r.applicantName,
    LoaiDoiTuong: 1,
    MaDoiTuong: '',
    Email: r.email,
    SoDienThoai: r.phone,
    DiaChi: r.address,
    TrichYeuHoSo: r.procedureName.slice(0, 1000),
    NgayTiepNhan: formatPortal(r.receivedAt),
    NgayHenTra: r.appointmentAt === null ? '' : formatPortal(r.appointmentAt),
    TrangThaiHoSo: r.status,
    NgayTra: r.returnedAt === null ? '' : formatPortal(r.returnedAt),
    HinhThuc: r.resultDelivery === 'post' ? 1 : 0,
    NgayKetThucXuLy: r.finishedAt === null ? '' : formatPortal(r.finishedAt),
    NgayTuChoi: r.status === 3 ? formatPortal(r.receivedAt) : '',
    GhiChu: r.status === 3 || r.status === 8 || r.status === 7 ? r.reason : r.note,
    DinhDanhCHS: [{ LoaiDinhDanh: r.idNumber.length === 12 ? 1 : 2, SoDinhDanh: r.idNumber }],
    NguoiTiepNhan: r.receivedBy,
  };
}
