// Realistic, deterministic demo data: citizens (Vietnamese names, structurally valid
// 12-digit ID numbers, addresses, phones), dossier inputs that pass receiveSchema, and
// receipt instants on working days. Used by the CLI `seed` command and the
// 1,000,000-dossier benchmark, so the hot paths (applicant, dossierInput) do only
// table look-ups and string concatenation: every table is built once at module load.
//
// Demo data only: the names, hamlets and communes are plausible, not real people.
import type { Applicant, DossierComponent, Procedure, ResultDelivery } from '../../../shared/domain/types';
import type { CallInput } from '../../../shared/ipc/contract';
import { CCCD_PROVINCE_CODES } from '../../../shared/data/cccdProvinceCodes';
import { DEFAULT_WORKING_HOURS } from '../../../shared/domain/types';
import { vnParts, vnStartOfDay } from '../../../shared/domain/vnTime';

// ---------- PRNG ----------

/** mulberry32: tiny, fast, good enough for demo data. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------- weighted tables (built once) ----------

const LUT_SIZE = 4096;

/** A look-up table: index i of LUT_SIZE slots → item, slots allotted by weight. */
function weightedLut<T>(items: readonly (readonly [T, number])[]): T[] {
  const total = items.reduce((s, [, w]) => s + w, 0);
  const lut: T[] = new Array(LUT_SIZE);
  let acc = 0;
  let slot = 0;
  for (const [item, w] of items) {
    acc += w;
    const end = Math.round((acc / total) * LUT_SIZE);
    while (slot < end) lut[slot++] = item;
  }
  while (slot < LUT_SIZE) lut[slot++] = items[items.length - 1][0];
  return lut;
}

const N = (s: string) => s.normalize('NFC');

/** ASCII form for e-mail addresses: no diacritics, đ → d, lower case, no spaces. */
const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, '');

interface NamePart {
  text: string;
  ascii: string;
}
const part = (s: string): NamePart => ({ text: N(s), ascii: ascii(s) });

// Family names, % of the population (published estimates: Nguyễn ~38%, Trần ~11–12%,
// Lê ~9.5%, Phạm ~7%, Hoàng/Huỳnh ~5%, Phan ~4.5%, Vũ/Võ ~4%, Đặng ~2%, Bùi ~2%,
// Đỗ ~1.4%, Hồ ~1.3%, Ngô ~1.3%, Dương ~1%, Lý ~0.5%). 'Hoàng|Huỳnh' and 'Vũ|Võ' are
// the northern|southern forms of one name: the choice follows the region.
const FAMILY_WEIGHTS: [string, number][] = [
  ['Nguyễn', 38.4],
  ['Trần', 11.5],
  ['Lê', 9.5],
  ['Phạm', 7.0],
  ['Hoàng|Huỳnh', 5.1],
  ['Phan', 4.5],
  ['Vũ|Võ', 3.9],
  ['Đặng', 2.1],
  ['Bùi', 2.0],
  ['Đỗ', 1.4],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1.0],
  ['Lý', 0.5],
  ['Đinh', 0.9],
  ['Trương', 0.9],
  ['Lâm', 0.6],
  ['Mai', 0.6],
  ['Trịnh', 0.6],
  ['Đoàn', 0.6],
  ['Lương', 0.5],
  ['Đào', 0.5],
  ['Cao', 0.5],
  ['Hà', 0.5],
  ['Tạ', 0.3],
  ['Châu', 0.4],
  ['Tô', 0.3],
  ['Lưu', 0.3],
  ['Thái', 0.3],
  ['Văn', 0.2],
  ['Kiều', 0.2],
  ['Quách', 0.2],
  ['La', 0.2],
  ['Triệu', 0.2],
  ['Phùng', 0.2],
  ['Tăng', 0.2],
  ['Lại', 0.2],
  ['Khổng', 0.1],
  ['Âu', 0.1],
  ['Giang', 0.1],
];
/** [northern, southern] NamePart per family-name slot. */
const FAMILY_LUT = weightedLut(
  FAMILY_WEIGHTS.map(([n, w]) => {
    const [north, south = north] = n.split('|');
    return [[part(north), part(south)] as const, w] as const;
  }),
);

