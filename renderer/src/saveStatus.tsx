// The header's "saved" indicator: every screen reports what it last saved, and when.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export type SaveState = { kind: 'idle' } | { kind: 'saving'; what: string } | { kind: 'saved'; what: string; at: number } | { kind: 'error'; what: string; message: string };

interface SaveStatusApi {
  state: SaveState;
  report: (s: SaveState) => void;
}

const Ctx = createContext<SaveStatusApi>({ state: { kind: 'idle' }, report: () => {} });

export function SaveStatusProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SaveState>({ kind: 'idle' });
  const report = useCallback((s: SaveState) => setState(s), []);
  const value = useMemo(() => ({ state, report }), [state, report]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSaveStatus(): SaveStatusApi {
  return useContext(Ctx);
}
