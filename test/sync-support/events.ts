// Test and bench helpers: build protocol events the way a device's outbox will.
import { randomUUID } from 'node:crypto';
import type { DocumentReviewedBody, EditableField, ReceivedBody, StatusChangedBody, SyncEvent } from '../../shared/sync/protocol';
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

  /** Withdraws the page an attach event of the dossier put there. */
  removeFile(attached: SyncEvent, at?: number): SyncEvent {
    if (attached.type !== 'dossier.file_attached') throw new Error('removeFile needs a dossier.file_attached event');
    const { sha256, componentId, page } = attached.body;
    return { ...this.env(attached.dossierId, at), type: 'dossier.file_removed', body: { attachedEventId: attached.eventId, sha256, componentId, page } };
  }

  /** Puts the pages of a component in the order of `attached` (their attach events). */
  reorder(dossierId: string, componentId: string, attached: SyncEvent[], at?: number): SyncEvent {
    return { ...this.env(dossierId, at), type: 'dossier.pages_reordered', body: { componentId, order: attached.map((e) => e.eventId) } };
  }

  /** A review decision on a digitised paper (1 đã duyệt, 2 không duyệt with a reason). */
  reviewed(dossierId: string, componentId: string, state: 1 | 2, over: Partial<DocumentReviewedBody> = {}, at?: number): SyncEvent {
    const data = { soKyHieu: '', ngayBanHanh: '', coQuanBanHanh: '', nguoiKy: '', trichYeu: '', hieuLucDen: '', vinhVien: false };
    const body: DocumentReviewedBody = { componentId, state, reason: state === 2 ? 'Ảnh mờ' : '', data, reviewedBy: this.id.actor ?? 'Nguyễn Thị Lan', ...over };
    return { ...this.env(dossierId, at), type: 'dossier.document_reviewed', body };
  }

  resolve(dossierId: string, conflictIds: string[], note = 'Đã thống nhất', at?: number): SyncEvent {
    return { ...this.env(dossierId, at), type: 'dossier.conflict_resolved', body: { conflictIds, note } };
  }
}

/** Every ordering of `xs` (for "converges in every arrival order" tests). */
export function* permutations<T>(xs: T[]): Generator<T[]> {
  if (xs.length <= 1) {
    yield xs.slice();
    return;
  }
  for (let i = 0; i < xs.length; i++) {
    const rest = xs.slice(0, i).concat(xs.slice(i + 1));
    for (const p of permutations(rest)) yield [xs[i], ...p];
  }
}

/** Two clerks (slots 1 and 2) of one unit whose clocks tick a minute per event from `t0`. */
export function twoClerks(unitCode: string, t0: number): { a: EventMaker; b: EventMaker } {
  let ta = t0,
    tb = t0 + 500;
  const a = new EventMaker({ deviceId: 'dev-a', unitCode, slot: 1, actor: 'Clerk A' }, () => (ta += 60_000));
  const b = new EventMaker({ deviceId: 'dev-b', unitCode, slot: 2, actor: 'Clerk B' }, () => (tb += 60_000));
  return { a, b };
}
