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

/** The words of a folded text: runs of letters and digits. Operators and quotes fall away. */
export function searchTokens(s: string): string[] {
  return foldForSearch(s).match(/[\p{L}\p{N}]+/gu) ?? [];
}
