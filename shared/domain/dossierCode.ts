// Mã hồ sơ: '{mã định danh đơn vị}-{yyMMdd}-{NNNN}', the receipt date in Vietnam time and
// the unit's sequence number of that day, 4 digits, zero-padded (DOMAIN.md §3;
// TH GenerateMaHoSo.cs). Example: '000.00.13.H12-250704-0001'.
import type { EpochMs, IsoDate } from './types';
import { isoDateOf, parseIsoDate, vnParts } from './vnTime';

export const MAX_DAILY_SEQ = 9999;

const p2 = (n: number) => String(n).padStart(2, '0');

export function formatDossierCode(unitCode: string, receivedAt: EpochMs, seq: number): string {
  const unit = unitCode.trim();
  if (!unit) throw new RangeError('Chưa có mã định danh đơn vị.');
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_DAILY_SEQ) {
    throw new RangeError(`Số thứ tự hồ sơ trong ngày phải từ 1 đến ${MAX_DAILY_SEQ} (nhận được ${seq}).`);
  }
  const p = vnParts(receivedAt);
  return `${unit}-${p2(p.year % 100)}${p2(p.month)}${p2(p.day)}-${String(seq).padStart(4, '0')}`;
}

/** The parts of a code made by formatDossierCode, or null. yy is read as 20yy. */
export function parseDossierCode(code: string): { unitCode: string; date: IsoDate; seq: number } | null {
  const m = /^(.+)-(\d{2})(\d{2})(\d{2})-(\d{4})$/.exec(code.trim());
  if (!m) return null;
  const date = isoDateOf(2000 + Number(m[2]), Number(m[3]), Number(m[4]));
  if (!parseIsoDate(date)) return null;
  const seq = Number(m[5]);
  if (seq < 1) return null;
  return { unitCode: m[1]!, date, seq };
}
