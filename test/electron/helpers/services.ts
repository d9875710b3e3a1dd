// Test helpers: app services on a fresh temp folder, calls through the real dispatcher
// (so contract validation runs exactly as in the app), and sample inputs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatch } from '../../../electron/ipc/dispatch';
import { openAppServices, type AppServices } from '../../../electron/services/app';
import type { CallInput, CallOutput, CallResult, Channel } from '../../../shared/ipc/contract';
import type { UnitSettings } from '../../../shared/domain/types';
import { DEFAULT_WORKING_HOURS } from '../../../shared/domain/types';
import { vnTime } from '../../../shared/domain/vnTime';

export const UNIT: UnitSettings = {
  unitCode: '000.00.13.H12',
  unitName: 'Trung tâm Phục vụ hành chính công xã Định Mỹ',
  parentName: 'UBND xã Định Mỹ',
  provinceName: 'An Giang',
  placeName: 'Định Mỹ',
  clerkName: 'Nguyễn Thị Lan',
  contactPhone: '0296 3870 123',
  workingHours: DEFAULT_WORKING_HOURS,
};

export const APPLICANT = {
  fullName: 'Đặng Thị Hồng',
  idNumber: '089190012345',
  birthDate: '1990-05-12',
  address: 'Ấp Mỹ Hoà, xã Định Mỹ, An Giang',
  phone: '0912345678',
  email: '',
};

const created: string[] = [];

/** Removes the folders made by tempDir (call from afterAll, after closing the apps). */
export function removeTempDirs(): void {
  for (const d of created.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** A fresh folder under the OS temp folder (see removeTempDirs). */
export function tempDir(prefix = 'motcua-test-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(d);
  return d;
}

/** A settable clock: starts at a Vietnam wall-clock instant. */
export function clock(start = vnTime(2026, 3, 2, 9, 0)) {
  let t = start;
  const now = () => t;
  return {
    now,
    set: (ms: number) => {
      t = ms;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

export interface TestApp {
  dir: string;
  services: AppServices;
  call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>>;
  raw<C extends Channel>(channel: C, input: unknown): Promise<CallResult<CallOutput<C>>>;
  close(): void;
}

export function openTestApp(opts: { dir?: string; now?: () => number; settings?: UnitSettings | null } = {}): TestApp {
  const dir = opts.dir ?? tempDir();
  const services = openAppServices({ dataDir: dir, now: opts.now, appVersion: 'test' });
  const raw = async <C extends Channel>(channel: C, input: unknown) => (await dispatch(services.handlers, channel, input)) as CallResult<CallOutput<C>>;
  const call = async <C extends Channel>(channel: C, input: CallInput<C>) => {
    const r = await raw<C>(channel, input);
    if (!r.ok) throw Object.assign(new Error(`${channel}: ${r.error.code}: ${r.error.message}`), { callError: r.error });
    return r.value;
  };
  return { dir, services, call, raw, close: () => services.close() };
}

export async function openConfiguredApp(opts: { dir?: string; now?: () => number } = {}): Promise<TestApp> {
  const app = openTestApp(opts);
  const info = await app.call('app.info', {});
  if (!info.settings) await app.call('settings.save', UNIT);
  return app;
}

export function receiveInput(overrides: Partial<CallInput<'dossiers.receive'>> = {}): CallInput<'dossiers.receive'> {
  return {
    procedureCode: '2.000815',
    applicant: APPLICANT,
    components: [{ componentId: 'banchinh', name: 'Bản chính giấy tờ', original: 1, certified: 0, photocopy: 0, received: true }],
    copies: 1,
    resultDelivery: 'counter',
    note: '',
    ...overrides,
  };
}
