// The configuration `npm run dist` gives electron-builder (`--config` this file; electron-builder
// loads it itself and calls the default export): package.json's "build", with the Windows
// publisher name taken from the build environment (issue 13 §6).
//
// The updater installs a Windows update only when its Authenticode signature names one of
// `win.signtoolOptions.publisherName` (build.win.verifyUpdateCodeSignature). That name is the
// subject (CN) of the province's code-signing certificate, so it is the province's, not the
// repository's: package.json holds a placeholder and the build environment gives the name in
// MOTCUA_WIN_PUBLISHER (several names, e.g. an old and a renewed certificate, separated by
// ';'), next to the certificate itself (CSC_LINK / CSC_KEY_PASSWORD, or WIN_CSC_LINK). A build
// that signs (a certificate is given) refuses to go on with the placeholder: the updates it
// ships would all be refused, or, worse, a wrong name would be checked. An unsigned build (a
// trial on a developer's PC) keeps the placeholder, which no certificate carries, so such a
// build accepts no update at all; it is said on stderr.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PUBLISHER_ENV = 'MOTCUA_WIN_PUBLISHER';
/** package.json's build.win.signtoolOptions.publisherName until the build environment names the publisher. */
export const PUBLISHER_PLACEHOLDER = `CHƯA-ĐẶT-${PUBLISHER_ENV}`;
/** The environment variables through which electron-builder receives a Windows signing certificate. */
export const CERTIFICATE_ENV = ['CSC_LINK', 'WIN_CSC_LINK'] as const;

interface BuildSection {
  win: { signtoolOptions: { publisherName: string[] | string }; verifyUpdateCodeSignature?: boolean; [k: string]: unknown };
  [k: string]: unknown;
}

/** Is a certificate given to sign the Windows build? */
export function signingRequested(env: NodeJS.ProcessEnv): boolean {
  return CERTIFICATE_ENV.some((k) => (env[k] ?? '').trim() !== '');
}

/** The publisher names of MOTCUA_WIN_PUBLISHER (';'-separated), or [] when unset; a bad value throws. */
export function publisherNames(env: NodeJS.ProcessEnv): string[] {
  const raw = env[PUBLISHER_ENV];
  if (raw === undefined || raw.trim() === '') return [];
  const names = raw
    .split(';')
    .map((s) => s.normalize('NFC').trim())
    .filter((s) => s !== '');
  for (const n of names) {
    if (n.includes(PUBLISHER_PLACEHOLDER)) throw new Error(`${PUBLISHER_ENV} vẫn là giá trị mẫu "${PUBLISHER_PLACEHOLDER}": đặt tên (CN) trong chứng chỉ ký mã của tỉnh.`);
    if (/[\u0000-\u001f\u007f]/.test(n) || n.length > 200) throw new Error(`${PUBLISHER_ENV} có tên không hợp lệ: "${n.slice(0, 60)}" (tối đa 200 ký tự, không ký tự điều khiển).`);
  }
  return names;
}

/**
 * package.json's build section for this build environment: the publisher names put in place
 * of the placeholder; refused (with what to set) when a certificate is given but no name, or
 * when the updater's signature check is off. `warnings` go to stderr.
 */
export function distConfig(build: BuildSection, env: NodeJS.ProcessEnv): { config: BuildSection; warnings: string[] } {
  const config = structuredClone(build);
  const names = publisherNames(env);
  const signing = signingRequested(env);
  const warnings: string[] = [];
  if (signing && config.win.verifyUpdateCodeSignature !== true) {
    throw new Error('build.win.verifyUpdateCodeSignature phải là true: bản cập nhật chỉ được cài khi chữ ký số đúng tên đơn vị phát hành.');
  }
  if (names.length) config.win.signtoolOptions.publisherName = names;
  else if (signing) {
    throw new Error(
      `Đang ký mã bản Windows (có ${CERTIFICATE_ENV.filter((k) => (env[k] ?? '').trim() !== '').join(', ')}) nhưng chưa đặt ${PUBLISHER_ENV}: ` +
        'đặt đúng tên (CN) trong chứng chỉ ký mã của tỉnh, ví dụ ' +
        `${PUBLISHER_ENV}="Sở Thông tin và Truyền thông tỉnh An Giang" (xem tên: openssl pkcs12 -in chung-chi.pfx -nokeys | openssl x509 -noout -subject). ` +
        'Ứng dụng chỉ cài bản cập nhật có chữ ký mang tên này.',
    );
  } else {
    warnings.push(
      `Bản Windows không ký mã và chưa đặt ${PUBLISHER_ENV}: chỉ dùng thử. Bản này sẽ không nhận bản cập nhật nào (không chữ ký nào mang tên "${PUBLISHER_PLACEHOLDER}"). Bản phát hành cần CSC_LINK, CSC_KEY_PASSWORD và ${PUBLISHER_ENV}.`,
    );
  }
  return { config, warnings };
}

/** Called by electron-builder (`--config scripts/electron-builder.config.ts`). */
export default function electronBuilderConfig(): BuildSection {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { build: BuildSection };
  const { config, warnings } = distConfig(pkg.build, process.env);
  for (const w of warnings) console.warn(`[dist] ${w}`);
  return config;
}
