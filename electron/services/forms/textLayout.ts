// Text layout over subset fonts.
//
// The forms are set in Tinos (metric-compatible with Times New Roman, as ND 30/2020 asks
// for) from @fontsource/tinos. That package ships only unicode-range subsets: 'á' is in
// the latin file, 'ệ ơ ư' in the vietnamese one, 'đ ă' in both latin-ext and vietnamese.
// No single file covers Vietnamese, so this layer picks a subset per character, measures
// with pdfkit, wraps lines itself and draws each same-font segment at a computed position.
//
// What may import this: electron/services/forms/* only (Node: reads font files).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { woffToSfnt } from './woff';

export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

/** One run of text in one style. */
export interface Span {
  text: string;
  style?: FontStyle;
  /** Font size in pt; the paragraph's size when absent. */
  size?: number;
  underline?: boolean;
}

/** 'justify' spreads the spaces of every line but a paragraph's last (ND 30/2020: căn đều hai lề). */
export type Align = 'left' | 'center' | 'right' | 'justify';

/** A piece of a line: one span's style, any number of fonts. */
interface Piece {
  text: string;
  style: FontStyle;
  size: number;
  underline: boolean;
  width: number;
}

/** One laid-out line: pieces left to right, ready to draw. */
export interface Line {
  pieces: Piece[];
  width: number;
  /** The largest font size on the line (pt). */
  size: number;
  /** Whether the line ends its paragraph (not stretched when justified). */
  last: boolean;
}

// Subsets in order of preference. A character goes to the font of the current segment if
// that font has it, otherwise to the first subset here that has it: Vietnamese words stay
// in as few segments as possible ('Đặng' is one vietnamese segment, not three).
const SUBSETS = ['latin', 'vietnamese', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext'] as const;
type Subset = (typeof SUBSETS)[number];

const STYLE_FILE: Record<FontStyle, string> = {
  regular: '400-normal',
  bold: '700-normal',
  italic: '400-italic',
  boldItalic: '700-italic',
};

/** The fontkit font object pdfkit keeps behind its embedded fonts (not in @types/pdfkit). */
interface FontkitFont {
  hasGlyphForCodePoint(codePoint: number): boolean;
}
interface PdfkitFontInternals {
  _font?: { font?: FontkitFont };
}

/** The folder of the Tinos .woff files shipped by @fontsource/tinos. */
let fontDirCache: string | undefined;
export function defaultFontDir(): string {
  fontDirCache ??= join(dirname(createRequire(import.meta.url).resolve('@fontsource/tinos/package.json')), 'files');
  return fontDirCache;
}

// Font files are read (and unpacked from WOFF) once per process; each document registers them.
const fileCache = new Map<string, Buffer | null>();
function readFont(path: string): Buffer | null {
  if (!fileCache.has(path)) {
    try {
      fileCache.set(path, woffToSfnt(readFileSync(path)));
    } catch {
      fileCache.set(path, null);
    }
  }
  return fileCache.get(path) ?? null;
}

/** Remove control characters (keeping tab and newline) and put the text in NFC. */
export function cleanText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return String(s ?? '')
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\u0000-\u0009\u000B-\u001F\u007F]/g, '');
}

const graphemes = new Intl.Segmenter('vi', { granularity: 'grapheme' });

const MISSING = '\u0000missing';
const REPLACEMENT = '\uFFFD';

interface FontEntry {
  subset: Subset;
  /** Name registered in the document. */
  name: string;
  data: Buffer;
  /** The parsed face, once opened (opening costs ~10 ms, so it waits for a first use). */
  face?: FontkitFont;
}

export class TextLayout {
  /** Available subset fonts per style, in SUBSETS order. */
  private readonly fonts: Record<FontStyle, FontEntry[]>;
  private readonly widthCache = new Map<string, number>();
  private readonly fontCache = new Map<string, string>();

