// Migration 7 (pages of other PCs): an existing version-6 file keeps every page row, id and
// child row; pages.source takes 'sync'; such rows send nothing to the hub; foreign keys,
// indexes and the AUTOINCREMENT counter survive the remade table.
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../electron/services/db/database';
import { MIGRATIONS } from '../../electron/services/db/migrations';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pages-mig-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PAGE_COLUMNS = `dossier_id, component_id, position, sha256, mime, byte_size, width, height, dpi, source, file_name,
  compact_sha256, compact_size, thumb, created_at, digitised_by, digitised_at, reused_from_page_id, auto_rotation, skew_deg`;

describe('migration 7', () => {
  it('remakes pages with source "sync" allowed, keeping rows, ids, children and the outbox trigger for own pages', () => {
    const file = path.join(dir, 'v6.sqlite');
    const v6 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 6) });
    v6.prepare(
      `INSERT INTO dossiers (code, unit_code, procedure_code, procedure_name, field_code, field_name, applicant_name, id_number, birth_date,
         address, phone, email, copies, channel, result_delivery, status, received_at, received_by, note, reason, updated_at, register_book, register_no)
       VALUES ('U.1-260101-1001', 'U.1', 'p', 'P', 'f', 'F', 'A', '', '', '', '', '', 1, 1, 'counter', 2, 0, 'x', '', '', 0, 2026, 1)`,
    ).run();
    const pageInto = (d: typeof v6) => d.prepare(`INSERT INTO pages (${PAGE_COLUMNS}) VALUES (1, 'c', ?, ?, 'image/png', 10, 100, 200, 200, ?, '', ?, 5, ?, 1000, 'Lan', 1000, ?, 90, 0.5)`);
    let page = pageInto(v6);
    const h = (c: string) => c.repeat(64);
    page.run(1, h('a'), 'scanner', h('b'), h('c'), null);
    page.run(2, h('a'), 'reuse', h('b'), h('c'), 1);
    page.run(3, h('d'), 'file', h('e'), h('f'), null);
    v6.prepare("UPDATE sqlite_sequence SET seq = 40 WHERE name = 'pages'").run(); // the counter may be above max(id): it must not go back
    v6.prepare(`INSERT INTO ocr_jobs (page_id, dossier_id, state, queued_at) VALUES (1, 1, 'done', 0)`).run();
    v6.prepare(`INSERT INTO page_text (page_id, source, text, confidence, words, recognised_at) VALUES (2, 'ocr', 'chữ', 90, '[]', 0)`).run();
    const before = v6.prepare(`SELECT id, ${PAGE_COLUMNS}, rotation, deleted_at, review_state FROM pages ORDER BY id`).all();
    expect(v6.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(3);
    expect(() => v6.prepare(`INSERT INTO pages (${PAGE_COLUMNS}) VALUES (1, 'c', 4, ?, 'image/png', 1, 1, 1, 1, 'sync', '', ?, 1, ?, 0, 'x', 0, NULL, 0, 0)`).run(h('1'), h('1'), '')).toThrow(
      /CHECK/,
    );
    v6.close();

    const db = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 7) });
    page = pageInto(db);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare(`SELECT id, ${PAGE_COLUMNS}, rotation, deleted_at, review_state FROM pages ORDER BY id`).all()).toEqual(before);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    expect(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'pages'").pluck().get()).toBe(40);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'pages' AND sql IS NOT NULL ORDER BY name").pluck().all();
    expect(indexes).toEqual(['pages_component', 'pages_remote_event', 'pages_review_pending', 'pages_sha256']);
    // The children still point at their pages, and foreign keys still hold.
    expect(db.prepare('SELECT p.source FROM ocr_jobs j JOIN pages p ON p.id = j.page_id').pluck().all()).toEqual(['scanner']);
    expect(() => db.prepare(`INSERT INTO ocr_jobs (page_id, dossier_id, state, queued_at) VALUES (999, 1, 'queued', 0)`).run()).toThrow(/FOREIGN KEY/);

    // Another PC's page: allowed, and nothing goes to the outbox or the upload queue.
    const sync = db.prepare(`INSERT INTO pages (${PAGE_COLUMNS}, remote_event_id) VALUES (1, 'c', 4, ?, 'image/png', 1, 0, 0, NULL, 'sync', '', ?, 1, '', 0, 'x', 0, NULL, 0, 0, ?)`);
    expect(Number(sync.run(h('7'), h('7'), 'e1').lastInsertRowid)).toBe(41);
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(3);
    expect(db.prepare('SELECT count(*) FROM sync_files WHERE sha256 = ?').pluck().get(h('7'))).toBe(0);
    expect(() => sync.run(h('8'), h('8'), 'e1')).toThrow(/UNIQUE/);
    // This PC's own page still sends its attach event.
    page.run(5, h('9'), 'camera', h('9'), h('9'), null);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE type = 'dossier.file_attached'").pluck().get()).toBe(4);
    expect(() => page.run(6, h('9'), 'bogus', h('9'), h('9'), null)).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) FROM sync_downloads').pluck().get()).toBe(0);
    db.close();
  });

  it('migration 9: keeps each own page linked to the attach event the trigger wrote, drops the trigger, gives an old dossier a local log', () => {
    const file = path.join(dir, 'v6.sqlite'); // left at version 7 by the test above
    const v7 = openDatabase(file, { migrations: MIGRATIONS.filter((m) => m.version <= 7) });
    const events = v7
      .prepare(`SELECT event_id AS id, json_extract(body, '$.sha256') AS sha, json_extract(body, '$.page') AS page FROM outbox WHERE type = 'dossier.file_attached' ORDER BY outbox.id`)
      .all() as { id: string; sha: string; page: number }[];
    const own = v7.prepare("SELECT id, compact_sha256 AS sha, position FROM pages WHERE source <> 'sync' ORDER BY id").all() as { id: number; sha: string; position: number }[];
    expect(events).toHaveLength(own.length);
    v7.close();

    const db = openDatabase(file);
    // Rows alike in dossier, component, compact copy and time are paired in insertion order.
    const linked = db.prepare("SELECT id, event_id FROM pages WHERE source <> 'sync' ORDER BY id").all() as { id: number; event_id: string }[];
    expect(linked.map((r) => r.event_id)).toEqual(events.map((e) => e.id));
    expect(db.prepare("SELECT event_id FROM pages WHERE source = 'sync'").pluck().get()).toBe('e1');
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%INSERT INTO outbox%'").pluck().get()).toBe(0);
    const before = db.prepare('SELECT count(*) FROM outbox').pluck().get() as number;
    db.prepare(`INSERT INTO pages (${PAGE_COLUMNS}) VALUES (1, 'c', 7, ?, 'image/png', 10, 100, 200, 200, 'file', '', ?, 5, ?, 1000, 'Lan', 1000, NULL, 90, 0.5)`).run(
      'f'.repeat(64),
      'e'.repeat(64),
      'd'.repeat(64),
    );
    expect(db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(before);
    // The dossier received before sync: a receipt in its local log (never in the outbox).
    const log = db.prepare('SELECT type FROM sync_remote_events WHERE stream = (SELECT uid FROM dossiers WHERE id = 1)').pluck().all();
    expect(log).toEqual(['dossier.received']);
    expect(db.prepare("SELECT count(*) FROM outbox WHERE type = 'dossier.received'").pluck().get()).toBe(0);
    db.close();
  });
});
