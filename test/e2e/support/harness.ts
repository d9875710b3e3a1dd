// One end-to-end run: a temp data folder, the loopback app server on it, a fresh
// browser context at 1366×768, and numbered screenshots under
// test-artifacts/e2e/<test-name>/NN-<step>.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startLoopbackServer } from '../../../electron/transport/loopback';
import type { CallOutput, CallInput, CallResult, Channel } from '../../../shared/ipc/contract';
import { ensureRendererBuilt, ROOT } from './build';

export const VIEWPORT = { width: 1366, height: 768 };

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface Run {
  url: string;
  origin: string;
  dataDir: string;
  context: BrowserContext;
  page: Page;
  /** Dialogs (alert/confirm) the page opened: must stay empty unless a test expects one. */
  dialogs: string[];
  /** Uncaught page errors and console errors. */
  pageErrors: string[];
  /** Calls the contract over HTTP, as the renderer does (seeding, checks). */
  rpc<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallResult<CallOutput<C>>>;
  /** Like rpc, but returns the value or throws. */
  call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>>;
  /** The bytes of a file a call handed out by URL (/files/<token>), fetched from the loopback. */
  file(url: string): Promise<Buffer>;
  shot(step: string, page?: Page): Promise<string>;
  /** Opens another page in the same context, at the app's address. */
  openPage(): Promise<Page>;
  close(): Promise<void>;
}

function slug(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

export async function startRun(browser: Browser, testName: string, opts: { now?: () => number } = {}): Promise<Run> {
  const staticDir = await ensureRendererBuilt();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motcua-e2e-'));
  const server = await startLoopbackServer({ dataDir, staticDir, now: opts.now });
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  const artifacts = path.join(ROOT, 'test-artifacts', 'e2e', slug(testName));
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  let n = 0;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  const watch = (p: Page) => {
    p.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss();
    });
    p.on('pageerror', (e) => pageErrors.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`${m.text()} (${m.location().url})`);
    });
  };

  const openPage = async () => {
    const p = await context.newPage();
    watch(p);
    await p.goto(server.url);
    return p;
  };
  const page = await openPage();

  const rpc = async <C extends Channel>(channel: C, input: CallInput<C>) => {
    const res = await fetch(`${server.origin}/rpc/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-motcua-token': server.token },
      body: JSON.stringify(input),
    });
    return (await res.json()) as CallResult<CallOutput<C>>;
  };

  return {
    url: server.url,
    origin: server.origin,
    dataDir,
    context,
    page,
    dialogs,
    pageErrors,
    rpc,
    async call(channel, input) {
      const r = await rpc(channel, input);
      if (!r.ok) throw new Error(`${channel}: ${r.error.message} ${JSON.stringify(r.error.fields ?? {})}`);
      return r.value;
    },
    async file(url) {
      const res = await fetch(new URL(url, server.origin));
      if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async shot(step, p = page) {
      n++;
      const file = path.join(artifacts, `${String(n).padStart(2, '0')}-${slug(step)}.png`);
      await p.screenshot({ path: file });
      return file;
    },
    openPage,
    async close() {
      await context.close().catch(() => {});
      await server.close().catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The usual lifecycle of an end-to-end test file: one Chromium for the file, a fresh run
 * (data folder, server, browser context) per test, closed after each test even when it fails.
 * Call once at the top of the file; the returned function starts the current test's run.
 */
export function e2eRuns(): (testName: string, opts?: { now?: () => number }) => Promise<Run> {
  let browser: Browser | undefined;
  let current: Run | null = null;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
  return async (testName, opts) => {
    if (!browser) throw new Error('e2eRuns(): the browser is not started (call it at the top level of the test file)');
    current = await startRun(browser, testName, opts);
    return current;
  };
}
