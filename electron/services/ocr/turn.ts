// When the page's turn, as measured by preprocessing's cues (preprocess.ts analysePage), is
// too weakly shown to be taken without a check, and what tesseract's orientation detection
// (OSD, `@tesseract.js-data/osd`) must say to count. engine.ts uses these: a weak or
// unconfirmed turn, or a page that then reads badly, has its other candidate turns read too,
// and the better-read one is kept. Pure code.
import type { TurnEvidence } from './preprocess';

/**
 * Thresholds with a margin below the weakest sample page (21 + 9 pages × 4 turns, every
 * quality: line ratio ≥ 1.59, upright vote ≥ 1.5 on a three-line page, 3–5 on full pages).
 */
export const WEAK_TURN = {
  /** Row/column structure ratio (or its inverse) below this: across or down is unclear. */
  lineRatio: 1.4,
  /** |uprightVote| below this: upright or upside down is unclear. */
  upright: 1.2,
} as const;

/** OSD orientation confidence from which its answer counts (full pages give 6–18, a three-line page ~5). */
export const OSD_MIN_CONFIDENCE = 4;

export function weakLines(e: TurnEvidence): boolean {
  return e.lineRatio !== 0 && Math.max(e.lineRatio, 1 / e.lineRatio) < WEAK_TURN.lineRatio;
}

export function weakTurn(e: TurnEvidence): boolean {
  return weakLines(e) || Math.abs(e.upright) < WEAK_TURN.upright;
}

export type Turn = 0 | 90 | 180 | 270;
export const addTurn = (a: number, b: number): Turn => ((((a + b) % 360) + 360) % 360) as Turn;

/** How the page's turn was decided. */
export type TurnBasis = 'given' | 'cues' | 'osd' | 'read';
