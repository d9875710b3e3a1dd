// Small helpers shared by the screens: PDFs from base64, time-of-day text, debouncing.
import { useEffect, useRef, useState } from 'react';

/** A blob: URL for a base64 PDF (the CSP allows frames from blob: only). */
export function pdfBlobUrl(base64: string): string {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
}

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

/** Revokes a blob URL when it changes or the component goes away. */
export function useBlobUrl(): [string | null, (url: string | null) => void] {
  const [url, setUrl] = useState<string | null>(null);
  const ref = useRef<string | null>(null);
  useEffect(
    () => () => {
      if (ref.current) URL.revokeObjectURL(ref.current);
    },
    [],
  );
  const set = (next: string | null) => {
    if (ref.current && ref.current !== next) URL.revokeObjectURL(ref.current);
    ref.current = next;
    setUrl(next);
  };
  return [url, set];
}

/** Vietnam 'today' as 'yyyy-mm-dd' from an epoch. */
export function vnTodayIso(now = Date.now()): string {
  return new Date(now + 7 * 3600_000).toISOString().slice(0, 10);
}
