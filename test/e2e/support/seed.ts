// Puts a run into a known state over the contract (faster than clicking through setup).
import type { Run } from './harness';
import { UNIT, allReceived, type TestApplicant } from './data';
import type { Dossier } from '../../../shared/domain/types';

export async function setUpUnit(run: Run): Promise<void> {
  await run.call('settings.save', UNIT);
  await run.page.reload();
  await run.page.locator('[data-testid="unit-name"]').waitFor({ state: 'visible' });
}

/** Receives a complete dossier for a procedure, every component ticked. */
export async function receiveDossier(run: Run, procedureCode: string, a: TestApplicant, note = ''): Promise<Dossier> {
  const p = await run.call('procedures.get', { code: procedureCode });
  return run.call('dossiers.receive', {
    procedureCode,
    applicant: { fullName: a.fullName, idNumber: a.idNumber, birthDate: a.birthIso, address: a.address, phone: a.phone, email: a.email },
    components: allReceived(p),
    resultDelivery: 'counter',
    note,
  });
}
