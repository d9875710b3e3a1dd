// The preload: one method per contract call, and one typed subscribe for the push channel.
// Nothing else: no raw ipcRenderer, no Node. Bundled to a single CommonJS file because the
// renderer is sandboxed.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES as CHANNELS } from '../shared/ipc/channels';
import { PUSH_CHANNEL, isPushEvent, type PushEvent } from '../shared/ipc/push';

export const IPC_CALL = 'motcua:call';

const api: Record<string, (input: unknown) => Promise<unknown>> = {};
for (const channel of CHANNELS) {
  api[channel] = (input: unknown) => ipcRenderer.invoke(IPC_CALL, channel, input);
}
contextBridge.exposeInMainWorld('motcua', Object.freeze(api));

/** Calls listener with each change the main process pushes; returns the unsubscribe. */
function subscribe(listener: (e: PushEvent) => void): () => void {
  const h = (_e: IpcRendererEvent, payload: unknown) => {
    if (isPushEvent(payload)) listener({ kind: payload.kind });
  };
  ipcRenderer.on(PUSH_CHANNEL, h);
  return () => void ipcRenderer.removeListener(PUSH_CHANNEL, h);
}
contextBridge.exposeInMainWorld('motcuaPush', Object.freeze({ subscribe }));
