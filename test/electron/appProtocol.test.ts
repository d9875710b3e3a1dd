// The app:// protocol's request → response step (electron/appProtocol.ts), without the
// Electron binary: the built renderer is served with the CSP, nothing else is.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_INDEX_URL, appResponse, handleAppProtocol, registerAppScheme } from '../../electron/appProtocol';
import { RENDERER_CSP } from '../../electron/transport/loopback';

let dir: string;
let root: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-app-'));
  root = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(root, 'assets', 'main.js'), 'console.log(1)');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => appResponse({ method, url }, root, RENDERER_CSP);

describe('app:// protocol', () => {
  it('serves the renderer with its type and the strict CSP', async () => {
    const index = await get(APP_INDEX_URL);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    expect(index.headers['content-security-policy']).toBe(RENDERER_CSP);
    expect(index.body?.toString()).toContain('<title>app</title>');
    expect((await get('app://motcua/')).status).toBe(200);
    const js = await get('app://motcua/assets/main.js');
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect((await get('app://motcua/assets/main.js', 'HEAD')).body).toBeNull();
  });

  it('serves nothing outside the renderer, of another host, or for other methods', async () => {
    for (const u of ['app://motcua/../secret.txt', 'app://motcua/%2e%2e/secret.txt', 'app://motcua/..%2fsecret.txt', 'app://motcua/assets/..%2f..%2fsecret.txt']) {
      const r = await get(u);
      expect(r.status, u).toBeGreaterThanOrEqual(400);
      expect(r.body?.toString() ?? '', u).not.toContain('do not serve');
    }
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('file:///etc/passwd')).status).toBe(404);
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405);
    expect((await get('app://motcua/nope.js')).status).toBe(404);
  });

  it('answers 400 to a malformed escape', async () => {
    expect((await get('app://motcua/%E0%A4%A')).status).toBe(400);
    expect((await get('app://motcua/%00')).status).toBe(400);
  });

  it('registers app:// as a standard secure scheme and hands requests to appResponse', async () => {
    const schemes: unknown[] = [];
    registerAppScheme({ registerSchemesAsPrivileged: (s) => void schemes.push(...s) });
    expect(schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    let handler: ((r: Request) => Promise<Response> | Response) | undefined;
    handleAppProtocol({ handle: (scheme, h) => void (scheme === 'app' && (handler = h as typeof handler)) }, root, RENDERER_CSP);
    const res = await handler!(new Request('app://motcua/index.html'));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>app</title>');
  });
});