const MIDDLE_MALE_OLD = weightedLut<NamePart>(
  [
    ['Văn', 55],
    ['Hữu', 8],
    ['Đức', 7],
    ['Minh', 6],
    ['Quốc', 5],
    ['Thanh', 5],
    ['Công', 4],
    ['Xuân', 3],
    ['Ngọc', 2],
    ['Đình', 5],
  ].map(([s, w]) => [part(s as string), w as number] as const),
);
const MIDDLE_MALE_YOUNG = weightedLut<NamePart>(
  [
    ['Văn', 15],
    ['Minh', 14],
    ['Đức', 10],
    ['Quốc', 8],
    ['Gia', 8],
    ['Hoàng', 8],
    ['Anh', 6],
    ['Tuấn', 5],
    ['Thành', 5],
    ['Hữu', 5],
    ['Bảo', 8],
    ['Nhật', 8],
  ].map(([s, w]) => [part(s as string), w as number] as const),
);
const MIDDLE_FEMALE_OLD = weightedLut<NamePart>(
  [
    ['Thị', 68],
    ['Ngọc', 7],
    ['Thanh', 5],
    ['Thu', 5],
    ['Kim', 5],
    ['Hồng', 4],
    ['Mỹ', 3],
    ['Xuân', 3],
  ].map(([s, w]) => [part(s as string), w as number] as const),
);
const MIDDLE_FEMALE_YOUNG = weightedLut<NamePart>(
  [
    ['Thị', 22],
    ['Ngọc', 14],
    ['Thanh', 8],
    ['Thu', 7],
    ['Minh', 8],
    ['Bảo', 8],
    ['Phương', 7],
    ['Khánh', 7],
    ['Mai', 5],
    ['Gia', 6],
    ['Hà', 5],
    ['Quỳnh', 3],
  ].map(([s, w]) => [part(s as string), w as number] as const),
);
/** A second middle name for ~12% of women ('Nguyễn Thị Ngọc Anh'). */
const MIDDLE2_FEMALE = ['Ngọc', 'Thanh', 'Kim', 'Bích', 'Thu', 'Hồng', 'Mỹ', 'Diễm'].map(part);

const GIVEN_MALE = [
  'Anh',
  'Bảo',
  'Bình',
  'Cường',
  'Chiến',
  'Công',
  'Dũng',
  'Duy',
  'Dương',
  'Đạt',
  'Định',
  'Đông',
  'Đức',
  'Giang',
  'Hải',
  'Hào',
  'Hậu',
  'Hiếu',
  'Hiển',
  'Hòa',
  'Hoàng',
  'Huy',
  'Hùng',
  'Hưng',
  'Khải',
  'Khang',
  'Khánh',
  'Khoa',
  'Kiên',
  'Lâm',
  'Lộc',
  'Long',
  'Luân',
  'Lực',
  'Mạnh',
  'Minh',
  'Nam',
  'Nghĩa',
  'Nhân',
  'Phát',
  'Phong',
  'Phúc',
  'Phước',
  'Quang',
  'Quân',
  'Sang',
  'Sơn',
  'Tài',
  'Tâm',
  'Thái',
  'Thắng',
  'Thành',
  'Thiện',
  'Thịnh',
  'Toàn',
  'Trí',
  'Trung',
  'Tuấn',
  'Tùng',
  'Vinh',
  'Việt',
  'Vũ',
  'Hữu',
  'Tín',
  'Nhật',
  'Khôi',
  'Đăng',
  'Hiệp',
].map(part);
const GIVEN_FEMALE = [
  'An',
  'Anh',
  'Ánh',
  'Bích',
  'Châu',
  'Chi',
  'Dung',
  'Duyên',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hiền',
  'Hoa',
  'Hồng',
  'Huyền',
  'Hương',
  'Hường',
  'Lan',
  'Liên',
  'Linh',
  'Loan',
  'Lý',
  'Mai',
  'My',
  'Nga',
  'Ngân',
  'Ngọc',
  'Nhung',
  'Như',
  'Nhi',
  'Oanh',
  'Phương',
  'Phượng',
  'Quyên',
  'Quỳnh',
  'Tâm',
  'Thảo',
  'Thanh',
  'Thu',
  'Thúy',
  'Thủy',
  'Trang',
  'Trâm',
  'Trinh',
  'Tuyết',
  'Uyên',
  'Vân',
  'Vy',
  'Xuân',
  'Yến',
  'Diệp',
  'Hân',
  'Khánh',
  'Tiên',
  'Thư',
  'Lệ',
  'Nguyệt',
  'Diễm',
  'Hảo',
].map(part);

