// 'Chụp bằng camera': a document camera (or any webcam) as a page source. Live preview,
// a device picker, capture with the button, Space or Enter: the current frame is drawn
// to a canvas at the camera's full resolution, encoded as JPEG and stored with pages.add
// (source 'camera'). The stream is stopped when the dialog closes.
// Electron's permission handler allows 'media' (electron/main.ts); the CSP allows
// media-src blob: mediastream: (electron/transport/loopback.ts).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { ErrorBox } from '../components/Field';
import { Modal, announcePagesChanged } from './Modal';

const LAST_CAMERA = 'motcua.camera.last';

function cameraError(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'Ứng dụng chưa được phép dùng camera.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'Không tìm thấy camera. Kiểm tra camera tài liệu đã cắm vào máy.';
  if (name === 'NotReadableError' || name === 'AbortError') return 'Camera đang được chương trình khác sử dụng hoặc bị lỗi.';
  return 'Không mở được camera.';
}

function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

interface Shot {
  id: string;
  url: string;
  width: number;
  height: number;
}

export function CameraDialog({ dossierId, componentId, componentName, onClose }: { dossierId: string; componentId: string; componentName: string; onClose: () => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState<string>(() => localStorage.getItem(LAST_CAMERA) ?? '');
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [shots, setShots] = useState<Shot[]>([]);

  const stop = useCallback(() => {
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
  }, []);

  useEffect(() => {
    let cancelled = false;
    (async () => {
      setError(null);
      setSize(null);
      stop();
      if (!navigator.mediaDevices?.getUserMedia) {
        setError('Máy này không hỗ trợ camera trong ứng dụng.');
        return;
      }
      try {
        const stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { width: { ideal: 2560 }, height: { ideal: 1920 }, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) },
        });
        if (cancelled) {
          stream.getTracks().forEach((t) => t.stop());
          return;
        }
        streamRef.current = stream;
        const v = videoRef.current;
        if (v) {
          v.srcObject = stream;
          v.onloadedmetadata = () => setSize({ width: v.videoWidth, height: v.videoHeight });
          await v.play().catch(() => {});
        }
        // Labels are only available once permission was given.
        const all = await navigator.mediaDevices.enumerateDevices();
        if (!cancelled) setCameras(all.filter((d) => d.kind === 'videoinput'));
      } catch (e) {
        if (deviceId && !cancelled) {
          // The remembered camera is gone: fall back to the default one.
          localStorage.removeItem(LAST_CAMERA);
          setDeviceId('');
          return;
        }
        if (!cancelled) setError(cameraError(e));
      }
    })();
    return () => {
      cancelled = true;
      stop();
    };
  }, [deviceId, stop]);

  useEffect(() => () => shots.forEach((s) => URL.revokeObjectURL(s.url)), []); // eslint-disable-line react-hooks/exhaustive-deps

  async function capture() {
    const v = videoRef.current;
    if (busy || !v || !streamRef.current || v.videoWidth === 0) return;
    setBusy(true);
    setError(null);
    try {
      const canvas = document.createElement('canvas');
      canvas.width = v.videoWidth;
      canvas.height = v.videoHeight;
      const g = canvas.getContext('2d');
      if (!g) throw new Error('no 2d context');
      g.drawImage(v, 0, 0, canvas.width, canvas.height);
      const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
      if (!blob) throw new Error('no blob');
      const now = new Date();
      const stamp = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}-${String(now.getHours()).padStart(2, '0')}${String(now.getMinutes()).padStart(2, '0')}${String(now.getSeconds()).padStart(2, '0')}`;
      const r = await api['pages.add']({
        dossierId,
        componentId,
        source: 'camera',
        files: [{ name: `camera-${stamp}-${shots.length + 1}.jpg`, mime: 'image/jpeg', dataBase64: await blobToBase64(blob) }],
      });
      if (!r.ok) {
        setError(r.error.message);
        return;
      }
      setShots((s) => [...s, { id: r.value[0]?.id ?? String(s.length), url: URL.createObjectURL(blob), width: canvas.width, height: canvas.height }]);
      announcePagesChanged(dossierId, componentId);
    } catch {
      setError('Không chụp được ảnh từ camera; hãy thử lại.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal
      title={`Chụp bằng camera: ${componentName}`}
      onClose={() => {
        stop();
        onClose();
      }}
      testId="camera-dialog"
      wide
    >
      <div
        className="cap-camera"
        onKeyDown={(e) => {
          const tag = (e.target as HTMLElement).tagName;
          if ((e.key === ' ' || e.key === 'Enter') && tag !== 'SELECT' && tag !== 'BUTTON' && tag !== 'INPUT') {
            e.preventDefault();
            void capture();
          }
        }}
      >
        <div>
          <video ref={videoRef} className="cap-video" autoPlay playsInline muted data-testid="camera-video" tabIndex={0} aria-label="Hình camera" />
          <div className="cap-assign">
            <label htmlFor="camera-device">Camera</label>
            <select
              id="camera-device"
              data-testid="camera-device"
              value={deviceId}
              onChange={(e) => {
                localStorage.setItem(LAST_CAMERA, e.target.value);
                setDeviceId(e.target.value);
              }}
            >
              <option value="">Camera mặc định</option>
              {cameras.map((c, i) => (
                <option key={c.deviceId || i} value={c.deviceId}>
                  {c.label || `Camera ${i + 1}`}
                </option>
              ))}
            </select>
            <span className="muted small" data-testid="camera-size">
              {size ? `${size.width}×${size.height}` : 'Đang mở camera…'}
            </span>
          </div>
          <ErrorBox message={error} testId="camera-error" />
          <div className="actions">
            <button type="button" className="btn primary big" onClick={() => void capture()} aria-disabled={busy || !size} data-testid="camera-capture" data-autofocus autoFocus>
              {busy ? 'Đang lưu…' : 'Chụp trang'} <kbd>Space</kbd>
            </button>
          </div>
        </div>
        <div>
          <div className="small muted" data-testid="camera-count">
            Đã chụp {shots.length} trang
          </div>
          <div className="cap-shots">
            {shots.map((s, i) => (
              <img key={s.id} src={s.url} alt={`Trang ${i + 1} (${s.width}×${s.height})`} data-testid="camera-shot" />
            ))}
          </div>
        </div>
      </div>
    </Modal>
  );
}
