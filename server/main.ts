// The province hub: `npm run hub -- <command>` (tsx server/main.ts).
//   serve (default)                         start the HTTP(S) server
//   migrate                                 apply the database migrations and stop
//   unit:create --code CODE --name "…"      create (or rename) a unit
//   enroll:create --unit CODE [--ttl-hours 72]   print a one-time enrolment code
//   devices:list [--unit CODE]              list devices
//   devices:revoke --device ID              revoke a device (its token stops working at once)
//   publish:catalogue --file F --version V [--unit CODE]   publish a catalogue update
//   publish:holidays --file F --version V [--unit CODE]    publish a holiday-table update
//   export:national --unit CODE [--since ISO|yyyy-mm-dd] [--out FILE]   DongBoHoSoMC + CapNhatTienDoHoSoMC
// Environment: DATABASE_URL (PostgreSQL; none → embedded PGlite in HUB_DATA_DIR, default
// ./.hub-data), HUB_HOST (127.0.0.1), HUB_PORT (8080, or 8443 with TLS), HUB_TLS_CERT + HUB_TLS_KEY,
// HUB_WORKERS (serving processes, PostgreSQL only; default 1).
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import { configFromEnv, openHub } from './app';
import { startHubServer } from './http';
import { exportNational } from './national';
import { HubError } from './hub';
import { unitCodeSchema } from '../shared/sync/protocol';

function args(argv: string[]): { command: string; opts: Record<string, string> } {
  const [first, ...rest] = argv;
  const command = first && !first.startsWith('--') ? first : 'serve';
  const list = first && !first.startsWith('--') ? rest : argv;
  const opts: Record<string, string> = {};
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    if (!a.startsWith('--')) throw new Error(`Tham số không hiểu: ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) opts[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < list.length && !list[i + 1].startsWith('--')) opts[a.slice(2)] = list[++i];
    else opts[a.slice(2)] = 'true';
  }
  return { command, opts };
}

function need(opts: Record<string, string>, key: string): string {
  const v = opts[key];
  if (!v || v === 'true') throw new Error(`Thiếu --${key}.`);
  return v;
}

function unitCode(s: string): string {
  const r = unitCodeSchema.safeParse(s.trim());
  if (!r.success) throw new Error(r.error.issues[0].message);
  return r.data;
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

async function main(): Promise<number> {
  const { command, opts } = args(process.argv.slice(2));
  const cfg = configFromEnv();
  const workers = Number(process.env.HUB_WORKERS ?? 1);
  if (command === 'serve' && cluster.isPrimary && workers > 1) return servePrimary(cfg, workers);
  const { hub, db, close } = await openHub(cfg);
  let keepOpen = false;
  try {
    switch (command) {
      case 'serve': {
        const running = await startHubServer(hub, { host: cfg.host, port: cfg.port, tls: cfg.tls });
        keepOpen = true;
        console.error(`[hub] đang phục vụ ${running.url} (giao thức v1, CSDL ${db.kind === 'pg' ? 'PostgreSQL' : `PGlite tại ${cfg.dataDir}`})`);
        if (!cfg.tls && !['127.0.0.1', 'localhost', '::1'].includes(cfg.host)) {
          console.error('[hub] CẢNH BÁO: đang mở HTTP không mã hoá ra mạng; đặt HUB_TLS_CERT/HUB_TLS_KEY hoặc đặt sau một reverse proxy HTTPS.');
        }
        const stop = async () => {
          console.error('[hub] đang dừng…');
          await running.close();
          await close();
          process.exit(0);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        return 0;
      }
      case 'migrate':
        console.log('Đã áp dụng các bản cập nhật lược đồ.');
        return 0;
      case 'unit:create': {
        const code = unitCode(need(opts, 'code'));
        await hub.createUnit(code, need(opts, 'name'));
        console.log(`Đã tạo đơn vị ${code}.`);
        return 0;
      }
      case 'enroll:create': {
        const ttl = Number(opts['ttl-hours'] ?? 72);
        if (!(ttl > 0 && ttl <= 24 * 30)) throw new Error('--ttl-hours phải từ 1 đến 720.');
        const r = await hub.createEnrolmentCode(unitCode(need(opts, 'unit')), ttl);
        console.log(r.code);
        console.error(`Mã đăng ký dùng một lần, hết hạn lúc ${r.expiresAt.toISOString()}. Hub chỉ lưu bản băm; ghi lại mã ngay.`);
        return 0;
      }
      case 'devices:list': {
        const rows = await hub.listDevices(opts.unit ? unitCode(opts.unit) : undefined);
        for (const d of rows) {
          console.log(
            [d.device_id, d.unit_code, `ô ${d.slot}`, d.revoked ? 'ĐÃ THU HỒI' : 'hoạt động', d.name, `đăng ký ${d.enrolled_at.toISOString()}`, `lần cuối ${d.last_seen_at?.toISOString() ?? '—'}`, `seq ${d.last_seq}`].join('\t'),
          );
        }
        if (!rows.length) console.error('Chưa có máy nào.');
        return 0;
      }
      case 'devices:revoke': {
        const ok = await hub.revokeDevice(need(opts, 'device'));
        console.log(ok ? 'Đã thu hồi máy.' : 'Không có máy đang hoạt động với mã này.');
        return ok ? 0 : 1;
      }
      case 'publish:catalogue':
      case 'publish:holidays': {
        const payload = JSON.parse(readFileSync(need(opts, 'file'), 'utf8')) as unknown;
        const kind = command === 'publish:catalogue' ? 'catalogue' : 'holidays';
        const cursor = await hub.publish(kind, need(opts, 'version'), payload, opts.unit ? unitCode(opts.unit) : null);
        console.log(`Đã phát hành ${kind} ${opts.version} (con trỏ ${cursor}).`);
        return 0;
      }
      case 'export:national': {
        const since = opts.since ? new Date(opts.since) : undefined;
        if (since && Number.isNaN(since.getTime())) throw new Error('--since không phải ngày giờ hợp lệ.');
        const out = await exportNational(db, unitCode(need(opts, 'unit')), since);
        const text = JSON.stringify(out, null, 2);
        if (opts.out) {
          writeFileSync(opts.out, text);
          console.error(`Đã ghi ${out.DongBoHoSoMC.length} hồ sơ, ${out.CapNhatTienDoHoSoMC.length} bước xử lý vào ${opts.out}.`);
        } else console.log(text);
        return 0;
      }
      default:
        throw new Error(`Lệnh không có: ${command}. Các lệnh: serve, migrate, unit:create, enroll:create, devices:list, devices:revoke, publish:catalogue, publish:holidays, export:national.`);
    }
  } finally {
    if (!keepOpen) await close();
  }
}

main().then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof HubError || e instanceof Error ? `Lỗi: ${e.message}` : e);
    process.exit(1);
  },
);
