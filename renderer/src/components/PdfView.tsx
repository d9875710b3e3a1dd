// Shows a rendered form (base64 PDF) in an <iframe> from a blob: URL, with a download link.
import { useEffect } from 'react';
import { pdfBlobUrl, useBlobUrl } from '../util';

export function PdfView({ base64, fileName, title }: { base64: string; fileName: string; title: string }) {
  const [url, setUrl] = useBlobUrl();
  useEffect(() => {
    setUrl(pdfBlobUrl(base64));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base64]);
  if (!url) return null;
  return (
    <div className="pdf-view">
      <div className="pdf-toolbar">
        <span className="pdf-title">{title}</span>
        <a className="btn" href={url} download={fileName} data-testid="pdf-download">
          Tải PDF
        </a>
      </div>
      <iframe className="pdf-frame" src={url} title={title} data-testid="pdf-frame" />
    </div>
  );
}