  constructor(
    private readonly doc: PDFKit.PDFDocument,
    fontDir: string = defaultFontDir(),
  ) {
    const fonts = {} as Record<FontStyle, FontEntry[]>;
    for (const style of Object.keys(STYLE_FILE) as FontStyle[]) {
      fonts[style] = [];
      for (const subset of SUBSETS) {
        const data = readFont(join(fontDir, `tinos-${subset}-${STYLE_FILE[style]}.woff`));
        if (data) fonts[style].push({ subset, name: `tinos-${subset}-${style}`, data });
      }
      if (!fonts[style].some((f) => f.subset === 'latin') || !fonts[style].some((f) => f.subset === 'vietnamese')) {
        throw new Error(`Không tìm thấy phông chữ Tinos (${style}) trong thư mục ${fontDir}`);
      }
    }
    this.fonts = fonts;
  }

  private face(entry: FontEntry): FontkitFont | undefined {
    if (!entry.face) {
      this.doc.registerFont(entry.name, entry.data);
      // Opening a font does not embed it: pdfkit embeds only fonts used on a page.
      this.doc.font(entry.name);
      entry.face = (this.doc as unknown as PdfkitFontInternals)._font?.font;
    }
    return entry.face;
  }

  /** The registered font name for a character, preferring `current` if it has the glyph. */
  private fontFor(style: FontStyle, ch: string, current: string | null): string {
    const key = `${style}\u0000${current ?? ''}\u0000${ch}`;
    const hit = this.fontCache.get(key);
    if (hit) return hit;
    const cp = ch.codePointAt(0) ?? 32;
    const list = this.fonts[style];
    let name: string | undefined;
    if (current) {
      const cur = list.find((f) => f.name === current);
      if (cur && this.face(cur)?.hasGlyphForCodePoint(cp)) name = current;
    }
    name ??= list.find((f) => this.face(f)?.hasGlyphForCodePoint(cp))?.name;
    name ??= MISSING;
    this.fontCache.set(key, name);
    return name;
  }

  /** Split a text into same-font segments. */
  segments(text: string, style: FontStyle): { font: string; text: string }[] {
    const out: { font: string; text: string }[] = [];
    let current: string | null = null;
    for (let ch of text) {
      // Spaces exist in every subset: they stay in the running segment.
      let font: string = ch === ' ' && current ? current : this.fontFor(style, ch, current);
      if (font === MISSING) {
        // No subset has it (emoji, CJK…): print a visible U+FFFD '�' rather than an
        // invisible, unextractable .notdef, so the loss shows on paper.
        ch = REPLACEMENT;
        font = this.fontFor(style, ch, current);
        if (font === MISSING) (ch = '?'), (font = this.fontFor(style, ch, null));
      }
      if (font === current && out.length) out[out.length - 1].text += ch;
      else out.push({ font, text: ch });
      current = font;
    }
    return out;
  }

  /** Width in pt of a text in one style and size. */
  measure(text: string, style: FontStyle, size: number): number {
    const key = `${style}\u0000${size}\u0000${text}`;
    const hit = text.length < 64 ? this.widthCache.get(key) : undefined;
    if (hit !== undefined) return hit;
    let w = 0;
    for (const seg of this.segments(text, style)) {
      this.doc.font(seg.font).fontSize(size);
      w += this.doc.widthOfString(seg.text);
    }
    if (text.length < 64) this.widthCache.set(key, w);
    return w;
  }