// Mobile prefixes in use (after the 2018 renumbering), weighted roughly by market
// share: Viettel 086, 096–098, 032–039; Vinaphone 088, 091, 094, 081–085;
// MobiFone 089, 090, 093, 070, 076–079; Vietnamobile 052, 056, 058; Gmobile 059, 099.
const PHONE_PREFIX_LUT = weightedLut<string>(
  (
    [
      ['086', 4],
      ['096', 6],
      ['097', 7],
      ['098', 7],
      ['032', 3],
      ['033', 3],
      ['034', 3],
      ['035', 3],
      ['036', 3],
      ['037', 3],
      ['038', 3],
      ['039', 3],
      ['088', 3],
      ['091', 5],
      ['094', 4],
      ['081', 2],
      ['082', 2],
      ['083', 2],
      ['084', 2],
      ['085', 2],
      ['089', 2],
      ['090', 5],
      ['093', 4],
      ['070', 2],
      ['076', 2],
      ['077', 2],
      ['078', 2],
      ['079', 2],
      ['052', 1],
      ['056', 1],
      ['058', 1],
      ['059', 0.5],
      ['099', 0.5],
    ] as [string, number][]
  ).map(([p, w]) => [p, w] as const),
);

const EMAIL_DOMAIN_LUT = weightedLut<string>([
  ['gmail.com', 90],
  ['yahoo.com', 6],
  ['outlook.com', 4],
]);

// ---------- places ----------

interface HomeRegion {
  province: string;
  /** CCCD birth-registration codes of the province (pre-2025 provinces merged into it). */
  cccdCodes: string[];
  /** 'north' picks Hoàng/Vũ, 'south' picks Huỳnh/Võ. */
  region: 'north' | 'south';
  hamletWord: 'ấp' | 'thôn';
  communes: string[];
  hamlets: string[];
}

// Post-2025 province names (two-tier government). Communes and hamlets are plausible
// names for demo data, not an official list.
const HOME_REGIONS: HomeRegion[] = [
  {
    province: 'An Giang',
    cccdCodes: ['089', '091'],
    region: 'south',
    hamletWord: 'ấp',
    communes: ['Định Mỹ', 'Vĩnh Trạch', 'Óc Eo', 'Vọng Thê', 'Phú Hòa', 'Thoại Sơn', 'Tây Phú', 'Vĩnh Hanh'],
    hamlets: ['Hòa Tân', 'Mỹ Phú', 'Tây Bình', 'Trung Phú 1', 'Trung Phú 2', 'Bình Thành', 'Đông Sơn', 'Tân Hiệp', 'Mỹ Thạnh', 'Vĩnh Thuận', 'Phú Hữu', 'Tân Lập'],
  },
  {
    province: 'Thanh Hóa',
    cccdCodes: ['038'],
    region: 'north',
    hamletWord: 'thôn',
    communes: ['Hoằng Hóa', 'Quảng Yên', 'Thiệu Trung', 'Yên Định', 'Nông Cống', 'Triệu Sơn', 'Thọ Xuân', 'Hà Trung'],
    hamlets: ['Đông', 'Đoài', 'Thượng', 'Hạ', 'Yên Lạc', 'Phú Thọ', 'Cự Khánh', 'Trung Tiến', 'Văn Phú', 'Kim Sơn', 'Tiến Lợi', 'Bái Trạch'],
  },
  {
    province: 'Thái Nguyên',
    cccdCodes: ['019', '006'],
    region: 'north',
    hamletWord: 'thôn',
    communes: ['Đại Phúc', 'Phú Lương', 'Đồng Hỷ', 'Võ Nhai', 'Phú Bình', 'Đại Từ', 'Định Hóa', 'Tân Cương'],
    hamlets: ['Làng Cả', 'Đồng Tâm', 'Tân Lập', 'Bầu', 'Hòa Bình', 'Ao Sen', 'Na Mọn', 'Khuôn Lân', 'Cây Thị', 'Trung Thành', 'Soi Mít', 'Đồng Bòng'],
  },
];

