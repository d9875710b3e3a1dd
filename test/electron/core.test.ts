// The one dossier core, as the code shows it (issue 8): only the projector's repository writes
// the dossiers table, and a fresh database has no trigger that writes the outbox.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openConfiguredApp, removeTempDirs } from './helpers/services';

afterAll(removeTempDirs);

const root = path.resolve(__dirname, '../..');

describe('one dossier core', () => {
  it('only the projector repository writes the dossiers table (the frozen migrations aside)', () => {
    const out = execFileSync('grep', ['-rlE', '(INSERT INTO|UPDATE|DELETE FROM) dossiers\\b', 'electron/'], { cwd: root, encoding: 'utf8' });
    const writers = out.trim().split('\n').filter((f) => f !== 'electron/services/db/migrations.ts');
    expect(writers).toEqual(['electron/services/dossier/repo.ts']);
  });

  it('a fresh database has no trigger that writes the outbox', async () => {
    const app = await openConfiguredApp();
    try {
      const triggers = app.services.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all() as { name: string; sql: string }[];
      expect(triggers.filter((t) => /INSERT\s+INTO\s+outbox/i.test(t.sql)).map((t) => t.name)).toEqual([]);
      expect(triggers.length).toBeGreaterThan(0); // the uid default and the unsynced marker remain
    } finally {
      app.close();
    }
  });
});
