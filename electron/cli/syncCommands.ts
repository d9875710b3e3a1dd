// CLI: enrolment with the province hub and sync runs (`npm run cli -- enroll|sync`).
// Progress goes to stderr; `sync` exits non-zero when the run failed, items were refused, or
// anything still waits to be sent or fetched.
import type { AppServices } from '../services/app';
import { AppError } from '../services/errors';
import { AWAITING_APPROVAL_TEXT } from '../../shared/ipc/sync';

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
  const r = await call<{ enrolment: { unitCode: string; unitName: string; deviceId: string; slot: number; hubUrl: string }; warning: string | null; awaitingApproval: boolean }>('sync.enroll', {
    hubUrl: o.hub,
    code: o.code,
    deviceName: o.name ?? defaultDeviceName(),
    allowInsecureHttp: o.allowInsecureHttp ?? false,
  });
  const e = r.enrolment;
  out.write(`Đã đăng ký máy ${e.deviceId} với ${e.hubUrl}: đơn vị ${e.unitCode} (${e.unitName}), ô số ${e.slot} (mã hồ sơ ${e.slot}001–${e.slot}999).\n`);
  if (r.awaitingApproval) process.stderr.write(`${AWAITING_APPROVAL_TEXT}\n`);
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
  const waiting = waitingLine(services.sync.status());
  if (waiting) process.stderr.write(`${waiting}\n`);
  else if (r.ok) process.stderr.write('Đã đồng bộ: không còn gì chờ gửi hay chờ tải về.\n');
  return r.ok && !waiting ? 0 : 1;
}

/** What still waits after a run (issue 13 §8): changes and pages to send, pages to fetch; null when nothing does. */
export function waitingLine(st: { counts: { queued: number; sending: number }; files: { queued: number }; downloads: { waiting: number } }): string | null {
  const parts: string[] = [];
  const changes = st.counts.queued + st.counts.sending;
  if (changes) parts.push(`${changes} thay đổi chưa gửi`);
  if (st.files.queued) parts.push(`${st.files.queued} trang chưa gửi lên tỉnh`);
  if (st.downloads.waiting) parts.push(`${st.downloads.waiting} trang chưa tải về từ tỉnh`);
  return parts.length ? `Còn chờ: ${parts.join(', ')}. Chạy lại \`sync\` khi có mạng (xem \`sync --status\`).` : null;
}

function defaultDeviceName(): string {
  return `Máy ${process.env.COMPUTERNAME ?? process.env.HOSTNAME ?? 'tiếp nhận'}`.slice(0, 100);
}
