// The built-in starting catalogue of commune-level procedures (DOMAIN.md §7–§8).
// Data lives in the versioned JSON next to this file; see README.md for how a
// province publishes a new version. Everything is validated against the same
// procedureSchema the IPC boundary uses, so a bad file fails loudly at load.
import { procedureSchema } from '../../ipc/contract';
import { parseIsoDate } from '../../domain/vnTime';
import type { IsoDate, Procedure } from '../../domain/types';
import raw from './catalogue-2025-07.json';

export interface Catalogue {
  /** Stable id of this catalogue edition, e.g. 'builtin-2025.07' or 'AG-2025.09'. */
  id: string;
  /** Increases by 1 on every published change of the same catalogue id. */
  version: number;
  /** First day the catalogue applies ('yyyy-mm-dd', Vietnam time). */
  effectiveFrom: IsoDate;
  /** The legal texts the catalogue as a whole rests on. */
  legalBasis: string;
  /** Where the facts come from (with DOMAIN.md confidence tags ✔/◐/✱). */
  source: string;
  note: string;
  procedures: Procedure[];
}

function fail(message: string): never {
  throw new Error(`Danh mục thủ tục không hợp lệ: ${message}`);
}

function headerText(o: Record<string, unknown>, key: string, label: string, required: boolean): string {
  const v = o[key];
  if (typeof v !== 'string') fail(`thiếu trường "${key}" (${label}).`);
  const s = v.normalize('NFC').trim();
  if (required && s.length === 0) fail(`trường "${key}" (${label}) không được để trống.`);
  return s;
}

/**
 * Checks a catalogue (parsed JSON from the built-in file or from a province's file)
 * and returns it normalised (NFC, trimmed). Throws an Error whose Vietnamese message
 * names the offending procedure (position, code and name) and field.
 */
export function validateCatalogue(c: unknown): Catalogue {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) fail('phải là một đối tượng JSON.');
  const o = c as Record<string, unknown>;
  const id = headerText(o, 'id', 'mã danh mục', true);
  if (!/^[0-9A-Za-z_.-]{1,60}$/.test(id)) fail(`mã danh mục "${id}" chỉ được gồm chữ, số, dấu chấm, gạch ngang, gạch dưới.`);
  const version = o.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    fail('phiên bản ("version") phải là số nguyên từ 1 trở lên.');
  }
  const effectiveFrom = headerText(o, 'effectiveFrom', 'ngày hiệu lực', true);
  if (!parseIsoDate(effectiveFrom)) fail(`ngày hiệu lực "${effectiveFrom}" phải có dạng yyyy-mm-dd.`);
  const legalBasis = headerText(o, 'legalBasis', 'căn cứ pháp lý', true);
  const source = headerText(o, 'source', 'nguồn', true);
  const note = headerText(o, 'note', 'ghi chú', false);
  if (!Array.isArray(o.procedures) || o.procedures.length === 0) fail('danh sách thủ tục ("procedures") trống.');

  const procedures: Procedure[] = [];
  const seen = new Map<string, number>();
  o.procedures.forEach((p: unknown, i: number) => {
    const rec = (typeof p === 'object' && p !== null ? p : {}) as Record<string, unknown>;
    const label = `thủ tục thứ ${i + 1}` + (typeof rec.code === 'string' ? ` (mã ${rec.code}` + (typeof rec.name === 'string' ? `, "${rec.name}")` : ')') : '');
    const r = procedureSchema.safeParse(p);
    if (!r.success) {
      const issue = r.error.issues[0]!; // zod reports at least one issue when parsing fails
      const path = issue.path.length ? ` [${issue.path.join('.')}]` : '';
      fail(`${label}${path}: ${issue.message}`);
    }
    const proc = r.data as Procedure;
    const prev = seen.get(proc.code);
    if (prev !== undefined) fail(`${label}: mã thủ tục trùng với thủ tục thứ ${prev + 1}.`);
    seen.set(proc.code, i);
    if (proc.components.length === 0) fail(`${label}: chưa có thành phần hồ sơ nào.`);
    const ids = new Set<string>();
    for (const comp of proc.components) {
      if (ids.has(comp.id)) fail(`${label}: mã thành phần hồ sơ "${comp.id}" bị trùng.`);
      ids.add(comp.id);
    }
    procedures.push(proc);
  });

  return { id, version, effectiveFrom, legalBasis, source, note, procedures };
}

/** The catalogue shipped with the app; validated once when this module loads. */
export const BUILTIN_CATALOGUE: Catalogue = validateCatalogue(raw);
