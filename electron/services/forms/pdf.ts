// The one module that produces every form PDF: Mẫu 01 (receipt and appointment), Mẫu 02
// (supplement request), Mẫu 03 (refusal). Layout per ND 30/2020/NĐ-CP, Phụ lục I: A4
// portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, a Times New Roman-metric
// serif (Tinos) at 13–14 pt, two-column header, centred bold title, signature columns.
// The wording comes from shared/data/formTemplates.ts, chosen by the date of the form.
//
// Every text field is printed literally (HTML is just text), wrapped and flowed onto new
// pages as needed; nothing is cut off.
import PDFDocument from 'pdfkit';
import type { Dossier, DossierComponent, EpochMs, GuidanceSlip, UnitSettings } from '../../../shared/domain/types';
import { vnParts } from '../../../shared/domain/vnTime';
import { registerEntry } from '../../../shared/domain/registerNumber';
import { templateFor, type CommonLabels, type Mau01Labels, type Mau03Labels } from '../../../shared/data/formTemplates';
import { Flow, mm, type Block } from './flow';
import { TextLayout, type Span } from './textLayout';

export type FormRequest =
  | { kind: 'mau01'; settings: UnitSettings; dossier: Dossier }
  | { kind: 'mau02'; settings: UnitSettings; slip: GuidanceSlip }
  | { kind: 'mau03'; settings: UnitSettings; dossier: Dossier };

export interface RenderOptions {
  /** Folder holding the tinos-*.woff files; default: the @fontsource/tinos package. */
  fontDir?: string;
}

const BODY = 13;
const TABLE = 12;

/** Fill '{name}' placeholders with literal values (a value is never re-scanned). */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

const p2 = (n: number) => String(n).padStart(2, '0');

/**
 * Day and month as ND 30/2020 writes them: a leading zero for days below 10 and for
 * months 1 and 2 only ('ngày 05 tháng 01', 'ngày 15 tháng 3').
 */
function dateParts(ms: EpochMs): { day: string; month: string; year: string; hour: string; minute: string } {
  const p = vnParts(ms);
  return {
    day: p2(p.day),
    month: p.month <= 2 ? p2(p.month) : String(p.month),
    year: String(p.year),
    hour: p2(p.hour),
    minute: p2(p.minute),
  };
}

/** '08 giờ 15 phút, ngày 05 tháng 01 năm 2026'. */
export function formatTimeStamp(ms: EpochMs, labels: CommonLabels = templateFor(ms).common): string {
  return fill(labels.timeStamp, dateParts(ms));
}

/** Processing hours as printed on Mẫu 01: hours ÷ 8 with a decimal comma ('0,5 ngày làm việc'). */
export function formatProcessing(hours: number | null, labels = templateFor(Date.now()).forms.mau01): string {
  if (hours === null || !Number.isFinite(hours) || hours < 0) return labels.noDuration;
  if (hours === 0) return labels.sameDay;
  const days = String(Number((hours / 8).toFixed(2))).replace('.', ',');
  return fill(labels.workingDays, { days });
}

const upper = (s: string) => s.toLocaleUpperCase('vi');

/** Split a label 'Label: {value}' into a plain label and the value in another style. */
function labelled(template: string, key: string, value: string, valueStyle: Span['style'] = 'regular', vars: Record<string, string | number> = {}): Span[] {
  const marker = `{${key}}`;
  const at = template.indexOf(marker);
  if (at < 0) return [{ text: fill(template, vars) }];
  return [{ text: fill(template.slice(0, at), vars) }, { text: value, style: valueStyle }, { text: fill(template.slice(at + marker.length), vars) }];
}

// ---------------------------------------------------------------------------------------
// Shared parts of every form

function drawHeader(flow: Flow, settings: UnitSettings, common: CommonLabels, at: EpochMs, extraLeft: Block[] = []): void {
  const d = dateParts(at);
  const left: Block[] = [
    { kind: 'text', spans: [{ text: upper(settings.parentName) }], size: 12.5, align: 'center', balance: true },
    {
      kind: 'text',
      spans: [{ text: upper(common.unitLine ?? settings.unitName), style: 'bold' }],
      size: 12.5,
      align: 'center',
      balance: true,
    },
    { kind: 'rule', width: 0.45, gapBefore: 1 },
    ...extraLeft,
  ];
  const right: Block[] = [
    { kind: 'text', spans: [{ text: common.motto, style: 'bold' }], size: 12.5, align: 'center' },
    { kind: 'text', spans: [{ text: common.mottoSub, style: 'bold' }], size: 13.5, align: 'center' },
    { kind: 'rule', width: 'text', gapBefore: 1 },
    { kind: 'gap', height: 6 },
    {
      kind: 'text',
      spans: [{ text: fill(common.dateLine, { place: settings.placeName, ...d }), style: 'italic' }],
      size: 13.5,
      align: 'center',
    },
  ];
  flow.columns([left, right], [0.4, 0.6]);
}

