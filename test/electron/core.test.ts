// The one dossier core, as the code shows it (issue 8): only the projector's repository writes
// the dossiers table, and a fresh database has no trigger that writes the outbox.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { openConfiguredApp, receiveInput, removeTempDirs } from './helpers/services';
import { DOSSIER_COLUMNS } from '../../electron/services/dossier/repo';
import { CLERK_EDITABLE_FIELDS, DOSSIER_FIELDS, FIELD_COLUMNS, fieldValue } from '../../shared/domain/dossierFields';
import { EDITABLE_FIELDS } from '../../shared/sync/protocol';

afterAll(removeTempDirs);

const root = path.resolve(__dirname, '../..');

describe('one dossier core', () => {
  it('only the projector repository writes the dossiers table (the frozen migrations aside)', () => {
    const out = execFileSync('grep', ['-rlE', '(INSERT INTO|UPDATE|DELETE FROM) dossiers\\b', 'electron/'], { cwd: root, encoding: 'utf8' });
    const writers = out
      .trim()
      .split('\n')
      .filter((f) => f !== 'electron/services/db/migrations.ts');
    expect(writers).toEqual(['electron/services/dossier/repo.ts']);
  });

  it('every column of the dossiers row is a system column or a described field, mapped both ways', async () => {
    const app = await openConfiguredApp();
    try {
      const columns = (app.services.db.prepare('PRAGMA table_info(dossiers)').all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'id' && c !== 'uid');
      expect(DOSSIER_COLUMNS.map(([c]) => c).sort()).toEqual(columns.sort());
      // Each described field with a column round-trips through the row: receive, read back.
      const d = await app.call('dossiers.receive', receiveInput({ note: 'Ghi chú thử', copies: 3, resultDelivery: 'post' }));
      const read = (await app.call('dossiers.get', { id: d.id })).dossier;
      for (const [path] of FIELD_COLUMNS) expect(fieldValue(read, path), path).toEqual(fieldValue(d, path));
      expect(read).toMatchObject({ note: 'Ghi chú thử', copies: 3, resultDelivery: 'post' });
      // The wire's editable fields and the edit form's are the described ones.
      expect(Object.keys(EDITABLE_FIELDS)).toEqual(Object.keys(DOSSIER_FIELDS));
      expect(CLERK_EDITABLE_FIELDS).toEqual(
        Object.entries(DOSSIER_FIELDS)
          .filter(([, f]) => f.editable === 'clerk')
          .map(([p]) => p),
      );
    } finally {
      app.close();
    }
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
