// The source of the push channel (shared/ipc/push.ts): a small typed emitter, made by
// openAppServices and given to the services that change things in the background (the
// sync engine, the OCR queue). Changes made by a call are emitted here, once, by
// emittingHandlers: the transports (Electron IPC in main.ts, server-sent events in
// transport/loopback.ts) subscribe and forward.
import type { Channel } from '../../shared/ipc/contract';
import type { PushEvent, PushKind } from '../../shared/ipc/push';
import type { Handlers } from '../ipc/dispatch';

export type ChangeListener = (e: PushEvent) => void;

export class Changes {
  private readonly listeners = new Set<ChangeListener>();

  /** Subscribes; returns the unsubscribe. */
  on(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: PushEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.warn('[changes] a listener failed:', err instanceof Error ? err.message : err);
      }
    }
  }
}

/** What a successful call changes (calls that only read change nothing). */
const CALL_CHANGES: Partial<Record<Channel, readonly PushKind[]>> = {
  'settings.save': ['settings'],
  'procedures.save': ['settings'],
  'holidays.save': ['settings'],
  'holidays.delete': ['settings'],
  'dossiers.receive': ['dossiers'],
  'dossiers.refuse': ['dossiers'],
  'dossiers.transition': ['dossiers'],
  'dossiers.editFields': ['dossiers'],
  'guidance.create': ['dossiers'],
  'reuse.attach': ['pages'],
  'review.save': ['pages'],
  'results.add': ['pages'],
  'pages.add': ['pages'],
  'pages.import': ['pages'],
  'pages.importCancel': ['pages'],
  'pages.reorder': ['pages'],
  'pages.rotate': ['pages'],
  'pages.delete': ['pages'],
  'pages.saveText': ['pages'],
  'ocr.cancel': ['pages'],
  'ocr.retry': ['pages'],
  'inbox.assign': ['pages'],
  'inbox.discard': ['pages'],
  'sync.now': ['sync', 'dossiers'],
  'sync.enroll': ['sync'],
  'sync.retryFailed': ['sync'],
  'sync.resolveConflict': ['sync', 'dossiers'],
};

/** The handlers, each emitting what it changed once it succeeded (whichever transport called it). */
export function emittingHandlers(changes: Changes, handlers: Handlers): Handlers {
  const out = { ...handlers } as Record<Channel, (input: unknown) => unknown>;
  for (const [channel, kinds] of Object.entries(CALL_CHANGES) as [Channel, readonly PushKind[]][]) {
    const h = handlers[channel] as (input: unknown) => unknown;
    const emit = () => {
      for (const kind of kinds) changes.emit({ kind });
    };
    out[channel] = (input) => {
      const r = h(input);
      if (r instanceof Promise) return r.then((v) => (emit(), v));
      emit();
      return r;
    };
  }
  return out as Handlers;
}
