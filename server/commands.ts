// The hub's admin commands (`npm run hub -- <command>`), one implementation each. They run in
// the CLI process on a database it opened itself, or inside the serving hub when the CLI
// forwards them through the admin channel (adminChannel.ts): all their output and file access
// goes through CommandIO, so both ways print the same lines and exit with the same code.
import type { OpenHub } from './app';
import { exportNational } from './national';
import { DEFAULT_ENROL_TTL_HOURS } from './hub';
import { publishUpdate } from './updates';
import path from 'node:path';
import { unitCodeSchema } from '../shared/sync/protocol';

/** The command's options by name; `_` is a bare argument after the command (`devices:approve <device>`). */
export type Opts = Record<string, string>;

export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** Reads a file named on the command line (relative to the CLI's folder). */
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
}

type Command = (h: Pick<OpenHub, 'hub' | 'db'>, opts: Opts, io: CommandIO) => Promise<number>;

/** Options that name a file the command reads: a forwarding CLI sends their contents along. */
export const INPUT_FILE_OPTIONS = ['file'];

export function need(opts: Opts, key: string): string {
  const v = opts[key];
  if (!v || v === 'true') throw new Error(`Thiếu --${key}.`);
  return v;
}

/** A yes/no option: bare (`--auto-approve`) is yes. */
function onOff(v: string, key: string): boolean {
  const t = v.trim().toLowerCase();
  if (['true', 'on', 'yes', '1', 'có'].includes(t)) return true;
  if (['false', 'off', 'no', '0', 'không'].includes(t)) return false;
  throw new Error(`--${key} nhận true hoặc false (nhận được "${v}").`);
}

function unitCode(s: string): string {
  const r = unitCodeSchema.safeParse(s.trim());
  if (!r.success) throw new Error(r.error.issues[0].message);
  return r.data;
}

/** The line a failed command ends with, in both ways of running it. */
export function errorLine(e: unknown): string {
  return e instanceof Error ? `Lỗi: ${e.message}` : String(e);
}

async function publish(kind: 'catalogue' | 'holidays', { hub }: Pick<OpenHub, 'hub'>, opts: Opts, io: CommandIO): Promise<number> {
  const payload = JSON.parse(io.readFile(need(opts, 'file'))) as unknown;
  const cursor = await hub.publish(kind, need(opts, 'version'), payload, opts.unit ? unitCode(opts.unit) : null);
  io.out(`Đã phát hành ${kind} ${opts.version} (con trỏ ${cursor}).`);
  return 0;
}

