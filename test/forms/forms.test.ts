// Form PDFs: rendered for real and read back with poppler (pdftotext, pdfinfo, pdffonts),
// the oracle for "the Vietnamese text is printed exactly, on A4, with embedded fonts".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderForm, formatProcessing, formatTimeStamp, type FormRequest } from '../../electron/services/forms/pdf';
import { TextLayout } from '../../electron/services/forms/textLayout';
import { templateFor, TEMPLATE_SETS } from '../../shared/data/formTemplates';
import { DEFAULT_WORKING_HOURS, type Dossier, type GuidanceSlip, type UnitSettings } from '../../shared/domain/types';
import { vnTime } from '../../shared/domain/vnTime';
import PDFDocument from 'pdfkit';

const dir = mkdtempSync(join(tmpdir(), 'forms-test-'));
afterAll(() => {
  if (!process.env.KEEP_FORMS) rmSync(dir, { recursive: true, force: true });
});

const settings: UnitSettings = {
  unitCode: '000.00.13.H12',
  unitName: 'Trung tâm Phục vụ hành chính công xã Định Mỹ',
  parentName: 'UBND xã Định Mỹ',
  provinceName: 'An Giang',
  placeName: 'Định Mỹ',
  clerkName: 'Trần Văn Đức',
  contactPhone: '0296 3 812 345',
  workingHours: DEFAULT_WORKING_HOURS,
};

const receivedAt = vnTime(2026, 1, 5, 8, 15);
const appointmentAt = vnTime(2026, 1, 5, 16, 30);

function dossier(over: Partial<Dossier> = {}): Dossier {
  return {
    id: 'd-0007',
    code: '000.00.13.H12-260105-0007',
    unitCode: '000.00.13.H12',
    procedureCode: '1.001193',
    procedureName: 'Đăng ký khai sinh',
    fieldCode: 'G15',
    fieldName: 'Hộ tịch',
    applicant: {
      fullName: 'Nguyễn Thị Ánh Tuyết',
      idNumber: '089186001234',
      birthDate: '1986-04-12',
      address: 'Ấp Mỹ Hoà, xã Định Mỹ, tỉnh An Giang',
      phone: '0912 345 678',
      email: 'anhtuyet@example.vn',
    },
    components: [
      { componentId: 'tokhai', name: 'Tờ khai đăng ký khai sinh', original: 1, certified: 0, photocopy: 0, received: true },
      { componentId: 'chungsinh', name: 'Giấy chứng sinh', original: 1, certified: 0, photocopy: 0, received: true },
      { componentId: 'hochieu', name: 'Giấy tờ tùy thân của người đi đăng ký (căn cước)', original: 0, certified: 0, photocopy: 1, received: true },
      { componentId: 'uyquyen', name: 'Văn bản ủy quyền được chứng thực (nếu nộp thay)', original: 0, certified: 1, photocopy: 0, received: true },
      { componentId: 'khac', name: 'Giấy tờ không nộp: chỉ để kiểm tra lọc', original: 1, certified: 0, photocopy: 0, received: false },
    ],
    copies: 1,
    channel: 1,
    resultDelivery: 'counter',
    status: 2,
    receivedAt,
    appointmentAt,
    processingHours: 8,
    receivedBy: 'Trần Văn Đức',
    note: '',
    reason: '',
    finishedAt: null,
    returnedAt: null,
    updatedAt: receivedAt,
    registerBook: 2026,
    registerNo: 7,
    ...over,
  };
}

const slip: GuidanceSlip = {
  id: 's-12',
  number: 12,
  year: 2026,
  unitCode: '000.00.13.H12',
  procedureCode: '1.001193',
  procedureName: 'Đăng ký khai sinh',
  applicant: dossier().applicant,
  missing: [
    { componentId: 'chungsinh', name: 'Giấy chứng sinh', original: 1, certified: 0, photocopy: 0, received: false },
    { componentId: 'ketHon', name: 'Giấy chứng nhận kết hôn của cha mẹ', original: 0, certified: 1, photocopy: 0, received: false },
  ],
  reason: 'Hồ sơ thiếu Giấy chứng sinh bản chính; giấy kết hôn chưa được chứng thực.',
  issuedBy: 'Lê Thị Hồng Nhung',
  issuedAt: vnTime(2026, 3, 9, 14, 5),
  counterSlot: 0,
  fromDevice: null,
};

