// What the host shows of a sandboxed process: its /proc/PID/cmdline and environ (read by ps,
// and so by `docker top`, which filters the host's `ps -ef` by the runtime's pids) are the
// memory between the mm's arg_start/arg_end and env_start/env_end. After a program is loaded
// into a stub they still name the stub's own (overwritten) strings; PR_SET_MM_MAP points them
// at the program's argv and envp on its new stack. It needs no capability (only a kernel with
// CONFIG_CHECKPOINT_RESTORE): every other field is given back as the host has it.
import fs from 'node:fs';

import type { Platform } from '../../platform/platform.js';
import { SYS } from '../syscalls/numbers.js';

const PR_SET_MM = 35;
const PR_SET_MM_MAP = 14;
/** sizeof(struct prctl_mm_map): eleven addresses, the auxv pointer, auxv_size and exe_fd. */
const MM_MAP_SIZE = 104;
/** exe_fd: leave /proc/PID/exe as it is. */
const KEEP_EXE = 0xffffffff;

/** /proc/PID/stat fields (1-based, as proc(5) numbers them) of the mm's layout. */
const START_CODE = 26;
const END_CODE = 27;
const START_STACK = 28;
const START_DATA = 45;

export interface HostArgs {
  argStart: number;
  argEnd: number;
  envStart: number;
  envEnd: number;
}

/**
 * The stub's code, data, brk and stack addresses, as /proc/PID/stat gives them: every stub is
 * a fork of one stub binary's image and keeps them (the kernel does not check them against
 * the mappings), so they are read once.
 */
let stubLayout: number[] | undefined;

/** A host task's /proc/PID/stat, as its numeric fields by proc(5)'s 1-based numbers (0 when absent); undefined when unreadable. */
export function hostStatFields(hostTid: number): ((n: number) => number) | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${hostTid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces and parentheses) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (n) => fields[n - 3] ?? 0;
}

function layoutOf(hostTid: number): number[] | undefined {
  if (stubLayout) return stubLayout;
  const field = hostStatFields(hostTid);
  if (!field) return undefined;
  const startBrk = field(START_DATA + 2);
  stubLayout = [field(START_CODE), field(END_CODE), field(START_DATA), field(START_DATA + 1), startBrk, startBrk, field(START_STACK)];
  return stubLayout;
}

/**
 * Best effort (the program runs the same either way): scratch is writable memory of the stub
 * below anything in use, where the struct is written. The prctl to make then, which may fail
 * without harm; undefined when there is nothing to do.
 */
export function showArgsCall(platform: Platform, hostTid: number, args: HostArgs, scratch: number): number[] | undefined {
  const layout = layoutOf(hostTid);
  if (!layout) return undefined;
  const map = new Uint8Array(MM_MAP_SIZE);
  const view = new DataView(map.buffer);
  const values = [...layout, args.argStart, args.argEnd, args.envStart, args.envEnd, 0];
  // Addresses are safe integers: two 32-bit halves each, no BigInt.
  values.forEach((v, i) => {
    view.setUint32(i * 8, v % 0x1_0000_0000, true);
    view.setUint32(i * 8 + 4, Math.floor(v / 0x1_0000_0000), true);
  });
  view.setUint32(96, 0, true);
  view.setUint32(100, KEEP_EXE, true);
  if (!platform.write(hostTid, scratch, map)) return undefined;
  return [SYS.prctl, PR_SET_MM, PR_SET_MM_MAP, scratch, MM_MAP_SIZE, 0];
}