function drawTitle(flow: Flow, lines: Span[][]): void {
  flow.gap(12);
  lines.forEach((spans, i) => flow.paragraph(spans, { size: i === 0 ? 14 : BODY, align: 'center', after: 1 }));
  flow.gap(8);
}

function componentTable(flow: Flow, common: CommonLabels, rows: DossierComponent[]): void {
  const t = common.table;
  const count = (n: number) => (n > 0 ? String(n) : '-');
  flow.table(
    [
      { header: t.no, width: 28, align: 'center' },
      { header: t.name, width: 'fill', align: 'left' },
      { header: t.original, width: 52, align: 'center' },
      { header: t.certified, width: 64, align: 'center' },
      { header: t.photocopy, width: 52, align: 'center' },
    ],
    rows.length
      ? rows.map((c, i) => [String(i + 1), c.pages ? fill(t.pagesEach, { name: c.name, pages: c.pages }) : c.name, count(c.original), count(c.certified), count(c.photocopy)])
      : [['', common.emptyTable, '', '', '']],
    TABLE,
  );
}

function signatures(flow: Flow, common: CommonLabels, signers: { title: string; name: string }[]): void {
  flow.gap(8);
  const col = (s: { title: string; name: string }): Block[] =>
    s.title
      ? [
          { kind: 'text', spans: [{ text: s.title, style: 'bold' }], size: BODY, align: 'center' },
          { kind: 'text', spans: [{ text: common.signHint, style: 'italic' }], size: BODY, align: 'center' },
          { kind: 'gap', height: 70, min: 36 },
          { kind: 'text', spans: [{ text: s.name, style: 'bold' }], size: BODY, align: 'center' },
        ]
      : [];
  // One signer signs on the right, as on official documents.
  const cols = signers.length === 1 ? [[], col(signers[0])] : signers.map(col);
  flow.columns(
    cols,
    cols.map(() => 1 / cols.length),
    { keepTogether: true },
  );
}

function newDocument(title: string, settings: UnitSettings, at: EpochMs): PDFKit.PDFDocument {
  return new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    bufferPages: false,
    lang: 'vi-VN',
    displayTitle: true,
    pdfVersion: '1.7',
    info: {
      Title: title,
      Author: settings.unitName,
      Subject: title,
      Creator: 'Một cửa xã',
      Producer: 'Một cửa xã (PDFKit)',
      // From the form's own date, so the same input gives the same bytes.
      CreationDate: new Date(at),
      ModDate: new Date(at),
    },
  });
}

function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

// ---------------------------------------------------------------------------------------
// The forms

/** 'Số điện thoại … | Email …' on one line, as the forms print them. */
function contactRow(flow: Flow, L: { phone: string; email: string }, a: { phone: string; email: string }): void {
  flow.columns(
    [[{ kind: 'text', spans: labelled(L.phone, 'phone', a.phone), size: BODY, align: 'left' }], [{ kind: 'text', spans: labelled(L.email, 'email', a.email), size: BODY, align: 'left' }]],
    [0.45, 0.55],
  );
  flow.gap(2);
}

/** The unit, the applicant and the request: the same block on Mẫu 01 and Mẫu 03. */
function applicantLines(flow: Flow, L: Mau01Labels | Mau03Labels, settings: UnitSettings, dossier: Dossier): void {
  const p = (spans: Span[]) => flow.paragraph(spans, { size: BODY, align: 'justify', after: 3 });
  const a = dossier.applicant;
  p(labelled(L.unit, 'unitName', settings.unitName));
  p(labelled(L.applicant, 'name', a.fullName, 'bold'));
  p(labelled(L.address, 'address', a.address));
  contactRow(flow, L, a);
  p(labelled(L.request, 'procedure', dossier.procedureName, 'bold'));
}

