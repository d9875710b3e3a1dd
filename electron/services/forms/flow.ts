// Page flow for the forms: a cursor moving down A4 pages, with paragraphs, side-by-side
// column blocks (header, signatures), and ruled tables whose rows may split across pages.
// Every piece of text goes through TextLayout, so any length flows onto new pages.
import type { Align, Line, Span, TextLayout } from './textLayout';

export const mm = (v: number): number => (v * 72) / 25.4;

/** Line height as a multiple of the font size (Times-like faces set solid at ~1.15–1.2). */
const LEADING = 1.2;

export type Block =
  /** balance: for centred headings, lines of even length ('BỘ PHẬN TIẾP NHẬN / VÀ TRẢ KẾT QUẢ'). */
  | { kind: 'text'; spans: Span[]; size: number; align: Align; balance?: boolean }
  /** A centred horizontal rule under the previous text line; width = fraction of that line ('text' = 1). */
  | { kind: 'rule'; width: number | 'text'; gapBefore?: number }
  /** min: the gap may shrink down to it to keep a block on the page (signature space). */
  | { kind: 'gap'; height: number; min?: number };

export interface Margins {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface TableColumn {
  header: string;
  /** pt, or 'fill' for the rest of the width. */
  width: number | 'fill';
  align: Align;
}

type Op = { kind: 'line'; line: Line; dy: number; align: Align } | { kind: 'rule'; dy: number; x0: number; x1: number };

export class Flow {
  y = 0;
  readonly pageWidth = 595.28;
  readonly pageHeight = 841.89;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly text: TextLayout,
    readonly margins: Margins,
  ) {}

  get left(): number {
    return this.margins.left;
  }
  get width(): number {
    return this.pageWidth - this.margins.left - this.margins.right;
  }
  get top(): number {
    return this.margins.top;
  }
  get bottom(): number {
    return this.pageHeight - this.margins.bottom;
  }
  /** Room left on the current page. */
  get room(): number {
    return this.bottom - this.y;
  }

  /** Page number inside the current part (one copy of a form). */
  private partPage = 0;

  /**
   * Start a new page. `newPart` starts a new copy of a form (numbered from 1 again).
   * ND 30/2020: page numbers centred in the top margin, none on the first page.
   */
  newPage(newPart = false): void {
    this.doc.addPage({ size: 'A4', margins: { top: 0, bottom: 0, left: 0, right: 0 } });
    this.y = this.top;
    this.partPage = newPart ? 1 : this.partPage + 1;
    if (this.partPage > 1) {
      const [line] = this.text.wrap([{ text: String(this.partPage) }], this.width, 13);
      this.text.drawLine(line, this.left, this.top / 2 - 6, this.width, 'center');
    }
  }

  /** Start a new page if h does not fit (unless already at the top of a page). */
  ensure(h: number): boolean {
    if (this.y + h > this.bottom + 0.01 && this.y > this.top + 0.01) {
      this.newPage();
      return true;
    }
    return false;
  }

  gap(h: number): void {
    // A gap at the bottom of a page does not carry over to the next one.
    this.y = Math.min(this.y + h, this.bottom);
  }

  paragraph(spans: Span[], opts: { size: number; align?: Align; after?: number; indent?: number }): void {
    const indent = opts.indent ?? 0;
    const width = this.width - indent;
    for (const line of this.text.wrap(spans, width, opts.size)) {
      const lh = line.size * LEADING;
      this.ensure(lh);
      this.text.drawLine(line, this.left + indent, this.y, width, opts.align ?? 'left');
      this.y += lh;
    }
    this.y += opts.after ?? 0;
  }

  private layoutColumn(blocks: Block[], width: number): { ops: Op[]; height: number } {
    const ops: Op[] = [];
    let dy = 0;
    let last: { width: number; align: Align } | null = null;
    for (const b of blocks) {
      if (b.kind === 'gap') dy += b.height;
      else if (b.kind === 'text') {
        const lines = b.balance ? this.balancedWrap(b.spans, width, b.size) : this.text.wrap(b.spans, width, b.size);
        for (const line of lines) {
          ops.push({ kind: 'line', line, dy, align: b.align });
          dy += line.size * LEADING;
        }
        last = { width: Math.max(0, ...lines.map((l) => l.width)), align: b.align };
      } else if (last) {
        // Relative to the widest line of the text above it (ND 30/2020: 1/3 to 1/2 of it).
        const w = last.width * (b.width === 'text' ? 1 : b.width);
        const x0 = last.align === 'left' || last.align === 'justify' ? 0 : last.align === 'right' ? width - w : (width - w) / 2;
        dy += b.gapBefore ?? 0;
        ops.push({ kind: 'rule', dy, x0, x1: x0 + w });
        dy += 1;
      }
    }
    return { ops, height: dy };
  }

  /** Wrap to the narrowest width that keeps the same number of lines. */
  private balancedWrap(spans: Span[], width: number, size: number): Line[] {
    const lines = this.text.wrap(spans, width, size);
    if (lines.length < 2 || lines.length > 4) return lines;
    let lo = width / lines.length;
    let hi = width;
    let best = lines;
    for (let i = 0; i < 12 && hi - lo > 1; i++) {
      const mid = (lo + hi) / 2;
      const trial = this.text.wrap(spans, mid, size);
      if (trial.length <= lines.length && trial.every((l) => l.width <= mid + 0.01)) {
        best = trial;
        hi = mid;
      } else lo = mid;
    }
    return best;
  }

