// The line discipline of a pty (Linux's n_tty), as pure functions of its state: input the
// master writes becomes what the slave reads (canonical line editing, echo, ISIG signals,
// input translations), output the slave writes becomes what the master reads (OPOST).
// The reducer applies their results; a handler calls them too, to learn the signals.
import { SIGINT, SIGQUIT, SIGTSTP } from '../abi/signals.js';
import type { PtyState, Termios } from '../state.js';
import {
  DISABLED_CHAR, ECHO, ECHOCTL, ECHOE, ECHOK, ECHOKE, ECHONL, ICANON, ICRNL, IEXTEN, IGNCR, INLCR, ISIG, ISTRIP, IUCLC,
  IUTF8, IXANY, IXON, NOFLSH, OCRNL, OLCUC, ONLCR, ONLRET, ONOCR, OPOST, TABDLY, VEOF, VEOL, VEOL2, VERASE, VINTR, VKILL, VLNEXT,
  VQUIT, VREPRINT, VSTART, VSTOP, VSUSP, VWERASE, XTABS,
} from './termios.js';

/** What the slave's input can hold (N_TTY_BUF_SIZE). */
export const INPUT_CAPACITY = 4096;
/** What the master may leave unread before slave writes wait (the pty's flip buffer limit). */
export const OUTPUT_CAPACITY = 65536;

const NL = 0x0a;
const CR = 0x0d;
const TAB = 0x09;
const BS = 0x08;

/** The parts of a pty the line discipline changes. */
export type LineState = Pick<PtyState, 'input' | 'lineEnds' | 'editing' | 'literalNext' | 'output' | 'column' | 'editColumn' | 'stopped'>;

/** The kernel's iscntrl: C0 controls, DEL, and the C1 range of its Latin-1 table. */
function isCntrl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c < 0xa0);
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** A working copy of the line state, changed byte by byte. */
class Line {
  input: number[];
  lineEnds: number[];
  editing: number[];
  literalNext: boolean;
  output: number[];
  column: number;
  editColumn: number;
  stopped: boolean;
  readonly signals: number[] = [];

  constructor(pty: Readonly<PtyState>, private readonly t: Termios) {
    this.input = [...pty.input];
    this.lineEnds = [...pty.lineEnds];
    this.editing = [...pty.editing];
    this.literalNext = pty.literalNext;
    this.output = [...pty.output];
    this.column = pty.column;
    this.editColumn = pty.editColumn;
    this.stopped = pty.stopped;
  }

  result(): LineState {
    return {
      input: Uint8Array.from(this.input),
      lineEnds: this.lineEnds,
      editing: Uint8Array.from(this.editing),
      literalNext: this.literalNext,
      output: Uint8Array.from(this.output),
      column: this.column,
      editColumn: this.editColumn,
      stopped: this.stopped,
    };
  }

  private l(flag: number): boolean {
    return (this.t.lflag & flag) !== 0;
  }

  private i(flag: number): boolean {
    return (this.t.iflag & flag) !== 0;
  }

  /** A UTF-8 continuation byte, with IUTF8: part of the character before it. */
  private continuation(c: number): boolean {
    return this.i(IUTF8) && (c & 0xc0) === 0x80;
  }

  private cc(slot: number): number {
    return this.t.cc[slot] ?? DISABLED_CHAR;
  }

  /** Whether c is one of the enabled control characters of slot (a disabled slot matches nothing). */
  private is(c: number, slot: number): boolean {
    const v = this.cc(slot);
    return v !== DISABLED_CHAR && c === v;
  }

  // ---- output ------------------------------------------------------------------------------