function mau01(flow: Flow, settings: UnitSettings, dossier: Dossier, copyLabel: string): void {
  const set = templateFor(dossier.receivedAt);
  const { common } = set;
  const L = set.forms.mau01;
  drawHeader(flow, settings, common, dossier.receivedAt);
  drawTitle(flow, [[{ text: L.title, style: 'bold' }], labelled(L.code, 'code', dossier.code, 'bold'), [{ text: copyLabel, style: 'italic' }]]);
  const p = (spans: Span[]) => flow.paragraph(spans, { size: BODY, align: 'justify', after: 3 });
  applicantLines(flow, L, settings, dossier);
  p([{ text: L.components }]);
  componentTable(
    flow,
    common,
    dossier.components.filter((c) => c.received),
  );
  flow.gap(4);
  p([{ text: fill(L.count, { copies: dossier.copies }) }]);
  p([{ text: fill(L.processing, { duration: formatProcessing(dossier.processingHours, L) }) }]);
  p([{ text: fill(L.receivedAt, { time: formatTimeStamp(dossier.receivedAt, common) }) }]);
  p([
    {
      text: fill(L.appointmentAt, {
        time: dossier.appointmentAt === null ? L.noAppointment : formatTimeStamp(dossier.appointmentAt, common),
      }),
    },
  ]);
  p([{ text: fill(L.delivery, { place: dossier.resultDelivery === 'post' ? L.deliveryPost : L.deliveryCounter }) }]);
  p([{ text: fill(L.register, registerEntry(dossier.registerBook, dossier.registerNo)), style: 'italic' }]);
  signatures(flow, common, [
    { title: L.signers[0], name: '' },
    { title: L.signers[1], name: dossier.receivedBy },
  ]);
}

function mau02(flow: Flow, settings: UnitSettings, slip: GuidanceSlip): void {
  const set = templateFor(slip.issuedAt);
  const { common } = set;
  const L = set.forms.mau02;
  const a = slip.applicant;
  drawHeader(flow, settings, common, slip.issuedAt, [
    { kind: 'gap', height: 6 },
    { kind: 'text', spans: [{ text: fill(L.number, { number: slip.number, year: slip.year }) }], size: BODY, align: 'center' },
  ]);
  drawTitle(flow, [[{ text: L.title, style: 'bold' }]]);
  const p = (spans: Span[]) => flow.paragraph(spans, { size: BODY, align: 'justify', after: 3 });
  p(labelled(L.intro, 'name', a.fullName, 'bold', { unitName: settings.unitName }));
  p(labelled(L.request, 'procedure', slip.procedureName, 'bold'));
  p(labelled(L.address, 'address', a.address));
  contactRow(flow, L, a);
  p([{ text: L.ask }]);
  componentTable(flow, common, slip.missing);
  flow.gap(4);
  p(labelled(L.reason, 'reason', slip.reason));
  p([{ text: fill(L.contact, { person: slip.issuedBy, phone: settings.contactPhone }) }]);
  signatures(flow, common, [{ title: L.signer, name: slip.issuedBy }]);
}

function mau03(flow: Flow, settings: UnitSettings, dossier: Dossier): void {
  const set = templateFor(dossier.receivedAt);
  const { common } = set;
  const L = set.forms.mau03;
  drawHeader(flow, settings, common, dossier.receivedAt);
  drawTitle(flow, [[{ text: L.title, style: 'bold' }], ...(dossier.code ? [labelled(L.code, 'code', dossier.code, 'bold')] : [])]);
  const p = (spans: Span[]) => flow.paragraph(spans, { size: BODY, align: 'justify', after: 3 });
  applicantLines(flow, L, settings, dossier);
  p([{ text: fill(L.refusal, { unitName: settings.unitName }) }]);
  flow.paragraph([{ text: dossier.reason }], { size: BODY, align: 'justify', after: 3, indent: 20 });
  p([{ text: L.closing }]);
  signatures(flow, common, [
    { title: L.signers[0], name: '' },
    { title: L.signers[1], name: dossier.receivedBy },
  ]);
}

/** Render one form to PDF bytes. */
export async function renderForm(req: FormRequest, opts: RenderOptions = {}): Promise<Buffer> {
  const at = req.kind === 'mau02' ? req.slip.issuedAt : req.dossier.receivedAt;
  const set = templateFor(at);
  const title =
    req.kind === 'mau01'
      ? `${set.forms.mau01.title} - ${req.dossier.code}`
      : req.kind === 'mau02'
        ? `${set.forms.mau02.title} - ${fill(set.forms.mau02.number, { number: req.slip.number, year: req.slip.year })}`
        : `${set.forms.mau03.title}${req.dossier.code ? ` - ${req.dossier.code}` : ''}`;
  const doc = newDocument(title, req.settings, at);
  const text = new TextLayout(doc, opts.fontDir);
  const flow = new Flow(doc, text, {
    top: mm(20),
    bottom: mm(20),
    left: mm(30),
    right: mm(15),
  });
  switch (req.kind) {
    case 'mau01':
      // Two copies (liên), each starting on a new page.
      for (const copy of set.forms.mau01.copies) {
        flow.newPage(true);
        mau01(flow, req.settings, req.dossier, copy);
      }
      break;
    case 'mau02':
      flow.newPage(true);
      mau02(flow, req.settings, req.slip);
      break;
    case 'mau03':
      flow.newPage(true);
      mau03(flow, req.settings, req.dossier);
      break;
  }
  return finish(doc);
}
