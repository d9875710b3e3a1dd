// Small helpers shared by the screens: time-of-day text, debouncing.
import { useEffect, useRef, useState } from 'react';

/** 'HH:mm' for minutes since midnight. */
export function minutesToHhmm(m: number): string {
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Minutes since midnight from 'HH:mm', or null. */
export function hhmmToMinutes(s: string): number | null {
  const m = /^\s*(\d{1,2})[:h.](\d{2})\s*$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]),
    min = Number(m[2]);
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** Vietnam 'today' as 'yyyy-mm-dd' from an epoch. */
export function vnTodayIso(now = Date.now()): string {
  return new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
}
