// The Electron main process: a thin shell. All logic lives in services that run under
// plain Node (electron/services); this file only creates the hardened window, wires the
// contract to Electron IPC, and checks for updates.
import { app, BrowserWindow, ipcMain, protocol, session, shell, dialog, type WebContents } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { dispatch } from './ipc/dispatch';
import { defaultDataDir } from './paths';
import { RENDERER_CSP } from './transport/loopback';
import { PUSH_CHANNEL } from '../shared/ipc/push';
import { APP_INDEX_URL, handleAppProtocol, registerAppScheme } from './appProtocol';
import { allowPermissionCheck, allowPermissionRequest, devToolsAllowed, externalLinkAllowed } from './shell/policy';

const here = path.dirname(fileURLToPath(import.meta.url));
const IPC_CALL = 'motcua:call';
const rendererDir = path.join(here, '..', 'renderer');
const rendererUrl = APP_INDEX_URL; // served by appProtocol.ts, not file://

// One instance per data folder: two windows writing the same counter would confuse the clerk.
if (!app.requestSingleInstanceLock()) app.quit();

app.setPath('userData', defaultDataDir());
app.enableSandbox();
registerAppScheme(protocol);

/** The Electron build of better-sqlite3 (built by scripts/native-electron.mjs), kept apart from the Node build the tests use. */
function nativeBinding(): string | undefined {
  const candidates = [path.join(process.resourcesPath ?? '', 'native', 'better_sqlite3.node'), path.join(here, '..', '..', 'build', 'native-electron', 'better_sqlite3.node')];
  return candidates.find((p) => existsSync(p));
}

/** Only our own top frame may call (VS Code's validatedIpcMain does the same). */
function trustedSender(sender: WebContents, frameUrl: string | undefined): boolean {
  return sender.getType() === 'window' && frameUrl === rendererUrl;
}

/** The enrolled hub's address (set once the services are open): links and the update feed. */
let hubUrlForUpdates: () => string | undefined = () => undefined;

async function createWindow() {
  const { openAppServices } = await import('./services/app');
  let services: ReturnType<typeof openAppServices>;
  try {
    services = openAppServices({ dataDir: app.getPath('userData'), appVersion: app.getVersion(), nativeBinding: nativeBinding(), autoSync: true });
  } catch (e) {
    dialog.showErrorBox('Không mở được dữ liệu', e instanceof Error ? e.message : String(e));
    app.quit();
    return;
  }
  app.on('will-quit', () => services.close());
  hubUrlForUpdates = () => services.sync.identity()?.hubUrl;

  ipcMain.handle(IPC_CALL, (event, channel: unknown, input: unknown) => {
    if (!event.senderFrame || !trustedSender(event.sender, event.senderFrame.url.split('#')[0])) {
      return { ok: false, error: { code: 'invalid', message: 'Yêu cầu không hợp lệ.' } };
    }
    return dispatch(services.handlers, channel, input);
  });

  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    minWidth: 1024,
    minHeight: 640,
    title: 'Một cửa xã',
    show: false,
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      plugins: true, // Chromium's built-in PDF viewer shows the printed forms.
      devTools: devToolsAllowed(app.isPackaged),
    },
  });
  win.removeMenu();
  services.changes.on((e) => !win.isDestroyed() && win.webContents.send(PUSH_CHANNEL, e)); // the push channel (shared/ipc/push.ts)
  // Closing with changes the province does not have yet: a last sync, then a warning, never a
  // silent loss (the decision is services/sync/closing.ts).
  const { decideOnClose } = await import('./services/sync/closing');
  let closeAllowed = false;
  win.on('close', (e) => {
    if (closeAllowed) return;
    e.preventDefault();
    void (async () => {
      let d = decideOnClose(services.sync.closeFacts(), false);
      if (d.action === 'sync-first') {
        await services.sync.trySyncFor(d.timeoutMs);
        d = decideOnClose(services.sync.closeFacts(), true);
      }
      if (d.action === 'ask') {
        const r = await dialog.showMessageBox(win, { type: 'warning', title: d.title, message: d.message, detail: d.detail, buttons: d.buttons, defaultId: 1, cancelId: 1, noLink: true });
        if (r.response !== 0) return;
      }
      closeAllowed = true;
      win.close();
    })();
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (e, url) => {
    if (url.split('#')[0] !== rendererUrl) e.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    // No remote content inside the app; a link to the province hub opens in the system browser.
    const hubUrl = services.sync.identity()?.hubUrl;
    if (externalLinkAllowed(url, hubUrl ? [hubUrl] : [])) void shell.openExternal(url);
    return { action: 'deny' };
  });
  await win.loadURL(rendererUrl);
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

app.whenReady().then(async () => {
  // No remote content: everything but our own files and blob:/data: is refused.
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    // (Requests of the main process itself, such as the updater's, carry no webContentsId.)
    const fromPage = details.webContentsId !== undefined;
    const ok = /^(app|blob|data|devtools|chrome-extension):/.test(details.url);
    callback({ cancel: fromPage && !ok });
  });
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
  });
  // The document camera (video only, from our own page); nothing else (shell/policy.ts).
  const isAppUrl = (u: string) => u.split('#')[0] === rendererUrl;
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(allowPermissionRequest(permission, details as Parameters<typeof allowPermissionRequest>[1], isAppUrl));
  });
  handleAppProtocol(protocol, rendererDir, RENDERER_CSP);
  session.defaultSession.setPermissionCheckHandler((_wc, permission, _origin, details) => allowPermissionCheck(permission, details, isAppUrl));
  await createWindow();
  if (app.isPackaged) {
    // Updates come from the province's server when there is a connection; offline, nothing happens.
    // The enrolled province hub serves the feed (shell/updates.ts); a downloaded update is
    // installed only when the app closes (autoInstallOnAppQuit), never mid-intake.
    import('electron-updater')
      .then(async ({ autoUpdater }) => {
        const { updateFeedUrl } = await import('./shell/updates');
        const feed = updateFeedUrl(hubUrlForUpdates(), process.platform);
        if (feed) autoUpdater.setFeedURL({ provider: 'generic', url: feed });
        autoUpdater.autoInstallOnAppQuit = true;
        return autoUpdater.checkForUpdatesAndNotify();
      })
      .catch((e) => console.warn('[update] không kiểm tra được bản cập nhật:', e?.message ?? e));
  }
});

app.on('window-all-closed', () => app.quit());
