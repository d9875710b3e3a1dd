// pages.add over the loopback transport: its body cap is raised for this channel only
// (files travel as base64), every other channel keeps the 8 MB cap.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoopbackServer, type LoopbackServer } from '../../electron/transport/loopback';
import { removeTempDirs, tempDir } from '../electron/helpers/services';
import { textPage } from './helpers';

let server: LoopbackServer;
beforeAll(async () => {
  const dir = tempDir('motcua-pages-loop-');
  fs.mkdirSync(path.join(dir, 'static'));
  fs.writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><title>x</title>');
  server = await startLoopbackServer({ dataDir: path.join(dir, 'data'), staticDir: path.join(dir, 'static') });
});
afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

async function post(channel: string, body: string) {
  const res = await fetch(`${server.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-motcua-token': server.token },
    body,
  });
  return { status: res.status, json: (await res.json()) as { ok: boolean; error?: { message: string } } };
}

describe('pages.add over loopback', () => {
  it('accepts a 12 MB call on pages.add (reaching validation), refuses it on other channels', async () => {
    const png = await textPage('Trang');
    // A valid image followed by padding in a second, ignored field would be stripped by zod;
    // instead send one big (valid base64) file for an unknown dossier: the body is read and
    // the call answered by the handler, not by the transport's 413.
    const big = Buffer.concat([png, Buffer.alloc(9 * 1024 * 1024)]).toString('base64');
    const body = JSON.stringify({ dossierId: '999', componentId: 'banchinh', files: [{ name: 'a.png', dataBase64: big }] });
    expect(body.length).toBeGreaterThan(12 * 1024 * 1024);
    const r = await post('pages.add', body);
    expect(r.status).toBe(200);
    expect(r.json.ok).toBe(false);
    expect(r.json.error?.message).toMatch(/Không tìm thấy hồ sơ/);
    const other = await post('dossiers.list', body);
    expect(other.status).toBe(413);
  });

  it('refuses a file over 40 MB with a Vietnamese message', async () => {
    const body = JSON.stringify({ dossierId: '1', componentId: 'x', files: [{ name: 'big.jpg', dataBase64: 'A'.repeat(4 * Math.ceil((41 * 1024 * 1024) / 3)) }] });
    const r = await post('pages.add', body);
    expect(r.json.ok).toBe(false);
    expect(r.json.error?.message).toBe('Mỗi tệp tối đa 40 MB.');
  });
});
