// Vietnamese text at the boundaries: every string that enters the app is NFC;
// search compares a folded form that ignores case and diacritics and reads đ as d.

/** NFC, with control characters (except tab/newline) removed. */
export function nfc(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.normalize('NFC').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}

/** NFC and trimmed, runs of white space folded to one space. */
export function cleanLine(s: string): string {
  return nfc(s).replace(/\s+/g, ' ').trim();
}

/**
 * The search form of a text: lower case, no diacritics, đ → d, white space folded.
 * 'Đặng Thị Hồng' → 'dang thi hong'.
 */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The words of a folded text: runs of letters and digits. Operators and quotes fall away.
 * A phone or ID number typed in groups ('0912 345 678', '0912.345.678', '+84 912 345 678',
 * '089 190 012 345') is one word, as it is stored: digit groups joined when they start with
 * 0 (or +84) and make 9 to 12 digits. Other digit groups (a code's date and sequence,
 * '250704 0001') stay apart.
 */
export function searchTokens(s: string): string[] {
  const joined = foldForSearch(s).replace(/\+?\d+(?:[ .-]\d+)+/g, (m) => {
    let digits = m.replace(/\D/g, '');
    if (m.startsWith('+84')) digits = '0' + digits.slice(2);
    return digits.startsWith('0') && digits.length >= 9 && digits.length <= 12 ? digits : m;
  });
  return joined.match(/[\p{L}\p{N}]+/gu) ?? [];
}
