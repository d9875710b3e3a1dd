// The unit's settings (set on first run), one JSON row in the settings table.
import type { UnitSettings } from '../../shared/domain/types';
import type { Db } from './db/database';
import { AppError } from './errors';

const UNIT_KEY = 'unit';

export class SettingsStore {
  private cached: UnitSettings | null | undefined;
  private readonly getStmt;
  private readonly putStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare('SELECT value FROM settings WHERE key = ?').pluck();
    this.putStmt = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  get(): UnitSettings | null {
    if (this.cached === undefined) {
      const raw = this.getStmt.get(UNIT_KEY) as string | undefined;
      this.cached = raw ? (JSON.parse(raw) as UnitSettings) : null;
    }
    return this.cached;
  }

  /** The settings, or the clerk-facing refusal when first-run setup has not been done. */
  require(): UnitSettings {
    const s = this.get();
    if (!s) {
      throw new AppError('conflict', 'Chưa thiết lập thông tin đơn vị (mã định danh, tên đơn vị, cán bộ tiếp nhận). Hãy vào mục Thiết lập trước khi tiếp nhận hồ sơ.');
    }
    return s;
  }

  save(s: UnitSettings): UnitSettings {
    this.putStmt.run(UNIT_KEY, JSON.stringify(s));
    this.cached = s;
    return s;
  }

  getValue(key: string): string | null {
    return (this.getStmt.get(key) as string | undefined) ?? null;
  }

  setValue(key: string, value: string): void {
    this.putStmt.run(key, value);
  }
}
