// Every message the digitisation service shows the clerk, in one place (Vietnamese).
// Each refusal says what is wrong with which file and what to do; nothing was saved.
export const MAX_PDF_PAGES = 200;
export const MAX_TIFF_PAGES = 200;

const nothingSaved = 'Chưa có trang nào được thêm vào hồ sơ.';
const named = (name: string) => (name ? `Tệp "${name}"` : 'Tệp');

export const PAGE_MESSAGES = {
  empty: (name: string) => `${named(name)} trống (0 byte). Hãy quét hoặc chọn lại tệp. ${nothingSaved}`,
  tooBig: (name: string, mb: number) => `${named(name)} lớn hơn ${mb} MB. Hãy quét ở 300 dpi hoặc chia nhỏ tệp. ${nothingSaved}`,
  notImage: (name: string) =>
    `${named(name)} không phải ảnh quét hay PDF (chỉ nhận JPEG, PNG, TIFF, WebP hoặc PDF), dù tên tệp có đuôi ảnh. ${nothingSaved}`,
  corrupt: (name: string) =>
    `${named(name)} bị hỏng hoặc chưa được lưu trọn vẹn (ảnh bị cắt cụt), không đọc được. Hãy quét hoặc chụp lại trang này. ${nothingSaved}`,
  tooManyPixels: (name: string, w: number, h: number, maxMp: number) =>
    `${named(name)}: ảnh quá lớn (${w}×${h} điểm ảnh, tối đa khoảng ${maxMp} triệu điểm ảnh). Hãy quét ở độ phân giải 300 dpi. ${nothingSaved}`,
  pdfTooManyPages: (name: string, n: number, max: number) =>
    `${named(name)} có ${n} trang, vượt giới hạn ${max} trang mỗi tệp PDF. Hãy tách tệp thành các phần không quá ${max} trang. ${nothingSaved}`,
  tiffTooManyPages: (name: string, n: number, max: number) =>
    `${named(name)} có ${n} trang, vượt giới hạn ${max} trang mỗi tệp TIFF. ${nothingSaved}`,
  pdfEncrypted: (name: string) =>
    `${named(name)} là PDF được đặt mật khẩu hoặc mã hoá, không đọc được nội dung. Hãy mở khoá tệp (hoặc quét lại bản giấy) rồi thêm lại. ${nothingSaved}`,
  pdfBroken: (name: string) => `${named(name)} là PDF bị hỏng, không đọc được. ${nothingSaved}`,
  pdfEmpty: (name: string) => `${named(name)} là PDF không có trang nào. ${nothingSaved}`,
  diskWrite: (detail: string) =>
    `Không ghi được ảnh trang vào thư mục dữ liệu (${detail}). Ổ đĩa có thể đã đầy hoặc không cho phép ghi. ${nothingSaved}`,
  noFiles: 'Chưa chọn tệp nào.',
  dossierNotFound: 'Không tìm thấy hồ sơ (có thể đã bị xoá hoặc mã không đúng).',
  componentNotFound: (componentId: string) => `Hồ sơ không có thành phần "${componentId}".`,
  pageNotFound: 'Không tìm thấy trang (có thể đã bị xoá).',
  reorderMismatch: 'Danh sách trang không khớp với các trang hiện có của thành phần hồ sơ; hãy tải lại màn hình.',
  noPagesToExport: 'Chưa có trang nào để xuất PDF.',
  reuseNothing: 'Thành phần hồ sơ nguồn chưa có trang nào đã số hoá.',
  reuseSameDossier: 'Không thể tái sử dụng giấy tờ của chính hồ sơ này.',
  reuseOtherCitizen: 'Giấy tờ nguồn thuộc công dân khác (số định danh không khớp); không tái sử dụng được.',
  ocrFailed: (detail: string) => `Không nhận dạng được chữ trên trang: ${detail}`,
  ocrCancelled: 'Đã huỷ nhận dạng.',
} as const;
