// Capture tests: the app's services on a temp data folder, a unit, one received dossier,
// and the contract called through dispatch (validation included), as the renderer does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openAppServices, type AppServices, type AppServicesOptions } from '../../electron/services/app';
import { dispatch } from '../../electron/ipc/dispatch';
import type { CallError, CallInput, CallOutput, Channel } from '../../shared/ipc/contract';
import { UNIT, ANH, allReceived } from '../e2e/support/data';

export interface TestApp {
  dataDir: string;
  services: AppServices;
  dossierId: string;
  componentId: string;
  call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>>;
  callError<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallError>;
  close(): Promise<void>;
}

export async function openTestApp(capture: AppServicesOptions['capture'] = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-capture-'));
  const services = openAppServices({
    dataDir,
    capture,
    // No tesseract in capture tests: the queue only has to accept the pages.
    ocrEngine: async () => ({
      recognize: async () => {
        throw new Error('OCR không chạy trong kiểm thử số hoá');
      },
      terminate: async () => {},
    }),
  });
  const call = async <C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>> => {
    const r = await dispatch(services.handlers, channel, input);
    if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
    return r.value as CallOutput<C>;
  };
  const callError = async <C extends Channel>(channel: C, input: CallInput<C>): Promise<CallError> => {
    const r = await dispatch(services.handlers, channel, input);
    if (r.ok) throw new Error(`${channel} succeeded, an error was expected`);
    return r.error;
  };
  await call('settings.save', UNIT);
  const procedure = await call('procedures.get', { code: '1.001193' });
  const dossier = await call('dossiers.receive', {
    procedureCode: procedure.code,
    applicant: { fullName: ANH.fullName, idNumber: ANH.idNumber, birthDate: ANH.birthIso, address: ANH.address, phone: ANH.phone, email: ANH.email },
    components: allReceived(procedure),
    resultDelivery: 'counter',
  });
  return {
    dataDir,
    services,
    dossierId: dossier.id,
    componentId: dossier.components[0].componentId,
    call,
    callError,
    async close() {
      await services.capture.close();
      await services.closeAsync();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A private SANE configuration that enables only the built-in `test` backend (Debian ships it commented out in dll.conf). */
export function saneTestConfig(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-sane-'));
  fs.writeFileSync(path.join(dir, 'dll.conf'), 'test\n');
  const sys = '/etc/sane.d/test.conf';
  fs.writeFileSync(path.join(dir, 'test.conf'), fs.existsSync(sys) ? fs.readFileSync(sys) : 'number_of_devices 2\n');
  return dir;
}

export async function waitFor<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out; last value ${JSON.stringify(v).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
