// CLI: enrolment with the province hub and sync runs (`npm run cli -- enroll|sync`).
// Progress goes to stderr; `sync` exits non-zero when the run failed or items were refused.
import type { AppServices } from '../services/app';
import { AppError } from '../services/errors';

export const SYNC_HELP = `  enroll --hub URL --code MÃ [--name TÊN] [--allow-insecure-http]
                             Đăng ký máy với hub đồng bộ của tỉnh (mã do tỉnh cấp)
  sync                       Đồng bộ một lượt với tỉnh (gửi, tải trang, nhận); mã thoát ≠ 0 khi còn lỗi
  sync --status              Trạng thái đồng bộ (JSON)
`;

export async function enrollCommand(
  o: { hub?: string; code?: string; name?: string; allowInsecureHttp?: boolean },
  call: <T>(channel: string, input: unknown) => Promise<T>,
  out: NodeJS.WritableStream,
): Promise<number> {
  if (!o.hub || !o.code) {
    process.stderr.write('Cần --hub URL và --code MÃ (mã đăng ký do tỉnh cấp).\n');
    return 2;
  }
  const r = await call<{ enrolment: { unitCode: string; unitName: string; deviceId: string; slot: number; hubUrl: string }; warning: string | null }>('sync.enroll', {
    hubUrl: o.hub,
    code: o.code,
    deviceName: o.name ?? defaultDeviceName(),
    allowInsecureHttp: o.allowInsecureHttp ?? false,
  });
  const e = r.enrolment;
  out.write(`Đã đăng ký máy ${e.deviceId} với ${e.hubUrl}: đơn vị ${e.unitCode} (${e.unitName}), ô số ${e.slot} (mã hồ sơ ${e.slot}001–${e.slot}999).\n`);
  if (r.warning) process.stderr.write(`Lưu ý: ${r.warning}\n`);
  return 0;
}

export async function syncCommand(services: AppServices, status: boolean, out: NodeJS.WritableStream): Promise<number> {
  if (status) {
    out.write(JSON.stringify(services.sync.status(), null, 2) + '\n');
    return 0;
  }
  let r;
  try {
    r = await services.sync.syncNow((p) => process.stderr.write(`[đồng bộ] ${p.message}\n`));
  } catch (e) {
    if (e instanceof AppError) {
      process.stderr.write(`Lỗi: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  out.write(JSON.stringify(r) + '\n');
  if (r.error) process.stderr.write(`Lỗi: ${r.error}\n`);
  if (r.failed) process.stderr.write(`${r.failed} thay đổi bị tỉnh từ chối: xem \`sync --status\`.\n`);
  return r.ok ? 0 : 1;
}

function defaultDeviceName(): string {
  return `Máy ${process.env.COMPUTERNAME ?? process.env.HOSTNAME ?? 'tiếp nhận'}`.slice(0, 100);
}
