// Bad input for addPages / pages.add: each file is refused with a Vietnamese reason, and
// the dossier is left exactly as it was (no row, no blob, no temp file).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPages, PAGE_MESSAGES, PageStore, realFs, MAX_PDF_PAGES, type PagesContext } from '../../electron/services/pages/index';
import { sanitiseFileName } from '../../shared/ipc/pages';
import { removeTempDirs } from '../electron/helpers/services';
import { blankPdf, encryptedPdf, fakeEngine, filesUnder, newDossier, openPagesApp, sample, type PagesApp } from './helpers';

/** A PNG whose header claims width × height (the pixel data is a tiny stub). */
function pngHeader(width: number, height: number): Buffer {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

describe('bad input leaves the dossier as it was', () => {
  let app: PagesApp;
  let dossierId: string;
  const state = () => ({
    rows: app.services.db.prepare('SELECT count(*) FROM pages').pluck().get(),
    jobs: app.services.db.prepare('SELECT count(*) FROM ocr_jobs').pluck().get(),
    comp: app.services.db.prepare('SELECT count(*) FROM component_digitisation').pluck().get(),
    files: filesUnder(path.join(app.dir, 'pages')),
  });

  beforeAll(async () => {
    app = await openPagesApp({ engine: async () => fakeEngine(10).engine });
    dossierId = (await newDossier(app)).id;
  });
  afterAll(async () => {
    await app?.close();
    removeTempDirs();
  });

  async function refused(name: string, data: Buffer, expected: string | RegExp) {
    const before = state();
    const r = await app.raw('pages.add', { dossierId, componentId: 'banchinh', files: [{ name, dataBase64: data.toString('base64') }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      if (typeof expected === 'string') expect(r.error.message).toBe(expected);
      else expect(r.error.message).toMatch(expected);
      expect(r.error.message).toMatch(/Chưa có trang nào được thêm vào hồ sơ/);
    }
    expect(state()).toEqual(before);
    return r;
  }

  it('a 0-byte file', async () => {
    await refused('rong.jpg', Buffer.alloc(0), PAGE_MESSAGES.empty('rong.jpg'));
  });

  it('a truncated JPEG', async () => {
    const jpg = sample('dev002-p3-scan.jpg');
    await refused('cut.jpg', jpg.subarray(0, Math.floor(jpg.length / 2)), PAGE_MESSAGES.corrupt('cut.jpg'));
  });

  it('a text file named .jpg', async () => {
    await refused('anh.jpg', Buffer.from('Đây là một tệp văn bản, không phải ảnh.\n'), PAGE_MESSAGES.notImage('anh.jpg'));
  });

  it('a 20,000 × 20,000 px image is refused from its header, before decoding', async () => {
    const t0 = performance.now();
    await refused('bom.png', pngHeader(20_000, 20_000), /20000×20000/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it(`a PDF of 500 pages (limit ${MAX_PDF_PAGES}, stated in the message)`, async () => {
    await refused('dai.pdf', await blankPdf(500), PAGE_MESSAGES.pdfTooManyPages('dai.pdf', 500, MAX_PDF_PAGES));
  });

  it('an encrypted PDF', async () => {
    await refused('khoa.pdf', await encryptedPdf(), PAGE_MESSAGES.pdfEncrypted('khoa.pdf'));
  });

  it('one bad file among good ones: nothing of the batch is added', async () => {
    const before = state();
    const r = await app.raw('pages.add', {
      dossierId,
      componentId: 'banchinh',
      files: [
        { name: 'tot.jpg', dataBase64: sample('dev002-p3-scan.jpg').toString('base64') },
        { name: 'xau.jpg', dataBase64: Buffer.from('không phải ảnh').toString('base64') },
      ],
    });
    expect(r.ok).toBe(false);
    expect(state()).toEqual(before);
  });

  it('a file name with ../ or control characters is metadata only, sanitised', async () => {
    expect(sanitiseFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFileName('..\\..\\Windows\\a.jpg')).toBe('a.jpg');
    expect(sanitiseFileName('ả\u0000nh\u001b[31m.jpg')).toBe('ảnh[31m.jpg');
    expect(sanitiseFileName('..')).toBe('');
    const [p] = await app.call('pages.add', {
      dossierId,
      componentId: 'banchinh',
      files: [{ name: '../../../tmp/\u0007evil\n.jpg', dataBase64: sample('dev002-p3-scan.jpg').toString('base64') }],
    });
    expect(p.fileName).toBe('evil.jpg');
    // Stored under its hash only; nothing outside the data folder.
    expect(filesUnder(path.join(app.dir, 'pages')).every((f) => /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}\.(jpg|png)$/.test(f))).toBe(true);
    expect(fs.existsSync('/tmp/evil.jpg')).toBe(false);
    await app.call('pages.delete', { pageId: p.id });
  });

  it('unknown dossier, component or page ids are refused', async () => {
    const data = sample('dev002-p3-scan.jpg').toString('base64');
    expect((await app.raw('pages.add', { dossierId: '999999', componentId: 'banchinh', files: [{ name: 'a.jpg', dataBase64: data }] })).ok).toBe(false);
    const r = await app.raw('pages.add', { dossierId, componentId: 'khongco', files: [{ name: 'a.jpg', dataBase64: data }] });
    expect(r.ok || r.error.message).toBe(PAGE_MESSAGES.componentNotFound('khongco'));
    expect((await app.raw('pages.rotate', { pageId: '424242', rotation: 90 })).ok).toBe(false);
    expect((await app.raw('pages.rotate', { pageId: 'x', rotation: 90 })).ok).toBe(false);
    expect((await app.raw('pages.rotate', { pageId: '1', rotation: 45 })).ok).toBe(false);
    expect((await app.raw('pages.add', { dossierId, componentId: 'banchinh', files: [{ name: 'a.jpg', dataBase64: '!!!' }] })).ok).toBe(false);
  });

  it('a full disk (write failure through the store seam): no half-written file, the database unchanged', async () => {
    let written = 0;
    const failing = new PageStore(app.dir, {
      ...realFs,
      // The second blob fails half-way, like ENOSPC.
      writeSync: (fd, data, offset, length) => {
        written++;
        if (written === 2) {
          realFs.writeSync(fd, data, offset, Math.floor(length / 2));
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        }
        return realFs.writeSync(fd, data, offset, length);
      },
    });
    const ctx: PagesContext = { ...app.services.pages, store: failing };
    const before = state();
    const img = await sharp(sample('dev004-p4-clean.png')).jpeg().toBuffer(); // content not stored yet
    await expect(addPages(ctx, { dossierId, componentId: 'tokhai', images: [{ data: img, fileName: 'x.jpg' }], source: 'scanner', actor: 'A' })).rejects.toThrow(/ENOSPC.*Ổ đĩa có thể đã đầy/);
    expect(state()).toEqual(before);
    expect(filesUnder(path.join(app.dir, 'pages')).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('a read-only pages folder: refused with the reason, nothing written', async () => {
    if (process.getuid?.() === 0) return; // root ignores folder permissions
    const dir = path.join(app.dir, 'pages');
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o500);
    try {
      const before = state();
      const r = await app.raw('pages.add', { dossierId, componentId: 'tokhai', files: [{ name: 'y.png', dataBase64: sample('dev004-p4-clean.png').toString('base64') }] });
      expect(r.ok).toBe(false);
      expect(state()).toEqual(before);
    } finally {
      fs.chmodSync(dir, 0o755);
    }
  });
});
