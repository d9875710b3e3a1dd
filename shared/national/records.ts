// Dossiers in the national sync format (DOMAIN.md §4): DongBoHoSoMC (the dossier) and
// CapNhatTienDoHoSoMC (its progress steps), built from a dossier's derived state
// (shared/sync/derive.ts). The ONE mapper: the app's `export` (electron/services/export.ts)
// and the hub's `export:national` (server/national.ts) both call it, so the same dossier gives
// the same record. Dates are 'yyyyMMddHHmmss' in Vietnam time. Pure.
// Sending to the province/DVCQG adapter (session, endpoint, success test) is configured per
// province and not done here: the official VPCP spec was not found (DOMAIN.md §11).
import type { DerivedDossier } from '../sync/derive';
import { formatPortal } from '../domain/vnTime';
import { STATUS_LABELS } from '../domain/status';
import { REASON_STATUSES } from '../domain/statusEffects';
import type { DossierStatus, EpochMs } from '../domain/types';
import { DOSSIER_FIELDS, FIELD_PATHS, type FieldSpec, fieldValue } from '../domain/dossierFields';

export interface TaiLieuNop {
  TepDinhKemId: string;
  TenTepDinhKem: string;
  IsDeleted: boolean;
  MaThanhPhanHoSo: string;
  DuongDanTaiTepTin: string;
  DuocSoHoa: 0 | 1;
  DuocTaiSuDung: 0 | 1 | 2;
  DuocLayTuKhoDMQG: 0 | 1;
}

/** A page of a digitised result paper (LoaiSoHoa 1). */
export interface GiayToKetQua {
  TenGiayTo: string;
  MaThanhPhanHoSo: string;
  GiayToId: string;
  DuongDanTepTinKetQua: string;
}

export interface DongBoHoSoMC {
  MaHoSo: string;
  MaTTHC: string;
  TenTTHC: string;
  MaLinhVuc: string;
  TenLinhVuc: string;
  KenhThucHien: 1 | 2 | 3;
  SoBienNhan: string;
  ChuHoSo: string;
  LoaiDoiTuong: 1 | 2 | 3 | 4;
  MaDoiTuong: string;
  ThongTinKhac: string;
  Email: string;
  Fax: string;
  SoDienThoai: string;
  TrichYeuHoSo: string;
  NgayTiepNhan: string;
  NgayHenTra: string;
  TrangThaiHoSo: DossierStatus;
  NgayTra: string;
  ThongTinTra: string;
  HinhThuc: 0 | 1;
  NgayKetThucXuLy: string;
  DonViXuLy: string;
  GhiChu: string;
  TaiLieuNop: TaiLieuNop[];
  DanhSachLePhi: never[];
  DanhSachTepDinhKemKhac: { TenGiayTo: string; SoLuong: number; LoaiGiayTo: string }[];
  DanhSachHoSoBoSung: never[];
  DanhSachGiayToKetQua: GiayToKetQua[];
  NgayNopHoSo: string;
  NgayTuChoi: string;
  HoSoCoThanhPhanSoHoa: 0 | 1;
  DinhDanhCHS: { LoaiDinhDanh: 1 | 2; SoDinhDanh: string }[];
}

export interface CapNhatTienDoHoSoMC {
  MaHoSo: string;
  NguoiXuLy: string;
  ChucDanh: string;
  ThoiDiemXuLy: string;
  PhongBanXuLy: string;
  NoiDungXuLy: string;
  TrangThai: DossierStatus;
  NgayBatDau: string;
  NgayKetThucTheoQuyDinh: string;
}

export interface NationalUnit {
  unitCode: string;
  unitName: string;
  /** Base URL under which the hub serves verified files, for DuongDanTaiTepTin. */
  fileBaseUrl?: string;
}

const TRICH_YEU_MAX = 1000; // TH truncates TrichYeuHoSo to 1000 characters (DOMAIN.md §4)
const NGUOI_XU_LY_MAX = 50; // NguoiXuLy ≤ 50 characters (DOMAIN.md §4)

const portal = (ms: EpochMs | null | undefined) => (ms === null || ms === undefined ? '' : formatPortal(ms));
const cut = (s: string, n: number) => (Array.from(s).length > n ? Array.from(s).slice(0, n).join('') : s);

type NationalPlainField = 'ChuHoSo' | 'ThongTinKhac' | 'Email' | 'SoDienThoai' | 'KenhThucHien';

function plainFields(d: DerivedDossier): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of FIELD_PATHS) {
    const f: FieldSpec = DOSSIER_FIELDS[p];
    if (f.national) out[f.national] = fieldValue(d, p);
  }
  return out;
}