function tool(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

async function render(name: string, req: FormRequest) {
  const bytes = await renderForm(req);
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return {
    bytes,
    file,
    text: tool('pdftotext', ['-enc', 'UTF-8', file, '-']),
    layout: tool('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']),
    info: tool('pdfinfo', [file]),
    fonts: tool('pdffonts', [file]),
  };
}

const pages = (info: string) => Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
/** pdftotext puts a line break where a long text wraps: compare without white space. */
const squash = (s: string) => s.replace(/\f\s*\d+\s*\n/g, '').replace(/\s+/g, '');

describe('Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả', () => {
  it('prints the exact Vietnamese text, two copies, A4, embedded fonts', async () => {
    const r = await render('mau01', { kind: 'mau01', settings, dossier: dossier() });
    for (const t of [r.text, r.layout]) {
      expect(t).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
      expect(t).toContain('Mã hồ sơ: 000.00.13.H12-260105-0007');
      expect(t).toContain('Nguyễn Thị Ánh Tuyết');
      expect(t).toContain('Ấp Mỹ Hoà, xã Định Mỹ, tỉnh An Giang');
      expect(t).toContain('16 giờ 30 phút, ngày 05 tháng 01 năm 2026');
      expect(t).toContain('(Liên 1: Lưu)');
      expect(t).toContain('(Liên 2: Giao người nộp hồ sơ)');
      expect(t).toContain('CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(t).toContain('Độc lập - Tự do - Hạnh phúc');
      expect(t).toContain('Định Mỹ, ngày 05 tháng 01 năm 2026');
      expect(t).toContain('UBND XÃ ĐỊNH MỸ');
    }
    expect(r.text).toContain('Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 05 tháng 01 năm 2026');
    expect(r.text).toContain('1 ngày làm việc');
    expect(r.text).toContain('Đăng ký nhận kết quả tại: Bộ phận Một cửa');
    expect(r.text).toContain('Vào Sổ theo dõi hồ sơ, Quyển số: 2026 Số thứ tự: 7');
    expect(r.text).toContain('Tờ khai đăng ký khai sinh');
    expect(r.text).not.toContain('chỉ để kiểm tra lọc'); // not received → not listed
    expect(r.text).toContain('NGƯỜI TIẾP NHẬN HỒ SƠ');
    expect(r.text).toContain('(Ký và ghi rõ họ tên)');
    expect(r.text).toContain('Trần Văn Đức');
    expect(r.text.match(/GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ/g)).toHaveLength(2);
    // One A4 page per copy.
    expect(pages(r.info)).toBe(2);
    expect(r.info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
    expect(r.text.split('\f').filter((p) => p.trim())).toHaveLength(2);
    expect(r.text.split('\f')[0]).toContain('Liên 1');
    expect(r.text.split('\f')[1]).toContain('Liên 2');
    // Metadata.
    expect(r.info).toMatch(/^Title:\s+GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ - 000\.00\.13\.H12-260105-0007$/m);
    expect(r.info).toMatch(/^Author:\s+Trung tâm Phục vụ hành chính công xã Định Mỹ$/m);
    expect(r.info).toMatch(/^Creator:\s+Một cửa xã$/m);
    // Fonts: every font embedded (emb column 'yes'), all of them Tinos.
    const rows = r.fonts
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row).toMatch(/Tinos/);
      expect(row).toMatch(/\s+yes\s+yes\s+yes\s+/);
    }
  });

  it('is deterministic for the same input', async () => {
    const a = await renderForm({ kind: 'mau01', settings, dossier: dossier() });
    const b = await renderForm({ kind: 'mau01', settings, dossier: dossier() });
    expect(a.equals(b)).toBe(true);
  });

  it('prints postal delivery, half days and no appointment', async () => {
    const r = await render('mau01-post', {
      kind: 'mau01',
      settings,
      dossier: dossier({ resultDelivery: 'post', processingHours: 4, appointmentAt: null }),
    });
    expect(r.text).toContain('Đăng ký nhận kết quả tại: qua dịch vụ bưu chính công ích');
    expect(r.text).toContain('0,5 ngày làm việc');
  });

  it('prints a same-day procedure (15:00 rule) as within the working day', async () => {
    const r = await render('mau01-sameday', { kind: 'mau01', settings, dossier: dossier({ processingHours: 0 }) });
    expect(r.text).toContain('Trong ngày làm việc');
    expect(r.text).not.toContain('0 ngày làm việc');
  });

  it('fits a normal dossier of 8 components on one page per copy', async () => {
    const components = Array.from({ length: 8 }, (_, i) => ({
      componentId: `c${i}`,
      name: `Giấy tờ số ${i + 1}: bản sao giấy tờ chứng minh nơi cư trú của người yêu cầu`,
      original: 1,
      certified: i % 2,
      photocopy: 1,
      received: true,
    }));
    const r = await render('mau01-8', { kind: 'mau01', settings, dossier: dossier({ components }) });
    expect(pages(r.info)).toBe(2);
  });

  it('flows a long component table onto further pages, repeating the table header', async () => {
    const components = Array.from({ length: 40 }, (_, i) => ({
      componentId: `c${i}`,
      name: `Thành phần hồ sơ thứ ${i + 1}`,
      original: 1,
      certified: 0,
      photocopy: 0,
      received: true,
    }));
    const r = await render('mau01-40', { kind: 'mau01', settings, dossier: dossier({ components }) });
    expect(pages(r.info)).toBeGreaterThanOrEqual(4);
    for (let i = 1; i <= 40; i++) expect(r.text).toContain(`Thành phần hồ sơ thứ ${i}\n`);
    const copy1 = r.text.split('(Liên 2')[0];
    expect(copy1.match(/Bản chứng thực|Bản chứng\s*\n/g)!.length).toBeGreaterThanOrEqual(2);
  });

  it('prints HTML and script literally', async () => {
    const name = 'Lê Văn <script>alert(1)</script> & <b>Bé</b>';
    const r = await render('mau01-html', {
      kind: 'mau01',
      settings,
      dossier: dossier({ applicant: { ...dossier().applicant, fullName: name } }),
    });
    expect(r.text).toContain('<script>alert(1)</script>');
    expect(r.text).toContain(name);
  });

  it('wraps and flows a 10,000-character field without losing text', async () => {
    const words = 'Đường Nguyễn Thị Minh Khai, phường Bình Đức, tổ dân phố Mỹ Hoà';
    let address = '';
    for (let i = 0; address.length < 10_000; i++) address += `${words} ${i} `;
    address = address.slice(0, 10_000);
    const unbroken = 'Ư'.repeat(3000); // one "word" wider than any line
    const r = await render('mau01-long', {
      kind: 'mau01',
      settings,
      dossier: dossier({
        applicant: { ...dossier().applicant, address, fullName: unbroken },
        components: [{ componentId: 'x', name: address, original: 1, certified: 0, photocopy: 0, received: true }],
      }),
    });
    expect(pages(r.info)).toBeGreaterThan(4);
    const flat = squash(r.text);
    // The address line of each copy flows over pages intact.
    expect(flat.split(squash(address)).length - 1).toBeGreaterThanOrEqual(2);
    expect(flat.split(unbroken).length - 1).toBe(2);
    // The table row splits over pages under a repeated header: read only the name column
    // (x 113–385 pt, below the page number) and drop the repeated header cell.
    const nameColumn = tool('pdftotext', ['-r', '72', '-x', '116', '-y', '50', '-W', '266', '-H', '792', '-enc', 'UTF-8', r.file, '-']);
    const cells = squash(nameColumn).replaceAll('Têngiấytờ', '');
    expect(cells.split(squash(address)).length - 1).toBe(2);
  });
});