  /**
   * Wrap spans to a width. Breaks at spaces; a word wider than the line is broken between
   * characters (nothing is ever cut off). A newline in the text starts a new line.
   */
  wrap(spans: Span[], width: number, baseSize: number): Line[] {
    // Items: words (unbreakable runs of pieces) and the spaces between them, per paragraph.
    type Item = { space: boolean; pieces: Piece[]; width: number };
    const paragraphs: Item[][] = [[]];
    for (const span of spans) {
      const style = span.style ?? 'regular';
      const size = span.size ?? baseSize;
      const underline = span.underline ?? false;
      const text = cleanText(span.text);
      for (const part of text.split(/(\n| +)/)) {
        if (part === '') continue;
        if (part === '\n') {
          paragraphs.push([]);
          continue;
        }
        const space = part[0] === ' ';
        const piece: Piece = { text: part, style, size, underline, width: this.measure(part, style, size) };
        const para = paragraphs[paragraphs.length - 1];
        const last = para[para.length - 1];
        // A word continued in another style (e.g. 'Mã hồ sơ:' + code) stays one word.
        if (last && last.space === space) {
          last.pieces.push(piece);
          last.width += piece.width;
        } else para.push({ space, pieces: [piece], width: piece.width });
      }
    }

    const lines: Line[] = [];
    for (const para of paragraphs) {
      let cur: Item[] = [];
      let curWidth = 0;
      const flush = () => {
        while (cur.length && cur[cur.length - 1].space) curWidth -= cur.pop()!.width;
        const pieces = cur.flatMap((i) => i.pieces);
        lines.push({ pieces, width: curWidth, size: pieces.reduce((m, p) => Math.max(m, p.size), baseSize), last: false });
        cur = [];
        curWidth = 0;
      };
      for (const item of para) {
        if (curWidth + item.width <= width + 0.01) {
          cur.push(item);
          curWidth += item.width;
          continue;
        }
        if (item.space) {
          // A space at the end of a line is dropped; the next word starts the next line.
          flush();
          continue;
        }
        if (cur.length) flush();
        if (item.width <= width + 0.01) {
          cur.push(item);
          curWidth = item.width;
          continue;
        }
        // A word wider than the line: break it between characters.
        for (const piece of item.pieces) {
          let chunk = '';
          let chunkWidth = 0;
          for (const { segment: g } of graphemes.segment(piece.text)) {
            const gw = this.measure(g, piece.style, piece.size);
            if (curWidth + chunkWidth + gw > width + 0.01 && (chunk || cur.length)) {
              if (chunk) {
                cur.push({ space: false, pieces: [{ ...piece, text: chunk, width: chunkWidth }], width: chunkWidth });
                curWidth += chunkWidth;
              }
              flush();
              chunk = '';
              chunkWidth = 0;
            }
            chunk += g;
            chunkWidth += gw;
          }
          if (chunk) {
            cur.push({ space: false, pieces: [{ ...piece, text: chunk, width: chunkWidth }], width: chunkWidth });
            curWidth += chunkWidth;
          }
        }
      }
      flush();
      lines[lines.length - 1].last = true;
    }
    return lines;
  }

  /** Draw one line with its top at y, aligned inside [x, x + width]. */
  drawLine(line: Line, x: number, y: number, width: number, align: Align = 'left'): void {
    let cx = x + (align === 'center' ? (width - line.width) / 2 : align === 'right' ? width - line.width : 0);
    // Justified: the spare width goes to the spaces, unless the line is its paragraph's
    // last or would look gappy (fewer words than that, e.g. before a word broken by force).
    let extra = 0;
    if (align === 'justify' && !line.last) {
      const spaces = line.pieces.reduce((n, p) => n + (p.text.match(/ /g)?.length ?? 0), 0);
      const per = spaces ? (width - line.width) / spaces : 0;
      if (per > 0 && per < line.size * 0.6) extra = per;
    }
    // Pieces of different sizes share one baseline: the largest size's ascent.
    const ascent = 0.891;
    for (const piece of line.pieces) {
      const startX = cx;
      const top = y + (line.size - piece.size) * ascent;
      for (const seg of this.segments(piece.text, piece.style)) {
        this.doc.font(seg.font).fontSize(piece.size);
        if (!extra) {
          this.doc.text(seg.text, cx, top, { lineBreak: false });
          cx += this.doc.widthOfString(seg.text);
          continue;
        }
        // Words drawn one by one; the widened spaces are left as gaps, which text
        // extraction reads back as single spaces.
        for (const part of seg.text.split(/( +)/)) {
          if (!part) continue;
          const w = this.doc.widthOfString(part);
          if (part[0] !== ' ') this.doc.text(part, cx, top, { lineBreak: false });
          cx += part[0] === ' ' ? w + extra * part.length : w;
        }
      }
      if (piece.underline) {
        const uy = top + piece.size * 1.0;
        this.doc.moveTo(startX, uy).lineTo(cx, uy).lineWidth(0.5).stroke();
      }
    }
  }
}