  /** One byte of output through OPOST, as do_output_char does it (tracking the column). */
  outputByte(c: number): void {
    const o = this.t.oflag;
    if (!(o & OPOST)) {
      this.output.push(c);
      return;
    }
    switch (c) {
      case NL:
        if (o & ONLRET) this.column = 0;
        if (o & ONLCR) {
          this.column = this.editColumn = 0;
          this.output.push(CR, NL);
          return;
        }
        this.editColumn = this.column;
        break;
      case CR:
        if (o & ONOCR && this.column === 0) return;
        if (o & OCRNL) {
          c = NL;
          if (o & ONLRET) this.column = this.editColumn = 0;
          break;
        }
        this.column = this.editColumn = 0;
        break;
      case TAB: {
        const spaces = 8 - (this.column & 7);
        this.column += spaces;
        if ((o & TABDLY) === XTABS) {
          for (let k = 0; k < spaces; k++) this.output.push(0x20);
          return;
        }
        break;
      }
      case BS:
        if (this.column > 0) this.column--;
        break;
      default:
        if (!isCntrl(c)) {
          if (o & OLCUC && c >= 0x61 && c <= 0x7a) c -= 0x20;
          if (!this.continuation(c)) this.column++;
        }
    }
    this.output.push(c);
  }

  // ---- echo --------------------------------------------------------------------------------

  /** Echoes are dropped once the master has this much unread, as n_tty drops them without room. */
  private roomToEcho(): boolean {
    return this.output.length < OUTPUT_CAPACITY;
  }

  private echoRaw(c: number): void {
    if (this.roomToEcho()) this.outputByte(c);
  }

  /** Echoes c, a control character as ^X with ECHOCTL (not tab). */
  private echo(c: number): void {
    if (!this.roomToEcho()) return;
    if (this.l(ECHOCTL) && isCntrl(c) && c < 0x80 && c !== TAB) {
      this.output.push(0x5e, c ^ 0o100);
      this.column += 2;
      return;
    }
    this.outputByte(c);
  }

  /** Echoes a character of the line being edited, noting the column of its first one. */
  private echoEdited(c: number): void {
    if (this.editing.length === 0 && this.l(ICANON)) this.editColumn = this.column;
    this.echo(c);
  }

  // ---- input -------------------------------------------------------------------------------

  private full(): boolean {
    return this.input.length + this.editing.length >= INPUT_CAPACITY - 1;
  }

  /** Queues c: onto the edited line in canonical mode, else where the reader takes it. */
  private put(c: number): void {
    if (this.full()) return;
    if (this.l(ICANON)) this.editing.push(c);
    else this.input.push(c);
  }

  /** Ends the edited line (with terminator c, or none for VEOF): it becomes readable. */
  private endLine(c: number | null): void {
    this.input.push(...this.editing);
    if (c !== null) this.input.push(c);
    this.editing = [];
    this.lineEnds.push(this.input.length);
  }

  flushInput(): void {
    this.input = [];
    this.lineEnds = [];
    this.editing = [];
    this.literalNext = false;
  }

  /** One byte the master wrote (n_tty_receive_char and n_tty_receive_char_special). */
  receive(raw: number): void {
    let c = this.i(ISTRIP) ? raw & 0x7f : raw;
    if (this.i(IUCLC) && this.l(IEXTEN) && c >= 0x41 && c <= 0x5a) c += 0x20;
    if (this.literalNext) {
      this.literalNext = false;
      this.ordinary(c);
      return;
    }
    if (this.i(IXON)) {
      if (this.is(c, VSTART)) {
        this.stopped = false;
        return;
      }
      if (this.is(c, VSTOP)) {
        this.stopped = true;
        return;
      }
    }
    if (this.l(ISIG)) {
      const sig = this.is(c, VINTR) ? SIGINT : this.is(c, VQUIT) ? SIGQUIT : this.is(c, VSUSP) ? SIGTSTP : 0;
      if (sig !== 0) {
        this.signal(sig, c);
        return;
      }
    }
    if (this.stopped && this.i(IXON) && this.i(IXANY)) this.stopped = false;
    if (c === CR) {
      if (this.i(IGNCR)) return;
      if (this.i(ICRNL)) c = NL;
    } else if (c === NL && this.i(INLCR)) {
      c = CR;
    }
    if (this.l(ICANON) && this.editChar(c)) return;
    if (this.l(ECHO)) {
      if (c === NL) this.echoRaw(NL);
      else this.echoEdited(c);
    }
    this.put(c);
  }

