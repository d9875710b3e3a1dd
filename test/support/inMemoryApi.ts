// The contract over an in-memory transport (STYLE.md: VS Code's ipc.test.ts): the same
// dispatch the Electron and loopback transports use, with a JSON round trip so that
// nothing passes that would not survive a real transport.
import { CHANNELS, type Api, type CallResult, type Channel } from '../../shared/ipc/contract';
import { dispatch, type Handlers } from '../../electron/ipc/dispatch';

export function inMemoryApi(handlers: Handlers): Api {
  const api = {} as Record<Channel, (input: unknown) => Promise<CallResult<unknown>>>;
  for (const channel of CHANNELS) {
    api[channel] = async (input: unknown) => {
      const r = await dispatch(handlers, channel, JSON.parse(JSON.stringify(input ?? {})));
      return JSON.parse(JSON.stringify(r));
    };
  }
  return api as unknown as Api;
}
