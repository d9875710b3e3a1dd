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
import { DossierService, unitCalendar } from './dossiers';
import { DossierProjector, localIdentity, reprojectIfNeeded } from './dossier/projector';
import { GuidanceService } from './guidance';
import { FormService } from './forms';
import { exportDossiers } from './export';
import { seedDemoDossiers, type SeedOptions } from './seed/seed';
import { PageStore, type PagesContext } from './pages/index';
import { OcrQueue, type OcrEngine } from './pages/ocrQueue';
import { pageHandlers } from './pages/handlers';
import { Changes, emittingHandlers } from './changes';
import { PageImports } from './pages/importJob';
import { addPages, requireComponent, requireDossier } from './pages/index';
import { CaptureService, type CaptureOptions } from './scanner/index';
import { captureHandlers } from './scanner/handlers';
import { SyncEngine, type SyncEngineOptions } from './sync/engine';
import { FileTokens } from './files';

export const DB_FILE_NAME = 'motcua.sqlite';

export interface AppServicesOptions {
  dataDir: string;
  /** Page images and PDFs by URL (files.ts); Electron makes it first, to serve app://motcua/files/. */
  files?: FileTokens;
  now?: () => EpochMs;
  appVersion?: string;
  /** The Electron build of better-sqlite3 (see electron/main.ts). */
  nativeBinding?: string;
  /** Integrity check on open (default 'auto'); see openDatabase. */
  check?: 'quick' | 'header' | 'auto';
  /** OCR pool slots (default 2, one per core). */
  ocrWorkers?: number;
  /** Replaces the tesseract pool (tests). */
  ocrEngine?: (size: number) => Promise<OcrEngine>;
  /** Capture: the scanner driver (default by platform) and the scan folder's poll timing (tests). */
  capture?: Pick<CaptureOptions, 'driver' | 'scanFolder'>;
  /** Sync with the province hub: start the automatic mode (the Electron app; not the CLI or tests). */
  autoSync?: boolean;
  /** Sync engine overrides (tests, bench): HTTP client options, upload concurrency. */
  sync?: Pick<SyncEngineOptions, 'client' | 'uploadConcurrency' | 'periodMs'>;
}

export interface AppServices {
  handlers: Handlers;
  db: Db;
  close(): void;
  seedDemo(count: number, opts?: SeedOptions): { count: number; seconds: number };
  exportDossiers(opts?: { from?: string; to?: string }): Iterable<object>;
  /** Digitised pages: pass to addPages (pages/index.ts) from capture services and tools. */
  pages: PagesContext;
  /** The persisted OCR queue (pages/ocrQueue.ts). */
  ocr: OcrQueue;
  /** Scanners, the watched scan folder and its inbox (scanner/index.ts). */
  capture: CaptureService;
  /** close() and wait for the OCR workers to end. */
  closeAsync(): Promise<void>;
  /** Sync with the province hub (sync/engine.ts). */
  sync: SyncEngine;
  /** The one dossier projector (dossier/projector.ts). */
  projector: DossierProjector;
  /** What changed, for the push channel of the transports (changes.ts). */
  changes: Changes;
  /** The files the calls handed out by URL (files.ts). */
  files: FileTokens;
}

/** The dossier projector of a connection, over the unit's settings and holiday table. */
export function projectorFor(db: Db, settings = new SettingsStore(db), holidays = new HolidayStore(db)): DossierProjector {
  return new DossierProjector({ db, calendar: () => unitCalendar(settings, holidays), identity: () => localIdentity(db, () => settings.get()?.unitCode ?? '') });
}

export function openAppServices(opts: AppServicesOptions): AppServices {
  const now = opts.now ?? Date.now;
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const db = openDatabase(path.join(opts.dataDir, DB_FILE_NAME), { nativeBinding: opts.nativeBinding, check: opts.check });
  try {
    const changes = new Changes();
    const files = opts.files ?? new FileTokens();
    const settings = new SettingsStore(db);
    const procedures = new ProcedureStore(db, now);
    procedures.importCatalogue();
    const citizens = new CitizenStore(db);
    const holidays = new HolidayStore(db);
    const projector = projectorFor(db, settings, holidays);
    reprojectIfNeeded(db, projector, now);
    const dossiers = new DossierService({ db, now, settings, procedures, holidays, citizens, projector });
    const guidance = new GuidanceService(db, now, settings, procedures);
    const forms = new FormService(opts.dataDir, settings, dossiers, guidance, files);
    const pageStore = new PageStore(opts.dataDir);
    const ocr = new OcrQueue({ db, store: pageStore, now, size: opts.ocrWorkers ?? 2, createEngine: opts.ocrEngine, changes });
    const pages: PagesContext = { db, dataDir: opts.dataDir, now, store: pageStore, projector, onQueued: () => ocr.kick() };
    const imports = new PageImports({ pages });
    const capture = new CaptureService({
      dataDir: opts.dataDir,
      db,
      now,
      addPages: (i) => addPages(pages, i),
      actor: () => settings.get()?.clerkName ?? '',
      checkTarget: (dossierId, componentId) => void requireComponent(db, requireDossier(db, dossierId).id, componentId),
      ...opts.capture,
    });

    const sync = new SyncEngine({ db, dataDir: opts.dataDir, now, settings, procedures, holidays, pages, projector, changes, ...opts.sync });

    const handlers: Handlers = emittingHandlers(changes, {
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
      'dossiers.editFields': (i) => dossiers.editFields(i),

      'guidance.create': (i) => guidance.create(i),
      'guidance.list': (i) => guidance.list(i.limit),

      'forms.render': (i) => forms.render(i),

      'holidays.list': (i) => holidays.list(i.year),
      'holidays.save': (i) => holidays.save(i),
      'holidays.delete': (i) => holidays.delete(i.date),

      ...pageHandlers({ pages, ocr, imports, files, actor: () => settings.get()?.clerkName ?? '' }),
      ...captureHandlers(capture),

      'sync.status': () => sync.status(),
      'sync.now': () => sync.syncNow(),
      'sync.enroll': (i) => sync.enroll(i),
      'sync.retryFailed': () => sync.retryFailed(),
      'sync.conflicts': () => sync.conflicts(),
      'sync.resolveConflict': (i) => sync.resolveConflict(i),
    });

    pageStore.sweepTemp();
    ocr.resume();
    if (opts.autoSync) sync.start();

    let closed = false;
    let ocrClosed: Promise<void> = Promise.resolve();
    const close = () => {
      if (closed) return;
      closed = true;
      sync.close();
      ocrClosed = ocr.close();
      imports.close();
      void capture.close();
      cancelIdleMaintenance(db);
      try {
        db.pragma('optimize');
      } catch {
        /* best effort */
      }
      db.close();
    };
    return {
      handlers,
      db,
      close,
      closeAsync: async () => {
        close();
        await ocrClosed;
      },
      pages,
      ocr,
      capture,
      sync,
      projector,
      changes,
      files,
      seedDemo: (count, seedOpts) => seedDemoDossiers({ db, now, settings, procedures, holidays, projector }, count, seedOpts),
      exportDossiers: (o) => exportDossiers(db, projector, { unitCode: settings.get()?.unitCode ?? '', unitName: settings.get()?.unitName ?? '' }, o),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
