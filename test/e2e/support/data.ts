// Test data: a unit and applicants with ID numbers that pass the CCCD structure check
// (PPP province, G century/sex, YY birth year: DOMAIN.md §10).
import type { DossierComponent, Procedure, UnitSettings } from '../../../shared/domain/types';
import { DEFAULT_WORKING_HOURS } from '../../../shared/domain/types';

export const UNIT: UnitSettings = {
  unitCode: 'H01.151',
  unitName: 'Trung tâm Phục vụ hành chính công xã Định Mỹ',
  parentName: 'UBND XÃ ĐỊNH MỸ',
  provinceName: 'An Giang',
  placeName: 'Định Mỹ',
  clerkName: 'Trần Văn Bình',
  contactPhone: '0296 3871 234',
  workingHours: DEFAULT_WORKING_HOURS,
};

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface TestApplicant {
  fullName: string;
  idNumber: string;
  /** dd/mm/yyyy as typed. */
  birthDate: string;
  birthIso: string;
  address: string;
  phone: string;
  email: string;
}

export const ANH: TestApplicant = {
  fullName: 'Nguyễn Thị Ánh Tuyết',
  idNumber: '089190012345', // 089 An Giang, 1 = female 1900s, 90 = 1990
  birthDate: '12/05/1990',
  birthIso: '1990-05-12',
  address: 'Ấp Định Thành, xã Định Mỹ, tỉnh An Giang',
  phone: '0912345678',
  email: 'anh.tuyet@example.vn',
};

export const DANG: TestApplicant = {
  fullName: 'Đặng Văn Hùng',
  idNumber: '089085004321', // 0 = male 1900s, 85 = 1985
  birthDate: '03/11/1985',
  birthIso: '1985-11-03',
  address: 'Ấp Định Phú, xã Định Mỹ, tỉnh An Giang',
  phone: '0987654321',
  email: '',
};

export const LOAN: TestApplicant = {
  fullName: 'Lê Thị Loan',
  idNumber: '001195067890', // 001 Hà Nội, female 1900s, 1995
  birthDate: '21/02/1995',
  birthIso: '1995-02-21',
  address: 'Số 12 đường Nguyễn Trãi, ấp Định An',
  phone: '0909123456',
  email: 'loan@example.vn',
};

/** Every paper of the procedure handed over, with the page count a by-page fee asks for (2 pages a copy). */
export function allReceived(p: Procedure): DossierComponent[] {
  return p.components.map((c) => ({
    componentId: c.id,
    name: c.name,
    original: c.original,
    certified: c.certified,
    photocopy: c.photocopy,
    received: true,
    ...(c.id === p.fee.byPage?.componentId ? { pages: 2 } : {}),
  }));
}