export function toDongBoHoSoMC(d: DerivedDossier, unit: NationalUnit): DongBoHoSoMC {
  const id = d.applicant.idNumber;
  const refused = d.history.filter((h) => h.to === 3).at(-1);
  const returnStep = d.history.filter((h) => h.to === 10).at(-1);
  const componentName = (cid: string) => d.components.find((c) => c.componentId === cid)?.name ?? cid;
  const base = unit.fileBaseUrl?.replace(/\/$/, '') ?? '';
  const url = (sha256: string) => (base ? `${base}/${sha256}` : sha256);
  // Pages of result papers (LoaiSoHoa 1) are the dossier's results, not papers handed in.
  const submitted = d.files.filter((f) => f.resultName === undefined);
  const results = d.files.filter((f) => f.resultName !== undefined);
  return {
    // The fields that go to the record as they are, from their description (dossierFields.ts).
    ...(plainFields(d) as Pick<DongBoHoSoMC, NationalPlainField>),
    MaHoSo: d.code,
    MaTTHC: d.procedureCode,
    TenTTHC: d.procedureName,
    MaLinhVuc: d.fieldCode,
    TenLinhVuc: d.fieldName,
    SoBienNhan: d.code,
    // Commune counters receive dossiers of citizens: 1 = công dân.
    LoaiDoiTuong: 1,
    MaDoiTuong: id,
    Fax: '',
    TrichYeuHoSo: cut(`${d.procedureName} - ${d.applicant.fullName}`, TRICH_YEU_MAX),
    NgayTiepNhan: portal(d.receivedAt),
    NgayHenTra: portal(d.appointmentAt),
    TrangThaiHoSo: d.status,
    NgayTra: portal(d.returnedAt),
    ThongTinTra: returnStep ? cut(returnStep.note || `Đã trả kết quả ${d.resultDelivery === 'post' ? 'qua bưu chính công ích' : 'tại Bộ phận Một cửa'}`, 500) : '',
    HinhThuc: d.resultDelivery === 'post' ? 1 : 0,
    NgayKetThucXuLy: portal(d.finishedAt),
    DonViXuLy: unit.unitName,
    // A refused, withdrawn or stopped dossier: its reason is the note that matters.
    GhiChu: REASON_STATUSES.includes(d.status) ? d.reason : d.note,
    TaiLieuNop: submitted.map((f) => ({
      TepDinhKemId: f.sha256,
      TenTepDinhKem: f.fileName ?? `${componentName(f.componentId)} - trang ${f.page}`,
      IsDeleted: false,
      MaThanhPhanHoSo: f.componentId,
      DuongDanTaiTepTin: url(f.sha256),
      DuocSoHoa: 1,
      // Component state 2 (tái sử dụng) → 1, 3 (từ kết quả hồ sơ khác) → 2, otherwise 0 (DOMAIN.md §5).
      DuocTaiSuDung: f.reuse === 3 ? 2 : f.reuse === 2 ? 1 : 0,
      DuocLayTuKhoDMQG: 0,
    })),
    DanhSachLePhi: [],
    DanhSachTepDinhKemKhac: [],
    DanhSachHoSoBoSung: [],
    DanhSachGiayToKetQua: results.map((f) => ({
      TenGiayTo: `${f.resultName} - trang ${f.page}`,
      MaThanhPhanHoSo: f.componentId,
      GiayToId: f.sha256,
      DuongDanTepTinKetQua: url(f.sha256),
    })),
    NgayNopHoSo: portal(d.receivedAt),
    NgayTuChoi: refused ? portal(refused.at) : '',
    HoSoCoThanhPhanSoHoa: submitted.length > 0 ? 1 : 0,
    // LoaiDinhDanh 1 = 12-digit CCCD, 2 = 9-digit CMND (DOMAIN.md §4).
    DinhDanhCHS: /^\d{12}$/.test(id) ? [{ LoaiDinhDanh: 1, SoDinhDanh: id }] : /^\d{9}$/.test(id) ? [{ LoaiDinhDanh: 2, SoDinhDanh: id }] : [],
  };
}

/**
 * Progress steps: first the receipt (TrangThai 2, "Tiếp nhận hồ sơ", as TH sends it), then one
 * step per applied status move. NgayBatDau is when the previous step ended.
 */
export function toCapNhatTienDo(d: DerivedDossier, unit: NationalUnit): CapNhatTienDoHoSoMC[] {
  const deadline = portal(d.appointmentAt);
  const steps: CapNhatTienDoHoSoMC[] = [
    {
      MaHoSo: d.code,
      NguoiXuLy: cut(d.receivedBy, NGUOI_XU_LY_MAX),
      ChucDanh: 'Cán bộ tiếp nhận',
      ThoiDiemXuLy: portal(d.receivedAt),
      PhongBanXuLy: unit.unitName,
      NoiDungXuLy: 'Tiếp nhận hồ sơ',
      TrangThai: 2,
      NgayBatDau: portal(d.receivedAt),
      NgayKetThucTheoQuyDinh: deadline,
    },
  ];
  let prev = d.receivedAt;
  for (const h of d.history) {
    steps.push({
      MaHoSo: d.code,
      NguoiXuLy: cut(h.actor, NGUOI_XU_LY_MAX),
      ChucDanh: h.actorTitle ?? '',
      ThoiDiemXuLy: portal(h.at),
      PhongBanXuLy: h.department ?? unit.unitName,
      NoiDungXuLy: h.note || STATUS_LABELS[h.to],
      TrangThai: h.to,
      NgayBatDau: portal(prev),
      NgayKetThucTheoQuyDinh: deadline,
    });
    prev = h.at;
  }
  return steps;
}

/** Splits progress steps into calls of at most `size` (TH sends at most 10 per call). */
export function chunkSteps<T>(steps: T[], size = 10): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < steps.length; i += size) out.push(steps.slice(i, i + size));
  return out;
}
