// Structure check of the 12-digit personal ID number (CCCD / số định danh cá nhân),
// DOMAIN.md §10: PPP G YY RRRRRR — province of birth registration, century and sex,
// last two digits of the birth year, random part. There is no check digit.
import { CCCD_PROVINCE_CODES } from '../data/cccdProvinceCodes';

export interface CccdInfo {
  provinceCode: string;
  provinceName: string;
  sex: 'male' | 'female';
  birthYear: number;
}

export type CccdCheck = { ok: true; info: CccdInfo } | { ok: false; message: string };

/**
 * Checks the structure of an ID number, and when a birth date ('yyyy-mm-dd') is given,
 * that its year matches the year coded in the number. Messages are for the clerk.
 */
export function checkCccd(raw: string, birthDate?: string): CccdCheck {
  const id = raw.trim();
  if (!/^\d{12}$/.test(id)) {
    return { ok: false, message: 'Số định danh cá nhân phải gồm đúng 12 chữ số.' };
  }
  const provinceCode = id.slice(0, 3);
  const provinceName = CCCD_PROVINCE_CODES[provinceCode];
  if (!provinceName) {
    return { ok: false, message: `Mã tỉnh "${provinceCode}" ở 3 chữ số đầu của số định danh không tồn tại.` };
  }
  const g = Number(id[3]);
  // 0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, 6/7 = 2200s, 8/9 = 2300s.
  const century = 1900 + Math.floor(g / 2) * 100;
  const birthYear = century + Number(id.slice(4, 6));
  const sex = g % 2 === 0 ? 'male' : 'female';
  const thisYear = new Date().getUTCFullYear();
  if (birthYear > thisYear) {
    return { ok: false, message: `Số định danh cho năm sinh ${birthYear}, sau năm hiện tại: kiểm tra lại chữ số thứ 4–6.` };
  }
  if (birthDate) {
    const y = Number(birthDate.slice(0, 4));
    if (Number.isFinite(y) && y !== birthYear) {
      return {
        ok: false,
        message: `Năm sinh ${y} không khớp với số định danh (số định danh ghi năm sinh ${birthYear}).`,
      };
    }
  }
  return { ok: true, info: { provinceCode, provinceName, sex, birthYear } };
}
