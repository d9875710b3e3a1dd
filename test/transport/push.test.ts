// The push channel over the loopback transport (server-sent events) against the real
// services: a change made by a call reaches a subscriber; the secret, Host and Origin
// checks are the calls' ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { startLoopbackServer, type LoopbackServer } from '../../electron/transport/loopback';
import { UNIT } from '../electron/helpers/services';

let server: LoopbackServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'motcua-push-'));
  const staticDir = path.join(dir, 'static');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>x</title>');
  server = await startLoopbackServer({ dataDir: path.join(dir, 'data'), staticDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the event stream; resolves with the response and a reader of 'change' events. */
function openStream(query: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; type: string; events: unknown[]; close: () => void }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: server.port, path: `/events${query}`, headers }, (res) => {
      const events: unknown[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = /^data: (.*)$/m.exec(block);
          if (/^event: change$/m.test(block) && data) events.push(JSON.parse(data[1]));
        }
      });
      resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), events, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

async function call(channel: string, body: unknown) {
  const res = await fetch(`${server.origin}/rpc/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-motcua-token': server.token },
    body: JSON.stringify(body),
  });
  return res.json();
}

describe('push channel (server-sent events)', () => {
  it('tells a subscriber what a call changed', async () => {
    const s = await openStream(`?token=${server.token}`);
    try {
      expect(s.status).toBe(200);
      expect(s.type).toMatch(/^text\/event-stream/);
      expect((await call('settings.save', UNIT)).ok).toBe(true);
      await expect.poll(() => s.events).toContainEqual({ kind: 'settings' });
      // A read changes nothing and pushes nothing.
      const before = s.events.length;
      await call('dossiers.list', {});
      await new Promise((r) => setTimeout(r, 100));
      expect(s.events.length).toBe(before);
    } finally {
      s.close();
    }
  });

  it('refuses a stream without the secret, for a foreign Host or a foreign Origin', async () => {
    expect((await openStream('')).status).toBe(401);
    expect((await openStream('?token=' + 'a'.repeat(64))).status).toBe(401);
    expect((await openStream(`?token=${server.token}`, { host: 'evil.example' })).status).toBe(421);
    expect((await openStream(`?token=${server.token}`, { origin: 'http://evil.example' })).status).toBe(403);
  });
});
