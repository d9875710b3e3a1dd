import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, startTestHub } from '../sync-support/hubHarness';
import type { TestHub } from '../sync-support/hubHarness';
import { exportNational } from '../../server/national';
import { toCapNhatTienDo, toDongBoHoSoMC, chunkSteps } from '../../shared/national/records';
import { deriveDossier } from '../../shared/sync/derive';
import type { SyncEvent } from '../../shared/sync/protocol';
import { vnTime } from '../../shared/domain/vnTime';

const UNIT = '000.00.13.H12';
const DEV = '3f1c2a9e-0000-4000-8000-000000000001';
const env = (n: number, at: number) => ({
  eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  deviceId: DEV,
  unitCode: UNIT,
  dossierId: 'hs-0001',
  seq: n,
  at,
  actor: 'Nguyễn Thị Lan',
});
const t = (d: number, h: number, m: number, s = 0) => vnTime(2026, 11, d, h, m, s);

const events: SyncEvent[] = [
  {
    ...env(1, t(23, 8, 5, 9)),
    type: 'dossier.received',
    body: {
      code: '000.00.13.H12-261123-1001',
      procedureCode: '2.000815',
      procedureName: 'Chứng thực bản sao từ bản chính',
      fieldCode: 'G09-TP05',
      fieldName: 'Chứng thực',
      applicant: { fullName: 'Lê Văn Tám', idNumber: '096090001234', birthDate: '1990-05-12', address: 'Ấp 3, xã Định Mỹ', phone: '0912345678', email: '' },
      components: [{ componentId: 'banchinh', name: 'Bản chính giấy tờ', original: 1, certified: 0, photocopy: 0, received: true }],
      copies: 1,
      channel: 1,
      resultDelivery: 'post',
      status: 2,
      receivedAt: t(23, 8, 5, 9),
      appointmentAt: t(23, 16, 0),
      processingHours: 8,
      receivedBy: 'Nguyễn Thị Lan',
      note: 'Khách cần gấp',
      registerBook: 2026,
      registerNo: 512,
    },
  },
  { ...env(2, t(23, 8, 6)), type: 'dossier.file_attached', body: { sha256: 'ab'.repeat(32), size: 98_765, mime: 'image/webp', componentId: 'banchinh', page: 1 } },
  {
    ...env(3, t(23, 9, 30)),
    type: 'dossier.status_changed',
    body: { from: 2, to: 4, note: 'Chuyển công chức Tư pháp - Hộ tịch', actorTitle: 'Công chức Một cửa', department: 'Bộ phận Một cửa' },
  },
  { ...env(4, t(23, 14, 45, 30)), actor: 'Trần Văn Hùng', type: 'dossier.status_changed', body: { from: 4, to: 9, note: '', actorTitle: 'Công chức Tư pháp - Hộ tịch' } },
  { ...env(5, t(24, 7, 40)), type: 'dossier.status_changed', body: { from: 9, to: 10, note: 'Đã gửi qua bưu điện, mã vận đơn EB123' } },
];
const unit = { unitCode: UNIT, unitName: 'UBND xã Định Mỹ' };

