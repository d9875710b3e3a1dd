// Bulk seeding (the 1M-dossier benchmark's path) on an empty database: more dossiers than
// FTS5's 2,000-segment limit would allow if every dossier's search entry became its own
// segment (it did once the dossier insert got a trigger: SQLITE_FULL after ~4,000 rows).
import { afterAll, describe, expect, it } from 'vitest';
import { foldForSearch } from '../../shared/domain/text';
import { openConfiguredApp, removeTempDirs } from '../electron/helpers/services';

afterAll(removeTempDirs);

describe('seedDemo on an empty database', () => {
  it('loads 6,000 dossiers in one batch, every one findable by its folded applicant name', async () => {
    const app = await openConfiguredApp();
    try {
      app.services.seedDemo(6000, { seed: 11 });
      const db = app.services.db;
      expect(db.prepare('SELECT count(*) FROM dossiers').pluck().get()).toBe(6000);
      // The search entries went in as a few segments, not one per dossier.
      expect(db.prepare('SELECT count(*) FROM dossier_fts_data').pluck().get() as number).toBeLessThan(2000);
      const last = db.prepare('SELECT applicant_name AS name, code FROM dossiers ORDER BY id DESC LIMIT 1').get() as { name: string; code: string };
      const page = await app.call('dossiers.list', { query: foldForSearch(last.name), limit: 200 });
      expect(page.items.map((d) => d.code)).toContain(last.code);
    } finally {
      app.close();
    }
  });
});