  private drawOp(op: Op, x: number, y: number, width: number): void {
    if (op.kind === 'line') this.text.drawLine(op.line, x, y, width, op.align);
    else
      this.doc
        .moveTo(x + op.x0, y)
        .lineTo(x + op.x1, y)
        .lineWidth(0.6)
        .stroke();
  }

  /**
   * Columns side by side, top-aligned (header, signatures). Fractions of the text width.
   * A block taller than the room left moves to a new page; one taller than a whole page
   * (absurdly long data) is printed column after column, flowing over pages.
   */
  columns(cols: Block[][], fractions: number[], opts: { keepTogether?: boolean } = {}): void {
    const total = fractions.reduce((s, f) => s + f, 0);
    const lay = (shrink: number) => {
      let x = this.left;
      return cols.map((blocks, i) => {
        const width = (this.width * fractions[i]) / total;
        // Flexible gaps give up to `shrink` points in total, each down to its minimum.
        let left = shrink;
        const shrunk = blocks.map((b) => {
          if (b.kind !== 'gap' || b.min === undefined || left <= 0) return b;
          const cut = Math.min(left, b.height - b.min);
          left -= cut;
          return { ...b, height: b.height - cut };
        });
        const col = { x, width, ...this.layoutColumn(shrunk, width) };
        x += width;
        return col;
      });
    };
    let laid = lay(0);
    let height = Math.max(0, ...laid.map((c) => c.height));
    if (height > this.room && this.y > this.top) {
      const squeezed = lay(height - this.room);
      const h = Math.max(0, ...squeezed.map((c) => c.height));
      if (h <= this.room + 0.01) {
        laid = squeezed;
        height = h;
      }
    }
    const pageRoom = this.bottom - this.top;
    if (height > this.room && (opts.keepTogether || height <= pageRoom)) this.ensure(height);
    if (height <= this.room + 0.01) {
      for (const c of laid) for (const op of c.ops) this.drawOp(op, c.x, this.y + op.dy, c.width);
      this.y += height;
      return;
    }
    // Too tall for a page: each column in turn, full width of its own column, flowing.
    for (const c of laid) {
      let prev = 0;
      for (const op of c.ops) {
        const step = op.dy - prev;
        prev = op.dy;
        this.y += step;
        const h = op.kind === 'line' ? op.line.size * LEADING : 1;
        if (this.ensure(h)) prev = op.dy; // continue at the top of the new page
        this.drawOp(op, c.x, this.y, c.width);
      }
      const lastOp = c.ops[c.ops.length - 1];
      if (lastOp?.kind === 'line') this.y += lastOp.line.size * LEADING;
    }
  }

  /**
   * A ruled table with a bold header row repeated on every page it spans. Rows that do not
   * fit move to the next page; a row taller than a page is split between lines.
   */
  table(columns: TableColumn[], rows: string[][], size: number): void {
    const padX = 3;
    const padY = 2;
    const lh = size * 1.15;
    const fixed = columns.reduce((s, c) => s + (c.width === 'fill' ? 0 : c.width), 0);
    const fills = columns.filter((c) => c.width === 'fill').length || 1;
    const widths = columns.map((c) => (c.width === 'fill' ? Math.max(40, (this.width - fixed) / fills) : c.width));
    const xs: number[] = [];
    widths.reduce((x, w) => (xs.push(x), x + w), this.left);

    const wrapRow = (cells: string[], style: 'regular' | 'bold') => cells.map((t, i) => this.text.wrap([{ text: t, style }], widths[i] - 2 * padX, size));
    const header = wrapRow(
      columns.map((c) => c.header),
      'bold',
    );
    const headerHeight = Math.max(...header.map((l) => l.length)) * lh + 2 * padY;

    const drawCells = (lines: Line[][], aligns: Align[], height: number) => {
      const top = this.y;
      this.doc.lineWidth(0.5);
      lines.forEach((cell, i) => {
        this.doc.rect(xs[i], top, widths[i], height).stroke();
        cell.forEach((line, k) => this.text.drawLine(line, xs[i] + padX, top + padY + k * lh, widths[i] - 2 * padX, aligns[i]));
      });
      this.y = top + height;
    };
    const drawHeader = () =>
      drawCells(
        header,
        columns.map(() => 'center'),
        headerHeight,
      );

    // Keep the header with at least the first row.
    const firstRow = rows.length ? wrapRow(rows[0], 'regular') : [];
    const firstHeight = firstRow.length ? Math.min(3, Math.max(...firstRow.map((l) => l.length))) * lh + 2 * padY : 0;
    this.ensure(headerHeight + firstHeight);
    drawHeader();

    const aligns = columns.map((c) => c.align);
    rows.forEach((row, r) => {
      let remaining = r === 0 ? firstRow : wrapRow(row, 'regular');
      const fullHeight = Math.max(1, ...remaining.map((l) => l.length)) * lh + 2 * padY;
      if (fullHeight > this.room && fullHeight <= this.bottom - this.top - headerHeight) {
        this.newPage();
        drawHeader();
      }
      while (remaining.some((l) => l.length)) {
        let fit = Math.floor((this.room - 2 * padY) / lh);
        if (fit < 1) {
          this.newPage();
          drawHeader();
          fit = Math.floor((this.room - 2 * padY) / lh);
        }
        const n = Math.min(fit, Math.max(...remaining.map((l) => l.length)));
        drawCells(
          remaining.map((l) => l.slice(0, n)),
          aligns,
          n * lh + 2 * padY,
        );
        remaining = remaining.map((l) => l.slice(n));
        if (remaining.some((l) => l.length)) {
          this.newPage();
          drawHeader();
        }
      }
    });
  }
}
