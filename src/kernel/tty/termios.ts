// Terminal settings as Linux lays them out (x86-64): the termios flags, the c_cc slots, the
// settings a new pty starts with, and struct termios / termios2 / winsize in memory.
import type { Termios, Winsize } from '../state.js';

// c_iflag
const IGNBRK = 0o1;
const BRKINT = 0o2;
const PARMRK = 0o10;
export const ISTRIP = 0o40;
export const INLCR = 0o100;
export const IGNCR = 0o200;
export const ICRNL = 0o400;
export const IUCLC = 0o1000;
export const IXON = 0o2000;
export const IXANY = 0o4000;
export const IUTF8 = 0o40000;
// c_oflag
export const OPOST = 0o1;
export const OLCUC = 0o2;
export const ONLCR = 0o4;
export const OCRNL = 0o10;
export const ONOCR = 0o20;
export const ONLRET = 0o40;
export const TABDLY = 0o14000;
export const XTABS = 0o14000;
// c_cflag
const B38400 = 0o17;
const CSIZE = 0o60;
const CS8 = 0o60;
const PARENB = 0o400;
const CREAD = 0o200;
const CBAUD = 0o10017;
// c_lflag
export const ISIG = 0o1;
export const ICANON = 0o2;
export const ECHO = 0o10;
export const ECHOE = 0o20;
export const ECHOK = 0o40;
export const ECHONL = 0o100;
export const NOFLSH = 0o200;
export const TOSTOP = 0o400;
export const ECHOCTL = 0o1000;
export const ECHOKE = 0o4000;
export const IEXTEN = 0o100000;
const DEFAULT_LFLAG = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;

// c_cc slots
export const VINTR = 0;
export const VQUIT = 1;
export const VERASE = 2;
export const VKILL = 3;
export const VEOF = 4;
export const VTIME = 5;
export const VMIN = 6;
export const VSTART = 8;
export const VSTOP = 9;
export const VSUSP = 10;
export const VEOL = 11;
export const VREPRINT = 12;
export const VWERASE = 14;
export const VLNEXT = 15;
export const VEOL2 = 16;
const NCCS = 19;
/** A c_cc slot set to this is disabled. */
export const DISABLED_CHAR = 0;

/** struct termios (TCGETS): four flags, c_line, c_cc[19]; termios2 (TCGETS2) adds the two speeds. */
export const TERMIOS_SIZE = 36;
export const TERMIOS2_SIZE = 44;
export const WINSIZE_SIZE = 8;

/** Linux's tty_std_termios with a pty slave's c_cflag (B38400 | CS8 | CREAD). */
export function defaultTermios(): Termios {
  const cc = new Array<number>(NCCS).fill(0);
  cc[VINTR] = 0x03;
  cc[VQUIT] = 0x1c;
  cc[VERASE] = 0x7f;
  cc[VKILL] = 0x15;
  cc[VEOF] = 0x04;
  cc[VMIN] = 1;
  cc[VSTART] = 0x11;
  cc[VSTOP] = 0x13;
  cc[VSUSP] = 0x1a;
  cc[VREPRINT] = 0x12;
  cc[13] = 0x0f; // VDISCARD
  cc[VWERASE] = 0x17;
  cc[VLNEXT] = 0x16;
  return {
    iflag: ICRNL | IXON,
    oflag: OPOST | ONLCR,
    cflag: B38400 | CS8 | CREAD,
    lflag: DEFAULT_LFLAG,
    line: 0,
    cc,
    ispeed: 38400,
    ospeed: 38400,
  };
}

/** The baud rates of the Bnnn codes of c_cflag (CBAUD bits), as tty_termios_baud_rate reads them. */
const BAUD_RATES = [
  0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
  57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
];

function baudOf(cflag: number): number {
  const code = cflag & CBAUD;
  const index = code & 0o10000 ? 15 + (code & 0o17) : code;
  return BAUD_RATES[index] ?? 0;
}

