// What the device accepts from a pull (issue 13 §5): every item is checked against the
// protocol's own schemas (shared/sync/protocol.ts) before it reaches apply.ts; an item that
// fails, or that belongs to another unit, is set aside with its reason (kept in
// dataDir/sync-set-aside/ for the support desk, and named in the run's error) and the rest
// of the page is applied. The hub is trusted to route, not to be right.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeZodError, sha256Schema, syncEventSchema } from '../../../shared/sync/protocol';
import type { PullItem } from '../../../shared/sync/protocol';

const cursorSchema = z.number().int().nonnegative();

const pullItemSchema = z.discriminatedUnion('kind', [
  z.object({ cursor: cursorSchema, kind: z.literal('event'), event: syncEventSchema }),
  z.object({ cursor: cursorSchema, kind: z.enum(['catalogue', 'holidays']), version: z.string().min(1).max(100), payload: z.unknown() }),
]);

export interface SetAsideItem {
  cursor: number | null;
  reason: string;
  item: unknown;
}

/** Splits a pulled page into the items to apply (as received) and those set aside. */
export function checkPulledItems(items: unknown[], unitCode: string): { good: PullItem[]; bad: SetAsideItem[] } {
  const good: PullItem[] = [];
  const bad: SetAsideItem[] = [];
  for (const item of items) {
    const cursor = item && typeof item === 'object' && typeof (item as { cursor?: unknown }).cursor === 'number' ? (item as { cursor: number }).cursor : null;
    const r = pullItemSchema.safeParse(item);
    if (!r.success) {
      bad.push({ cursor, reason: describeZodError(r.error), item });
      continue;
    }
    if (r.data.kind === 'event' && r.data.event.unitCode !== unitCode) {
      bad.push({ cursor, reason: `Thay đổi của đơn vị khác (${r.data.event.unitCode}), không phải của đơn vị này.`, item });
      continue;
    }
    good.push(item as PullItem); // as received: apply stores the event's own text
  }
  return { good, bad };
}

/** Keeps set-aside items on disk (one JSON file each, never overwritten) and returns the lines for the sync panel. */
export function keepSetAside(dataDir: string, bad: SetAsideItem[], now: number): string[] {
  if (!bad.length) return [];
  const dir = path.join(dataDir, 'sync-set-aside');
  fs.mkdirSync(dir, { recursive: true });
  return bad.map((b, i) => {
    const name = `${now}-${b.cursor ?? 'x'}-${i}.json`;
    fs.writeFileSync(path.join(dir, name), JSON.stringify({ at: now, cursor: b.cursor, reason: b.reason, item: b.item }), { flag: 'wx' });
    return `Mục nhận từ tỉnh${b.cursor !== null ? ` (vị trí ${b.cursor})` : ''} bị bỏ riêng, không áp dụng: ${b.reason}`;
  });
}

/** A SHA-256 as a file name part, checked before any path is built from it. */
export function checkedSha256(sha256: unknown): string {
  const r = sha256Schema.safeParse(sha256);
  if (!r.success) throw new Error('Mã SHA-256 của tệp không hợp lệ; không tạo đường dẫn từ nó.');
  return r.data;
}
