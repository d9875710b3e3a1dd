// The loopback transport against the real services on a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../../electron/transport/loopback';

let server: LoopbackServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-loopback-'));
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  server = await startLoopbackServer({ dataDir: path.join(dir, 'data'), staticDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw request, so that headers a browser would never let us forge can be tested. */
function raw(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      let b = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (b += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b, headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const rpc = (channel: string, body: unknown, headers: Record<string, string> = {}) =>
  raw({
    method: 'POST',
    path: `/rpc/${channel}`,
    headers: { 'content-type': 'application/json', 'x-motcua-token': server.token, ...headers },
    body: JSON.stringify(body),
  });

describe('loopback transport', () => {
  it('listens on 127.0.0.1 only and puts the secret in the URL fragment', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}$/);
  });

  it('serves a valid call', async () => {
    const r = await rpc('app.info', {});
    expect(r.status).toBe(200);
    const body = JSON.parse(r.body);
    expect(body.ok).toBe(true);
    expect(body.value.settings).toBeNull();
  });

  it('refuses a call without the secret or with a wrong one', async () => {
    const none = await rpc('app.info', {}, { 'x-motcua-token': '' });
    expect(none.status).toBe(401);
    const wrong = await rpc('app.info', {}, { 'x-motcua-token': 'a'.repeat(64) });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toMatch(/Phiên làm việc/);
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin', async () => {
    const host = await raw({ path: '/', headers: { host: 'evil.example:80' } });
    expect(host.status).toBe(421);
    const origin = await rpc('app.info', {}, { origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
  });

  it('answers an unknown channel and a malformed body with a Vietnamese message', async () => {
    const unknown = await rpc('fs.readFile', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'invalid' } });
    const bad = await raw({
      method: 'POST',
      path: '/rpc/app.info',
      headers: { 'content-type': 'application/json', 'x-motcua-token': server.token },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toMatch(/định dạng/);
  });

  it('refuses an oversized body', async () => {
    const big = await rpc('procedures.search', { query: 'x'.repeat(9 * 1024 * 1024) });
    expect(big.status).toBe(413);
  });

  it('validates arguments at the boundary', async () => {
    const r = await rpc('procedures.search', { query: 'x'.repeat(201) });
    const body = JSON.parse(r.body);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid');
    expect(body.error.message).toMatch(/dài quá/);
  });

  it('sends the page opened as localhost to 127.0.0.1 (issue 13), and refuses a call to localhost', async () => {
    const page = await raw({ path: '/index.html?x=1', headers: { host: `localhost:${server.port}` } });
    expect(page.status).toBe(308);
    expect(page.headers.location).toBe(`${server.origin}/index.html?x=1`);
    const call = await rpc('app.info', {}, { host: `localhost:${server.port}` });
    expect(call.status).toBe(421);
  });

  it('answers 400 to a malformed escape, without an error in the log (issue 13)', async () => {
    const logged: unknown[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => void logged.push(a);
    try {
      for (const p of ['/%E0%A4%A', '/%zz', '/assets/%']) expect((await raw({ path: p })).status, p).toBe(400);
      expect((await rpc('%zz', {})).status).toBe(400);
    } finally {
      console.error = orig;
    }
    expect(logged).toEqual([]);
  });

  it('serves static files with a strict CSP and never outside its folder', async () => {
    const index = await raw({ path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("object-src 'none'");
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%00']) {
      const r = await raw({ path: p });
      expect(r.status, p).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain('do not serve');
    }
  });
});
