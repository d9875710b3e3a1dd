// The procedure catalogue (TTHC) of the unit: the built-in catalogue imported on open
// (and updated when the app brings a newer version) plus the unit's own edits, which a
// catalogue update never overwrites. The list is small (tens to a few hundred), so it is
// kept in memory for search.
import type { EpochMs, Procedure } from '../../shared/domain/types';
import { foldForSearch, searchTokens } from '../../shared/domain/text';
import { BUILTIN_CATALOGUE, type Catalogue } from '../../shared/data/catalogue/index';
import type { Db } from './db/database';
import { AppError } from './errors';

/** Procedure.source of a procedure the unit has edited. */
export const UNIT_EDIT_SOURCE = 'unit edit';

interface Row {
  code: string;
  data: string;
  name_folded: string;
  unit_edited: number;
  position: number;
}

interface Entry {
  procedure: Procedure;
  nameFolded: string;
  codeLower: string;
  position: number;
}

export class ProcedureStore {
  private entries: Map<string, Entry> | null = null;
  private readonly allStmt;
  private readonly upsertCatalogueStmt;
  private readonly saveStmt;
  private readonly maxPosStmt;

  constructor(
    private readonly db: Db,
    private readonly now: () => EpochMs,
  ) {
    this.allStmt = db.prepare('SELECT code, data, name_folded, unit_edited, position FROM procedures');
    // Unit edits are left alone: the WHERE of the upsert skips rows with unit_edited = 1.
    this.upsertCatalogueStmt = db.prepare(
      `INSERT INTO procedures (code, data, name_folded, active, unit_edited, position, updated_at)
       VALUES (@code, @data, @nameFolded, @active, 0, @position, @at)
       ON CONFLICT (code) DO UPDATE SET data = excluded.data, name_folded = excluded.name_folded,
         active = excluded.active, position = excluded.position, updated_at = excluded.updated_at
       WHERE procedures.unit_edited = 0`,
    );
    this.saveStmt = db.prepare(
      `INSERT INTO procedures (code, data, name_folded, active, unit_edited, position, updated_at)
       VALUES (@code, @data, @nameFolded, @active, 1, @position, @at)
       ON CONFLICT (code) DO UPDATE SET data = excluded.data, name_folded = excluded.name_folded,
         active = excluded.active, unit_edited = 1, updated_at = excluded.updated_at`,
    );
    this.maxPosStmt = db.prepare('SELECT coalesce(max(position), 0) FROM procedures').pluck();
  }

  /**
   * Imports a catalogue when it is newer than the one last imported with the same id.
   * Returns the number of procedures written (0 when already up to date).
   */
  importCatalogue(catalogue: Catalogue = BUILTIN_CATALOGUE): number {
    const key = `catalogue:${catalogue.id}`;
    const getVersion = this.db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    const setVersion = this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    let written = 0;
    this.db
      .transaction(() => {
        const stored = Number(getVersion.get(key) ?? 0);
        if (stored >= catalogue.version) return;
        const at = this.now();
        catalogue.procedures.forEach((p, i) => {
          const r = this.upsertCatalogueStmt.run({
            code: p.code,
            data: JSON.stringify(p),
            nameFolded: foldForSearch(p.name),
            active: p.active ? 1 : 0,
            position: i + 1,
            at,
          });
          written += r.changes;
        });
        setVersion.run(key, String(catalogue.version));
      })
      .immediate();
    this.entries = null;
    return written;
  }

  private load(): Map<string, Entry> {
    if (!this.entries) {
      const m = new Map<string, Entry>();
      for (const r of this.allStmt.all() as Row[]) {
        const procedure = JSON.parse(r.data) as Procedure;
        m.set(r.code, { procedure, nameFolded: r.name_folded, codeLower: r.code.toLowerCase(), position: r.position });
      }
      this.entries = m;
    }
    return this.entries;
  }

  find(code: string): Procedure | null {
    return this.load().get(code)?.procedure ?? null;
  }

  get(code: string): Procedure {
    const p = this.find(code);
    if (!p) throw new AppError('not_found', `Không tìm thấy thủ tục có mã ${code}.`);
    return p;
  }

  /** Whether the unit has edited the procedure (catalogue updates then leave it alone). */
  isUnitEdited(code: string): boolean {
    const v = this.db.prepare('SELECT unit_edited FROM procedures WHERE code = ?').pluck().get(code);
    return v === 1;
  }

  save(p: Procedure): Procedure {
    const saved: Procedure = { ...p, source: UNIT_EDIT_SOURCE };
    const existing = this.load().get(p.code);
    this.saveStmt.run({
      code: saved.code,
      data: JSON.stringify(saved),
      nameFolded: foldForSearch(saved.name),
      active: saved.active ? 1 : 0,
      position: existing?.position ?? (this.maxPosStmt.get() as number) + 1,
      at: this.now(),
    });
    this.entries = null;
    return saved;
  }

  /**
   * Diacritic-insensitive search over name and code. Ranking: exact code, code prefix,
   * name equal to the query, name containing the query as a phrase (earlier and shorter
   * names first), then names containing every word. An empty query lists all, in
   * catalogue order.
   */
  search(query: string, includeInactive = false): Procedure[] {
    const all = [...this.load().values()].filter((e) => includeInactive || e.procedure.active);
    const q = foldForSearch(query);
    if (!q) return all.sort((a, b) => a.position - b.position).map((e) => e.procedure);
    const tokens = searchTokens(query);
    const phrase = tokens.join(' ');
    const scored: { e: Entry; score: number }[] = [];
    for (const e of all) {
      let score = 0;
      const code = e.codeLower;
      const name = ` ${(e.nameFolded.match(/[\p{L}\p{N}]+/gu) ?? []).join(' ')} `;
      if (code === q) score = 1000;
      else if (code.startsWith(q)) score = 900;
      else if (phrase && name === ` ${phrase} `) score = 800;
      else if (phrase && name.includes(` ${phrase} `)) score = 700 - Math.min(name.indexOf(` ${phrase} `), 100);
      else if (phrase && name.includes(` ${phrase}`)) score = 500 - Math.min(name.indexOf(` ${phrase}`), 100);
      else if (tokens.length && tokens.every((t) => name.includes(` ${t}`) || code.includes(t))) score = 300;
      if (score > 0) scored.push({ e, score: score * 1000 - Math.min(e.nameFolded.length, 999) });
    }
    scored.sort((a, b) => b.score - a.score || a.e.position - b.e.position);
    return scored.map((s) => s.e.procedure);
  }
}
