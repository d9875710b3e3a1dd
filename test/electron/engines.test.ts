// Issue 12 item 10: package.json `engines` and the README say the Node version the installed
// packages really need, so `npm ci` on a machine the README allows gives no engine warning.
import fs from 'node:fs';
import path from 'node:path';
// @ts-expect-error semver ships no types and @types/semver is not installed
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean }>;
};

describe('engines', () => {
  const lowest = semver.minVersion(pkg.engines.node)!.version;

  it('the lowest Node that package.json allows satisfies every installed package', () => {
    const refused: string[] = [];
    for (const [name, p] of Object.entries(lock.packages)) {
      const range = p.engines && !Array.isArray(p.engines) ? p.engines.node : undefined;
      // Optional packages count where npm installed them (not the other systems' builds).
      if (!name || !range || (p.optional && !fs.existsSync(path.join(ROOT, name)))) continue;
      if (!semver.satisfies(lowest, range)) refused.push(`${name} (${range})`);
    }
    expect(refused, `Node ${lowest} is refused by`).toEqual([]);
  });

  it('the README names that same version', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /Node\.js ≥ (\d+\.\d+)/.exec(readme);
    expect(m?.[1]).toBe(lowest.replace(/\.0$/, ''));
  });
});
