// Test and bench helpers: build protocol events the way a device's outbox will.
import { randomUUID } from 'node:crypto';
import type { EditableField, ReceivedBody, StatusChangedBody, SyncEvent } from '../../shared/sync/protocol';
import { sequenceForSlot } from '../../shared/sync/protocol';
import { formatDossierCode } from '../../shared/domain/dossierCode';
import type { DossierStatus } from '../../shared/domain/types';

export interface DeviceIdentity {
  deviceId: string;
  unitCode: string;
  slot: number;
  actor?: string;
}

/** One device's event maker: per-device seq from 1, UUID event ids, its own clock. */
export class EventMaker {
  seq = 0;
  dailyN = 0;
  constructor(
    readonly id: DeviceIdentity,
    public clock: () => number = () => Date.now(),
  ) {}

  private env(dossierId: string, at?: number) {
    return {
      eventId: randomUUID(),
      deviceId: this.id.deviceId,
      unitCode: this.id.unitCode,
      dossierId,
      seq: ++this.seq,
      at: at ?? this.clock(),
      actor: this.id.actor ?? 'Nguyễn Thị Lan',
    };
  }

  nextCode(receivedAt: number): string {
    return formatDossierCode(this.id.unitCode, receivedAt, sequenceForSlot(this.id.slot, ++this.dailyN));
  }

  received(dossierId: string = randomUUID(), over: Partial<ReceivedBody> = {}, at?: number): SyncEvent {
    const t = at ?? this.clock();
    const body: ReceivedBody = {
      code: this.nextCode(t),
      procedureCode: '1.001193',
      procedureName: 'Đăng ký khai sinh',
      fieldCode: 'G09-TP07',
      fieldName: 'Hộ tịch',
      applicant: {
        fullName: 'Trần Văn Bình',
        idNumber: '096090001234',
        birthDate: '1990-05-12',
        address: 'Ấp 3, xã Định Mỹ, tỉnh An Giang',
        phone: '0912345678',
        email: 'binh@example.vn',
      },
      components: [
        { componentId: 'tokhai', name: 'Tờ khai đăng ký khai sinh', original: 1, certified: 0, photocopy: 0, received: true },
        { componentId: 'chungsinh', name: 'Giấy chứng sinh', original: 1, certified: 0, photocopy: 0, received: true },
      ],
      copies: 1,
      channel: 1,
      resultDelivery: 'counter',
      status: 2,
      receivedAt: t,
      appointmentAt: t + 4 * 3600_000,
      processingHours: 4,
      receivedBy: this.id.actor ?? 'Nguyễn Thị Lan',
      note: '',
      registerBook: 2026,
      registerNo: this.dailyN,
      ...over,
    };
    return { ...this.env(dossierId, t), type: 'dossier.received', body };
  }

  status(dossierId: string, from: DossierStatus, to: DossierStatus, note = '', at?: number, extra: Partial<StatusChangedBody> = {}): SyncEvent {
    return { ...this.env(dossierId, at), type: 'dossier.status_changed', body: { from, to, note, ...extra } };
  }

  edit(dossierId: string, path: EditableField, previous: unknown, value: unknown, at?: number): SyncEvent {
    return { ...this.env(dossierId, at), type: 'dossier.field_edited', body: { path, previous, value } };
  }

  file(dossierId: string, sha256: string, size: number, page = 1, componentId = 'tokhai', at?: number): SyncEvent {
    return { ...this.env(dossierId, at), type: 'dossier.file_attached', body: { sha256, size, mime: 'image/webp', componentId, page } };
  }

  resolve(dossierId: string, conflictIds: string[], note = 'Đã thống nhất', at?: number): SyncEvent {
    return { ...this.env(dossierId, at), type: 'dossier.conflict_resolved', body: { conflictIds, note } };
  }
}
