// Scanned pages reach the unit's other counter (PROTOCOL.md §5 "Download"): two apps and a REAL
// hub (PGlite), B through the fault proxy. A pulled dossier.file_attached becomes a page row on
// B ('sync'), its compact copy is downloaded (resumed after a cut mid-file, SHA-256 checked),
// thumbnailed and read by OCR for search; a page withdrawn at A disappears at B; a file the
// hub does not have yet waits on B with the reason and arrives at a later sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { startTestHub, type TestHub } from '../sync-support/hubHarness';
import { FaultProxy } from '../sync-support/faultProxy';
import { fakeEngine, textPage } from '../pages/helpers';
import { attachPage, configuredSyncApp, enrolApp, madeEvents, receiveInput, removeSyncTempDirs, type SyncTestApp } from './support';

afterAll(() => removeSyncTempDirs());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const blob = (app: SyncTestApp, hash: string) => fs.readFileSync(path.join(app.dir, 'pages', hash.slice(0, 2), hash.slice(2, 4), `${hash}.png`));

/** A page whose compact copy is a few hundred KB (dense speckle survives the 4-level copy). */
async function heavyPage(): Promise<Buffer> {
  const w = 1240,
    h = 1754;
  const raw = randomBytes(w * h);
  for (let i = 0; i < raw.length; i++) raw[i] = raw[i] < 40 ? 0 : 255;
  return sharp(raw, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}

describe('pages of the unit’s other counter', () => {
  let h: TestHub;
  let proxy: FaultProxy;
  const apps: SyncTestApp[] = [];
  const app = async () => {
    const a = await configuredSyncApp({ ocrEngine: async () => fakeEngine(5, 'giấy khai sinh bản sao').engine });
    apps.push(a);
    return a;
  };
  beforeAll(async () => {
    h = await startTestHub('pglite');
    proxy = await FaultProxy.start({ targetPort: Number(new URL(h.url).port), downBitsPerSec: 16_000_000, latencyMs: 2 });
  });
  afterAll(async () => {
    for (const a of apps) await a.services.closeAsync();
    await proxy?.close();
    await h?.stop();
  });

  it('A attaches 3 pages; B holds 3 rows with byte-identical files (a cut download resumes), OCR feeds search; A’s deletion reaches B', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy 1');
    await enrolApp(b, h, proxy.url, 'Quầy 2');
    const d = await a.call('dossiers.receive', receiveInput());
    const files = [await textPage('Trang một'), await heavyPage(), await textPage('Trang ba')];
    const added = await a.call('pages.add', { dossierId: d.id, componentId: 'banchinh', files: files.map((f, i) => ({ name: `trang-${i + 1}.png`, dataBase64: f.toString('base64') })) });
    expect(added).toHaveLength(3);
    const compactOf = (pageId: string) => a.services.db.prepare('SELECT compact_sha256 FROM pages WHERE id = ?').pluck().get(Number(pageId)) as string;
    const compacts = added.map((p) => compactOf(p.id));
    const heavy = blob(a, compacts[1]);
    expect(heavy.length).toBeGreaterThan(150_000);
    expect((await a.call('sync.now', {})).ok).toBe(true);

    // B pulls; the heavy page's download is cut mid-file and resumes from what reached B.
    const cutAt = Math.floor(heavy.length / 2);
    proxy.cutAfterDownstreamBytes(cutAt, `GET /v1/files/${compacts[1]}/content`);
    const down0 = proxy.stats.downBytes;
    const rb = await b.call('sync.now', {});
    expect(rb.error).toBeNull();
    expect(rb.ok).toBe(true);
    expect(proxy.stats.cuts).toBe(1);
    expect(rb.downloads).toMatchObject({ done: 3, failed: 0 });
    const total = compacts.reduce((n, c) => n + blob(a, c).length, 0);
    expect(rb.downloads.bytes).toBeGreaterThanOrEqual(total);
    // What came down the link beyond the files themselves (the pull's JSON included): what
    // reached B before the cut is not sent again, so at most about one chunk is re-sent;
    // starting the file again would re-send the whole first half (> 100 KB).
    expect(cutAt).toBeGreaterThan(100_000);
    expect(proxy.stats.downBytes - down0 - total).toBeLessThanOrEqual(64 * 1024);

    const bid = (await b.call('dossiers.list', { query: d.code, limit: 1 })).items[0].id;
    const listed = (await b.call('pages.list', { dossierId: bid })).pages;
    expect(listed.map((p) => p.sha256)).toEqual(compacts);
    expect(listed.map((p) => p.position)).toEqual([1, 2, 3]);
    for (const p of listed) {
      expect(p).toMatchObject({ source: 'sync', download: null, componentId: 'banchinh', digitisedBy: 'Nguyễn Thị Lan' });
      const original = Buffer.from((await b.call('pages.image', { pageId: p.id, variant: 'original' })).dataBase64, 'base64');
      expect(sha(original)).toBe(p.sha256);
      expect(original.equals(blob(a, p.sha256))).toBe(true);
      const thumb = await b.call('pages.image', { pageId: p.id, variant: 'thumb' });
      expect(thumb.mime).toBe('image/jpeg');
      expect((await sharp(Buffer.from(thumb.dataBase64, 'base64')).metadata()).width).toBe(200);
    }
    expect(fs.readdirSync(path.join(b.dir, 'sync-downloads'))).toEqual([]);
    // Pulled pages are not sent back, and are not B's to delete.
    expect(madeEvents(b).filter((e) => e.type.startsWith('dossier.file'))).toEqual([]);
    expect(b.services.db.prepare('SELECT count(*) FROM sync_files').pluck().get()).toBe(0);
    await expect(b.call('pages.delete', { pageId: listed[0].id })).rejects.toThrow(/chỉ máy đã quét/);
    expect((await b.call('sync.status', {})).downloads).toEqual({ waiting: 0, failed: 0 });

    // OCR read the downloaded pages: their text finds the dossier on B.
    await b.services.ocr.whenIdle();
    expect((await b.call('pages.text', { pageId: listed[0].id })).text).toBe('giấy khai sinh bản sao');
    expect((await b.call('dossiers.list', { query: 'khai sinh ban sao', limit: 10 })).items.map((x) => x.id)).toContain(bid);

    // A deletes its second page: after A's and B's next sync, B's row is gone too.
    await a.call('pages.delete', { pageId: added[1].id });
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('pages.list', { dossierId: bid })).pages.map((p) => p.sha256)).toEqual([compacts[0], compacts[2]]);
    expect(b.services.db.prepare('SELECT deleted_at IS NOT NULL FROM pages WHERE compact_sha256 = ?').pluck().get(compacts[1])).toBe(1);
  });

  it('a file the hub does not have yet waits on B with the reason, then arrives', async () => {
    const a = await app();
    const b = await app();
    await enrolApp(a, h, h.url, 'Quầy 3');
    await enrolApp(b, h, h.url, 'Quầy 4');
    const d = await a.call('dossiers.receive', receiveInput());
    const png = await textPage('Giấy xác nhận');
    const s = attachPage(a, d.id, 'banchinh', png);
    // A's copy of the file is gone before it could be sent: the hub has the event, not the file.
    const file = path.join(a.dir, 'pages', s.slice(0, 2), s.slice(2, 4), `${s}.png`);
    fs.renameSync(file, `${file}.away`);
    await a.call('sync.now', {});
    const rb = await b.call('sync.now', {});
    expect(rb.ok).toBe(true);
    const bid = (await b.call('dossiers.list', { query: d.code, limit: 1 })).items[0].id;
    const [waiting] = (await b.call('pages.list', { dossierId: bid })).pages;
    expect(waiting).toMatchObject({ source: 'sync', sha256: s, download: { error: expect.stringMatching(/chưa nhận đủ tệp/) } });
    await expect(b.call('pages.image', { pageId: waiting.id, variant: 'thumb' })).rejects.toThrow(/đang được tải về/);
    await expect(b.call('pages.exportPdf', { dossierId: bid })).rejects.toThrow(/đang được tải về/);
    expect((await b.call('sync.status', {})).downloads).toEqual({ waiting: 1, failed: 0 });

    fs.renameSync(`${file}.away`, file);
    await a.call('sync.retryFailed', {});
    expect((await a.call('sync.now', {})).ok).toBe(true);
    expect((await b.call('sync.now', {})).downloads.done).toBe(1);
    const [arrived] = (await b.call('pages.list', { dossierId: bid })).pages;
    expect(arrived).toMatchObject({ id: waiting.id, download: null, width: 1240, height: 1754 });
    expect((await b.call('sync.status', {})).downloads).toEqual({ waiting: 0, failed: 0 });
  });
});
