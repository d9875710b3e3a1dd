// The components a clerk sends (dossiers.receive, guidance.create), checked against the
// procedure's catalogue before anything is written: only a paper the catalogue marks optional
// may be "không áp dụng" (shared/domain/componentApplies.ts); a received mark and a
// not-applicable mark never stand together. At receipt, the page count a by-page fee needs.
import { notApplicableProblem } from '../../../shared/domain/componentApplies';
import { pagesComponentId, quoteFee } from '../../../shared/domain/fees';
import type { DossierComponent, Procedure } from '../../../shared/domain/types';
import { AppError } from '../errors';

export function checkedComponents(p: Procedure, components: readonly DossierComponent[]): DossierComponent[] {
  const problem = notApplicableProblem(p.components, components);
  if (problem) throw new AppError('invalid', problem, { components: problem });
  return components.map((c) => (c.notApplicable ? { ...c, received: false } : c));
}

/**
 * The components of a dossier being received: checked as above, and the page count a by-page
 * fee needs (chứng thực bản sao, shared/domain/fees.ts) asked for the paper it counts — kept
 * there, dropped from the others, required when copies of it were handed over.
 */
export function receivedComponents(p: Procedure, components: readonly DossierComponent[]): DossierComponent[] {
  const feeComponent = pagesComponentId(p.fee);
  const out = checkedComponents(p, components).map(({ pages, ...c }) => (c.componentId === feeComponent && pages !== undefined ? { ...c, pages } : c));
  if (quoteFee(p.fee, out).pagesMissing) {
    const name = p.components.find((c) => c.id === feeComponent)?.name ?? feeComponent;
    const message = `Chưa nhập số trang của "${name}": lệ phí tính theo số trang của mỗi bản.`;
    throw new AppError('invalid', message, { components: message });
  }
  return out;
}
