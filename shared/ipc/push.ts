// The push channel: what the main process tells the renderer without being asked (a sync
// run started or ended, pulled dossiers, OCR and import progress, a change another window
// made). Electron IPC carries it as PUSH_CHANNEL messages, the loopback transport as
// server-sent events at PUSH_PATH. The renderer marks the calls each event makes stale
// (STALE_CALLS) and TanStack Query refetches the ones on screen.
import type { ChannelName } from './channels';

export type PushEvent =
  /** The sync state changed: a run started or ended, the queue moved. */
  | { kind: 'sync' }
  /** Dossiers changed: received, edited, moved, or pulled from the hub. */
  | { kind: 'dossiers' }
  /** Pages changed: added, removed, read by OCR, imported. */
  | { kind: 'pages' }
  /** Unit settings, the catalogue or the holiday table changed. */
  | { kind: 'settings' };

export type PushKind = PushEvent['kind'];

export const PUSH_CHANNEL = 'motcua:push';
export const PUSH_PATH = '/events';

/** The calls whose answers an event makes stale. */
export const STALE_CALLS: Readonly<Record<PushKind, readonly ChannelName[]>> = {
  sync: ['sync.status', 'sync.conflicts'],
  dossiers: ['dossiers.list', 'dossiers.get', 'guidance.list', 'review.pending', 'sync.status', 'reuse.candidates'],
  pages: ['pages.list', 'pages.imports', 'ocr.status', 'review.pending', 'results.list', 'inbox.list', 'sync.status'],
  settings: ['app.info', 'procedures.search', 'procedures.get', 'holidays.list', 'dossiers.previewAppointment'],
};

export function isPushEvent(v: unknown): v is PushEvent {
  return typeof v === 'object' && v !== null && Object.hasOwn(STALE_CALLS, (v as { kind?: unknown }).kind as string);
}
