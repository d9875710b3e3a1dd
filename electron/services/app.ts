// The main-process services behind the IPC contract: opens (and migrates) the data file
// in dataDir and returns one handler per channel of shared/ipc/contract.ts. Independent
// of Electron: the Electron main process, the loopback HTTP transport, the CLI and the
// tests all call openAppServices.
import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../ipc/dispatch';
import type { EpochMs } from '../../shared/domain/types';
import { cancelIdleMaintenance, openDatabase, type Db } from './db/database';
import { SettingsStore } from './settings';
import { ProcedureStore } from './procedures';
import { CitizenStore } from './citizens';
import { HolidayStore } from './holidays';
import { DossierService } from './dossiers';
import { GuidanceService } from './guidance';
import { FormService } from './forms';
import { exportDossiers } from './export';
import { seedDemoDossiers, type SeedOptions } from './seed/seed';

export const DB_FILE_NAME = 'motcua.sqlite';

export interface AppServicesOptions {
  dataDir: string;
  now?: () => EpochMs;
  appVersion?: string;
  /** The Electron build of better-sqlite3 (see electron/main.ts). */
  nativeBinding?: string;
  /** Integrity check on open (default 'auto'); see openDatabase. */
  check?: 'quick' | 'header' | 'auto';
}

export interface AppServices {
  handlers: Handlers;
  db: Db;
  close(): void;
  seedDemo(count: number, opts?: SeedOptions): { count: number; seconds: number };
  exportDossiers(opts?: { from?: string; to?: string }): Iterable<object>;
}

export function openAppServices(opts: AppServicesOptions): AppServices {
  const now = opts.now ?? Date.now;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = openDatabase(path.join(opts.dataDir, DB_FILE_NAME), { nativeBinding: opts.nativeBinding, check: opts.check });
  try {
    const settings = new SettingsStore(db);
    const procedures = new ProcedureStore(db, now);
    procedures.importCatalogue();
    const citizens = new CitizenStore(db);
    const holidays = new HolidayStore(db);
    const dossiers = new DossierService({ db, now, settings, procedures, holidays, citizens });
    const guidance = new GuidanceService(db, now, settings, procedures);
    const forms = new FormService(opts.dataDir, settings, dossiers, guidance);

    const handlers: Handlers = {
      'app.info': () => ({ version: opts.appVersion ?? '0.0.0', dataDir: opts.dataDir, settings: settings.get(), now: now() }),
      'settings.save': (s) => settings.save(s),

      'procedures.search': (i) => procedures.search(i.query, i.includeInactive ?? false),
      'procedures.get': (i) => procedures.get(i.code),
      'procedures.save': (p) => procedures.save(p),

      'citizens.lookup': (i) => citizens.lookup(i.idNumber),

      'dossiers.previewAppointment': (i) => dossiers.previewAppointment(i),
      'dossiers.receive': (i) => dossiers.receive(i),
      'dossiers.refuse': (i) => dossiers.refuse(i),
      'dossiers.list': (i) => dossiers.list(i),
      'dossiers.get': (i) => dossiers.get(i.id),
      'dossiers.transition': (i) => dossiers.transition(i),

      'guidance.create': (i) => guidance.create(i),
      'guidance.list': (i) => guidance.list(i.limit),

      'forms.render': (i) => forms.render(i),

      'holidays.list': (i) => holidays.list(i.year),
      'holidays.save': (i) => holidays.save(i),
      'holidays.delete': (i) => holidays.delete(i.date),
    };

    let closed = false;
    return {
      handlers,
      db,
      close: () => {
        if (closed) return;
        closed = true;
        cancelIdleMaintenance(db);
        try {
          db.pragma('optimize');
        } catch {
          /* best effort */
        }
        db.close();
      },
      seedDemo: (count, seedOpts) => seedDemoDossiers({ db, now, settings, procedures, holidays, dossiers }, count, seedOpts),
      exportDossiers: (o) => exportDossiers(db, o),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
