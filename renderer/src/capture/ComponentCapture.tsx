// The capture buttons of one dossier component ('Quét', 'Chụp bằng camera') and their
// dialogs. Inserted in the dossier detail screen, one per component row.
import { useState } from 'react';
import { CameraDialog } from './CameraDialog';
import { ScanDialog } from './ScanDialog';

export function ComponentCapture({ dossierId, componentId, componentName }: { dossierId: string; componentId: string; componentName: string }) {
  const [open, setOpen] = useState<'scan' | 'camera' | null>(null);
  return (
    <span className="cap-buttons">
      <button type="button" className="btn small" onClick={() => setOpen('scan')} data-testid={`scan-open-${componentId}`} title="Quét từ máy quét vào thành phần này">
        Quét
      </button>
      <button type="button" className="btn small" onClick={() => setOpen('camera')} data-testid={`camera-open-${componentId}`} title="Chụp bằng camera tài liệu">
        Chụp bằng camera
      </button>
      {open === 'scan' && <ScanDialog dossierId={dossierId} componentId={componentId} componentName={componentName} onClose={() => setOpen(null)} />}
      {open === 'camera' && <CameraDialog dossierId={dossierId} componentId={componentId} componentName={componentName} onClose={() => setOpen(null)} />}
    </span>
  );
}
