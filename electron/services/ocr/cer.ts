// Character error rate, the measure of /work/shared/ocr-samples/README.md:
// Levenshtein(true, ocr) / length(true), both NFC with runs of white space folded to one
// space (and trimmed). Pure code: no Node, no I/O; used by the benchmark and the tests.

/** NFC + every run of white space (incl. newlines, NBSP) folded to one space, trimmed. */
export function normalizeForCer(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}

/**
 * Levenshtein distance over Unicode code points (a precomposed Vietnamese letter such as
 * "ễ" is one code point after NFC, so a lost tone mark costs one edit). O(n·m) time,
 * O(min(n, m)) memory.
 */
export function levenshtein(a: string, b: string): number {
  let s = Array.from(a);
  let t = Array.from(b);
  if (s.length < t.length) [s, t] = [t, s];
  const n = t.length;
  if (n === 0) return s.length;
  let prev = new Uint32Array(n + 1);
  let cur = new Uint32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    const si = s[i - 1];
    for (let j = 1; j <= n; j++) {
      const sub = prev[j - 1] + (si === t[j - 1] ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

export interface CerCount {
  /** Edit distance between the normalised texts. */
  errors: number;
  /** Length of the normalised true text, in code points. */
  length: number;
}

/** Edits and true length of one page, so several pages can be weighted by length. */
export function cerCount(truth: string, ocr: string): CerCount {
  const t = normalizeForCer(truth);
  const o = normalizeForCer(ocr);
  return { errors: levenshtein(t, o), length: Array.from(t).length };
}

/** CER of one page as a fraction (0.01 = 1 %). An empty truth gives 0 for empty OCR, else 1. */
export function cer(truth: string, ocr: string): number {
  const { errors, length } = cerCount(truth, ocr);
  return length === 0 ? (errors === 0 ? 0 : 1) : errors / length;
}

/** CER of several pages weighted by page length: Σ errors / Σ lengths. */
export function pooledCer(pages: readonly CerCount[]): number {
  let errors = 0;
  let length = 0;
  for (const p of pages) {
    errors += p.errors;
    length += p.length;
  }
  return length === 0 ? 0 : errors / length;
}
