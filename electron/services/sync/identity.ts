// The device's enrolment with the province hub: its public part in the database
// (sync_device, migration 3) and its secret bearer token in dataDir/sync-token.json, a file
// readable only by the user (0600), written atomically. The token is never returned over the
// contract or printed.
//
// An enrolment in flight keeps its self-made token in that file as `pending` BEFORE the
// request goes out: if the reply is lost (or the app dies), trying again with the same code
// sends the same token and the hub answers with the same enrolment (PROTOCOL.md §3) instead
// of "code already used".
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database';
import type { SyncEnrolment } from '../../../shared/ipc/sync';

/** This PC's enrolment, as the sync panel shows it (shared/ipc/sync.ts). */
export type DeviceIdentity = SyncEnrolment;

export function readIdentity(db: Db): DeviceIdentity | null {
  const r = db
    .prepare(
      `SELECT hub_url AS hubUrl, allow_insecure_http AS allowInsecureHttp, device_id AS deviceId, device_name AS deviceName,
              unit_code AS unitCode, unit_name AS unitName, slot, enrolled_at AS enrolledAt FROM sync_device WHERE id = 1`,
    )
    .get() as (Omit<DeviceIdentity, 'allowInsecureHttp'> & { allowInsecureHttp: number }) | undefined;
  return r ? { ...r, allowInsecureHttp: r.allowInsecureHttp === 1 } : null;
}

export function saveIdentity(db: Db, d: DeviceIdentity): void {
  db.prepare(
    `INSERT INTO sync_device (id, hub_url, allow_insecure_http, device_id, device_name, unit_code, unit_name, slot, enrolled_at)
     VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET hub_url = excluded.hub_url, allow_insecure_http = excluded.allow_insecure_http,
       device_id = excluded.device_id, device_name = excluded.device_name, unit_code = excluded.unit_code,
       unit_name = excluded.unit_name, slot = excluded.slot, enrolled_at = excluded.enrolled_at`,
  ).run(d.hubUrl, d.allowInsecureHttp ? 1 : 0, d.deviceId, d.deviceName, d.unitCode, d.unitName, d.slot, d.enrolledAt);
}

interface TokenFile {
  token?: string;
  pending?: { key: string; token: string };
}

export const TOKEN_FILE_NAME = 'sync-token.json';

export class TokenStore {
  readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, TOKEN_FILE_NAME);
  }

  private read(): TokenFile {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as TokenFile;
    } catch {
      return {};
    }
  }

  /** Atomic (temp file, fsync, rename) and private (0600) from the first byte. */
  private write(data: TokenFile): void {
    const tmp = `${this.file}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(data));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }

  token(): string | null {
    return this.read().token ?? null;
  }

  /** The token to enrol with for this hub and code: the one already sent for them, or a new one (saved first). */
  pendingToken(hubUrl: string, code: string): string {
    const key = createHash('sha256').update(`${hubUrl}\n${code}`).digest('hex');
    const cur = this.read();
    if (cur.pending?.key === key) return cur.pending.token;
    const token = 'dt_' + randomBytes(32).toString('base64url');
    this.write({ ...cur, pending: { key, token } });
    return token;
  }

  /** The enrolment succeeded: the pending token becomes the device's token. */
  commit(token: string): void {
    this.write({ token });
  }
}
