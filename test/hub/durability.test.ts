// Issue 13 §8: the embedded PGlite flushes what it acknowledges, like a server PostgreSQL
// (PGlite's own defaults start it with fsync off). The kill test is test/hub/uploadCrash.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb } from '../../server/db';

describe('PGlite durability', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-durable-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs with fsync and synchronous_commit on, in a data folder', async () => {
    for (const dataDir of [path.join(dir, 'db')]) {
      const db = await openDb({ dataDir });
      try {
        const r = await db.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes') ORDER BY name");
        expect(r.rows).toEqual([
          { name: 'fsync', setting: 'on' },
          { name: 'full_page_writes', setting: 'on' },
          { name: 'synchronous_commit', setting: 'on' },
        ]);
      } finally {
        await db.close();
      }
    }
  });
});
