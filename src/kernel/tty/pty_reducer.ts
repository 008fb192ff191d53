// Pseudo-terminals: creation, the line discipline's changes, settings, and the opens and
// closes of each side (called from the fd reducer).
import type { ReducerTable } from '../reducer_types.js';
import type { KernelState, OpenFile, PtyState } from '../state.js';
import { changeTermios, flush, processOutput, receiveInput, takeInput, takeOutput } from './line_discipline.js';
import { defaultTermios } from './termios.js';

function ptyOf(state: KernelState, index: number): PtyState | undefined {
  return state.ptys.get(index);
}

/** A new open file of one side of a pty. */
export function ptyFileOpened(state: KernelState, kind: OpenFile['kind'], index: number): void {
  const pty = ptyOf(state, index);
  if (!pty) return;
  if (kind === 'pty-master') {
    pty.masters += 1;
  } else {
    pty.slaves += 1;
    pty.slaveClosed = false;
  }
}

/**
 * The last reference to an open file of a pty went. The master's last close hangs the slave
 * up (it no longer controls a session); the pty goes once neither side is open.
 */
export function ptyFileClosed(state: KernelState, file: OpenFile): void {
  const pty = file.objectId === undefined ? undefined : ptyOf(state, file.objectId);
  if (!pty) return;
  if (file.kind === 'pty-master') {
    pty.masters -= 1;
    if (pty.masters === 0) {
      pty.session = 0;
      pty.pgrp = 0;
    }
  } else {
    pty.slaves -= 1;
    if (pty.slaves === 0) pty.slaveClosed = true;
  }
  if (pty.masters <= 0 && pty.slaves <= 0) state.ptys.delete(pty.index);
}

export const ptyReducers: ReducerTable<
  | 'PtyCreated' | 'PtyLockSet' | 'PtyInput' | 'PtyOutput' | 'PtyRead' | 'PtyTermiosSet' | 'PtyFlushed'
  | 'PtyWinsizeSet' | 'PtyFlowSet' | 'PtyControlSet'
> = {
  PtyCreated(state, e) {
    state.ptys.set(e.index, {
      index: e.index,
      uid: e.uid,
      gid: e.gid,
      locked: true,
      masters: 0,
      slaves: 0,
      slaveClosed: false,
      termios: defaultTermios(),
      winsize: { rows: 0, cols: 0, xpixel: 0, ypixel: 0 },
      input: new Uint8Array(0),
      lineEnds: [],
      editing: new Uint8Array(0),
      literalNext: false,
      output: new Uint8Array(0),
      column: 0,
      editColumn: 0,
      stopped: false,
      session: 0,
      pgrp: 0,
      ...(e.console ? { console: true } : {}),
    });
  },
  PtyLockSet(state, e) {
    const pty = ptyOf(state, e.index);
    if (pty) pty.locked = e.locked;
  },
  PtyInput(state, e) {
    const pty = ptyOf(state, e.index);
    if (pty) Object.assign(pty, receiveInput(pty, e.bytes).line);
  },
  PtyOutput(state, e) {
    const pty = ptyOf(state, e.index);
    if (pty) Object.assign(pty, processOutput(pty, e.bytes));
  },
  PtyRead(state, e) {
    const pty = ptyOf(state, e.index);
    if (!pty) return;
    if (e.side === 'master') takeOutput(pty, e.count);
    else takeInput(pty, e.count);
  },
  PtyTermiosSet(state, e) {
    const pty = ptyOf(state, e.index);
    if (!pty) return;
    Object.assign(pty, changeTermios(pty, e.termios));
    pty.termios = { ...e.termios, cc: [...e.termios.cc] };
  },
  PtyFlushed(state, e) {
    const pty = ptyOf(state, e.index);
    if (pty) Object.assign(pty, flush(pty, e.input, e.output));
  },
  PtyWinsizeSet(state, e) {
    const pty = ptyOf(state, e.index);
    if (pty) pty.winsize = { ...e.winsize };
  },
  PtyFlowSet(state, e) {
    const pty = ptyOf(state, e.index);
    if (pty) pty.stopped = e.stopped;
  },
  PtyControlSet(state, e) {
    const pty = ptyOf(state, e.index);
    if (!pty) return;
    pty.session = e.session;
    pty.pgrp = e.pgrp;
  },
};
