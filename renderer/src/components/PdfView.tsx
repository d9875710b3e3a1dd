// Shows a PDF (a rendered form, the searchable PDF) in an <iframe> from its URL (the main
// process serves it by a short-lived token at /files/<token>; the CSP frames that path only),
// with a download link.
export function PdfView({ url, fileName, title }: { url: string; fileName: string; title: string }) {
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
