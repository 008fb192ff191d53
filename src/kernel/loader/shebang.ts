/**
 * "#!" scripts, parsed with the rules of Linux's binfmt_script.
 */

import { decodeBytes } from '../../byte_string.js';
import { ExecFormatError } from './elf.js';

/** The kernel reads this many bytes of a file to recognise its format (Linux 5.1+). */
export const BINPRM_BUF_SIZE = 256;

export interface Shebang {
  interpreter: string;
  /** The rest of the line, trimmed, passed as one single argument. */
  arg?: string;
}

const HASH = 0x23;
const BANG = 0x21;
const NEWLINE = 0x0a;

function isSpaceTab(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

/** Returns null when the file does not start with "#!"; throws ENOEXEC for a malformed "#!" line. */
export function parseShebang(bytes: Uint8Array): Shebang | null {
  if (bytes[0] !== HASH || bytes[1] !== BANG) return null;

  // The kernel sees only the first BINPRM_BUF_SIZE bytes, NUL-padded past the end of the file.
  const buf = new Uint8Array(BINPRM_BUF_SIZE);
  buf.set(bytes.subarray(0, BINPRM_BUF_SIZE));

  let end = buf.indexOf(NEWLINE);
  if (end === -1) {
    // Without a newline the line may be cut short: fine for the argument, which the
    // interpreter can re-read, but a possibly truncated interpreter path is refused.
    let name = 2;
    while (name < BINPRM_BUF_SIZE && isSpaceTab(buf[name])) name++;
    if (name === BINPRM_BUF_SIZE) throw new ExecFormatError('ENOEXEC', '#! line has no interpreter');
    let terminator = name;
    while (terminator < BINPRM_BUF_SIZE && !isSpaceTab(buf[terminator]) && buf[terminator] !== 0) terminator++;
    if (terminator === BINPRM_BUF_SIZE) {
      throw new ExecFormatError('ENOEXEC', `#! interpreter path does not fit in ${BINPRM_BUF_SIZE} bytes`);
    }
    end = BINPRM_BUF_SIZE - 1;
  }
  while (end > 0 && isSpaceTab(buf[end - 1])) end--;

  // From here on the line is a C string: a NUL ends it.
  let line = buf.subarray(0, end);
  const nul = line.indexOf(0);
  if (nul !== -1) line = line.subarray(0, nul);

  let cp = 2;
  while (isSpaceTab(line[cp])) cp++;
  const nameStart = cp;
  while (cp < line.length && !isSpaceTab(line[cp])) cp++;
  if (cp === nameStart) throw new ExecFormatError('ENOEXEC', '#! line has no interpreter');
  const interpreter = decodeBytes(line.subarray(nameStart, cp));
  while (isSpaceTab(line[cp])) cp++;
  return cp < line.length ? { interpreter, arg: decodeBytes(line.subarray(cp)) } : { interpreter };
}
