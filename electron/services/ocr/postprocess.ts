// Generic post-correction of tesseract's Vietnamese output. Every rule is about the script
// and the engine's known confusions, never about particular texts: no word list, no
// dictionary. The only language knowledge is the syllable model of syllable.ts (onset +
// rhyme + tone rules of the orthography). Pure code (no Node), reusable anywhere.
//
//  1. Unicode: NFC, zero-width characters dropped.
//  2. Doubled letter in two cases ("sỞở", "Ứứng"): tesseract's LSTM emits the same toned
//     vowel as capital and small; Vietnamese never doubles a toned vowel → one letter.
//  3. Capital inside a word ("thuỘc", "MỘt", "phưƠng"): a case mix inside one syllable is no
//     written form (a syllable is written small, with a capital initial, or in capitals), so
//     it is lowered after the first letter when the result is a valid syllable ("TTg",
//     "KHXH" are not syllables and are left alone).
//  4. (none) Letter case is otherwise kept as recognised: names and headings in capitals stay
//     in capitals (a tờ khai writes every name so; a wrong name is worse than an unread one).
//  5. Rhymes closed by -c/-ch/-p/-t only take the sắc or nặng tone: a grave/hook/tilde read
//     there is the engine confusing marks above the letter → sắc.
//  6. A word in small letters or with a capital initial that is not a syllable is tried with
//     one OCR confusion fixed (b↔h, r→n, z→a, ...); taken only when exactly one candidate is
//     a valid syllable. Words in capitals and digits are never touched.
//  Every change needs the syllable model's evidence: the recognised form is not Vietnamese
//  and the corrected one is.
//  7. Spacing: no space before , . ; : ! ? ) and none after (.
//  8. Specks: tokens of stray symbols without a letter or digit (pen strokes, stamp edges).
import { isVietnameseSyllable, splitTone, placeTone } from './syllable';

const LETTERS = /\p{L}+/gu;
const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
const isLower = (c: string) => c !== c.toUpperCase() && c === c.toLowerCase();
const hasNonAscii = (s: string) => /[^\u0000-\u007f]/.test(s);

/**
 * 2. "sỞở" → "sở", "Ứứng" → "Ứng": the same toned letter twice in two cases. Vietnamese
 * never doubles a toned vowel; only taken when the word is no syllable and the mended one
 * is. Inside the word the small letter is kept, as the first letter the recognised case.
 */
export function fixDoubledCase(word: string): string {
  const chars = Array.from(word);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const next = chars[i + 1];
    if (next !== undefined && c !== next && c.toLowerCase() === next.toLowerCase() && hasNonAscii(c)) {
      out.push(i === 0 ? c : isLower(c) ? c : next);
      i++;
      continue;
    }
    out.push(c);
  }
  const mended = out.join('');
  return mended !== word && !isVietnameseSyllable(word) && isVietnameseSyllable(mended) ? mended : word;
}

/** 3. Capitals inside a word, when lowering them gives a syllable. */
export function fixInnerCapitals(word: string): string {
  const chars = Array.from(word);
  if (chars.length < 2) return word;
  const rest = chars.slice(1);
  const restHasUpper = rest.some(isUpper);
  if (!restHasUpper) return word;
  const firstLower = isLower(chars[0]);
  const restMixed = rest.some(isLower);
  if (!firstLower && !restMixed) return word; // ALL CAPS: rule 4's business
  const candidate = chars[0] + rest.join('').toLowerCase();
  return isVietnameseSyllable(candidate) ? candidate : word;
}

/** 5. Stop-final syllables carry sắc or nặng only. */
export function fixStopTone(word: string): string {
  const { base, tone, tones } = splitTone(word);
  if (tones !== 1 || !/(c|ch|p|t)$/.test(base)) return word;
  if (tone !== 'huyen' && tone !== 'hoi' && tone !== 'nga') return word;
  const fixed = matchCase(word, placeTone(base, 'sac'));
  return isVietnameseSyllable(fixed) ? fixed : word;
}

function matchCase(model: string, lower: string): string {
  const m = Array.from(model);
  const l = Array.from(lower);
  if (m.length !== l.length) return isUpper(m[0] ?? '') ? l[0].toUpperCase() + l.slice(1).join('') : lower;
  return l.map((c, i) => (isUpper(m[i]) ? c.toUpperCase() : c)).join('');
}

