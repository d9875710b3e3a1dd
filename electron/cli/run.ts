// The headless command-line entry: `npm run cli -- <command>`. It drives the same
// services as the app, on the same data folder, for the province IT officer and scripts.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { dispatch } from '../ipc/dispatch';
import { appVersion, defaultDataDir } from '../paths';
import { DEFAULT_WORKING_HOURS, type UnitSettings } from '../../shared/domain/types';
import type { AppInfo } from '../../shared/ipc/contract';
import { importCommand, ocrCommand, PAGES_HELP } from './pagesCommands';
import { enrollCommand, syncCommand, SYNC_HELP } from './syncCommands';

const HELP = `Một cửa xã ${appVersion()} — dòng lệnh

Cách dùng: npm run cli -- <lệnh> [tuỳ chọn]

Lệnh:
  info                       Thông tin thư mục dữ liệu, đơn vị, số hồ sơ
  seed [--count N] [--seed S]
                             Tạo N hồ sơ mẫu thực tế (mặc định 1000) để thử nghiệm
  export [--out FILE] [--from yyyy-mm-dd] [--to yyyy-mm-dd]
                             Xuất hồ sơ ra JSON (mặc định ra màn hình)
${PAGES_HELP}${SYNC_HELP}
Tuỳ chọn chung:
  --data-dir DIR             Thư mục dữ liệu (mặc định: ${defaultDataDir()}; hoặc biến MOTCUA_DATA_DIR)
  --help                     Hướng dẫn này
`;

/** The unit used when `seed` runs on a folder that was never set up. */
const DEMO_UNIT: UnitSettings = {
  unitCode: '000.00.13.H12',
  unitName: 'Trung tâm Phục vụ hành chính công xã Định Mỹ',
  parentName: 'UBND XÃ ĐỊNH MỸ',
  provinceName: 'An Giang',
  placeName: 'Định Mỹ',
  clerkName: 'Trần Thị Minh Thư',
  contactPhone: '02963123456',
  workingHours: DEFAULT_WORKING_HOURS,
};

export async function runCli(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      'data-dir': { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      json: { type: 'boolean' },
      'no-wait': { type: 'boolean' },
      hub: { type: 'string' },
      code: { type: 'string' },
      name: { type: 'string' },
      'allow-insecure-http': { type: 'boolean' },
      status: { type: 'boolean' },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    out.write(HELP);
    return command || values.help ? 0 : 2;
  }
  // OCR of loose files needs no data folder.
  if (command === 'ocr') return ocrCommand(positionals.slice(1), values.json ?? false, out);
  const dataDir = values['data-dir'] ? values['data-dir'] : defaultDataDir();
  const { openAppServices } = await import('../services/app');
  const services = openAppServices({ dataDir, appVersion: appVersion() });
  try {
    const call = async <T>(channel: string, input: unknown): Promise<T> => {
      const r = await dispatch(services.handlers, channel, input);
      if (!r.ok) throw new CliError(r.error.message);
      return r.value as T;
    };
    switch (command) {
      case 'info': {
        const info = await call<AppInfo>('app.info', {});
        const total = await call<{ total: number }>('dossiers.list', { limit: 1 });
        out.write(JSON.stringify({ version: info.version, dataDir: info.dataDir, unit: info.settings, dossiers: total.total }, null, 2) + '\n');
        return 0;
      }
      case 'seed': {
        const count = intOption(values.count, 1000, 'count');
        const seed = intOption(values.seed, 1, 'seed');
        if (services.sync.identity()) {
          // Demo dossiers must never reach the province (issue 13 §8).
          process.stderr.write('Thư mục dữ liệu này đã đăng ký đồng bộ với tỉnh: không tạo dữ liệu mẫu ở đây (dữ liệu mẫu không được lên tỉnh). Dùng một thư mục khác (--data-dir).\n');
          return 1;
        }
        const info = await call<AppInfo>('app.info', {});
        if (!info.settings) {
          await call('settings.save', DEMO_UNIT);
          process.stderr.write(`Chưa có thông tin đơn vị: dùng đơn vị mẫu ${DEMO_UNIT.unitCode}.\n`);
        }
        let last = 0;
        const r = services.seedDemo(count, {
          seed,
          onProgress: (done) => {
            if (done - last >= 50_000 || done === count) {
              last = done;
              process.stderr.write(`  ${done.toLocaleString('vi-VN')} / ${count.toLocaleString('vi-VN')}\n`);
            }
          },
        });
        out.write(`Đã tạo ${r.count} hồ sơ mẫu trong ${r.seconds.toFixed(1)} giây (${dataDir}).\n`);
        return 0;
      }
      case 'export': {
        const target = values.out ? createWriteStream(values.out) : out;
        let n = 0;
        target.write('[');
        for (const d of services.exportDossiers({ from: values.from, to: values.to })) {
          if (!target.write((n++ ? ',\n' : '\n') + JSON.stringify(d))) await once(target, 'drain');
        }
        target.write(n ? '\n]\n' : ']\n');
        if (values.out) {
          (target as ReturnType<typeof createWriteStream>).end();
          await once(target, 'finish');
          process.stderr.write(`Đã xuất ${n} hồ sơ ra ${values.out}.\n`);
        }
        return 0;
      }
      case 'import': {
        const info = await call<AppInfo>('app.info', {});
        return await importCommand(services, positionals[1], { wait: !values['no-wait'], actor: info.settings?.clerkName ?? '' }, out);
      }
      case 'enroll':
        return await enrollCommand({ hub: values.hub, code: values.code, name: values.name, allowInsecureHttp: values['allow-insecure-http'] }, call, out);
      case 'sync':
        return await syncCommand(services, values.status ?? false, out);
      default:
        process.stderr.write(`Lệnh không có: ${command}\n\n${HELP}`);
        return 2;
    }
  } catch (e) {
    if (e instanceof CliError || (e instanceof Error && e.name === 'AppError')) {
      process.stderr.write(`Lỗi: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    // Also ends the OCR workers (import), so the process can exit.
    await services.closeAsync();
  }
}

class CliError extends Error {}

function intOption(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new CliError(`--${name} phải là số nguyên dương.`);
  return Number(v);
}
