// Page images and PDFs by URL (electron/services/files.ts): the loopback serves a file at
// /files/<token> and nothing else, with the same Host/Origin checks as the calls; app://
// (electron/appProtocol.ts) answers the same requests the same way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { serveLoopback, rendererCsp, RENDERER_CSP, type LoopbackServer } from '../../electron/transport/loopback';
import { FILE_CSP, FILE_TTL_MS, FileTokens } from '../../electron/services/files';
import { appResponse } from '../../electron/appProtocol';
import type { Handlers } from '../../electron/ipc/dispatch';

let server: LoopbackServer;
let dir: string;
let staticDir: string;
let clock = 1_000_000;
const files = new FileTokens(() => clock);
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5b8f3a60000000049454e44ae426082', 'hex');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-files-'));
  staticDir = path.join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  server = await serveLoopback({ handlers: {} as Handlers, staticDir, files });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function raw(opts: { method?: string; path: string; headers?: Record<string, string> }) {
  return new Promise<{ status: number; body: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('files by token over loopback', () => {
  it('serves the file a token names, with its type, no-store and a frame-able CSP of its own', async () => {
    const url = files.issue({ mime: 'image/png', body: PNG, dossierId: '7' });
    expect(url).toMatch(/^\/files\/[0-9a-f]{32}$/);
    const r = await raw({ path: url, headers: { 'sec-fetch-site': 'same-origin', origin: server.origin } });
    expect(r.status).toBe(200);
    expect(r.body.equals(PNG)).toBe(true);
    expect(r.headers['content-type']).toBe('image/png');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-security-policy']).toBe(FILE_CSP);
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(r.headers['accept-ranges']).toBeUndefined();
    // Two tokens for the same bytes are two different, unguessable addresses.
    expect(files.issue({ mime: 'image/png', body: PNG, dossierId: '7' })).not.toBe(url);
  });

  it('refuses a wrong or malformed token, an expired token, Range and methods other than GET/HEAD', async () => {
    const url = files.issue({ mime: 'application/pdf', body: Buffer.from('%PDF-1.7 x'), dossierId: '7' });
    const wrong = url.slice(0, -1) + (url.endsWith('0') ? '1' : '0');
    expect((await raw({ path: wrong })).status).toBe(404);
    expect((await raw({ path: '/files/abc' })).status).toBe(404);
    expect((await raw({ path: `${url}/x` })).status).toBe(404);
    expect((await raw({ path: url, headers: { range: 'bytes=0-3' } })).status).toBe(416);
    expect((await raw({ path: url, method: 'POST' })).status).toBe(405);
    expect((await raw({ path: url, method: 'DELETE' })).status).toBe(405);
    const head = await raw({ path: url, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect((await raw({ path: url })).status).toBe(200);
    clock += FILE_TTL_MS;
    expect((await raw({ path: url })).status).toBe(404);
    expect(files.read(url)).toBeNull();
  });

  it('refuses a foreign Host, a foreign Origin and a request made by another site', async () => {
    const url = files.issue({ mime: 'image/png', body: PNG, dossierId: '7' });
    expect((await raw({ path: url, headers: { host: 'evil.example:80' } })).status).toBe(421);
    expect((await raw({ path: url, headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await raw({ path: url, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await raw({ path: url, headers: { 'sec-fetch-site': 'same-site' } })).status).toBe(403);
    expect((await raw({ path: url })).status).toBe(200);
  });

  it('no path under /files/ reaches another file (traversal)', async () => {
    const url = files.issue({ mime: 'image/png', body: PNG, dossierId: '7' });
    const token = url.slice('/files/'.length);
    for (const p of ['/files/..%2f..%2fsecret.txt', '/files/%2e%2e/%2e%2e/secret.txt', `/files/${token}%2f..%2f..%2fsecret.txt`, '/files/..%2findex.html', `/files/${token}%00`]) {
      const r = await raw({ path: p });
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.body.toString(), p).not.toContain('do not serve');
      expect(r.body.toString(), p).not.toContain('<title>');
    }
  });

  it('the pages frame only the files path: no blob: or data: frames', async () => {
    const r = await raw({ path: '/index.html' });
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toBe(rendererCsp(server.origin));
    expect(csp).toContain(`frame-src ${server.origin}/files/;`);
    expect(csp).not.toMatch(/frame-src[^;]*(blob:|data:)/);
    expect(csp).toContain("object-src 'none'");
    expect(RENDERER_CSP).toContain('frame-src app://motcua/files/;');
  });
});

describe('files by token over app://', () => {
  const get = (url: string, extra: { method?: string; range?: string } = {}) => appResponse({ method: extra.method ?? 'GET', url, range: extra.range }, staticDir, RENDERER_CSP, files);

  it('serves the file a token names and refuses the rest as the loopback does', async () => {
    const url = files.issue({ mime: 'application/pdf', body: Buffer.from('%PDF-1.7 y'), dossierId: '9' });
    const ok = await get(`app://motcua${url}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/pdf');
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.headers['content-security-policy']).toBe(FILE_CSP);
    expect(ok.body?.toString()).toBe('%PDF-1.7 y');
    const wrong = url.slice(0, -1) + (url.endsWith('0') ? '1' : '0');
    expect((await get(`app://motcua${wrong}`)).status).toBe(404);
    expect((await get(`app://motcua${url}?x=1`)).status).toBe(404);
    expect((await get(`app://other${url}`)).status).toBe(404);
    expect((await get(`app://motcua${url}`, { range: 'bytes=0-1' })).status).toBe(416);
    expect((await get(`app://motcua${url}`, { method: 'POST' })).status).toBe(405);
    for (const p of ['/files/..%2f..%2fsecret.txt', '/files/%2e%2e%2f%2e%2e%2fsecret.txt', `${url}%2f..%2f..%2fsecret.txt`]) {
      const r = await get(`app://motcua${p}`);
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.body?.toString() ?? '', p).not.toContain('do not serve');
    }
    // Without the token map (or once the time is up) nothing is served.
    expect((await appResponse({ method: 'GET', url: `app://motcua${url}` }, staticDir, RENDERER_CSP)).status).toBe(404);
    clock += FILE_TTL_MS;
    expect((await get(`app://motcua${url}`)).status).toBe(404);
  });
});