// 6. Single-character confusions of the LSTM on degraded scans (shape-based, generic).
const CONFUSIONS: Record<string, string[]> = {
  b: ['h'],
  h: ['b', 'n'],
  r: ['n'],
  z: ['a'],
  w: ['n', 'u'],
  f: ['t'],
  j: ['i'],
  l: ['i', 't'],
  '1': ['l'],
  '0': ['o'],
  e: ['c'],
  c: ['e'],
  g: ['q'],
  q: ['g'],
};

/** Replace one character of a non-syllable by a look-alike; only a unique fix is taken. */
export function fixConfusable(word: string): string {
  if (isVietnameseSyllable(word)) return word;
  const chars = Array.from(word);
  if (chars.length < 2 || chars.length > 7 || chars.slice(1).some(isUpper)) return word;
  const found = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    const { base } = splitTone(chars[i]);
    const alts = CONFUSIONS[base];
    if (!alts) continue;
    const toneOnly = chars[i].normalize('NFD').slice(1); // keep a tone carried by the letter
    for (const alt of alts) {
      const c = (alt + toneOnly).normalize('NFC');
      const cand = [...chars.slice(0, i), isUpper(chars[i]) ? c.toUpperCase() : c, ...chars.slice(i + 1)].join('');
      if (isVietnameseSyllable(cand)) found.add(cand);
    }
  }
  return found.size === 1 ? [...found][0] : word;
}

function isAllCapsWord(w: string): boolean {
  const cs = Array.from(w);
  return cs.length >= 2 && cs.every(isUpper);
}

/**
 * Rules 2, 3, 5, 6 over one line. Letter case is kept as recognised: a word in capitals (a
 * name, a heading, an abbreviation) stays in capitals, whatever the words around it; only a
 * case mix inside one syllable ("mỘt", "thuỘc"), which is no written form, is mended.
 */
export function correctLine(line: string): string {
  const tokens = [...line.matchAll(LETTERS)].map((m) => ({ word: m[0], index: m.index ?? 0 }));
  const fixed = tokens.map((t) => {
    let w = fixInnerCapitals(fixDoubledCase(t.word));
    w = fixStopTone(w);
    if (!isAllCapsWord(w)) w = fixConfusable(w);
    return w;
  });
  let out = '';
  let last = 0;
  tokens.forEach((t, i) => {
    out += line.slice(last, t.index) + fixed[i];
    last = t.index + t.word.length;
  });
  return out + line.slice(last);
}

/** 7. Spacing around punctuation. */
export function fixSpacing(text: string): string {
  return (
    text
      .replace(/[ \t]+([,;:!?)\]}])/g, '$1')
      .replace(/[ \t]+\.(?!\.)/g, '.')
      .replace(/([([{])[ \t]+/g, '$1')
      // "KH- UBND": a space the engine put after a hyphen between two abbreviations.
      .replace(/(\p{Lu}{2,})- (?=\p{Lu}{2,})/gu, '$1-')
  );
}

// Punctuation that stands alone legitimately in Vietnamese official text: list bullets,
// the closing mark "./.", ellipses, dashes, brackets.
const LONE_PUNCTUATION = new Set(['-', '–', '—', '+', '.', ',', ';', ':', './.', '/.', '...', '…', '(', ')', '*', '•', '/', '"', '&', '%']);

/**
 * 8. Specks read as text: a token without any letter or digit that is not a legitimate
 * stand-alone punctuation ("~—,", "= —:", "⁄“" from a pen stroke or a stamp edge) is dropped.
 */
export function dropSpeckTokens(line: string): string {
  return line
    .split(/([ \t]+)/)
    .filter((tok) => /^[ \t]*$/.test(tok) || /[\p{L}\p{N}]/u.test(tok) || LONE_PUNCTUATION.has(tok))
    .join('')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** The whole post-correction of one page of OCR text. */
export function postprocess(text: string): string {
  const nfc = text.normalize('NFC').replace(/[\u200b-\u200d\ufeff]/g, '');
  return fixSpacing(
    nfc
      .split('\n')
      .map((line) => correctLine(dropSpeckTokens(line)))
      .join('\n'),
  );
}
