// A modal dialog for the capture tools: Escape closes it (and does not reach the screen
// behind, whose own Escape goes back to the list), Tab stays inside, focus returns to
// the button that opened it.
import { useEffect, useRef, type ReactNode } from 'react';
import './capture.css';

export function Modal({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId: string; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    // React has already focused an autoFocus child; otherwise the first control.
    const root = ref.current;
    if (root && !root.contains(document.activeElement)) {
      (root.querySelector<HTMLElement>('[data-autofocus]') ?? root.querySelector<HTMLElement>('.cap-modal-body select, .cap-modal-body input, .cap-modal-body button:not([disabled])'))?.focus();
    }
    return () => opener?.focus?.();
  }, []);
  return (
    <div className="cap-backdrop">
      <div
        ref={ref}
        className={`cap-modal${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            e.preventDefault();
            onClose();
          } else if (e.key === 'Tab' && ref.current) {
            const f = [...ref.current.querySelectorAll<HTMLElement>('button:not([disabled]), select:not([disabled]), input:not([disabled]), [tabindex="0"]')];
            if (f.length === 0) return;
            const i = f.indexOf(document.activeElement as HTMLElement);
            if (e.shiftKey && i <= 0) {
              e.preventDefault();
              f[f.length - 1].focus();
            } else if (!e.shiftKey && i === f.length - 1) {
              e.preventDefault();
              f[0].focus();
            }
          }
        }}
      >
        <div className="cap-modal-head">
          <h2>{title}</h2>
          <button type="button" className="btn small" onClick={onClose} data-testid={`${testId}-close`}>
            Đóng <kbd>Esc</kbd>
          </button>
        </div>
        <div className="cap-modal-body">{children}</div>
      </div>
    </div>
  );
}

/** Tells any page list on screen that a component has new pages (the page list listens). */
export function announcePagesChanged(dossierId: string, componentId: string) {
  window.dispatchEvent(new CustomEvent('motcua:pages-changed', { detail: { dossierId, componentId } }));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} MB`;
}