export const ADMIN_COMMANDS: Record<string, Command> = {
  async migrate(_h, _opts, io) {
    io.out('Đã áp dụng các bản cập nhật lược đồ.');
    return 0;
  },
  async 'unit:create'({ hub }, opts, io) {
    const code = unitCode(need(opts, 'code'));
    await hub.createUnit(code, need(opts, 'name'), opts['auto-approve'] === undefined ? undefined : onOff(opts['auto-approve'], 'auto-approve'));
    io.out(`Đã tạo đơn vị ${code}.`);
    return 0;
  },
  async 'units:set'({ hub }, opts, io) {
    const code = unitCode(opts._ ?? need(opts, 'unit'));
    if (opts['auto-approve'] === undefined) throw new Error('Thiếu --auto-approve (bật) hoặc --auto-approve=false (tắt).');
    const on = onOff(opts['auto-approve'], 'auto-approve');
    await hub.setUnitAutoApprove(code, on);
    io.out(on ? `Đơn vị ${code}: máy mới đăng ký được dùng ngay, không cần duyệt.` : `Đơn vị ${code}: máy mới đăng ký phải chờ cán bộ của tỉnh duyệt (devices:approve).`);
    return 0;
  },
  async 'units:list'({ hub }, _opts, io) {
    const rows = await hub.listUnits();
    for (const u of rows) io.out([u.code, u.name, u.auto_approve ? 'tự duyệt máy mới' : 'duyệt từng máy', `${u.devices} máy`, `${u.pending} chờ duyệt`].join('\t'));
    if (!rows.length) io.err('Chưa có đơn vị nào.');
    return 0;
  },
  async 'enroll:create'({ hub }, opts, io) {
    const ttl = Number(opts['ttl-hours'] ?? DEFAULT_ENROL_TTL_HOURS);
    if (!(ttl > 0 && ttl <= 24 * 30)) throw new Error('--ttl-hours phải từ 1 đến 720.');
    const r = await hub.createEnrolmentCode(unitCode(need(opts, 'unit')), ttl);
    io.out(r.code);
    io.err(`Mã đăng ký dùng một lần, hết hạn lúc ${r.expiresAt.toISOString()}. Hub chỉ lưu bản băm; ghi lại mã ngay.`);
    return 0;
  },
  async 'devices:list'({ hub }, opts, io) {
    const rows = await hub.listDevices(opts.unit ? unitCode(opts.unit) : undefined);
    for (const d of rows) {
      io.out(
        [
          d.device_id,
          d.unit_code,
          `ô ${d.slot}`,
          d.revoked ? 'ĐÃ THU HỒI' : d.approved_at ? 'hoạt động' : 'CHỜ DUYỆT',
          d.name,
          `đăng ký ${d.enrolled_at.toISOString()} từ ${d.enrolled_from ?? '—'}`,
          d.approved_at ? `duyệt ${d.approved_at.toISOString()} (${d.approved_by ?? '—'})` : 'chưa duyệt',
          `lần cuối ${d.last_seen_at?.toISOString() ?? '—'}`,
          `seq ${d.last_seq}`,
        ].join('\t'),
      );
    }
    if (!rows.length) io.err('Chưa có máy nào.');
    return 0;
  },
  async 'enrolments:list'({ hub }, opts, io) {
    const rows = await hub.listEnrolments(opts.unit ? unitCode(opts.unit) : undefined);
    for (const r of rows) io.out([r.at.toISOString(), r.address, r.unit_code ?? '—', r.outcome, r.device_id ?? '—', r.device_name ?? ''].join('\t'));
    if (!rows.length) io.err('Chưa có lượt đăng ký nào.');
    return 0;
  },
  async 'updates:publish'({ hub }, opts, io) {
    const platform = need(opts, 'platform');
    if (platform !== 'win' && platform !== 'linux') throw new Error('--platform phải là win hoặc linux.');
    if (!hub.updatesDir) throw new Error('Hub này không phục vụ bản cập nhật.');
    const r = await publishUpdate(hub.updatesDir, platform, path.resolve(need(opts, 'dir')));
    io.out(`Đã phát hành bản cập nhật ${r.version} (${platform}): ${r.files.join(', ')}.`);
    return 0;
  },
  async 'devices:approve'({ hub }, opts, io) {
    const d = await hub.approveDevice(opts._ ?? need(opts, 'device'));
    io.out(`Đã duyệt máy "${d.name}" (${d.deviceId}) của đơn vị ${d.unitCode}; máy đồng bộ được từ lần kết nối tới.`);
    return 0;
  },
  async 'devices:revoke'({ hub }, opts, io) {
    const ok = await hub.revokeDevice(need(opts, 'device'));
    io.out(ok ? 'Đã thu hồi máy.' : 'Không có máy đang hoạt động với mã này.');
    return ok ? 0 : 1;
  },
  async 'storage:report'({ hub }, _opts, io) {
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    io.out(['đơn vị', 'số tệp', 'MiB', 'đang tải lên', 'MiB đã nhận'].join('\t'));
    for (const r of await hub.storageReport()) io.out([r.unitCode, r.files, mib(r.bytes), r.partials, mib(r.partialBytes)].join('\t'));
    io.err(`Hạn mức: ${mib(hub.storage.perUnitBytes)} MiB mỗi đơn vị, ${mib(hub.storage.perDeviceBytes)} MiB mỗi máy.`);
    return 0;
  },
  async 'storage:clean'({ hub }, _opts, io) {
    const r = await hub.cleanStorage();
    io.out(
      `Đã xoá ${r.partials} lượt tải lên dở quá hạn (${(r.partialBytes / 1024 / 1024).toFixed(1)} MiB) và ${r.orphans} tệp không hồ sơ nào dùng (${(r.orphanBytes / 1024 / 1024).toFixed(1)} MiB).`,
    );
    return 0;
  },
  'publish:catalogue': (h, opts, io) => publish('catalogue', h, opts, io),
  'publish:holidays': (h, opts, io) => publish('holidays', h, opts, io),
  async 'export:national'({ db }, opts, io) {
    const since = opts.since ? new Date(opts.since) : undefined;
    if (since && Number.isNaN(since.getTime())) throw new Error('--since không phải ngày giờ hợp lệ.');
    const out = await exportNational(db, unitCode(need(opts, 'unit')), since);
    const text = JSON.stringify(out, null, 2);
    if (opts.out) {
      io.writeFile(opts.out, text);
      io.err(`Đã ghi ${out.DongBoHoSoMC.length} hồ sơ, ${out.CapNhatTienDoHoSoMC.length} bước xử lý vào ${opts.out}.`);
    } else io.out(text);
    return 0;
  },
};

export function isAdminCommand(command: string): boolean {
  return Object.hasOwn(ADMIN_COMMANDS, command);
}

/**
 * Runs a command inside the serving hub for a forwarding CLI: the output lines in order, the
 * files to write on the CLI's side, the exit code; a failure ends with its `Lỗi: …` line.
 */
export async function runCaptured(
  h: Pick<OpenHub, 'hub' | 'db'>,
  command: string,
  opts: Opts,
  inputs: Record<string, string>,
): Promise<{ code: number; output: ['out' | 'err', string][]; files: [string, string][] }> {
  const output: ['out' | 'err', string][] = [];
  const files: [string, string][] = [];
  const io: CommandIO = {
    out: (l) => output.push(['out', l]),
    err: (l) => output.push(['err', l]),
    readFile(file) {
      if (!Object.hasOwn(inputs, file)) throw new Error(`Không đọc được tệp ${file}.`);
      return inputs[file];
    },
    writeFile: (file, text) => files.push([file, text]),
  };
  try {
    if (!isAdminCommand(command)) throw new Error(`Lệnh không có: ${command}.`);
    return { code: await ADMIN_COMMANDS[command](h, opts, io), output, files };
  } catch (e) {
    output.push(['err', errorLine(e)]);
    return { code: 1, output, files };
  }
}
