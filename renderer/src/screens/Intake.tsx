// Tiếp nhận hồ sơ: pick a procedure, type the applicant, tick the components, see the
// appointment date, then save and print Mẫu 01 — or print Mẫu 02 (incomplete) or
// Mẫu 03 (refused). Keyboard: arrows + Enter in the procedure list, Space on ticks,
// Ctrl+Enter for the main action, Esc to close a panel. The half-typed intake is a
// draft in IndexedDB (drafts.ts).
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import { applicantSchema, type AppointmentPreview, type RenderedForm } from '../../../shared/ipc/contract';
import type { Applicant, DossierComponent, Procedure, ResultDelivery, UnitSettings } from '../../../shared/domain/types';
import { pagesComponentId, quoteFee } from '../../../shared/domain/fees';
import { checkCccd } from '../../../shared/domain/cccd';
import { formatDate, formatDateTime, isoToDisplay } from '../../../shared/domain/vnTime';
import { normalizeTypedDate, typedDateToIso } from '../../../shared/domain/typedDate';
import { searchTokens } from '../../../shared/domain/text';
import { componentState, mayNotApply, missingComponents, nextComponentState, stateFields } from '../../../shared/domain/componentApplies';
import { api } from '../api';
import { ErrorBox, Field } from '../components/Field';
import { PdfView } from '../components/PdfView';
import { deleteIntakeDraft, isDraftEmpty, loadIntakeDraft, saveIntakeDraft, type IntakeDraft, type IntakeDraftData } from '../drafts';
import { DELIVERY_TEXT, feeRateText, feeText, processingText } from '../labels';
import { useSaveStatus } from '../saveStatus';
import { useDebounced } from '../util';
import { attachReuse, ReusePanel, type ReuseChoice } from '../pages/ReusePanel';

type ApplicantForm = IntakeDraftData['applicant'];
type CompState = IntakeDraftData['components'];
type FieldKey = keyof ApplicantForm;

const EMPTY_APPLICANT: ApplicantForm = { fullName: '', idNumber: '', birthDate: '', address: '', phone: '', email: '' };
const FIELD_ORDER: FieldKey[] = ['fullName', 'idNumber', 'birthDate', 'address', 'phone', 'email'];
const DRAFT_DEBOUNCE_MS = 250;

interface Result {
  kind: 'mau01' | 'mau02' | 'mau03';
  title: string;
  dossierId?: string;
  code?: string;
  appointmentAt?: number | null;
  number?: string;
  form: RenderedForm | null;
  formError?: string;
}

/**
 * The applicant checked with the contract's own schema (shared/ipc/contract.ts), for instant
 * feedback: the rules are written once, there. Only reading the typed birth date belongs to
 * the screen (any spelling of shared/domain/typedDate.ts).
 */
function checkApplicant(a: ApplicantForm, now = Date.now()): Partial<Record<FieldKey, string>> {
  const e: Partial<Record<FieldKey, string>> = {};
  const r = applicantSchema.safeParse(applicantPayloadOf(a, now));
  for (const issue of r.error?.issues ?? []) {
    const k = issue.path[0] as FieldKey;
    if (FIELD_ORDER.includes(k) && !e[k]) e[k] = issue.message;
  }
  if (!a.birthDate.trim()) e.birthDate = 'Ngày sinh: không được để trống.';
  else if (!typedDateToIso(a.birthDate, now, 'past')) e.birthDate = 'Ngày sinh phải có dạng dd/mm/yyyy và là ngày có thật.';
  return e;
}

/** What the contract receives for the applicant as typed. */
function applicantPayloadOf(a: ApplicantForm, now = Date.now()): Applicant {
  return {
    fullName: a.fullName,
    idNumber: a.idNumber.replace(/\s+/g, ''),
    birthDate: typedDateToIso(a.birthDate, now, 'past') ?? '',
    address: a.address,
    phone: a.phone,
    email: a.email,
  };
}

function componentsFor(p: Procedure): CompState {
  const out: CompState = {};
  for (const c of p.components) out[c.id] = { received: false, original: c.original, certified: c.certified, photocopy: c.photocopy };
  return out;
}

