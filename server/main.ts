// The province hub: `npm run hub -- <command>` (tsx server/main.ts).
//   serve (default)                         start the HTTP(S) server
//   migrate                                 apply the database migrations and stop
//   unit:create --code CODE --name "…" [--auto-approve]   create (or rename) a unit
//   enroll:create --unit CODE [--ttl-hours 72]   print a one-time enrolment code
//   devices:list [--unit CODE]              list devices
//   devices:approve <device id>             approve a device waiting since its enrolment
//   devices:revoke --device ID              revoke a device (its token stops working at once)
//   units:set <unit> --auto-approve[=false] the unit's new devices work without approval (or not)
//   units:list                              units, their approval setting, devices waiting
//   enrolments:list [--unit CODE]           every enrolment attempt (address, unit, outcome)
//   publish:catalogue --file F --version V [--unit CODE]   publish a catalogue update
//   publish:holidays --file F --version V [--unit CODE]    publish a holiday-table update
//   export:national --unit CODE [--since ISO|yyyy-mm-dd] [--out FILE]   DongBoHoSoMC + CapNhatTienDoHoSoMC
//   storage:report                          bytes and files per unit, open partial uploads
//   storage:clean                           remove expired partial uploads and blobs no event refers to
// Quotas: HUB_QUOTA_UNIT_GIB (20), HUB_QUOTA_DEVICE_GIB (5), HUB_PARTIAL_TTL_HOURS (48),
// HUB_ORPHAN_GRACE_DAYS (7); the serving hub also cleans every hour.
// Environment: DATABASE_URL (PostgreSQL; none → embedded PGlite in HUB_DATA_DIR, default
// ./.hub-data), HUB_HOST (127.0.0.1), HUB_PORT (8080, or 8443 with TLS), HUB_TLS_CERT + HUB_TLS_KEY,
// HUB_WORKERS (serving processes, PostgreSQL only; default one per core, at most 4).
// With PGlite the admin commands also work while the hub serves: they are sent to it over its
// local admin channel, and a second `serve` on the folder is refused (adminChannel.ts).
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { configFromEnv, ensureDataDir, faultsFromEnv, openHub } from './app';
import type { HubConfig } from './app';
import { startHubServer } from './http';
import { ADMIN_COMMANDS, INPUT_FILE_OPTIONS, errorLine, isAdminCommand } from './commands';
import type { CommandIO, Opts } from './commands';
import { claimFolderOrFindHub, forwardCommand, openAdminChannel } from './adminChannel';
import type { LockInfo } from './adminChannel';

function args(argv: string[]): { command: string; opts: Opts } {
  const [first, ...rest] = argv;
  const command = first && !first.startsWith('--') ? first : 'serve';
  const list = first && !first.startsWith('--') ? rest : argv;
  const opts: Opts = {};
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!a.startsWith('--')) {
      // One bare argument right after the command: what it acts on (devices:approve <device>, units:set <unit>).
      if (i === 0 && list !== argv) {
        opts._ = a;
        continue;
      }
      throw new Error(`Tham số không hiểu: ${a}`);
    }
    const eq = a.indexOf('=');
    if (eq > 0) opts[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < list.length && !list[i + 1].startsWith('--')) opts[a.slice(2)] = list[++i];
    else opts[a.slice(2)] = 'true';
  }
  return { command, opts };
}

const localIO: CommandIO = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  readFile: (f) => readFileSync(f, 'utf8'),
  writeFile: (f, t) => writeFileSync(f, t),
};

async function runDirect(cfg: HubConfig, command: string, opts: Opts): Promise<number> {
  const opened = await openHub(cfg);
  try {
    return await ADMIN_COMMANDS[command](opened, opts, localIO);
  } finally {
    await opened.close();
  }
}

/** Runs the command in the hub serving the folder; `null` if that hub has just stopped. */
async function runForwarded(hub: LockInfo, command: string, opts: Opts): Promise<number | null> {
  const inputs: Record<string, string> = {};
  for (const k of INPUT_FILE_OPTIONS) if (opts[k] && opts[k] !== 'true') inputs[opts[k]] = localIO.readFile(opts[k]);
  const r = await forwardCommand(hub, command, opts, inputs);
  if (!r) return null;
  for (const [file, text] of r.files) localIO.writeFile(file, text);
  for (const [stream, line] of r.output) localIO[stream](line);
  return r.code;
}

