// How well a page was read, from tesseract's words alone: how many words hold letters, their
// mean confidence, and the share of them that are well-formed Vietnamese syllables (the
// orthography model of syllable.ts, no word list). The same measure picks the better of two
// candidate turns (engine.ts) and flags a page that cannot be read (readability below).
// Pure code (no Node API).
import type { UnreadableReason } from '../../../shared/ipc/pages';
import { isVietnameseSyllable } from './syllable';

export type { UnreadableReason };

export interface ReadQuality {
  /** Words holding at least one letter. */
  letterWords: number;
  /** Mean confidence of those words, 0–100. */
  confidence: number;
  /** Share of those words whose every letter run is a Vietnamese syllable, 0–1. */
  syllableShare: number;
  /** Amount of well-read text: Σ confidence/100 over the words that are syllables. */
  score: number;
}

export function readQuality(words: readonly { text: string; confidence: number }[]): ReadQuality {
  let letterWords = 0;
  let valid = 0;
  let conf = 0;
  let score = 0;
  for (const w of words) {
    const runs = w.text.normalize('NFC').match(/\p{L}+/gu);
    if (!runs) continue;
    letterWords++;
    conf += w.confidence;
    if (runs.every(isVietnameseSyllable)) {
      valid++;
      score += w.confidence / 100;
    }
  }
  return {
    letterWords,
    confidence: letterWords ? conf / letterWords : 0,
    syllableShare: letterWords ? valid / letterWords : 0,
    score,
  };
}

/**
 * Thresholds of a readable page, tuned on the sample pages (every quality and turn) against
 * pages made unreadable on purpose (blank, photo, blurred text, noise: bench/ocr.ts); the
 * README gives the measured values. A page needs enough words, and both a mean confidence
 * and a share of valid syllables at or above these.
 */
export const READABLE = {
  minLetterWords: 8,
  minConfidence: 60,
  minSyllableShare: 0.6,
  /** A page darker than its threshold over more than this share is no printed page (noise, a
   *  photo): not given to tesseract at all (on noise it spends tens of seconds for nothing). */
  maxInkShare: 0.3,
} as const;

export interface Readability {
  readable: boolean;
  reason: UnreadableReason | null;
}

/** What preprocessing saw of the page (engine.ts passes PreparedPage fields). */
export interface PageCues {
  /** Row/column profile structure (TurnEvidence.lineRatio); 0 when the turn was given. */
  lineRatio: number;
  /** Median text line height on the prepared page, px (0: no lines found). */
  lineHeightPx: number;
  skewDeg: number;
  skewCorrected: boolean;
  colourSuppressed: boolean;
}

/**
 * Readable or not, and why not: too few words or no line structure → not printed text;
 * colour ink removed from the page → covered (seal, pen over the text); a large skew the
 * levelling could not undo → skewed; otherwise lines were there but not legible → blurred.
 */
export function readability(q: ReadQuality, cues: PageCues): Readability {
  const ok = q.letterWords >= READABLE.minLetterWords && q.confidence >= READABLE.minConfidence && q.syllableShare >= READABLE.minSyllableShare;
  if (ok) return { readable: true, reason: null };
  const lineStructure = cues.lineHeightPx > 0 && (cues.lineRatio === 0 || Math.max(cues.lineRatio, 1 / cues.lineRatio) >= 1.5);
  let reason: UnreadableReason;
  if (q.letterWords < READABLE.minLetterWords || !lineStructure) reason = 'not-text';
  else if (cues.colourSuppressed) reason = 'covered';
  else if (Math.abs(cues.skewDeg) >= 5) reason = 'skewed';
  else reason = 'blurred';
  return { readable: false, reason };
}