const ALL_CCCD_CODES = Object.keys(CCCD_PROVINCE_CODES).sort();
/** Province index (into ALL_CCCD_CODES) for the ID-number uniqueness counters. */
const CCCD_INDEX: Record<string, number> = Object.fromEntries(ALL_CCCD_CODES.map((c, i) => [c, i]));
/** Addresses of people living outside the home province (after the house number). */
const OTHER_PLACES = [
  'đường Trần Phú, phường Cầu Giấy, thành phố Hà Nội',
  'đường Lê Văn Sỹ, phường Tân Định, thành phố Hồ Chí Minh',
  'khu vực 3, phường Ninh Kiều, thành phố Cần Thơ',
  'ấp Tân Thuận, xã Tân Hồng, tỉnh Đồng Tháp',
  'xóm 5, xã Nghi Lộc, tỉnh Nghệ An',
  'tổ dân phố 2, phường Lê Chân, thành phố Hải Phòng',
  'đường Hùng Vương, phường Hải Châu, thành phố Đà Nẵng',
  'khu phố 4, phường Trấn Biên, tỉnh Đồng Nai',
  'ấp Cái Nước, xã Cái Nước, tỉnh Cà Mau',
  'ấp Phú Thạnh, xã Long Hồ, tỉnh Vĩnh Long',
  'thôn Lạc Lâm, xã Đơn Dương, tỉnh Lâm Đồng',
  'làng Kép, xã Ia Grai, tỉnh Gia Lai',
].map(N);

// Birth years of people who come to the counter: mostly adults, an age pyramid
// peaking in the 1975–1995 cohorts. Range 1930–2010 (well within "not future").
const YEAR_LUT = weightedLut<number>(
  Array.from({ length: 2010 - 1930 + 1 }, (_, i) => {
    const y = 1930 + i;
    let w: number;
    if (y < 1950) w = 0.3 + ((y - 1930) / 20) * 1.2;
    else if (y < 1975) w = 1.5 + ((y - 1950) / 25) * 2.5;
    else if (y <= 1995) w = 4;
    else w = 4 - ((y - 1995) / 15) * 3.2;
    return [y, w] as const;
  }),
);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

const NOTES = ['Nộp thay theo uỷ quyền', 'Công dân hẹn nhận kết quả buổi chiều', 'Hồ sơ khẩn, đề nghị ưu tiên', 'Người cao tuổi, hướng dẫn tại chỗ'].map(N);

// ---------- the generator ----------

export interface DemoGeneratorOptions {
  /** Index into the built-in home regions (An Giang, Thanh Hóa, Thái Nguyên); default: chosen by the seed. */
  region?: number;
}

/** What `dossierInput` returns; it is a valid input of the `dossiers.receive` call. */
export interface DemoDossierInput {
  procedureCode: string;
  applicant: Applicant;
  components: DossierComponent[];
  copies: number;
  resultDelivery: ResultDelivery;
  note: string;
  receivedAt: number;
}
// Compile-time check that the demo input fits the contract.
const _fitsContract: (x: DemoDossierInput) => CallInput<'dossiers.receive'> = (x) => x;
void _fitsContract;

export interface CitizenPool {
  /** A citizen: a returning one with probability `returnShare` (once the pool has people), otherwise a new one. */
  next(): Applicant;
  /** Citizens currently held. */
  readonly size: number;
}

export interface DemoGenerator {
  /** A new, unique (within this generator) citizen. Do not mutate the result if it may come back from a pool. */
  applicant(): Applicant;
  /** A pool of at most `capacity` citizens, so that some come back for several dossiers. */
  citizenPool(capacity: number, returnShare?: number): CitizenPool;
  /** A `dossiers.receive` input for the procedure: required components received, copies 1. */
  dossierInput(procedure: Procedure, receivedAt: number, applicant?: Applicant): DemoDossierInput;
  /**
   * `count` strictly increasing receipt instants (whole seconds) from `startMs`, on
   * Monday–Friday during the default counter hours (07:00–11:30, 13:30–17:00 Vietnam
   * time), Poisson arrivals averaging `perDay` dossiers a working day. Holidays ignored.
   */
  receivedTimes(startMs: number, count: number, perDay?: number): number[];
  /** The underlying PRNG, [0, 1). */
  random(): number;
}

