// The capture channels of the contract (shared/ipc/capture.ts) → CaptureService.
import type { Handlers } from '../../ipc/dispatch';
import type { captureCalls } from '../../../shared/ipc/capture';
import type { CaptureService } from './index';

export type CaptureChannel = keyof typeof captureCalls;

export function captureHandlers(capture: CaptureService): Pick<Handlers, CaptureChannel> {
  return {
    'scanner.list': () => capture.listScanners(),
    'scanner.scan': (i) => capture.startScan(i),
    'scanner.job': (i) => capture.jobs.get(i.jobId),
    'scanner.cancel': (i) => capture.jobs.cancel(i.jobId),
    'scanFolder.get': () => capture.scanFolderState(),
    'scanFolder.set': (i) => capture.setScanFolder(i.path),
    'inbox.list': () => capture.inboxList(),
    'inbox.assign': (i) => capture.inboxAssign(i),
    'inbox.discard': (i) => capture.inboxDiscard(i.items),
  };
}
