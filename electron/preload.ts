// The preload: one method per contract call, nothing else. No raw ipcRenderer, no Node.
// Bundled to a single CommonJS file because the renderer is sandboxed.
import { contextBridge, ipcRenderer } from 'electron';
import { CHANNEL_NAMES as CHANNELS } from '../shared/ipc/channels';

export const IPC_CALL = 'motcua:call';

const api: Record<string, (input: unknown) => Promise<unknown>> = {};
for (const channel of CHANNELS) {
  api[channel] = (input: unknown) => ipcRenderer.invoke(IPC_CALL, channel, input);
}
contextBridge.exposeInMainWorld('motcua', Object.freeze(api));