  /** A byte with no special meaning (or made literal by VLNEXT). */
  private ordinary(c: number): void {
    if (this.stopped && this.i(IXON) && this.i(IXANY)) this.stopped = false;
    if (this.l(ECHO)) this.echoEdited(c);
    this.put(c);
  }

  /** VINTR/VQUIT/VSUSP: the signal for the foreground group; input and output are flushed unless NOFLSH. */
  private signal(sig: number, c: number): void {
    this.signals.push(sig);
    if (!this.l(NOFLSH)) {
      this.flushInput();
      this.output = [];
    }
    if (this.i(IXON)) this.stopped = false;
    if (this.l(ECHO)) this.echo(c);
  }

  /** Canonical mode's editing and line-ending characters; false for an ordinary one. */
  private editChar(c: number): boolean {
    const iexten = this.l(IEXTEN);
    if (this.is(c, VERASE) || this.is(c, VKILL) || (iexten && this.is(c, VWERASE))) {
      this.erase(c);
      return true;
    }
    if (iexten && this.is(c, VLNEXT)) {
      this.literalNext = true;
      if (this.l(ECHO) && this.l(ECHOCTL)) {
        this.echoRaw(0x5e);
        this.echoRaw(BS);
      }
      return true;
    }
    if (iexten && this.l(ECHO) && this.is(c, VREPRINT)) {
      this.echo(c);
      this.echoRaw(NL);
      for (const e of this.editing) this.echo(e);
      return true;
    }
    if (c === NL) {
      if (this.l(ECHO) || this.l(ECHONL)) this.echoRaw(NL);
      this.endLine(NL);
      return true;
    }
    if (this.is(c, VEOF)) {
      this.endLine(null);
      return true;
    }
    if (this.is(c, VEOL) || (iexten && this.is(c, VEOL2))) {
      if (this.l(ECHO)) this.echoEdited(c);
      this.endLine(c);
      return true;
    }
    return false;
  }

  /** VERASE, VWERASE (a word and the blanks after it) and VKILL (the whole line), with their echoes (eraser()). */
  private erase(c: number): void {
    if (this.editing.length === 0) return;
    const kind = this.is(c, VERASE) ? 'erase' : this.is(c, VWERASE) ? 'werase' : 'kill';
    const echo = this.l(ECHO);
    if (kind === 'kill') {
      if (!echo) {
        this.editing = [];
        return;
      }
      if (!this.l(ECHOK) || !this.l(ECHOKE) || !this.l(ECHOE)) {
        this.editing = [];
        this.echo(c);
        if (this.l(ECHOK)) this.echoRaw(NL);
        return;
      }
    }
    let seenAlnum = false;
    while (this.editing.length > 0) {
      // A multibyte character goes whole, never in part.
      let at = this.editing.length - 1;
      while (at > 0 && this.continuation(this.editing[at]!)) at--;
      const gone = this.editing[at]!;
      if (this.continuation(gone)) break;
      if (kind === 'werase') {
        if (isAlnum(gone) || gone === 0x5f) seenAlnum = true;
        else if (seenAlnum) break;
      }
      this.editing.length = at;
      if (echo) this.echoErase(c, gone);
      if (kind === 'erase') break;
    }
  }

  /** What erasing one character shows. */
  private echoErase(eraseChar: number, gone: number): void {
    if (!this.is(eraseChar, VERASE) || this.l(ECHOE)) {
      if (gone === TAB) {
        this.eraseTab();
        return;
      }
      const ctl = this.l(ECHOCTL);
      // A control character shown as ^X takes two columns.
      const times = isCntrl(gone) ? (ctl ? 2 : 0) : 1;
      for (let k = 0; k < times; k++) for (const b of [BS, 0x20, BS]) this.echoRaw(b);
      return;
    }
    this.echo(eraseChar);
  }