/** An admin command. On PGlite: sent to the hub if one serves the folder, else run here holding the folder's lock. */
async function runAdmin(cfg: HubConfig, command: string, opts: Opts): Promise<number> {
  if (cfg.databaseUrl) return runDirect(cfg, command, opts);
  ensureDataDir(cfg.dataDir);
  const channel = await openAdminChannel(); // tells a starting hub that this process holds the folder
  try {
    for (;;) {
      const claim = await claimFolderOrFindHub(cfg.dataDir, channel, 'admin');
      if (claim.held) {
        try {
          return await runDirect(cfg, command, opts);
        } finally {
          claim.release();
        }
      }
      const code = await runForwarded(claim.holder, command, opts);
      if (code !== null) return code;
    }
  } finally {
    await channel.close();
  }
}

/** HUB_WORKERS > 1 (PostgreSQL only): one primary that forks N serving processes on one port. */
async function servePrimary(cfg: ReturnType<typeof configFromEnv>, workers: number): Promise<number> {
  if (!cfg.databaseUrl) throw new Error('HUB_WORKERS > 1 cần PostgreSQL (DATABASE_URL): PGlite chỉ mở được trong một tiến trình.');
  const opened = await openHub(cfg); // migrate once, before the workers start
  await opened.close();
  let stopping = false;
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', (w, code, signal) => {
    if (stopping) return;
    console.error(`[hub] tiến trình ${w.process.pid} dừng (${signal ?? code}); khởi động lại sau 1 giây.`);
    setTimeout(() => cluster.fork(), 1000);
  });
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    setTimeout(() => process.exit(0), 5000).unref();
    cluster.on('exit', () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

async function serve(cfg: HubConfig): Promise<number> {
  const channel = cfg.databaseUrl ? null : await openAdminChannel();
  if (channel) {
    ensureDataDir(cfg.dataDir);
    const claim = await claimFolderOrFindHub(cfg.dataDir, channel, 'serve');
    if (!claim.held) {
      throw new Error(
        `Thư mục dữ liệu ${cfg.dataDir} đang được một hub khác phục vụ (tiến trình ${claim.holder.pid}). PGlite chỉ mở được trong một tiến trình: các lệnh quản trị tự gửi tới hub đang chạy; muốn khởi động lại thì dừng hub đó trước.`,
      );
    }
    process.once('exit', claim.release); // also when start-up fails
  }
  const opened = await openHub({ ...cfg, faults: faultsFromEnv() });
  channel?.serve(opened);
  const running = await startHubServer(opened.hub, { host: cfg.host, port: cfg.port, tls: cfg.tls });
  const cleaner = setInterval(() => {
    opened.hub.cleanStorage().catch((e: unknown) => console.error(`[hub] dọn lưu trữ lỗi: ${(e as Error).message}`));
  }, 3600_000);
  cleaner.unref();
  console.error(`[hub] đang phục vụ ${running.url} (giao thức v1, CSDL ${opened.db.kind === 'pg' ? 'PostgreSQL' : `PGlite tại ${cfg.dataDir}`})`);
  if (!cfg.tls && !['127.0.0.1', 'localhost', '::1'].includes(cfg.host)) {
    console.error('[hub] CẢNH BÁO: đang mở HTTP không mã hoá ra mạng; đặt HUB_TLS_CERT/HUB_TLS_KEY hoặc đặt sau một reverse proxy HTTPS.');
  }
  const stop = async () => {
    console.error('[hub] đang dừng…');
    clearInterval(cleaner);
    await running.close();
    await opened.close();
    process.exit(0); // the lock goes with the 'exit' handler, after the database is closed
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}

async function main(): Promise<number> {
  const { command, opts } = args(process.argv.slice(2));
  if (command !== 'serve' && !isAdminCommand(command)) {
    throw new Error(
      `Lệnh không có: ${command}. Các lệnh: serve, migrate, unit:create, enroll:create, devices:list, devices:approve, devices:revoke, units:set, units:list, enrolments:list, updates:publish, storage:report, storage:clean, publish:catalogue, publish:holidays, export:national.`,
    );
  }
  const cfg = configFromEnv();
  // With PostgreSQL one serving process per core (at most 4: each holds up to 26
  // connections); PGlite can only be opened by one process.
  const workers = Number(process.env.HUB_WORKERS ?? (cfg.databaseUrl ? Math.min(availableParallelism(), 4) : 1));
  if (command === 'serve' && cluster.isPrimary && workers > 1) return servePrimary(cfg, workers);
  return command === 'serve' ? serve(cfg) : runAdmin(cfg, command, opts);
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    console.error(errorLine(e));
    process.exit(1);
  },
);
