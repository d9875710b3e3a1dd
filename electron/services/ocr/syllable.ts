// A generic model of the Vietnamese written syllable, from the orthography (not from any
// corpus): onset + rhyme + tone, with the rules that
//   - the rhyme is one of the ~150 rhymes of the standard language;
//   - a rhyme closed by a stop (-c, -ch, -p, -t) takes only the sắc or nặng tone;
//   - k / gh / ngh are written before i, e, ê (and iê, y), c / g / ng elsewhere;
//   - q is always followed by u (the "qu" onset); "gi" is an onset of its own.
// Used by the post-correction to tell a real syllable from an OCR confusion. Pure code.

/** Tone marks as combining characters (after NFD). */
const TONE_MARKS: Record<string, Tone> = {
  '\u0301': 'sac',
  '\u0300': 'huyen',
  '\u0309': 'hoi',
  '\u0303': 'nga',
  '\u0323': 'nang',
};
export type Tone = 'ngang' | 'sac' | 'huyen' | 'hoi' | 'nga' | 'nang';

export const TONE_COMBINING: Record<Tone, string> = {
  ngang: '',
  sac: '\u0301',
  huyen: '\u0300',
  hoi: '\u0309',
  nga: '\u0303',
  nang: '\u0323',
};

const ONSETS = new Set(['', 'b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh', 'p', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x']);

// Rhymes without tone, grouped by nucleus. o/u before a vowel are the medial glide.
const RHYME_LIST = `
a ai ao au ay ac ach am an ang anh ap at
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e eo ec em en eng ep et
ê êch êm ên ênh êp êt êu
i ia ich im in inh ip it iu iêc iêm iên iêng iêp iêt iêu
o oi oc om on ong op ot oong ooc
ô ôi ôc ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uc ui um un ung up ut
uôc uôi uôm uôn uông uôt
uy uya uych uyn uynh uyp uyt uyu uyên uyêt
uân uât uâng uây uê uêch uênh uơ
ư ưa ưc ưi ưm ưn ưng ưt ưu
ươc ươi ươm ươn ương ươp ươt ươu
y yêm yên yêt yêu
oa oac oach oai oam oan oang oanh oao oap oat oay
oăc oăm oăn oăng oăt
oe oec oem oen oeo oet
`;
const RHYMES = new Set(RHYME_LIST.split(/\s+/).filter(Boolean));

const STOP_CODA = /(c|ch|p|t)$/;
const FRONT = /^(i|e|ê|y)/; // rhymes that need k / gh / ngh

export interface Syllable {
  onset: string;
  rhyme: string;
  tone: Tone;
}

/** Lower-case, tone removed (returned apart), other diacritics kept (â, ơ, đ...), NFC. */
export function splitTone(word: string): { base: string; tone: Tone; tones: number } {
  let tone: Tone = 'ngang';
  let tones = 0;
  let base = '';
  for (const ch of word.normalize('NFD')) {
    const t = TONE_MARKS[ch];
    if (t) {
      tone = t;
      tones++;
    } else base += ch;
  }
  return { base: base.normalize('NFC').toLowerCase(), tone, tones };
}

/** Parse a toneless lower-case syllable into onset + rhyme, or null. */
function parseBase(base: string): { onset: string; rhyme: string }[] {
  const out: { onset: string; rhyme: string }[] = [];
  for (const onset of ONSETS) {
    if (!base.startsWith(onset)) continue;
    const rhyme = base.slice(onset.length);
    if (RHYMES.has(rhyme)) out.push({ onset, rhyme });
  }
  // "gi" + rhyme that starts with i: gì = g + ì, giêng = gi + êng (written without the i).
  if (base.startsWith('gi') && RHYMES.has('i' + base.slice(2))) out.push({ onset: 'gi', rhyme: 'i' + base.slice(2) });
  return out;
}

function spellingOk(onset: string, rhyme: string): boolean {
  const front = FRONT.test(rhyme);
  if (onset === 'k' && !front) return false;
  if (onset === 'c' && front) return false;
  if ((onset === 'gh' || onset === 'ngh') && !front) return false;
  if ((onset === 'g' || onset === 'ng') && /^(e|ê)/.test(rhyme)) return false;
  if (onset === 'ng' && /^i/.test(rhyme)) return false; // nghi, not ngi
  if (onset === 'qu' && /^(u|ư|o)/.test(rhyme)) return false;
  if (onset === '' && /^y/.test(rhyme) && !/^(y|yê)/.test(rhyme)) return false;
  if (onset !== '' && /^yê/.test(rhyme) && onset !== 'qu') return false; // khuyên is kh + uyên; lone yê- only without onset
  // After qu the medial u is the onset's: quy, quyên, quân (not quuy).
  return true;
}

/** Is this (one word, letters only) a well-formed Vietnamese syllable? */
export function isVietnameseSyllable(word: string): boolean {
  if (!word) return false;
  const { base, tone, tones } = splitTone(word);
  if (tones > 1) return false;
  if (!/^[a-zăâđêôơư]+$/.test(base)) return false;
  for (const { onset, rhyme } of parseBase(base)) {
    if (!spellingOk(onset, rhyme)) continue;
    if (STOP_CODA.test(rhyme) && tone !== 'sac' && tone !== 'nang') continue;
    return true;
  }
  return false;
}

/** Attach a tone to a toneless syllable at the orthographically right vowel (new style). */
export function placeTone(base: string, tone: Tone): string {
  if (tone === 'ngang') return base;
  const mark = TONE_COMBINING[tone];
  const chars = Array.from(base);
  const vowels = 'aăâeêioôơuưy';
  const idx: number[] = [];
  chars.forEach((c, i) => {
    if (vowels.includes(c.toLowerCase())) idx.push(i);
  });
  if (idx.length === 0) return base;
  // qu / gi: their u / i is part of the onset.
  const lower = base.toLowerCase();
  let vs = idx;
  if ((lower.startsWith('qu') || lower.startsWith('gi')) && vs.length > 1 && vs[0] === 1) vs = vs.slice(1);
  let pos: number;
  const hatted = vs.find((i) => 'ăâêôơư'.includes(chars[i].toLowerCase()));
  if (hatted !== undefined && !(vs.length === 2 && chars[vs[0]].toLowerCase() === 'ư' && chars[vs[1]].toLowerCase() === 'ơ')) pos = hatted;
  else if (vs.length === 2 && chars[vs[0]].toLowerCase() === 'ư' && chars[vs[1]].toLowerCase() === 'ơ') pos = vs[1];
  else if (vs.length === 1) pos = vs[0];
  else if (vs.length === 3) pos = vs[1];
  else {
    // Two vowels: on the second if a consonant follows (toán, hoàng), else on the first (hòa
    // old style vs hoà new style: keep the common old style "hòa" used in official texts).
    const last = vs[vs.length - 1];
    pos = last < chars.length - 1 ? last : vs[0];
    const pair = (chars[vs[0]] + chars[vs[1]]).toLowerCase();
    if (last === chars.length - 1 && (pair === 'oa' || pair === 'oe' || pair === 'uy')) pos = vs[0];
  }
  chars[pos] = (chars[pos] + mark).normalize('NFC');
  return chars.join('');
}
