// The app's update feed, served by the province hub (issue 13 §7): electron-updater's generic
// provider reads GET /updates/<platform>/latest.yml (latest-linux.yml for Linux), then fetches
// the installer it names, by HTTP Range for a differential download using the .blockmap files.
// Communes update from their own province, without the Internet. `updates:publish` puts a
// release folder made by `npm run dist` in place after checking every file against the
// sha512 and size latest.yml gives (a broken upload is refused, never served).
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
// electron-updater's own parser: the hub refuses what the app could not read.
import { getFileList, parseUpdateInfo } from 'electron-updater/out/providers/Provider';

export const UPDATE_PLATFORMS = ['win', 'linux'] as const;
export type UpdatePlatform = (typeof UPDATE_PLATFORMS)[number];

/** A file name the feed may serve: no folder part, no hidden file. */
export const UPDATE_FILE = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$/;

export function updateFilePath(updatesDir: string, platform: string, file: string): string | null {
  if (!(UPDATE_PLATFORMS as readonly string[]).includes(platform) || !UPDATE_FILE.test(file) || file.includes('..')) return null;
  return path.join(updatesDir, platform, file);
}

export function updateMime(file: string): string {
  if (file.endsWith('.yml')) return 'text/yaml; charset=utf-8';
  return 'application/octet-stream';
}

const sha512Of = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const h = createHash('sha512');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('base64')));
  });

interface ChannelFile {
  version?: unknown;
  files?: { url?: unknown; sha512?: unknown; size?: unknown }[];
}

/**
 * Checks a release folder against its channel file (latest.yml / latest-linux.yml) and copies
 * it into the feed: the installers and their blockmaps first, the channel file last (renamed
 * into place), so a device never reads a channel file naming bytes not there yet.
 */
export async function publishUpdate(updatesDir: string, platform: UpdatePlatform, releaseDir: string): Promise<{ version: string; files: string[] }> {
  const channel = platform === 'win' ? 'latest.yml' : 'latest-linux.yml';
  const text = await fsp.readFile(path.join(releaseDir, channel), 'utf8').catch(() => {
    throw new Error(`Không thấy ${channel} trong ${releaseDir} (thư mục do \`npm run dist\` tạo).`);
  });
  let info: ChannelFile;
  let files: { url?: unknown; sha512?: unknown; size?: unknown }[];
  try {
    info = parseUpdateInfo(text, channel, pathToFileURL(releaseDir)) as ChannelFile;
    files = getFileList(info as never);
  } catch (e) {
    throw new Error(`${channel} không đúng dạng: ${(e as Error).message.split('\n')[0]}`);
  }
  if (typeof info?.version !== 'string') throw new Error(`${channel} không ghi phiên bản (version).`);
  const names: string[] = [];
  for (const f of files) {
    const name = typeof f.url === 'string' ? f.url : '';
    if (!UPDATE_FILE.test(name) || name.includes('..')) throw new Error(`Tên tệp không hợp lệ trong ${channel}: ${name}`);
    const file = path.join(releaseDir, name);
    const st = await fsp.stat(file).catch(() => null);
    if (!st) throw new Error(`Thiếu tệp ${name} mà ${channel} ghi.`);
    if (typeof f.size === 'number' && st.size !== f.size) throw new Error(`Tệp ${name} dài ${st.size} byte, ${channel} ghi ${f.size}.`);
    if ((await sha512Of(file)) !== f.sha512) throw new Error(`Tệp ${name} không khớp sha512 mà ${channel} ghi: bản phát hành bị hỏng hoặc chép thiếu.`);
    names.push(name);
    const blockmap = `${name}.blockmap`;
    if (
      await fsp.stat(path.join(releaseDir, blockmap)).then(
        () => true,
        () => false,
      )
    )
      names.push(blockmap);
  }
  const dest = path.join(updatesDir, platform);
  await fsp.mkdir(dest, { recursive: true });
  for (const n of names) {
    await fsp.copyFile(path.join(releaseDir, n), path.join(dest, `${n}.tmp`));
    await fsp.rename(path.join(dest, `${n}.tmp`), path.join(dest, n));
  }
  await fsp.writeFile(path.join(dest, `${channel}.tmp`), text);
  await fsp.rename(path.join(dest, `${channel}.tmp`), path.join(dest, channel));
  return { version: info.version as string, files: [...names, channel] };
}
