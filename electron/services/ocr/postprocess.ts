// Generic post-correction of tesseract's Vietnamese output. Every rule is about the script
// and the engine's known confusions, never about particular texts: no word list, no
// dictionary. The only language knowledge is the syllable model of syllable.ts (onset +
// rhyme + tone rules of the orthography). Pure code (no Node), reusable anywhere.
//
//  1. Unicode: NFC, zero-width characters dropped.
//  2. Doubled letter in two cases ("sỞở", "Ứứng"): tesseract's LSTM emits the same toned
//     vowel as capital and small; Vietnamese never doubles a toned vowel → keep the small one.
//  3. Capital inside a word ("thuỘc", "MỘt", "phưƠng"): capitals after a small letter, or a
//     mix after the first letter, are lowered when the result is a valid syllable ("TTg",
//     "KHXH" are not syllables and are left alone).
//  4. A toned all-capitals syllable among small-letter words ("các BỘ, ngành", "VỀ việc")
//     becomes Title case; lines mostly in capitals (headings) are left alone.
//  5. Rhymes closed by -c/-ch/-p/-t only take the sắc or nặng tone: a grave/hook/tilde read
//     there is the engine confusing marks above the letter → sắc.
//  6. A small-letter word that is not a syllable is tried with one OCR confusion fixed
//     (b↔h, r→n, z→a, ...); taken only when exactly one candidate is a valid syllable.
//  7. Spacing: no space before , . ; : ! ? ) and none after (.
//  8. Specks: tokens of stray symbols without a letter or digit (pen strokes, stamp edges).
import { isVietnameseSyllable, splitTone, placeTone } from './syllable';

const LETTERS = /\p{L}+/gu;
const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
const isLower = (c: string) => c !== c.toUpperCase() && c === c.toLowerCase();
const hasNonAscii = (s: string) => /[^\u0000-\u007f]/.test(s);

/** 2. "sỞở" → "sở", "tửỬ" → "tử": the same letter twice in two cases. */
export function fixDoubledCase(word: string): string {
  const chars = Array.from(word);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const next = chars[i + 1];
    if (next !== undefined && c !== next && c.toLowerCase() === next.toLowerCase() && hasNonAscii(c)) {
      out.push(isLower(c) ? c : next);
      i++;
      continue;
    }
    out.push(c);
  }
  return out.join('');
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

/** Capital initial vowels whose small form differs only in size (ô, ơ, ư + tones). */
const SIZE_ONLY_CAPITAL = /^[ÔỐỒỔỖỘƠỚỜỞỠỢƯỨỪỬỮỰ]/u;

/** Rules 2–6 over one line (capitals are judged against the neighbouring words). */
export function correctLine(line: string): string {
  const tokens = [...line.matchAll(LETTERS)].map((m) => ({ word: m[0], index: m.index ?? 0 }));
  const fixed = tokens.map((t) => fixInnerCapitals(fixDoubledCase(t.word)));
  const capsSyllable = (w: string) => isAllCapsWord(w) && isVietnameseSyllable(w);
  const long = fixed.filter((w) => Array.from(w).length >= 2);
  const capsCount = long.filter(capsSyllable).length;
  for (let i = 0; i < fixed.length; i++) {
    let w = fixed[i];
    const next = fixed[i + 1];
    const prev = fixed[i - 1];
    if (isAllCapsWord(w) && hasNonAscii(w)) {
      // Lower-case context: the next word starts small, or most words of the line are not
      // capitals (abbreviations such as UBND do not count: they are not syllables).
      const others = long.length - 1;
      const nextSmall = next !== undefined && isLower(next[0]);
      if (nextSmall || (others >= 2 && (capsCount - 1) * 2 < others)) {
        const title = w[0] + Array.from(w).slice(1).join('').toLowerCase();
        if (isVietnameseSyllable(title)) w = title;
      }
    } else if (SIZE_ONLY_CAPITAL.test(w) && !isAllCapsWord(w) && prev !== undefined) {
      // "phát triển Ứng dụng", "Trung Ương.": Ư/Ơ/Ô capitals are small letters drawn bigger;
      // inside a sentence and followed by a small word or by the end of the clause, the
      // engine's capital is a misread (names come in runs of capitalised syllables, which
      // this leaves alone).
      const before = line.slice(tokens[i - 1].index + tokens[i - 1].word.length, tokens[i].index);
      const afterStart = tokens[i].index + tokens[i].word.length;
      const after = next !== undefined ? line.slice(afterStart, tokens[i + 1].index) : line.slice(afterStart);
      const endsClause = /^[.,;:!?)]/.test(after) || after.trim() === '';
      if (!/[.!?:;]/.test(before) && ((next !== undefined && isLower(next[0]) && !/[.!?:;]/.test(after)) || endsClause)) w = w.toLowerCase();
    }
    w = fixStopTone(w);
    if (!isAllCapsWord(w)) w = fixConfusable(w);
    fixed[i] = w;
  }
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
  return text
    .replace(/[ \t]+([,;:!?)\]}])/g, '$1')
    .replace(/[ \t]+\.(?!\.)/g, '.')
    .replace(/([([{])[ \t]+/g, '$1')
    // "KH- UBND": a space the engine put after a hyphen between two abbreviations.
    .replace(/(\p{Lu}{2,})- (?=\p{Lu}{2,})/gu, '$1-');
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
  return fixSpacing(nfc.split('\n').map((line) => correctLine(dropSpeckTokens(line))).join('\n'));
}