/** A deterministic generator: the same seed (and options) gives the same data. */
export function createDemoGenerator(seed: number, options: DemoGeneratorOptions = {}): DemoGenerator {
  const rnd = mulberry32(seed);
  const int = (n: number) => (rnd() * n) | 0;
  const lut = <T>(t: T[]) => t[(rnd() * LUT_SIZE) | 0];

  const home = HOME_REGIONS[options.region !== undefined ? Math.abs(options.region) % HOME_REGIONS.length : (seed >>> 0) % HOME_REGIONS.length];
  const south = home.region === 'south' ? 1 : 0;
  const homeProvince = N(home.province);
  const homeCommunes = home.communes.map(N);
  const hamletsByCommune = home.communes.map((_, ci) =>
    // Each commune gets its own subset of hamlet names (stable per region).
    home.hamlets.filter((__, hi) => (hi + ci) % 3 !== 0).map((h) => N(`${home.hamletWord} ${h}`)),
  );

  // ID uniqueness: the random part RRRRRR of each (province, century+sex, yy) bucket
  // walks a permutation of 0..999999 (stride coprime to 10^6), so no two citizens of
  // one generator share an ID number (up to 10^6 per bucket).
  const counters = new Int32Array(ALL_CCCD_CODES.length * 4 * 100);
  const offset = (seed * 2654435761) >>> 0;
  const STRIDE = 387_431; // odd, not a multiple of 5

  function applicant(): Applicant {
    const male = rnd() < 0.5;
    const year = lut(YEAR_LUT);
    const month = 1 + int(12);
    const dim = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1];
    const day = 1 + int(dim);
    const birthDate = `${year}-${PAD2[month]}-${PAD2[day]}`;

    // Name.
    const fam = lut(FAMILY_LUT)[south];
    const young = year >= 1990;
    const mid = lut(male ? (young ? MIDDLE_MALE_YOUNG : MIDDLE_MALE_OLD) : young ? MIDDLE_FEMALE_YOUNG : MIDDLE_FEMALE_OLD);
    const givens = male ? GIVEN_MALE : GIVEN_FEMALE;
    let gi = int(givens.length);
    if (givens[gi].text === mid.text) gi = (gi + 1) % givens.length; // no 'Trần Minh Minh'
    const given = givens[gi];
    let fullName = `${fam.text} ${mid.text} `;
    if (!male && rnd() < 0.12) {
      const m2 = MIDDLE2_FEMALE[int(MIDDLE2_FEMALE.length)];
      if (m2.text !== mid.text) fullName += `${m2.text} `;
    }
    fullName += given.text;

    // ID number: PPP G YY RRRRRR.
    const r0 = rnd();
    const ppp = r0 < 0.86 ? home.cccdCodes[int(home.cccdCodes.length)] : ALL_CCCD_CODES[int(ALL_CCCD_CODES.length)];
    const yy = year % 100;
    const g = (year >= 2000 ? 2 : 0) + (male ? 0 : 1);
    const bucket = (CCCD_INDEX[ppp] * 4 + g) * 100 + yy;
    const k = counters[bucket]++;
    const rr = (k * STRIDE + offset + bucket * 7919) % 1_000_000;
    const idNumber = `${ppp}${g}${PAD2[yy]}${PAD2[(rr / 10000) | 0]}${PAD2[((rr / 100) | 0) % 100]}${PAD2[rr % 100]}`;

    // Address.
    const r1 = rnd();
    let address: string;
    const houseNo = rnd() < 0.85 ? `Số ${1 + int(250)}, ` : `Tổ ${1 + int(12)}, `;
    if (r1 < 0.88) {
      const ci = int(homeCommunes.length);
      const hs = hamletsByCommune[ci];
      address = `${houseNo}${hs[int(hs.length)]}, xã ${homeCommunes[ci]}, tỉnh ${homeProvince}`;
    } else {
      address = `${houseNo}${OTHER_PLACES[int(OTHER_PLACES.length)]}`;
    }

    // Phone: 98% have one.
    let phone = '';
    if (rnd() < 0.98) {
      const n = int(10_000_000);
      phone = `${lut(PHONE_PREFIX_LUT)}${(n + 10_000_000).toString().slice(1)}`;
    }

    // E-mail: mostly empty; more often for younger people.
    let email = '';
    if (rnd() < (young ? 0.3 : 0.08)) {
      email = `${given.ascii}${fam.ascii}${PAD2[yy]}${int(100)}@${lut(EMAIL_DOMAIN_LUT)}`;
    }

    return { fullName, idNumber, birthDate, address, phone, email };
  }

  function citizenPool(capacity: number, returnShare = 0.3): CitizenPool {
    const cap = Math.max(1, Math.floor(capacity));
    const held: Applicant[] = [];
    let cursor = 0;
    return {
      next() {
        if (held.length > 0 && rnd() < returnShare) return held[int(held.length)];
        const a = applicant();
        if (held.length < cap) held.push(a);
        else {
          held[cursor] = a; // replace the oldest: people move away, new ones come
          cursor = (cursor + 1) % cap;
        }
        return a;
      },
      get size() {
        return held.length;
      },
    };
  }

  function dossierInput(procedure: Procedure, receivedAt: number, who?: Applicant): DemoDossierInput {
    const comps = procedure.components;
    const components: DossierComponent[] = new Array(comps.length);
    for (let i = 0; i < comps.length; i++) {
      const c = comps[i];
      components[i] = {
        componentId: c.id,
        name: c.name,
        original: c.original,
        certified: c.certified,
        photocopy: c.photocopy,
        // A received dossier is complete: required components are always there;
        // optional ones only when they apply to this citizen.
        received: c.required || rnd() < 0.35,
      };
      // The page count a by-page fee needs (chứng thực bản sao): 1–6 pages, from the time so the random sequence stays as it was.
      if (c.id === procedure.fee.byPage?.componentId) components[i].pages = 1 + (Math.floor(receivedAt / 60_000) % 6);
    }
    const resultDelivery: ResultDelivery = procedure.postalAllowed && rnd() < 0.06 ? 'post' : 'counter';
    return {
      procedureCode: procedure.code,
      applicant: who ?? applicant(),
      components,
      copies: 1,
      resultDelivery,
      note: rnd() < 0.03 ? NOTES[int(NOTES.length)] : '',
      receivedAt: Math.round(receivedAt),
    };
  }

  const wh = DEFAULT_WORKING_HOURS;
  const MIN = 60_000;
  const DAY = 86_400_000;
  const MORNING_MS = (wh.morningEnd - wh.morningStart) * MIN;
  const OPEN_MS_PER_DAY = MORNING_MS + (wh.afternoonEnd - wh.afternoonStart) * MIN;

  function receivedTimes(startMs: number, count: number, perDay = 40): number[] {
    const out: number[] = [];
    if (count <= 0) return out;
    const meanGap = OPEN_MS_PER_DAY / Math.max(perDay, 1e-6);
    // State: a working day (its Vietnam midnight and weekday) and the open time
    // already elapsed in it, `off` in [0, OPEN_MS_PER_DAY). Gaps are drawn in open
    // time, so the arrivals form a Poisson process over counter hours only.
    let day = vnStartOfDay(startMs);
    let weekday = vnParts(day + 12 * 3600_000).weekday;
    const toNextWorkingDay = () => {
      do {
        day += DAY;
        weekday = (weekday + 1) % 7;
      } while (weekday === 0 || weekday === 6);
    };
    let off: number;
    const mod = startMs - day;
    if (weekday === 0 || weekday === 6) {
      toNextWorkingDay();
      off = 0;
    } else if (mod < wh.morningStart * MIN) off = 0;
    else if (mod < wh.morningEnd * MIN) off = mod - wh.morningStart * MIN;
    else if (mod < wh.afternoonStart * MIN) off = MORNING_MS;
    else if (mod < wh.afternoonEnd * MIN) off = MORNING_MS + mod - wh.afternoonStart * MIN;
    else {
      toNextWorkingDay();
      off = 0;
    }
    let last = -Infinity;
    for (let i = 0; i < count; i++) {
      off += -Math.log(1 - rnd()) * meanGap;
      while (off >= OPEN_MS_PER_DAY) {
        off -= OPEN_MS_PER_DAY;
        toNextWorkingDay();
      }
      const wall = off < MORNING_MS ? day + wh.morningStart * MIN + off : day + wh.afternoonStart * MIN + (off - MORNING_MS);
      let s = Math.floor(wall / 1000) * 1000;
      if (s <= last) s = last + 1000;
      last = s;
      out.push(s);
    }
    return out;
  }

  return { applicant, citizenPool, dossierInput, receivedTimes, random: rnd };
}
