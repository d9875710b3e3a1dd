// Issue 13 §7: the province hub serves the app's update feed (electron-updater's generic
// provider): `updates:publish` checks a release folder against its latest.yml (sha512, size)
// and puts it in place; GET /updates/win/latest.yml is read by electron-updater's own parser,
// the installer it names comes back byte for byte with that sha512, by Range too (the
// differential download), with its blockmap; nothing outside the feed is reachable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getFileList, parseUpdateInfo } from 'electron-updater/out/providers/Provider';
import { backends, startTestHub, type TestHub } from '../sync-support/hubHarness';
import { ADMIN_COMMANDS } from '../../server/commands';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');

function release(dir: string, installer: Buffer, opts: { sha?: string } = {}) {
  const name = 'Mot-cua-xa-Setup-0.2.0.exe';
  writeFileSync(path.join(dir, name), installer);
  writeFileSync(path.join(dir, `${name}.blockmap`), randomBytes(2000));
  const sha = opts.sha ?? sha512(installer);
  writeFileSync(
    path.join(dir, 'latest.yml'),
    `version: 0.2.0\nfiles:\n  - url: ${name}\n    sha512: ${sha}\n    size: ${installer.length}\npath: ${name}\nsha512: ${sha}\nreleaseDate: '2026-12-01T02:00:00.000Z'\n`,
  );
  return name;
}

async function publish(h: TestHub, dir: string): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: () => undefined, readFile: () => '', writeFile: () => undefined };
  const code = await ADMIN_COMMANDS['updates:publish']({ hub: h.hub, db: h.db } as never, { platform: 'win', dir }, io as never);
  return { code, out };
}

describe.each(await backends())('update feed on %s', (backend) => {
  let h: TestHub;
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'release-'));
    dirs.push(d);
    return d;
  };
  beforeAll(async () => {
    h = await startTestHub(backend);
  });
  afterAll(async () => {
    await h?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a release whose installer does not match latest.yml; serves nothing then', async () => {
    const dir = tmp();
    release(dir, randomBytes(10_000), { sha: sha512(randomBytes(10)) });
    await expect(publish(h, dir)).rejects.toThrow(/không khớp sha512/);
    expect((await fetch(new URL('/updates/win/latest.yml', h.url))).status).toBe(404);
  });

  it('serves latest.yml that electron-updater parses, and the installer with that sha512, whole and by Range', async () => {
    const dir = tmp();
    const installer = randomBytes(300_000);
    const name = release(dir, installer);
    expect((await publish(h, dir)).code).toBe(0);

    const feed = new URL('/updates/win/latest.yml', h.url);
    const yml = await fetch(feed);
    expect(yml.status).toBe(200);
    const info = parseUpdateInfo(await yml.text(), 'latest.yml', feed);
    expect(info.version).toBe('0.2.0');
    const [file] = getFileList(info);
    expect(file.url).toBe(name);

    const whole = await fetch(new URL(`/updates/win/${file.url}`, h.url));
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(sha512(bytes)).toBe(file.sha512);
    const part = await fetch(new URL(`/updates/win/${file.url}`, h.url), { headers: { range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(installer.subarray(1000, 2000))).toBe(true);
    expect((await fetch(new URL(`/updates/win/${file.url}.blockmap`, h.url))).status).toBe(200);

    // Only the feed: no other folder, no traversal, no other platform, no writing.
    for (const p of ['/updates/win/..%2F..%2Fhub-identity.json', '/updates/win/.hidden', '/updates/mac/latest.yml', '/updates/win/nope.exe']) {
      expect((await fetch(new URL(p, h.url))).status, p).toBeGreaterThanOrEqual(400);
    }
    expect((await fetch(feed, { method: 'PUT', body: 'x' })).status).toBe(405);
  });
});
