// The components a clerk sends (dossiers.receive, guidance.create), checked against the
// procedure's catalogue before anything is written: only a paper the catalogue marks optional
// may be "không áp dụng" (shared/domain/componentApplies.ts); a received mark and a
// not-applicable mark never stand together.
import { notApplicableProblem } from '../../../shared/domain/componentApplies';
import type { DossierComponent, Procedure } from '../../../shared/domain/types';
import { AppError } from '../errors';

export function checkedComponents(p: Procedure, components: readonly DossierComponent[]): DossierComponent[] {
  const problem = notApplicableProblem(p.components, components);
  if (problem) throw new AppError('invalid', problem, { components: problem });
  return components.map((c) => (c.notApplicable ? { ...c, received: false } : c));
}
