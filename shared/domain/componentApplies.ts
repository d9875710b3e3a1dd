// A component that applies only sometimes (issue 12 item 2): the catalogue marks it optional
// (required: false), or its name says so ("… (nếu có)", "trường hợp …"). For such a paper the
// counter records one of three states — received, missing, or không áp dụng (it does not
// apply to this citizen: the parents never married, no one acts by power of attorney). A
// not-applicable paper is never "missing": not in the completeness check, not on Mẫu 02, not
// sent to the national system as handed in. On the wire it is an optional
// `notApplicable: true` (absent = applies), so older devices and the hub read it unchanged.
// Pure: used by the main process, the renderer and the hub.

/** The catalogue's view of a component (Procedure.components[i]). */
export interface CatalogueComponent {
  id: string;
  name: string;
  required: boolean;
}

/** A component as recorded on a dossier (DossierComponent, a Mẫu 02 line). */
export interface RecordedComponent {
  componentId: string;
  name: string;
  received: boolean;
  notApplicable?: boolean;
}

const OPTIONAL_WORDING = /nếu có|trường hợp/iu;

/** Whether the counter may mark this catalogue component "không áp dụng". */
export function mayNotApply(c: { required: boolean; name: string }): boolean {
  return !c.required || OPTIONAL_WORDING.test(c.name.normalize('NFC'));
}

/** The three states a clerk sees on a component row. */
export type ComponentState = 'received' | 'notApplicable' | 'missing';

export function componentState(c: { received: boolean; notApplicable?: boolean }): ComponentState {
  if (c.notApplicable) return 'notApplicable';
  return c.received ? 'received' : 'missing';
}

/** The next state of the row's cycle key: received → không áp dụng (optional ones only) → missing → received. */
export function nextComponentState(s: ComponentState, optional: boolean): ComponentState {
  if (s === 'received') return optional ? 'notApplicable' : 'missing';
  if (s === 'notApplicable') return 'missing';
  return 'received';
}

/** The fields a state sets on a component. */
export function stateFields(s: ComponentState): { received: boolean; notApplicable?: true } {
  return s === 'notApplicable' ? { received: false, notApplicable: true } : { received: s === 'received' };
}

/** What is still to be handed in: neither received nor not applicable. */
export function missingComponents<C extends { received: boolean; notApplicable?: boolean }>(components: readonly C[]): C[] {
  return components.filter((c) => !c.received && !c.notApplicable);
}

/**
 * The components marked "không áp dụng" that the catalogue of the procedure does not allow
 * so (a required paper, or one the procedure does not list), as one Vietnamese message;
 * null when every mark is allowed.
 */
export function notApplicableProblem(catalogue: readonly CatalogueComponent[], components: readonly RecordedComponent[]): string | null {
  const refused = components.filter((c) => {
    if (!c.notApplicable) return false;
    const known = catalogue.find((k) => k.id === c.componentId);
    return !known || !mayNotApply(known);
  });
  if (!refused.length) return null;
  return `Giấy tờ bắt buộc không thể đánh dấu "không áp dụng": ${refused.map((c) => c.name).join('; ')}. Hãy đánh dấu đã nhận hoặc còn thiếu.`;
}
