// Numbers as the kernel's text parsers read them with base 0 (kstrtoint, memparse): 0x or 0X
// hex, a leading 0 octal, else decimal.

/** The digits of one such number, for a larger regular expression. */
export const BASE_ZERO_DIGITS = '0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*';

/** The value of digits that match BASE_ZERO_DIGITS (it may exceed the safe integers: callers check). */
export function baseZeroValue(digits: string): number {
  if (/^0[xX]/.test(digits)) return parseInt(digits.slice(2), 16);
  if (digits.length > 1 && digits.startsWith('0')) return parseInt(digits.slice(1), 8);
  return parseInt(digits, 10);
}