  /** Backs up over a tab: to the column it started at, counted from the line's start or the previous tab. */
  private eraseTab(): void {
    let width = 0;
    let afterTab = false;
    for (let k = this.editing.length - 1; k >= 0; k--) {
      const e = this.editing[k]!;
      if (e === TAB) {
        afterTab = true;
        break;
      }
      if (isCntrl(e)) width += this.l(ECHOCTL) ? 2 : 0;
      else if (!this.continuation(e)) width++;
    }
    if (!afterTab) width += this.editColumn;
    const back = 8 - (width & 7);
    for (let k = 0; k < back && this.roomToEcho(); k++) {
      this.output.push(BS);
      if (this.column > 0) this.column--;
    }
  }
}

/** The master wrote bytes: the slave's new input and the echoes, and the signals for the foreground group. */
export function receiveInput(pty: Readonly<PtyState>, bytes: Uint8Array): { line: LineState; signals: number[] } {
  const line = new Line(pty, pty.termios);
  for (const c of bytes) line.receive(c);
  return { line: line.result(), signals: line.signals };
}

/** The slave wrote bytes: they are appended to what the master reads, after output processing. */
export function processOutput(pty: Readonly<PtyState>, bytes: Uint8Array): LineState {
  const line = new Line(pty, pty.termios);
  for (const c of bytes) line.outputByte(c);
  return line.result();
}

/** New settings: switching canonical mode on or off makes the pending input a line, or raw input. */
export function changeTermios(pty: Readonly<PtyState>, next: Termios): LineState {
  const line = new Line(pty, next);
  const wasCanonical = (pty.termios.lflag & ICANON) !== 0;
  const canonical = (next.lflag & ICANON) !== 0;
  if (wasCanonical !== canonical) {
    line.input.push(...line.editing);
    line.editing = [];
    line.lineEnds = canonical && line.input.length > 0 ? [line.input.length] : [];
    line.literalNext = false;
  }
  if (line.stopped && (pty.termios.iflag & IXON) && !(next.iflag & IXON)) line.stopped = false;
  return line.result();
}

/** Flushes the slave's input (what it has not read, the edited line) and/or the master's (the output). */
export function flush(pty: Readonly<PtyState>, input: boolean, output: boolean): LineState {
  const line = new Line(pty, pty.termios);
  if (input) line.flushInput();
  if (output) line.output = [];
  return line.result();
}

/**
 * What a read of the slave would get now: up to the end of the first complete line in
 * canonical mode (an empty one after VEOF: end of file), whatever is there otherwise. null: nothing yet.
 */
export function slaveReadable(pty: Readonly<PtyState>, count: number): Uint8Array | null {
  if (pty.termios.lflag & ICANON) {
    const end = pty.lineEnds[0];
    return end === undefined ? null : pty.input.subarray(0, Math.min(count, end));
  }
  return pty.input.length === 0 ? null : pty.input.subarray(0, Math.min(count, pty.input.length));
}

/** Bytes a canonical or non-canonical read could take now (FIONREAD on the slave). */
export function slaveInputCount(pty: Readonly<PtyState>): number {
  if (pty.termios.lflag & ICANON) return pty.lineEnds.length === 0 ? 0 : pty.lineEnds[pty.lineEnds.length - 1]!;
  return pty.input.length;
}

/** The slave read count bytes (a line, or the empty one VEOF left, is then behind it). */
export function takeInput(pty: PtyState, count: number): void {
  pty.input = pty.input.slice(count);
  const ends = pty.lineEnds.map((e) => e - count);
  if (ends[0] === 0) ends.shift();
  pty.lineEnds = ends;
}

/** The master read count bytes of the output. */
export function takeOutput(pty: PtyState, count: number): void {
  pty.output = pty.output.slice(count);
}