describe('absurd input', () => {
  it('flows a header and signatures longer than a page', async () => {
    const huge = 'Ủy ban nhân dân xã Định Mỹ '.repeat(400).trim(); // ~10,800 characters
    const r = await render('mau02-huge', {
      kind: 'mau02',
      settings: { ...settings, parentName: huge, unitName: huge },
      slip: { ...slip, issuedBy: huge, reason: '', missing: [] },
    });
    expect(pages(r.info)).toBeGreaterThan(3);
    const flat = squash(r.text);
    expect(flat).toContain(squash(huge.toLocaleUpperCase('vi')));
    expect(flat.split(squash(huge)).length - 1).toBeGreaterThanOrEqual(3); // intro, contact, signature
    expect(r.text).toContain('(Không có)');
  });

  it('prints characters no Tinos subset has without failing', async () => {
    const r = await render('mau03-emoji', {
      kind: 'mau03',
      settings,
      dossier: dossier({ reason: 'Lý do 😀 漢字 Ωμέγα Привет' }),
    });
    expect(r.text).toContain('Ωμέγα Привет');
    expect(r.text).toContain('Lý do \uFFFD \uFFFD\uFFFD Ωμέγα'); // shown as '�', not dropped
  });
});

describe('Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', () => {
  it('prints number, missing components, reason and contact', async () => {
    const r = await render('mau02', { kind: 'mau02', settings, slip });
    expect(r.text).toContain('PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ');
    expect(r.text).toContain('Số: 12/HDHS');
    expect(r.text).toContain('Nguyễn Thị Ánh Tuyết');
    expect(r.text).toContain('Giấy chứng nhận kết hôn của cha mẹ');
    expect(r.text).toContain('Lý do: Hồ sơ thiếu Giấy chứng sinh bản chính; giấy kết hôn chưa được chứng thực.');
    expect(squash(r.text)).toContain(squash('Lê Thị Hồng Nhung theo số điện thoại 0296 3 812 345'));
    expect(r.text).toContain('NGƯỜI HƯỚNG DẪN');
    expect(r.text).toContain('Định Mỹ, ngày 09 tháng 3 năm 2026'); // ND 30: no zero before month 3
    expect(pages(r.info)).toBe(1);
    expect(r.info).toMatch(/Page size:\s+595\.2\d? x 841\.8\d? pts \(A4\)/);
  });
});