export function IntakeScreen({ settings, onNew, onOpenDossier }: { settings: UnitSettings; onNew: () => void; onOpenDossier: (id: string) => void }) {
  const { report } = useSaveStatus();
  const [procedure, setProcedure] = useState<Procedure | null>(null);
  const [applicant, setApplicant] = useState<ApplicantForm>(EMPTY_APPLICANT);
  const [comps, setComps] = useState<CompState>({});
  const [delivery, setDelivery] = useState<ResultDelivery>('counter');
  const [copies, setCopies] = useState(1);
  const [note, setNote] = useState('');

  const [touched, setTouched] = useState<Partial<Record<FieldKey, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [lookupNote, setLookupNote] = useState<string | null>(null);
  const [lookupOffer, setLookupOffer] = useState<Applicant | null>(null);
  const [panel, setPanel] = useState<'none' | 'guidance' | 'refuse'>('none');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [reuse, setReuse] = useState<Record<string, ReuseChoice>>({});

  // Draft: null until checked; while an offer is shown, nothing is autosaved.
  const [draftChecked, setDraftChecked] = useState(false);
  const [draftOffer, setDraftOffer] = useState<IntakeDraft | null>(null);

  const nameRef = useRef<HTMLInputElement>(null);
  const fieldRefs = useRef<Partial<Record<FieldKey, HTMLInputElement | null>>>({});
  const searchRef = useRef<HTMLInputElement>(null);
  const primaryRef = useRef<HTMLButtonElement>(null);
  const newRef = useRef<HTMLButtonElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  const draftData: IntakeDraftData = useMemo(() => ({ procedure, applicant, components: comps, delivery, copies, note }), [procedure, applicant, comps, delivery, copies, note]);

  // ---------- drafts ----------
  useEffect(() => {
    let alive = true;
    loadIntakeDraft()
      .then((d) => {
        if (!alive) return;
        if (d && !isDraftEmpty(d.data)) setDraftOffer(d);
        setDraftChecked(true);
      })
      .catch(() => alive && setDraftChecked(true));
    return () => {
      alive = false;
    };
  }, []);

  const canAutosave = draftChecked && !draftOffer && !result;
  const latest = useRef({ data: draftData, canAutosave });
  latest.current = { data: draftData, canAutosave };

  // From the moment the dossier (or a slip) is being saved, no draft is written: it would
  // outlive the dossier (offered again at the next intake) and replace the header's
  // 'Đã lưu hồ sơ …' with 'Đã lưu bản nháp'. A refused save clears it again.
  const acting = useRef(false);
  const persist = useCallback(
    async (data: IntakeDraftData) => {
      try {
        if (acting.current) return;
        const at = await saveIntakeDraft(data);
        if (!acting.current) report({ kind: 'saved', what: 'bản nháp', at });
      } catch (e) {
        report({ kind: 'error', what: 'bản nháp', message: e instanceof Error ? e.message : String(e) });
      }
    },
    [report],
  );

  useEffect(() => {
    if (!canAutosave || isDraftEmpty(draftData)) return;
    const t = setTimeout(() => void persist(draftData), DRAFT_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [draftData, canAutosave, persist]);

  useEffect(() => {
    const flush = () => {
      const { data, canAutosave: ok } = latest.current;
      if (ok && !acting.current && !isDraftEmpty(data)) void saveIntakeDraft(data);
    };
    const onVis = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    document.addEventListener('visibilitychange', onVis);
    window.addEventListener('pagehide', flush);
    return () => {
      document.removeEventListener('visibilitychange', onVis);
      window.removeEventListener('pagehide', flush);
      // Leaving the screen (F3, …) keeps the draft too.
      flush();
    };
  }, []);

  function restoreDraft() {
    if (!draftOffer) return;
    const d = draftOffer.data;
    setProcedure(d.procedure);
    setApplicant({ ...EMPTY_APPLICANT, ...d.applicant });
    setComps(d.components ?? {});
    setDelivery(d.delivery ?? 'counter');
    setCopies(d.copies ?? 1);
    setNote(d.note ?? '');
    lastLookup.current = d.applicant.idNumber;
    setDraftOffer(null);
    report({ kind: 'saved', what: 'bản nháp (đã khôi phục)', at: draftOffer.savedAt });
    // Refresh the procedure from the catalogue in case it changed since the draft.
    if (d.procedure) {
      void api['procedures.get']({ code: d.procedure.code }).then((r) => {
        if (r.ok) setProcedure(r.value);
      });
    }
    setTimeout(() => nameRef.current?.focus(), 0);
  }

  async function discardDraft() {
    setDraftOffer(null);
    await deleteIntakeDraft().catch(() => {});
    setTimeout(() => searchRef.current?.focus(), 0);
  }

  // ---------- procedure search ----------
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Procedure[]>([]);
  const [active, setActive] = useState(0);
  const [listOpen, setListOpen] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const debouncedQuery = useDebounced(query, 120);

  useEffect(() => {
    if (!listOpen) return;
    let alive = true;
    void api['procedures.search']({ query: debouncedQuery }).then((r) => {
      if (!alive) return;
      if (r.ok) {
        setResults(r.value.filter((p) => p.active));
        setActive(0);
        setSearchError(null);
      } else setSearchError(r.error.message);
    });
    return () => {
      alive = false;
    };
  }, [debouncedQuery, listOpen]);

  function pickProcedure(p: Procedure) {
    setProcedure(p);
    setComps(componentsFor(p));
    if (!p.postalAllowed) setDelivery('counter');
    setQuery('');
    setListOpen(false);
    setMessage(null);
    setTimeout(() => nameRef.current?.focus(), 0);
  }

  function onSearchKey(e: ReactKeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setListOpen(true);
      setActive((i) => Math.min(i + 1, Math.max(results.length - 1, 0)));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (e.key === 'Enter' && !e.ctrlKey) {
      e.preventDefault();
      // Pick only from results that match what is typed now (the debounce may lag).
      if (listOpen && results[active] && debouncedQuery === query) pickProcedure(results[active]);
    } else if (e.key === 'Escape') {
      if (listOpen) {
        e.stopPropagation();
        setListOpen(false);
      }
    }
  }

  // ---------- applicant ----------
  const clientErrors = useMemo(() => checkApplicant(applicant), [applicant]);
  const lastLookup = useRef('');
  const applicantRef = useRef(applicant);
  applicantRef.current = applicant;

  /** A plain applicant text input: focusable on error, validated on blur. */
  function applicantInput(p: object, key: 'address' | 'phone' | 'email', type: 'text' | 'tel' | 'email') {
    return (
      <input
        {...p}
        ref={(el) => {
          fieldRefs.current[key] = el;
        }}
        type={type}
        autoComplete="off"
        data-testid={`applicant-${key}`}
        value={applicant[key]}
        onChange={(e) => setField(key, e.target.value)}
        onBlur={() => setTouched((t) => ({ ...t, [key]: true }))}
      />
    );
  }

  function setField(k: FieldKey, v: string) {
    setApplicant((a) => ({ ...a, [k]: v }));
    setServerErrors((s) => {
      if (!(`applicant.${k}` in s)) return s;
      const n = { ...s };
      delete n[`applicant.${k}`];
      return n;
    });
    if (k === 'idNumber') {
      const id = v.replace(/\s+/g, '');
      if (id.length === 12) setTouched((t) => ({ ...t, idNumber: true }));
      // 'Đã điền từ hồ sơ trước: …' speaks of the person of the number it was found for.
      if (id !== lastLookup.current) {
        setLookupNote(null);
        setLookupOffer(null);
        if (id.length < 12) lastLookup.current = '';
      }
    }
    if (k === 'birthDate' && v.trim().length >= 10) setTouched((t) => ({ ...t, birthDate: true }));
  }

  // citizens.lookup as soon as 12 valid digits are typed.
  useEffect(() => {
    const id = applicant.idNumber.replace(/\s+/g, '');
    if (!/^\d{12}$/.test(id) || !checkCccd(id).ok || lastLookup.current === id) return;
    lastLookup.current = id;
    let alive = true;
    void api['citizens.lookup']({ idNumber: id }).then((r) => {
      if (!alive || !r.ok || !r.value) return;
      const known = r.value;
      const knownForm: ApplicantForm = {
        fullName: known.fullName,
        idNumber: id,
        birthDate: known.birthDate ? isoToDisplay(known.birthDate) : '',
        address: known.address,
        phone: known.phone,
        email: known.email,
      };
      const a = applicantRef.current;
      const next = { ...a };
      let filled = 0;
      let differs = false;
      for (const k of FIELD_ORDER) {
        if (k === 'idNumber') continue;
        if (!a[k].trim() && knownForm[k]) {
          next[k] = knownForm[k];
          filled++;
        } else if (a[k].trim() && knownForm[k] && a[k].trim() !== knownForm[k]) differs = true;
      }
      if (filled > 0) {
        setApplicant(next);
        setLookupNote(`Đã điền từ hồ sơ trước: ${known.fullName}, sinh ${knownForm.birthDate}. Kiểm tra lại với giấy tờ của công dân.`);
      }
      if (differs) setLookupOffer(known);
    });
    return () => {
      alive = false;
    };
  }, [applicant.idNumber]);

  function useKnownApplicant() {
    if (!lookupOffer) return;
    setApplicant((a) => ({
      ...a,
      fullName: lookupOffer.fullName,
      birthDate: lookupOffer.birthDate ? isoToDisplay(lookupOffer.birthDate) : a.birthDate,
      address: lookupOffer.address,
      phone: lookupOffer.phone,
      email: lookupOffer.email,
    }));
    setLookupNote(`Đã điền từ hồ sơ trước: ${lookupOffer.fullName}. Kiểm tra lại với giấy tờ của công dân.`);
    setLookupOffer(null);
  }

  function errorFor(k: FieldKey): string | null {
    const server = serverErrors[`applicant.${k}`];
    if (server) return server;
    if (submitted || touched[k]) return clientErrors[k] ?? null;
    return null;
  }

  // ---------- components ----------
  /** The paper whose page count a by-page fee needs (chứng thực bản sao), or null. */
  const feeComponent = procedure ? pagesComponentId(procedure.fee) : null;
  const missingRequired = procedure ? procedure.components.filter((c) => c.required && !comps[c.id]?.received && !(comps[c.id]?.notApplicable && mayNotApply(c))) : [];
  const complete = !!procedure && missingRequired.length === 0;

  function setComp(id: string, patch: Partial<CompState[string]>) {
    setComps((c) => ({ ...c, [id]: { ...(c[id] ?? { received: false, original: 0, certified: 0, photocopy: 0 }), ...patch } }));
  }

  function dossierComponents() {
    return (procedure?.components ?? []).map((c) => {
      const s = comps[c.id] ?? { received: false, original: c.original, certified: c.certified, photocopy: c.photocopy };
      const na = s.notApplicable && mayNotApply(c) ? { notApplicable: true as const } : {};
      const pages = c.id === feeComponent && s.pages ? { pages: s.pages } : {};
      return { componentId: c.id, name: c.name, original: s.original, certified: s.certified, photocopy: s.photocopy, received: s.received && !na.notApplicable, ...na, ...pages };
    });
  }

  /** The row's cycle key K: received → không áp dụng (optional papers) → missing → received (componentApplies.ts). */
  function cycleComp(c: Procedure['components'][number]) {
    const s = comps[c.id] ?? { received: false, original: c.original, certified: c.certified, photocopy: c.photocopy };
    const next = stateFields(nextComponentState(componentState(s), mayNotApply(c)));
    setComp(c.id, { received: next.received, notApplicable: next.notApplicable ?? false });
  }

  // ---------- appointment preview ----------
  const [preview, setPreview] = useState<AppointmentPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  useEffect(() => {
    if (!procedure) {
      setPreview(null);
      return;
    }
    let alive = true;
    const load = () =>
      void api['dossiers.previewAppointment']({ procedureCode: procedure.code }).then((r) => {
        if (!alive) return;
        if (r.ok) {
          setPreview(r.value);
          setPreviewError(null);
        } else setPreviewError(r.error.message);
      });
    load();
    const t = setInterval(load, 60_000);
    return () => {
      alive = false;
      clearInterval(t);
    };
  }, [procedure]);

  // ---------- actions ----------
  function applicantPayload() {
    return applicantPayloadOf(applicant);
  }

  /** Shows every client message and focuses the first bad field; false when something is wrong. */
  function validateBeforeSend(): boolean {
    setSubmitted(true);
    if (!procedure) {
      setMessage('Chưa chọn thủ tục hành chính.');
      searchRef.current?.focus();
      return false;
    }
    const first = FIELD_ORDER.find((k) => clientErrors[k]);
    if (first) {
      setMessage('Thông tin người nộp chưa hợp lệ: xem các ô được đánh dấu đỏ.');
      fieldRefs.current[first]?.focus();
      return false;
    }
    return true;
  }

  function showServerError(err: { message: string; fields?: Record<string, string> }) {
    acting.current = false;
    setMessage(err.message);
    setServerErrors(err.fields ?? {});
    report({ kind: 'error', what: 'hồ sơ', message: err.message });
    const first = FIELD_ORDER.find((k) => err.fields?.[`applicant.${k}`]);
    if (first) fieldRefs.current[first]?.focus();
  }

  async function finish(r: Result) {
    await deleteIntakeDraft().catch(() => {});
    setResult(r);
    setPanel('none');
  }

  async function receive() {
    if (busy || !validateBeforeSend() || !procedure) return;
    if (!complete) {
      openGuidance();
      return;
    }
    setBusy(true);
    setMessage(null);
    acting.current = true;
    report({ kind: 'saving', what: 'hồ sơ' });
    const r = await api['dossiers.receive']({
      procedureCode: procedure.code,
      applicant: applicantPayload(),
      components: dossierComponents(),
      copies,
      resultDelivery: delivery,
      note,
    });
    if (!r.ok) {
      setBusy(false);
      showServerError(r.error);
      return;
    }
    const d = r.value;
    report({ kind: 'saved', what: `hồ sơ ${d.code}`, at: Date.now() });
    // Papers digitised in earlier dossiers, ticked by the clerk: attached now (DOMAIN.md §5).
    const reuseErrors = await attachReuse(d.id, Object.values(reuse));
    setReuse({});
    if (reuseErrors.length) report({ kind: 'error', what: 'giấy tờ tái sử dụng', message: reuseErrors.join(' ') });
    const f = await api['forms.render']({ kind: 'mau01', id: d.id });
    setBusy(false);
    await finish({
      kind: 'mau01',
      title: 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu 01)',
      dossierId: d.id,
      code: d.code,
      appointmentAt: d.appointmentAt,
      form: f.ok ? f.value : null,
      formError: f.ok ? undefined : f.error.message,
    });
  }

  function openGuidance() {
    setPanel('guidance');
    if (!reason) setReason('Hồ sơ còn thiếu thành phần theo quy định; đề nghị bổ sung các giấy tờ dưới đây.');
    setTimeout(() => reasonRef.current?.focus(), 0);
  }

  async function printGuidance() {
    if (busy || !validateBeforeSend() || !procedure) return;
    const missing = missingComponents(dossierComponents());
    if (missing.length === 0) {
      setMessage('Không có thành phần nào còn thiếu: hồ sơ đã đủ, hãy lưu và in phiếu hẹn.');
      return;
    }
    setBusy(true);
    acting.current = true;
    report({ kind: 'saving', what: 'phiếu hướng dẫn' });
    const r = await api['guidance.create']({ procedureCode: procedure.code, applicant: applicantPayload(), missing, reason });
    if (!r.ok) {
      setBusy(false);
      showServerError(r.error);
      if (r.error.fields?.reason) setMessage(r.error.fields.reason);
      return;
    }
    report({ kind: 'saved', what: `phiếu hướng dẫn số ${r.value.number}/HDHS`, at: Date.now() });
    const f = await api['forms.render']({ kind: 'mau02', id: r.value.id });
    setBusy(false);
    await finish({
      kind: 'mau02',
      title: 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)',
      number: `${r.value.number}/HDHS`,
      form: f.ok ? f.value : null,
      formError: f.ok ? undefined : f.error.message,
    });
  }

  function openRefuse() {
    setPanel('refuse');
    setTimeout(() => reasonRef.current?.focus(), 0);
  }

  async function refuse() {
    if (busy || !validateBeforeSend() || !procedure) return;
    if (!reason.trim()) {
      setMessage('Lý do từ chối: không được để trống.');
      reasonRef.current?.focus();
      return;
    }
    setBusy(true);
    acting.current = true;
    report({ kind: 'saving', what: 'phiếu từ chối' });
    const r = await api['dossiers.refuse']({ procedureCode: procedure.code, applicant: applicantPayload(), reason });
    if (!r.ok) {
      setBusy(false);
      showServerError(r.error);
      return;
    }
    report({ kind: 'saved', what: `phiếu từ chối ${r.value.code}`, at: Date.now() });
    const f = await api['forms.render']({ kind: 'mau03', id: r.value.id });
    setBusy(false);
    await finish({
      kind: 'mau03',
      title: 'Phiếu từ chối tiếp nhận giải quyết hồ sơ (Mẫu 03)',
      dossierId: r.value.id,
      code: r.value.code,
      form: f.ok ? f.value : null,
      formError: f.ok ? undefined : f.error.message,
    });
  }

  async function retryForm() {
    if (!result || !result.dossierId) return;
    const f = await api['forms.render']({ kind: result.kind, id: result.dossierId });
    setResult({ ...result, form: f.ok ? f.value : null, formError: f.ok ? undefined : f.error.message });
  }

  // Ctrl+Enter: the main action of the open panel; Esc closes a panel.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    if (result || draftOffer) return;
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (panel === 'refuse') void refuse();
      else if (panel === 'guidance') void printGuidance();
      else void receive();
    } else if (e.key === 'Escape' && panel !== 'none') {
      e.preventDefault();
      setPanel('none');
      setTimeout(() => primaryRef.current?.focus(), 0);
    }
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => onKey.current(e);
    window.addEventListener('keydown', h);
    return () => window.removeEventListener('keydown', h);
  }, []);

  // ---------- render ----------
  if (result) {
    return <IntakeResult result={result} newRef={newRef} onNew={onNew} onOpen={onOpenDossier} onRetry={retryForm} />;
  }

  return (
    <div className="intake" data-testid="intake">
      {draftOffer && (
        <div className="alert info draft-offer" role="dialog" aria-label="Bản nháp" data-testid="draft-offer">
          <div>
            <strong>Có hồ sơ đang nhập dở</strong> (lưu lúc {formatDateTime(draftOffer.savedAt)}
            {draftOffer.data.applicant.fullName ? `, người nộp: ${draftOffer.data.applicant.fullName}` : ''}
            {draftOffer.data.procedure ? `, thủ tục: ${draftOffer.data.procedure.name}` : ''}).
          </div>
          <div className="actions">
            <button type="button" className="btn primary" autoFocus onClick={restoreDraft} data-testid="draft-restore">
              Khôi phục bản nháp
            </button>
            <button type="button" className="btn" onClick={() => void discardDraft()} data-testid="draft-discard">
              Bỏ bản nháp
            </button>
          </div>
        </div>
      )}
      <div className="intake-cols">
        <section className="col-left">
          <div className="panel">
            <h2>
              <span className="step">1</span> Thủ tục hành chính
            </h2>
            <div className="combo">
              <input
                ref={searchRef}
                type="search"
                role="combobox"
                aria-expanded={listOpen}
                aria-controls="procedure-list"
                aria-label="Tìm thủ tục"
                aria-activedescendant={listOpen && results[active] ? `proc-opt-${active}` : undefined}
                autoFocus={!draftOffer}
                disabled={!!draftOffer}
                placeholder={procedure ? 'Đổi thủ tục: gõ tên hoặc mã…' : 'Gõ tên hoặc mã thủ tục, ví dụ: khai sinh, 1.001193'}
                value={query}
                data-testid="procedure-search"
                onChange={(e) => {
                  setQuery(e.target.value);
                  setListOpen(true);
                }}
                onFocus={() => query && setListOpen(true)}
                onBlur={() => setTimeout(() => setListOpen(false), 150)}
                onKeyDown={onSearchKey}
              />
              {listOpen && searchTokens(query).length > 0 && (
                <ul className="combo-list" role="listbox" id="procedure-list" data-testid="procedure-results">
                  {searchError && <li className="combo-empty">{searchError}</li>}
                  {!searchError && results.length === 0 && <li className="combo-empty">Không tìm thấy thủ tục phù hợp.</li>}
                  {results.slice(0, 8).map((p, i) => (
                    <li
                      key={p.code}
                      id={`proc-opt-${i}`}
                      role="option"
                      aria-selected={i === active}
                      className={i === active ? 'active' : undefined}
                      data-testid="procedure-option"
                      onMouseDown={(e) => {
                        e.preventDefault();
                        pickProcedure(p);
                      }}
                    >
                      <span className="code">{p.code}</span>
                      <span className="name">{p.name}</span>
                      <span className="meta">{p.fieldName}</span>
                    </li>
                  ))}
                </ul>
              )}
            </div>
            {procedure ? (
              <div className="proc-card" data-testid="procedure-selected">
                <div className="proc-name">
                  <span className="code">{procedure.code}</span> {procedure.name}
                </div>
                <ProcedureMeta procedure={procedure} />
              </div>
            ) : (
              <p className="muted small">Mũi tên lên/xuống để chọn, Enter để lấy thủ tục.</p>
            )}
          </div>

          <div className="panel">
            <h2>
              <span className="step">2</span> Người nộp hồ sơ
            </h2>
            {lookupNote && (
              <div className="alert success small" data-testid="lookup-note">
                {lookupNote}
              </div>
            )}
            {lookupOffer && (
              <div className="alert info small" data-testid="lookup-offer">
                Số định danh này đã có trong hồ sơ trước với thông tin khác ({lookupOffer.fullName}).{' '}
                <button type="button" className="btn small" onClick={useKnownApplicant} data-testid="lookup-use">
                  Dùng thông tin hồ sơ trước
                </button>
              </div>
            )}
            <div className="grid-2">
              <Field label="Họ và tên" required name="applicant.fullName" error={errorFor('fullName')} className="span-2">
                {(p) => (
                  <input
                    {...p}
                    ref={(el) => {
                      nameRef.current = el;
                      fieldRefs.current.fullName = el;
                    }}
                    type="text"
                    autoComplete="off"
                    data-testid="applicant-fullName"
                    value={applicant.fullName}
                    onChange={(e) => setField('fullName', e.target.value)}
                    onBlur={() => setTouched((t) => ({ ...t, fullName: true }))}
                  />
                )}
              </Field>
              <Field
                label="Số định danh cá nhân"
                required
                name="applicant.idNumber"
                error={errorFor('idNumber')}
                hint={(() => {
                  const c = checkCccd(applicant.idNumber.replace(/\s+/g, ''));
                  return c.ok ? `${c.info.provinceName} · ${c.info.sex === 'male' ? 'Nam' : 'Nữ'} · sinh năm ${c.info.birthYear}` : '12 chữ số';
                })()}
              >
                {(p) => (
                  <input
                    {...p}
                    ref={(el) => {
                      fieldRefs.current.idNumber = el;
                    }}
                    type="text"
                    inputMode="numeric"
                    maxLength={14}
                    autoComplete="off"
                    data-testid="applicant-idNumber"
                    value={applicant.idNumber}
                    onChange={(e) => setField('idNumber', e.target.value)}
                    onBlur={() => setTouched((t) => ({ ...t, idNumber: true }))}
                  />
                )}
              </Field>
              <Field label="Ngày sinh" required name="applicant.birthDate" error={errorFor('birthDate')} hint="dd/mm/yyyy">
                {(p) => (
                  <input
                    {...p}
                    ref={(el) => {
                      fieldRefs.current.birthDate = el;
                    }}
                    type="text"
                    inputMode="numeric"
                    placeholder="dd/mm/yyyy"
                    maxLength={10}
                    autoComplete="off"
                    data-testid="applicant-birthDate"
                    value={applicant.birthDate}
                    onChange={(e) => setField('birthDate', e.target.value)}
                    onBlur={(e) => {
                      // 12031995, 12-03-1995, 12/03/95 … are shown back as 12/03/1995.
                      const shown = normalizeTypedDate(e.target.value, Date.now(), 'past');
                      if (shown !== e.target.value) setField('birthDate', shown);
                      setTouched((t) => ({ ...t, birthDate: true }));
                    }}
                  />
                )}
              </Field>
              <Field label="Địa chỉ" required name="applicant.address" error={errorFor('address')} className="span-2">
                {(p) => applicantInput(p, 'address', 'text')}
              </Field>
              <Field label="Số điện thoại" name="applicant.phone" error={errorFor('phone')}>
                {(p) => applicantInput(p, 'phone', 'tel')}
              </Field>
              <Field label="Email" name="applicant.email" error={errorFor('email')}>
                {(p) => applicantInput(p, 'email', 'email')}
              </Field>
            </div>
          </div>
          {/* Section 4 and the note sit in the left column: the right column's sticky action bar
              (and the Mẫu 02/03 panel inside it) can then never cover them. */}
          <div className="panel appointment" data-testid="appointment-preview">
            <h2>
              <span className="step">4</span> Hẹn trả kết quả
            </h2>
            {!procedure ? (
              <p className="muted">Chọn thủ tục để tính ngày hẹn trả.</p>
            ) : previewError ? (
              <div className="alert error small">{previewError}</div>
            ) : preview ? (
              <div>
                <div className="appt-date" data-testid="appointment-date">
                  {preview.appointmentAt ? formatDateTime(preview.appointmentAt) : 'Không có ngày hẹn trả'}
                </div>
                <div className="muted small" data-testid="appointment-explanation">
                  {preview.explanation}
                </div>
              </div>
            ) : (
              <p className="muted">Đang tính…</p>
            )}
            {procedure && (
              <div className="field appt-note">
                <label htmlFor="intake-note">Ghi chú</label>
                <input id="intake-note" type="text" value={note} data-testid="intake-note" onChange={(e) => setNote(e.target.value)} />
              </div>
            )}
          </div>
        </section>

        <section className="col-right">
          <div className="panel">
            <h2>
              <span className="step">3</span> Thành phần hồ sơ
            </h2>
            {!procedure ? (
              <p className="muted">Chọn thủ tục để hiện danh sách giấy tờ.</p>
            ) : (
              <>
                <table className="table comp-table" data-testid="component-table">
                  <thead>
                    <tr>
                      <th className="c-check">Nhận</th>
                      <th>Tên giấy tờ</th>
                      <th className="c-num" title="Bản chính">
                        Chính
                      </th>
                      <th className="c-num" title="Bản chứng thực">
                        C.thực
                      </th>
                      <th className="c-num" title="Bản photo">
                        Photo
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {procedure.components.map((c) => {
                      const s = comps[c.id] ?? { received: false, original: c.original, certified: c.certified, photocopy: c.photocopy };
                      const cid = `comp-${c.id}`;
                      const optional = mayNotApply(c);
                      const na = optional && !!s.notApplicable;
                      const cycleHint = optional ? 'Phím K: nhận → không áp dụng → thiếu' : 'Phím K: nhận ↔ thiếu';
                      return (
                        <tr
                          key={c.id}
                          className={na ? 'not-applicable' : s.received ? 'ticked' : c.required ? 'missing' : undefined}
                          data-testid="component-row"
                          data-state={na ? 'notApplicable' : s.received ? 'received' : 'missing'}
                        >
                          <td className="c-check">
                            <input
                              id={cid}
                              type="checkbox"
                              checked={s.received && !na}
                              title={cycleHint}
                              aria-describedby={optional ? `${cid}-hint` : undefined}
                              data-testid={`component-check-${c.id}`}
                              onChange={(e) => setComp(c.id, { received: e.target.checked, notApplicable: false })}
                              onKeyDown={(e) => {
                                if ((e.key === 'k' || e.key === 'K') && !e.ctrlKey && !e.altKey && !e.metaKey) {
                                  e.preventDefault();
                                  cycleComp(c);
                                }
                              }}
                            />
                          </td>
                          <td>
                            <label htmlFor={cid}>
                              {c.name}
                              {c.required ? (
                                <span className="badge req-badge" title="Bắt buộc">
                                  bắt buộc
                                </span>
                              ) : null}
                            </label>
                            {c.note ? <div className="muted small">{c.note}</div> : null}
                            {c.id === feeComponent ? (
                              <label className="comp-pages small">
                                Số trang mỗi bản{' '}
                                <input
                                  type="number"
                                  min={1}
                                  max={9999}
                                  data-testid={`component-pages-${c.id}`}
                                  aria-label={`Số trang mỗi bản: ${c.name}`}
                                  value={s.pages ?? ''}
                                  onChange={(e) => {
                                    const n = Math.floor(Number(e.target.value));
                                    setComp(c.id, { pages: n >= 1 ? Math.min(9999, n) : undefined });
                                  }}
                                />
                              </label>
                            ) : null}
                            {optional ? (
                              <div id={`${cid}-hint`} className="muted small comp-hint">
                                <label className="na-option">
                                  {/* Out of the Tab order: the keyboard has K on the row's checkbox. */}
                                  <input
                                    type="checkbox"
                                    tabIndex={-1}
                                    checked={na}
                                    data-testid={`component-na-${c.id}`}
                                    onChange={(e) => setComp(c.id, { notApplicable: e.target.checked, received: e.target.checked ? false : s.received })}
                                  />{' '}
                                  Không áp dụng
                                </label>{' '}
                                · {cycleHint}
                              </div>
                            ) : null}
                          </td>
                          {(['original', 'certified', 'photocopy'] as const).map((k) => (
                            <td key={k} className="c-num">
                              <input
                                type="number"
                                min={0}
                                max={99}
                                data-testid={`component-${k}-${c.id}`}
                                aria-label={`${k === 'original' ? 'Bản chính' : k === 'certified' ? 'Bản chứng thực' : 'Bản photo'}: ${c.name}`}
                                value={s[k]}
                                onChange={(e) => setComp(c.id, { [k]: Math.max(0, Math.min(99, Number(e.target.value) || 0)) })}
                              />
                            </td>
                          ))}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
                <FeeQuoteLine procedure={procedure} components={dossierComponents()} />
                <div className="row-inline">
                  <fieldset className="radio-group">
                    <legend>Nhận kết quả</legend>
                    {(['counter', 'post'] as const).map((d) => (
                      <label key={d} className={d === 'post' && !procedure.postalAllowed ? 'disabled' : undefined}>
                        <input
                          type="radio"
                          name="delivery"
                          value={d}
                          checked={delivery === d}
                          disabled={d === 'post' && !procedure.postalAllowed}
                          data-testid={`delivery-${d}`}
                          onChange={() => setDelivery(d)}
                        />
                        {DELIVERY_TEXT[d]}
                      </label>
                    ))}
                  </fieldset>
                  <label className="copies">
                    Số bộ
                    <input type="number" min={1} max={99} value={copies} data-testid="copies" onChange={(e) => setCopies(Math.max(1, Math.min(99, Number(e.target.value) || 1)))} />
                  </label>
                </div>
              </>
            )}
          </div>

          {procedure && (
            <ReusePanel idNumber={applicant.idNumber.replace(/\s+/g, '')} components={procedure.components.map((c) => ({ id: c.id, name: c.name }))} value={reuse} onChange={setReuse} />
          )}
          <div className="action-bar">
            {panel === 'guidance' && (
              <div className="panel sub-panel" data-testid="guidance-panel">
                <h3>In hướng dẫn bổ sung (Mẫu 02)</h3>
                <p className="small">
                  Các giấy tờ chưa đánh dấu sẽ được ghi vào phiếu:{' '}
                  {missingComponents(dossierComponents())
                    .map((c) => c.name)
                    .join('; ') || '—'}
                </p>
                <label htmlFor="guidance-reason">Lý do</label>
                <textarea id="guidance-reason" ref={reasonRef} rows={2} value={reason} data-testid="guidance-reason" onChange={(e) => setReason(e.target.value)} />
                <div className="actions">
                  <button type="button" className="btn primary" disabled={busy} onClick={() => void printGuidance()} data-testid="guidance-print">
                    In phiếu hướng dẫn <kbd>Ctrl+Enter</kbd>
                  </button>
                  <button type="button" className="btn" onClick={() => setPanel('none')}>
                    Đóng <kbd>Esc</kbd>
                  </button>
                </div>
              </div>
            )}
            {panel === 'refuse' && (
              <div className="panel sub-panel" data-testid="refuse-panel">
                <h3>Từ chối tiếp nhận (Mẫu 03)</h3>
                <label htmlFor="refuse-reason">Lý do từ chối (in trên phiếu)</label>
                <textarea id="refuse-reason" ref={reasonRef} rows={2} value={reason} data-testid="refuse-reason" onChange={(e) => setReason(e.target.value)} />
                <div className="actions">
                  <button type="button" className="btn danger" disabled={busy} onClick={() => void refuse()} data-testid="refuse-confirm">
                    Từ chối và in phiếu <kbd>Ctrl+Enter</kbd>
                  </button>
                  <button type="button" className="btn" onClick={() => setPanel('none')}>
                    Đóng <kbd>Esc</kbd>
                  </button>
                </div>
              </div>
            )}

            <ErrorBox message={message} testId="intake-error" />
            <div className="intake-actions">
              {complete || !procedure ? (
                <button ref={primaryRef} type="button" className="btn primary big" disabled={busy || !!draftOffer} onClick={() => void receive()} data-testid="save-receipt">
                  {busy ? 'Đang lưu…' : 'Lưu và in phiếu hẹn (Mẫu 01)'} <kbd>Ctrl+Enter</kbd>
                </button>
              ) : (
                <>
                  <button type="button" className="btn big incomplete" disabled data-testid="save-receipt" aria-describedby="missing-list">
                    Hồ sơ chưa đủ: thiếu {missingRequired.length} giấy tờ bắt buộc
                  </button>
                  <button ref={primaryRef} type="button" className="btn primary" disabled={busy} onClick={openGuidance} data-testid="open-guidance">
                    In hướng dẫn bổ sung (Mẫu 02)
                  </button>
                </>
              )}
              <button type="button" className="btn danger-outline" disabled={busy || !procedure} onClick={openRefuse} data-testid="open-refuse">
                Từ chối tiếp nhận (Mẫu 03)
              </button>
            </div>
            {!complete && procedure && (
              <div id="missing-list" className="muted small">
                Thiếu: {missingRequired.map((c) => c.name).join('; ')}
              </div>
            )}
          </div>
        </section>
      </div>
      <div className="unit-foot muted small">
        Người tiếp nhận: {settings.clerkName} · Mã đơn vị {settings.unitCode}
      </div>
    </div>
  );
}

function IntakeResult({
  result,
  newRef,
  onNew,
  onOpen,
  onRetry,
}: {
  result: Result;
  newRef: React.RefObject<HTMLButtonElement | null>;
  onNew: () => void;
  onOpen: (id: string) => void;
  onRetry: () => void;
}) {
  // The next clerk action is a new intake: Enter on the focused button, or F2 (as everywhere), starts it.
  useEffect(() => {
    newRef.current?.focus();
  }, [newRef]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'F2') {
        e.preventDefault();
        onNew();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onNew]);
  return (
    <div className="intake-result" data-testid="intake-result" data-kind={result.kind}>
      <div className="panel result-summary">
        <div className="result-kind">{result.kind === 'mau01' ? 'Đã tiếp nhận hồ sơ' : result.kind === 'mau02' ? 'Đã lập phiếu hướng dẫn bổ sung' : 'Đã từ chối tiếp nhận'}</div>
        {result.code && (
          <>
            <div className="result-label">Mã hồ sơ</div>
            <div className="result-code" data-testid="result-code">
              {result.code}
            </div>
          </>
        )}
        {result.number && (
          <>
            <div className="result-label">Số phiếu</div>
            <div className="result-code" data-testid="result-number">
              {result.number}
            </div>
          </>
        )}
        {result.kind === 'mau01' && (
          <>
            <div className="result-label">Ngày hẹn trả kết quả</div>
            <div className="result-date" data-testid="result-appointment">
              {result.appointmentAt ? formatDate(result.appointmentAt) : 'Không có ngày hẹn'}
            </div>
            {result.appointmentAt ? <div className="muted">lúc {formatDateTime(result.appointmentAt).slice(0, 5)}</div> : null}
          </>
        )}
        {result.formError && (
          <div className="alert error" role="alert">
            Chưa in được phiếu: {result.formError}{' '}
            <button type="button" className="btn small" onClick={onRetry}>
              Thử lại
            </button>
          </div>
        )}
        <div className="actions vertical">
          <button ref={newRef} type="button" className="btn primary big" onClick={onNew} data-testid="new-intake">
            Tiếp nhận hồ sơ mới <kbd>F2</kbd>
          </button>
          {result.dossierId && (
            <button type="button" className="btn" onClick={() => onOpen(result.dossierId!)} data-testid="open-dossier">
              Xem chi tiết hồ sơ
            </button>
          )}
        </div>
      </div>
      <div className="panel result-pdf">{result.form ? <PdfView url={result.form.url} fileName={result.form.fileName} title={result.title} /> : <p className="muted">Không có bản in.</p>}</div>
    </div>
  );
}

/** The procedure's field, time and fee; a long fee description opens with "Xem đủ" instead of staying cut. */
function ProcedureMeta({ procedure }: { procedure: Procedure }) {
  const [open, setOpen] = useState(false);
  const [clipped, setClipped] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el && !open) setClipped(el.scrollHeight > el.clientHeight + 1);
  }, [procedure, open]);
  return (
    <>
      <div ref={ref} className={`proc-meta${open ? ' open' : ''}`} data-testid="procedure-meta">
        {procedure.fieldName} · {processingText(procedure.processing)} · Lệ phí: {feeRateText(procedure.fee)}
        {procedure.fee.description ? ` (${procedure.fee.description})` : ''}
      </div>
      {(clipped || open) && (
        <button type="button" className="link-btn small" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="procedure-meta-toggle">
          {open ? 'Thu gọn' : 'Xem đủ'}
        </button>
      )}
    </>
  );
}

/** What the fee comes to as the clerk records the papers (shared/domain/fees.ts): by the page for chứng thực bản sao. */
function FeeQuoteLine({ procedure, components }: { procedure: Procedure; components: DossierComponent[] }) {
  if (!procedure.fee.byPage) return null;
  const q = quoteFee(procedure.fee, components);
  return (
    <p className={`fee-quote${q.pagesMissing ? ' warn' : ''}`} data-testid="fee-quote" role="status">
      Lệ phí: {q.pagesMissing ? 'chưa tính được — nhập số trang mỗi bản' : feeText(q.amount)}
      {q.detail && !q.pagesMissing ? ` (${q.detail})` : ''}
    </p>
  );
}
