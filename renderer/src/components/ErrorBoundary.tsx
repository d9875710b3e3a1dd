// Never a blank screen: a render error shows a Vietnamese message and a way back.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  onReset?: () => void;
}
interface State {
  error: Error | null;
}

export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('[renderer] lỗi giao diện:', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel error-panel" role="alert" data-testid="error-boundary">
        <h2>Màn hình gặp lỗi</h2>
        <p>Có lỗi trong chương trình khi hiển thị màn hình này. Dữ liệu đã lưu không bị ảnh hưởng; bản nháp tiếp nhận vẫn được giữ.</p>
        <p className="muted">Chi tiết: {this.state.error.message}</p>
        <div className="actions">
          <button
            type="button"
            className="btn primary"
            onClick={() => {
              this.setState({ error: null });
              this.props.onReset?.();
            }}
          >
            Thử lại
          </button>
          <button type="button" className="btn" onClick={() => window.location.reload()}>
            Tải lại ứng dụng
          </button>
        </div>
      </div>
    );
  }
}
