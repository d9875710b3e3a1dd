// Issue 13 §6–7, checked without the Electron binary: package.json's `build` passes
// electron-builder's own schema validation; the Electron fuses, the Windows signing and
// update-signature check, the per-machine Vietnamese NSIS installer; and every native module
// the main process actually loads is unpacked from the asar archive.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { minimatch } from 'minimatch';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';

const root = path.resolve(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const build = pkg.build;

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema validation', async () => {
    await expect(validateConfiguration(structuredClone(build), new DebugLogger(false))).resolves.toBeUndefined();
    // and the validator does refuse a wrong one (the check can fail)
    await expect(validateConfiguration({ ...structuredClone(build), nsis: { perMachine: 'yes' } }, new DebugLogger(false))).rejects.toThrow();
  });

  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or inspect; ASAR integrity, app only from the asar, cookie encryption', () => {
    expect(build.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });

  it('signs Windows builds with a certificate from the build environment, and the updater checks the publisher', () => {
    const sign = build.win.signtoolOptions;
    expect(sign.publisherName.length).toBeGreaterThan(0);
    expect(sign.signingHashAlgorithms).toEqual(['sha256']);
    expect(build.win.verifyUpdateCodeSignature).toBe(true);
    // No certificate or password in the repository: electron-builder reads CSC_LINK /
    // CSC_KEY_PASSWORD (or WIN_CSC_LINK) from the build environment.
    expect(JSON.stringify(build)).not.toMatch(/certificateFile|certificatePassword|cscLink|cscKeyPassword/i);
  });

  it('builds a per-machine NSIS installer in Vietnamese, and AppImage/deb', () => {
    expect(build.nsis).toMatchObject({ oneClick: false, perMachine: true, language: '1066', installerLanguages: ['vi_VN'], unicode: true });
    expect(build.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('unpacks every native module the main process loads (better-sqlite3 travels as an extra resource)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'test/electron/helpers/nativeLoads.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    const loaded = (JSON.parse(out.trim().split('\n').at(-1)!) as string[]).map((f) => path.relative(root, f).split(path.sep).join('/'));
    const natives = loaded.filter((f) => f.startsWith('node_modules/'));
    expect(natives.some((f) => f.includes('sharp'))).toBe(true);
    expect(natives.some((f) => f.includes('canvas'))).toBe(true);
    for (const f of natives) {
      if (f.startsWith('node_modules/better-sqlite3/')) {
        // Electron loads the Electron build from resources/native (main.ts nativeBinding).
        expect(build.extraResources).toContainEqual({ from: 'build/native-electron/better_sqlite3.node', to: 'native/better_sqlite3.node' });
        continue;
      }
      expect(
        build.asarUnpack.some((g: string) => minimatch(f, g, { dot: true })),
        `${f} is not unpacked from the asar`,
      ).toBe(true);
    }
  }, 150_000);
});
