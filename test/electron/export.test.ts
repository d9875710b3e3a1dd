// `export` reads in batches: the database stays usable while the caller awaits between items.
import { afterAll, describe, expect, it } from 'vitest';
import { openConfiguredApp, removeTempDirs } from './helpers/services';

afterAll(removeTempDirs);

describe('exportDossiers', () => {
  it('yields every dossier once, oldest first, while the same connection keeps serving calls', async () => {
    const app = await openConfiguredApp();
    try {
      app.services.seedDemo(2500, { seed: 3 });
      const codes: string[] = [];
      let previous = '';
      for (const d of app.services.exportDossiers() as Iterable<{ MaHoSo: string; NgayTiepNhan: string }>) {
        codes.push(d.MaHoSo);
        expect(d.NgayTiepNhan >= previous).toBe(true);
        previous = d.NgayTiepNhan;
        // What a file stream's back-pressure allows: other work on the connection between items.
        if (codes.length % 400 === 0) {
          await new Promise((r) => setTimeout(r, 0));
          const page = await app.call('dossiers.list', { limit: 5 });
          expect(page.items).toHaveLength(5);
          const { settings } = await app.call('app.info', {});
          await app.call('settings.save', settings!); // a write, as the idle maintenance does
        }
      }
      expect(codes).toHaveLength(2500);
      expect(new Set(codes).size).toBe(2500);
    } finally {
      app.close();
    }
  });

  it('keeps to the requested Vietnam days', async () => {
    const app = await openConfiguredApp();
    try {
      app.services.seedDemo(300, { seed: 4 });
      const all = [...app.services.exportDossiers()] as { NgayTiepNhan: string }[];
      const day = all[150].NgayTiepNhan.slice(0, 8);
      const iso = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
      const one = [...app.services.exportDossiers({ from: iso, to: iso })] as { NgayTiepNhan: string }[];
      expect(one.length).toBe(all.filter((d) => d.NgayTiepNhan.startsWith(day)).length);
      expect(one.every((d) => d.NgayTiepNhan.startsWith(day))).toBe(true);
    } finally {
      app.close();
    }
  });
});
