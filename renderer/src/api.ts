// The renderer's only way to the main process: the typed contract of shared/ipc.
// In Electron the preload exposes `window.motcua` (one method per call); in a plain
// browser (tests, or a machine without Electron) the same calls go over the loopback
// HTTP transport, authenticated by the per-launch secret passed in the URL fragment.
import type { Api, CallResult, Channel } from '../../shared/ipc/contract';
import { CHANNEL_NAMES as CHANNELS } from '../../shared/ipc/channels';
import { PUSH_PATH, isPushEvent, type PushEvent } from '../../shared/ipc/push';

export interface PushApi {
  subscribe(listener: (e: PushEvent) => void): () => void;
}

declare global {
  interface Window {
    motcua?: Api;
    motcuaPush?: PushApi;
  }
}

const TOKEN_KEY = 'motcua.loopbackToken';

function loopbackToken(): string {
  const m = /(?:^#|&)token=([0-9a-f]{16,128})/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    // Keep the secret out of the address bar and history.
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function createLoopbackApi(): Api {
  const token = loopbackToken();
  const api = {} as Record<Channel, (input: unknown) => Promise<CallResult<unknown>>>;
  for (const channel of CHANNELS) {
    api[channel] = async (input: unknown) => {
      try {
        const res = await fetch(`/rpc/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-motcua-token': token },
          body: JSON.stringify(input ?? {}),
        });
        return (await res.json()) as CallResult<unknown>;
      } catch {
        return { ok: false, error: { code: 'unavailable', message: 'Mất kết nối với tiến trình chính của ứng dụng. Hãy mở lại ứng dụng.' } };
      }
    };
  }
  return api as unknown as Api;
}

export const api: Api = window.motcua ?? createLoopbackApi();

/** The loopback push channel: server-sent events (EventSource reconnects by itself). */
function createLoopbackPush(): PushApi {
  return {
    subscribe(listener) {
      const source = new EventSource(`${PUSH_PATH}?token=${encodeURIComponent(loopbackToken())}`);
      source.addEventListener('change', (m) => {
        try {
          const e: unknown = JSON.parse((m as MessageEvent<string>).data);
          if (isPushEvent(e)) listener(e);
        } catch {
          /* not ours */
        }
      });
      return () => source.close();
    },
  };
}

/** What the main process pushes (sync, pulled changes, OCR and imports): Electron IPC or server-sent events. */
export const push: PushApi = window.motcuaPush ?? createLoopbackPush();
