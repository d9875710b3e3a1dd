// Issue 13 §6–7, checked without the Electron binary: package.json's `build` passes
// electron-builder's own schema validation; the Electron fuses, the Windows signing and
// update-signature check (the publisher's name from the build environment, the placeholder
// refused when signing: scripts/electron-builder.config.ts, loaded by electron-builder's own loader), the per-machine Vietnamese NSIS installer; and every native module
// the main process actually loads is unpacked from the asar archive.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { minimatch } from 'minimatch';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import { PUBLISHER_ENV, PUBLISHER_PLACEHOLDER, distConfig } from '../../scripts/electron-builder.config';

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
      // The window loads app://motcua/ (electron/appProtocol.ts), never file://: file:// pages get no extra rights.
      grantFileProtocolExtraPrivileges: false,
    });
    const main = readFileSync(path.join(root, 'electron/main.ts'), 'utf8');
    expect(main).toMatch(/const rendererUrl = APP_INDEX_URL;/);
    expect(main).not.toMatch(/loadFile\(|file:\/\/[^'`\s]*['`]/);
  });

  it('signs Windows builds with a certificate from the build environment, and the updater checks the publisher', () => {
    const sign = build.win.signtoolOptions;
    // The publisher is the province's certificate's name, given by the build environment (below).
    expect(sign.publisherName).toEqual([PUBLISHER_PLACEHOLDER]);
    expect(sign.signingHashAlgorithms).toEqual(['sha256']);
    expect(build.win.verifyUpdateCodeSignature).toBe(true);
    // No certificate or password in the repository: electron-builder reads CSC_LINK /
    // CSC_KEY_PASSWORD (or WIN_CSC_LINK) from the build environment.
    expect(JSON.stringify(build)).not.toMatch(/certificateFile|certificatePassword|cscLink|cscKeyPassword/i);
  });

  it('npm run dist takes the publisher name from the build environment and refuses to sign with the placeholder', async () => {
    expect(pkg.scripts.dist).toMatch(/ electron-builder --publish never --config scripts\/electron-builder\.config\.ts$/);
    const publisher = 'Sở Thông tin và Truyền thông tỉnh An Giang';
    // electron-builder's own loader reads the file npm run dist names, in this environment.
    const load = async (env: Record<string, string | undefined>) => {
      const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
      Object.assign(process.env, env);
      for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
      try {
        return await getConfig(root, 'scripts/electron-builder.config.ts', null);
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      }
    };
    const signed = await load({ CSC_LINK: '/secure/tinh.pfx', WIN_CSC_LINK: undefined, [PUBLISHER_ENV]: publisher });
    expect(signed.win?.signtoolOptions?.publisherName).toEqual([publisher]);
    await expect(validateConfiguration(structuredClone(signed), new DebugLogger(false))).resolves.toBeUndefined();
    // Nothing else differs from package.json's section (as the same loader reads it).
    const plain = await getConfig(root, null, null);
    expect(plain.win?.signtoolOptions?.publisherName).toEqual([PUBLISHER_PLACEHOLDER]);
    expect({ ...signed, win: { ...signed.win, signtoolOptions: { ...signed.win?.signtoolOptions, publisherName: [PUBLISHER_PLACEHOLDER] } } }).toEqual(plain);
    await expect(load({ CSC_LINK: '/secure/tinh.pfx', WIN_CSC_LINK: undefined, [PUBLISHER_ENV]: undefined })).rejects.toThrow(
      /^Đang ký mã bản Windows \(có CSC_LINK\) nhưng chưa đặt MOTCUA_WIN_PUBLISHER: đặt đúng tên \(CN\) trong chứng chỉ ký mã của tỉnh/,
    );
    await expect(load({ CSC_LINK: undefined, WIN_CSC_LINK: '/secure/tinh.pfx', [PUBLISHER_ENV]: `  ${PUBLISHER_PLACEHOLDER} ` })).rejects.toThrow(/vẫn là giá trị mẫu/);

    // Two names (an old and a renewed certificate); NFC; a control character refused.
    const renewed = distConfig(build, { CSC_LINK: 'x', [PUBLISHER_ENV]: `${publisher.normalize('NFD')}; Trung tâm CĐS tỉnh An Giang ;` });
    expect(renewed.config.win.signtoolOptions.publisherName).toEqual([publisher, 'Trung tâm CĐS tỉnh An Giang']);
    expect(renewed.warnings).toEqual([]);
    expect(() => distConfig(build, { [PUBLISHER_ENV]: 'Tên\nkhác' })).toThrow(/không hợp lệ/);
    // The updater's check cannot be switched off for a signed build.
    expect(() => distConfig({ ...build, win: { ...build.win, verifyUpdateCodeSignature: false } }, { CSC_LINK: 'x', [PUBLISHER_ENV]: publisher })).toThrow(/verifyUpdateCodeSignature/);
    // Unsigned (a trial build): the placeholder stays, which no certificate carries, so that build takes no update; said on stderr.
    const trial = distConfig(build, {});
    expect(trial.config).toEqual(build);
    expect(trial.warnings).toEqual([expect.stringMatching(/^Bản Windows không ký mã và chưa đặt MOTCUA_WIN_PUBLISHER: chỉ dùng thử\. Bản này sẽ không nhận bản cập nhật nào/)]);
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