describe('Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ', () => {
  it('prints the refusal reason', async () => {
    const reason = 'Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân xã; đề nghị liên hệ Sở Tư pháp tỉnh An Giang.';
    const r = await render('mau03', { kind: 'mau03', settings, dossier: dossier({ status: 3, reason }) });
    expect(r.text).toContain('PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ');
    expect(squash(r.text)).toContain(squash(reason));
    expect(r.text).toContain('Nguyễn Thị Ánh Tuyết');
    expect(r.text).toContain('Thông báo để Ông/Bà được biết và thực hiện./.');
    expect(pages(r.info)).toBe(1);
  });
});

describe('document properties and fonts', () => {
  it('declares the language vi-VN and shows the title', async () => {
    const bytes = await renderForm({ kind: 'mau03', settings, dossier: dossier({ status: 3, reason: 'Không thuộc thẩm quyền.' }) });
    const raw = bytes.toString('latin1');
    expect(raw).toContain('/Lang (vi-VN)');
    expect(raw).toMatch(/\/DisplayDocTitle true/);
  });

  it('takes the font folder as an option and fails clearly without fonts', async () => {
    const fontDir = join(dirname(createRequire(import.meta.url).resolve('@fontsource/tinos/package.json')), 'files');
    const bytes = await renderForm({ kind: 'mau02', settings, slip }, { fontDir });
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    await expect(renderForm({ kind: 'mau02', settings, slip }, { fontDir: join(dir, 'none') })).rejects.toThrow(/Tinos/);
  });
});

describe('form helpers', () => {
  it('picks the template set by date', () => {
    expect(templateFor('2025-06-30').id).toBe('tt01-2018');
    expect(templateFor('2025-07-01').id).toBe('nd118-2025');
    expect(templateFor(vnTime(2025, 7, 1, 0, 5)).id).toBe('nd118-2025'); // Vietnam calendar day
    expect(templateFor('2010-01-01').id).toBe('tt01-2018');
    expect(templateFor('2026-01-01', [...TEMPLATE_SETS].reverse()).id).toBe('nd118-2025');
  });

  it('formats time stamps and processing time', () => {
    expect(formatTimeStamp(vnTime(2026, 11, 3, 7, 5))).toBe('07 giờ 05 phút, ngày 03 tháng 11 năm 2026');
    const L = templateFor('2026-01-01').forms.mau01;
    expect(formatProcessing(8, L)).toBe('1 ngày làm việc');
    expect(formatProcessing(4, L)).toBe('0,5 ngày làm việc');
    expect(formatProcessing(120, L)).toBe('15 ngày làm việc');
    expect(formatProcessing(null, L)).toBe('Không quy định');
  });

  it('picks a subset font per character and keeps words whole', () => {
    const doc = new PDFDocument({ autoFirstPage: false });
    const tl = new TextLayout(doc);
    const segs = tl.segments('Nguyễn Đặng ánh', 'regular');
    expect(segs.map((s) => s.text).join('')).toBe('Nguyễn Đặng ánh');
    expect(segs.map((s) => s.font)).toEqual(['tinos-latin-regular', 'tinos-vietnamese-regular', 'tinos-latin-regular', 'tinos-vietnamese-regular', 'tinos-latin-regular']);
    const lines = tl.wrap([{ text: 'Nguyễn Thị Ánh Tuyết '.repeat(20) }], 200, 13);
    expect(lines.length).toBeGreaterThan(3);
    for (const l of lines) expect(l.width).toBeLessThanOrEqual(200.01);
  });
});