export function encodeTermios(t: Termios, size: number): Uint8Array {
  const out = Buffer.alloc(size);
  out.writeUInt32LE(t.iflag >>> 0, 0);
  out.writeUInt32LE(t.oflag >>> 0, 4);
  out.writeUInt32LE(t.cflag >>> 0, 8);
  out.writeUInt32LE(t.lflag >>> 0, 12);
  out.writeUInt8(t.line & 0xff, 16);
  t.cc.forEach((c, i) => out.writeUInt8(c & 0xff, 17 + i));
  if (size >= TERMIOS2_SIZE) {
    out.writeUInt32LE(t.ispeed >>> 0, 36);
    out.writeUInt32LE(t.ospeed >>> 0, 40);
  }
  return out;
}

/** struct termio (TCGETA, the System V form): four 16-bit flags, c_line, c_cc[8] (and a pad byte, written as 0). */
export const TERMIO_SIZE = 17;
const TERMIO_STRUCT_SIZE = 18;
const NCC = 8;

/** The settings as struct termio: the low halves of the flags, the first eight control characters. */
export function encodeTermio(t: Termios): Uint8Array {
  const out = Buffer.alloc(TERMIO_STRUCT_SIZE);
  out.writeUInt16LE(t.iflag & 0xffff, 0);
  out.writeUInt16LE(t.oflag & 0xffff, 2);
  out.writeUInt16LE(t.cflag & 0xffff, 4);
  out.writeUInt16LE(t.lflag & 0xffff, 6);
  out.writeUInt8(t.line & 0xff, 8);
  for (let i = 0; i < NCC; i++) out.writeUInt8((t.cc[i] ?? 0) & 0xff, 9 + i);
  return out;
}

/** TCSETA: a struct termio replaces the low halves of the flags, c_line and c_cc[0..7] of `old`. */
export function applyTermio(old: Termios, raw: Uint8Array): Termios {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const low = (flag: number, at: number) => ((flag & 0xffff0000) | b.readUInt16LE(at)) >>> 0;
  const cflag = low(old.cflag, 4);
  const cc = [...old.cc];
  for (let i = 0; i < NCC; i++) cc[i] = b.readUInt8(9 + i);
  return {
    iflag: low(old.iflag, 0), oflag: low(old.oflag, 2), cflag, lflag: low(old.lflag, 6),
    line: b.readUInt8(8), cc, ispeed: baudOf(cflag), ospeed: baudOf(cflag),
  };
}

/** Reads struct termios (the speeds follow c_cflag) or termios2 (the speeds are given). */
export function decodeTermios(raw: Uint8Array): Termios {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const cflag = b.readUInt32LE(8);
  const explicit = raw.byteLength >= TERMIOS2_SIZE;
  return {
    iflag: b.readUInt32LE(0),
    oflag: b.readUInt32LE(4),
    cflag,
    lflag: b.readUInt32LE(12),
    line: b.readUInt8(16),
    cc: [...raw.subarray(17, 17 + NCCS)],
    ispeed: explicit ? b.readUInt32LE(36) : baudOf(cflag),
    ospeed: explicit ? b.readUInt32LE(40) : baudOf(cflag),
  };
}

export function encodeWinsize(w: Winsize): Uint8Array {
  const out = Buffer.alloc(WINSIZE_SIZE);
  out.writeUInt16LE(w.rows, 0);
  out.writeUInt16LE(w.cols, 2);
  out.writeUInt16LE(w.xpixel, 4);
  out.writeUInt16LE(w.ypixel, 6);
  return out;
}

export function decodeWinsize(raw: Uint8Array): Winsize {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return { rows: b.readUInt16LE(0), cols: b.readUInt16LE(2), xpixel: b.readUInt16LE(4), ypixel: b.readUInt16LE(6) };
}

/** cfmakeraw(3): bytes pass unchanged both ways, no echo, no signals, a read returns what came. */
export function rawTermios(t: Termios): Termios {
  const cc = [...t.cc];
  cc[VMIN] = 1;
  cc[VTIME] = 0;
  return {
    ...t,
    iflag: t.iflag & ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON),
    oflag: t.oflag & ~OPOST,
    lflag: t.lflag & ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN),
    cflag: (t.cflag & ~(CSIZE | PARENB)) | CS8,
    cc,
  };
}