describe('national format (hand-written expected records)', () => {
  const state = deriveDossier(events).state!;

  it('DongBoHoSoMC, field for field', () => {
    expect(toDongBoHoSoMC(state, unit)).toEqual({
      MaHoSo: '000.00.13.H12-261123-1001',
      MaTTHC: '2.000815',
      TenTTHC: 'Chứng thực bản sao từ bản chính',
      MaLinhVuc: 'G09-TP05',
      TenLinhVuc: 'Chứng thực',
      KenhThucHien: 1,
      SoBienNhan: '000.00.13.H12-261123-1001',
      ChuHoSo: 'Lê Văn Tám',
      LoaiDoiTuong: 1,
      MaDoiTuong: '096090001234',
      ThongTinKhac: 'Ấp 3, xã Định Mỹ',
      Email: '',
      Fax: '',
      SoDienThoai: '0912345678',
      TrichYeuHoSo: 'Chứng thực bản sao từ bản chính - Lê Văn Tám',
      NgayTiepNhan: '20261123080509',
      NgayHenTra: '20261123160000',
      TrangThaiHoSo: 10,
      NgayTra: '20261124074000',
      ThongTinTra: 'Đã gửi qua bưu điện, mã vận đơn EB123',
      HinhThuc: 1,
      NgayKetThucXuLy: '20261123144530',
      DonViXuLy: 'UBND xã Định Mỹ',
      GhiChu: 'Khách cần gấp',
      TaiLieuNop: [
        {
          TepDinhKemId: 'ab'.repeat(32),
          TenTepDinhKem: 'Bản chính giấy tờ - trang 1',
          IsDeleted: false,
          MaThanhPhanHoSo: 'banchinh',
          DuongDanTaiTepTin: 'ab'.repeat(32),
          DuocSoHoa: 1,
          DuocTaiSuDung: 0,
          DuocLayTuKhoDMQG: 0,
        },
      ],
      DanhSachLePhi: [],
      DanhSachTepDinhKemKhac: [],
      DanhSachHoSoBoSung: [],
      DanhSachGiayToKetQua: [],
      NgayNopHoSo: '20261123080509',
      NgayTuChoi: '',
      HoSoCoThanhPhanSoHoa: 1,
      DinhDanhCHS: [{ LoaiDinhDanh: 1, SoDinhDanh: '096090001234' }],
    });
  });

  it('CapNhatTienDoHoSoMC: the receipt step, then one per status move', () => {
    expect(toCapNhatTienDo(state, unit)).toEqual([
      {
        MaHoSo: '000.00.13.H12-261123-1001',
        NguoiXuLy: 'Nguyễn Thị Lan',
        ChucDanh: 'Cán bộ tiếp nhận',
        ThoiDiemXuLy: '20261123080509',
        PhongBanXuLy: 'UBND xã Định Mỹ',
        NoiDungXuLy: 'Tiếp nhận hồ sơ',
        TrangThai: 2,
        NgayBatDau: '20261123080509',
        NgayKetThucTheoQuyDinh: '20261123160000',
      },
      {
        MaHoSo: '000.00.13.H12-261123-1001',
        NguoiXuLy: 'Nguyễn Thị Lan',
        ChucDanh: 'Công chức Một cửa',
        ThoiDiemXuLy: '20261123093000',
        PhongBanXuLy: 'Bộ phận Một cửa',
        NoiDungXuLy: 'Chuyển công chức Tư pháp - Hộ tịch',
        TrangThai: 4,
        NgayBatDau: '20261123080509',
        NgayKetThucTheoQuyDinh: '20261123160000',
      },
      {
        MaHoSo: '000.00.13.H12-261123-1001',
        NguoiXuLy: 'Trần Văn Hùng',
        ChucDanh: 'Công chức Tư pháp - Hộ tịch',
        ThoiDiemXuLy: '20261123144530',
        PhongBanXuLy: 'UBND xã Định Mỹ',
        NoiDungXuLy: 'Đã xử lý xong',
        TrangThai: 9,
        NgayBatDau: '20261123093000',
        NgayKetThucTheoQuyDinh: '20261123160000',
      },
      {
        MaHoSo: '000.00.13.H12-261123-1001',
        NguoiXuLy: 'Nguyễn Thị Lan',
        ChucDanh: '',
        ThoiDiemXuLy: '20261124074000',
        PhongBanXuLy: 'UBND xã Định Mỹ',
        NoiDungXuLy: 'Đã gửi qua bưu điện, mã vận đơn EB123',
        TrangThai: 10,
        NgayBatDau: '20261123144530',
        NgayKetThucTheoQuyDinh: '20261123160000',
      },
    ]);
  });

  it('bounds TrichYeuHoSo (1000) and NguoiXuLy (50), maps CMND and refusals', () => {
    const long = 'Â'.repeat(1200);
    const rec = events[0] as Extract<SyncEvent, { type: 'dossier.received' }>;
    const s = deriveDossier([
      { ...rec, body: { ...rec.body, procedureName: long, receivedBy: 'Đ'.repeat(80), applicant: { ...rec.body.applicant, idNumber: '123456789' }, appointmentAt: null } },
      { ...env(9, t(23, 9, 0)), type: 'dossier.status_changed', body: { from: 2, to: 3, note: 'Không thuộc thẩm quyền' } },
    ]).state!;
    const d = toDongBoHoSoMC(s, unit);
    expect(Array.from(d.TrichYeuHoSo)).toHaveLength(1000);
    expect(d.DinhDanhCHS).toEqual([{ LoaiDinhDanh: 2, SoDinhDanh: '123456789' }]);
    expect(d.NgayTuChoi).toBe('20261123090000');
    expect(d.TrangThaiHoSo).toBe(3);
    expect(d.NgayHenTra).toBe('');
    const p = toCapNhatTienDo(s, unit);
    expect(Array.from(p[0].NguoiXuLy)).toHaveLength(50);
    expect(chunkSteps([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 10)).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11]]);
  });
});

describe.each(await backends())('export:national from the hub on %s', (backend) => {
  let h: TestHub;
  beforeAll(async () => {
    h = await startTestHub(backend);
  });
  afterAll(async () => h?.stop());

  it("exports the unit's dossiers as pushed, and only changed ones with since", async () => {
    const d = await h.device(UNIT, 'Máy 1');
    // Re-issue the hand-written log from this device (its id, its slot-1 code).
    const mine = events.map((e) => ({ ...e, deviceId: d.deviceId, eventId: crypto.randomUUID() })) as SyncEvent[];
    if (d.slot !== 1) throw new Error('expected slot 1');
    const r = await d.client.push(mine);
    expect(r.accepted).toBe(5);
    await h.hub.createUnit(UNIT, 'UBND xã Định Mỹ', true);
    const out = await exportNational(h.db, UNIT);
    expect(out.DongBoHoSoMC).toEqual([toDongBoHoSoMC(deriveDossier(mine).state!, unit)]);
    expect(out.CapNhatTienDoHoSoMC).toHaveLength(4);
    const later = await exportNational(h.db, UNIT, new Date(Date.now() + 60_000));
    expect(later.DongBoHoSoMC).toEqual([]);
  });
});
