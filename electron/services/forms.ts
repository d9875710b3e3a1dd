// forms.render: builds the form request from stored data, renders the PDF, keeps a copy
// under dataDir/forms/ (what was handed to the citizen can be shown later) and records a
// 'form_printed' event on the dossier.
import fs from 'node:fs';
import path from 'node:path';
import type { HandlerInput, RenderedForm } from '../../shared/ipc/contract';
import { renderForm, type FormRequest } from './forms/pdf';
import { AppError } from './errors';
import type { SettingsStore } from './settings';
import type { DossierService } from './dossiers';
import type { GuidanceService } from './guidance';
import type { FileTokens } from './files';

const LABELS = { mau01: 'Mẫu 01', mau02: 'Mẫu 02', mau03: 'Mẫu 03' } as const;

export class FormService {
  constructor(
    private readonly dataDir: string,
    private readonly settings: SettingsStore,
    private readonly dossiers: DossierService,
    private readonly guidance: GuidanceService,
    private readonly files: FileTokens,
  ) {}

  async render(input: HandlerInput<'forms.render'>): Promise<RenderedForm> {
    const settings = this.settings.require();
    let req: FormRequest;
    let fileName: string;
    if (input.kind === 'mau02') {
      const slip = this.guidance.get(input.id);
      req = { kind: 'mau02', settings, slip };
      fileName = `mau02-${slip.year}-${String(slip.number).padStart(4, '0')}.pdf`;
    } else {
      const dossier = this.dossiers.getDossier(input.id);
      if (input.kind === 'mau03' && dossier.status !== 3) {
        throw new AppError('conflict', 'Phiếu từ chối (Mẫu 03) chỉ in được cho hồ sơ không được tiếp nhận.');
      }
      if (input.kind === 'mau01' && dossier.status === 3) {
        throw new AppError('conflict', 'Hồ sơ không được tiếp nhận: in Phiếu từ chối (Mẫu 03), không in Giấy tiếp nhận.');
      }
      req = { kind: input.kind, settings, dossier } as FormRequest;
      fileName = `${input.kind}-${dossier.code.replace(/[^0-9A-Za-z.-]/g, '_')}.pdf`;
    }
    const pdf = await renderForm(req);
    const dir = path.join(this.dataDir, 'forms');
    fs.mkdirSync(dir, { recursive: true });
    // Write then rename: a crash never leaves a half-written PDF under the final name.
    const target = path.join(dir, fileName);
    fs.writeFileSync(target + '.tmp', pdf);
    fs.renameSync(target + '.tmp', target);
    if (input.kind !== 'mau02') this.dossiers.recordPrinted(input.id, `${LABELS[input.kind]}: ${fileName}`);
    // By URL, not base64 in the answer (files.ts); a slip of guidance belongs to no dossier.
    const url = this.files.issue({ mime: 'application/pdf', body: pdf, dossierId: input.kind === 'mau02' ? `mau02:${input.id}` : input.id });
    return { kind: input.kind, fileName, url };
  }
}
