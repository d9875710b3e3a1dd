import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openHub } from '../../server/app';
import type { OpenHub } from '../../server/app';
import { startHubServer } from '../../server/http';
import type { RunningHubServer } from '../../server/http';
import { configFromEnv } from '../../server/app';

let hasOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  hasOpenssl = false;
}

describe.skipIf(!hasOpenssl)('HTTPS when given a certificate and key', () => {
  let dir: string;
  let opened: OpenHub;
  let server: RunningHubServer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const cfg = configFromEnv({ HUB_TLS_CERT: path.join(dir, 'cert.pem'), HUB_TLS_KEY: path.join(dir, 'key.pem'), HUB_PORT: '0', HUB_DATA_DIR: dir });
    expect(cfg.tls).toBeDefined();
    opened = await openHub({ databaseUrl: undefined, dataDir: dir, pgliteInMemory: true });
    server = await startHubServer(opened.hub, { host: '127.0.0.1', port: 0, tls: cfg.tls, log: () => undefined });
  });
  afterAll(async () => {
    await server?.close();
    await opened?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https:// with the hub time', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(path.join(dir, 'cert.pem'));
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${server.url}/v1/time`, { ca }, (res) => {
          let s = '';
          res.on('data', (d) => (s += d));
          res.on('end', () => resolve(s));
        })
        .on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ ok: true, protocol: 'v1' });
  });

  it('refuses half a TLS configuration', () => {
    expect(() => configFromEnv({ HUB_TLS_CERT: 'x.pem' })).toThrow(/Cần cả HUB_TLS_CERT và HUB_TLS_KEY/);
  });
});
