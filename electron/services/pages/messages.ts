// Every message the digitisation service shows the clerk, in one place (Vietnamese).
// Each refusal says what is wrong with which file and what to do; nothing was saved.
export const MAX_PDF_PAGES = 200;
export const MAX_TIFF_PAGES = 200;

export const NOTHING_SAVED = 'Chưa có trang nào được thêm vào hồ sơ.';
const nothingSaved = NOTHING_SAVED;
const named = (name: string) => (name ? `Tệp "${name}"` : 'Tệp');

export const PAGE_MESSAGES = {
  empty: (name: string) => `${named(name)} trống (0 byte). Hãy quét hoặc chọn lại tệp. ${nothingSaved}`,
  tooBig: (name: string, mb: number) => `${named(name)} lớn hơn ${mb} MB. Hãy quét ở 300 dpi hoặc chia nhỏ tệp. ${nothingSaved}`,
  notImage: (name: string) => `${named(name)} không phải ảnh quét hay PDF (chỉ nhận JPEG, PNG, TIFF, WebP hoặc PDF), dù tên tệp có đuôi ảnh. ${nothingSaved}`,
  corrupt: (name: string) => `${named(name)} bị hỏng hoặc chưa được lưu trọn vẹn (ảnh bị cắt cụt), không đọc được. Hãy quét hoặc chụp lại trang này. ${nothingSaved}`,
  tooManyPixels: (name: string, w: number, h: number, maxMp: number) =>
    `${named(name)}: ảnh quá lớn (${w}×${h} điểm ảnh, tối đa khoảng ${maxMp} triệu điểm ảnh). Hãy quét ở độ phân giải 300 dpi. ${nothingSaved}`,
  pdfTooManyPages: (name: string, n: number, max: number) =>
    `${named(name)} có ${n} trang, vượt giới hạn ${max} trang mỗi tệp PDF. Hãy tách tệp thành các phần không quá ${max} trang. ${nothingSaved}`,
  tiffTooManyPages: (name: string, n: number, max: number) => `${named(name)} có ${n} trang, vượt giới hạn ${max} trang mỗi tệp TIFF. ${nothingSaved}`,
  pdfEncrypted: (name: string) => `${named(name)} là PDF được đặt mật khẩu hoặc mã hoá, không đọc được nội dung. Hãy mở khoá tệp (hoặc quét lại bản giấy) rồi thêm lại. ${nothingSaved}`,
  pdfBroken: (name: string) => `${named(name)} là PDF bị hỏng, không đọc được. ${nothingSaved}`,
  pdfEmpty: (name: string) => `${named(name)} là PDF không có trang nào. ${nothingSaved}`,
  diskWrite: (detail: string) => `Không ghi được ảnh trang vào thư mục dữ liệu (${detail}). Ổ đĩa có thể đã đầy hoặc không cho phép ghi. ${nothingSaved}`,
  noFiles: 'Chưa chọn tệp nào.',
  pageBroken: (name: string, page: number, count: number, reason: string) =>
    `Trang ${page}/${count} của ${name ? `tệp "${name}"` : 'tệp'} không đọc được: ${reason}. Hãy quét lại trang này hoặc sửa tệp rồi thêm lại. ${nothingSaved}`,
  reasonStructure: 'cấu trúc trang trong tệp PDF bị hỏng',
  reasonContent: 'nội dung của trang bị hỏng',
  reasonImage: 'ảnh của trang bị hỏng hoặc bị cắt cụt',
  reasonSize: (w: number, h: number, maxMp: number) => `trang quá lớn (${w}×${h} điểm ảnh, tối đa khoảng ${maxMp} triệu điểm ảnh)`,
  // Background import (importJob.ts).
  importNotFound: 'Không tìm thấy lượt nhập tệp này (có thể ứng dụng đã được mở lại; các trang đã nhập vẫn còn trong hồ sơ).',
  importKept: (done: number, total: number) => (done === 0 ? nothingSaved : `Đã lưu ${done}/${total} trang (các trang trước trang lỗi); các trang còn lại chưa được nhập.`),
  importCancelled: (done: number, total: number | null) => `Đã dừng nhập: giữ ${done} trang đã nhập${total !== null && total > done ? `, ${total - done} trang chưa nhập` : ''}.`,
  importStopped: 'Việc đọc tệp bị dừng bất thường (thiếu bộ nhớ hoặc lỗi chương trình).',
  importClosing: 'Ứng dụng đang đóng; hãy mở lại rồi thêm tệp.',
  importClosed: (done: number) => `Ứng dụng đóng khi đang nhập tệp. Đã lưu ${done} trang; hãy thêm lại phần còn lại.`,
  dossierNotFound: 'Không tìm thấy hồ sơ (có thể đã bị xoá hoặc mã không đúng).',
  componentNotFound: (componentId: string) => `Hồ sơ không có thành phần "${componentId}".`,
  pageNotFound: 'Không tìm thấy trang (có thể đã bị xoá).',
  reorderMismatch: 'Danh sách trang không khớp với các trang hiện có của thành phần hồ sơ; hãy tải lại màn hình.',
  noPagesToExport: 'Chưa có trang nào để xuất PDF.',
  reuseNothing: 'Thành phần hồ sơ nguồn chưa có trang nào đã số hoá.',
  reuseSameDossier: 'Không thể tái sử dụng giấy tờ của chính hồ sơ này.',
  reuseOtherCitizen: 'Giấy tờ nguồn thuộc công dân khác (số định danh không khớp); không tái sử dụng được.',
  reuseNotApproved: 'Giấy tờ nguồn chưa được duyệt (Trạng thái số hoá: chờ duyệt hoặc không duyệt); chỉ tái sử dụng giấy tờ đã duyệt.',
  reviewNoPages: 'Giấy tờ chưa có trang nào đã số hoá; chưa thể duyệt.',
  resultNotDone: 'Chỉ số hoá kết quả khi hồ sơ đã xử lý xong hoặc đã trả kết quả.',
  resultExists: (name: string) => `Hồ sơ đã có giấy tờ kết quả "${name}".`,
  ocrFailed: (detail: string) => `Không nhận dạng được chữ trên trang: ${detail}`,
  ocrCancelled: 'Đã huỷ nhận dạng.',
  // Pages of the unit's other PCs (fromSync.ts, sync/download.ts).
  syncedNotDownloaded: 'Trang này do máy khác của đơn vị quét và đang được tải về từ tỉnh; hãy chờ tải xong (mục Đồng bộ).',
  syncedPageLocked: 'Trang do máy khác của đơn vị quét (nhận qua đồng bộ): chỉ máy đã quét mới xoá hoặc sắp xếp lại được trang đó.',
  syncedNotImage: 'Tệp trang nhận từ tỉnh không phải ảnh đọc được; hãy báo máy đã quét trang này quét lại.',
  syncedDiskWrite: (detail: string) => `Không ghi được trang tải về vào thư mục dữ liệu (${detail}); sẽ thử lại ở lần đồng bộ sau.`,
} as const;
