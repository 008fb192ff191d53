// What the strace-style formatter (format.ts) reads from a program's memory, and how much of it:
// shared with input_capture.ts, which reads the same at record time without loading the formatter.

/** Longest string or buffer printed before `...` (strace -s's default). */
export const DEFAULT_MAX_STRING = 32;
export const PATH_MAX = 4096;
/** Longest array (argv, iovec, pollfd...) printed before `...`. */
export const MAX_ARRAY = 32;
/** Pointer arrays are read up to the end of the page they are in (the next may be unmapped). */
export const ARRAY_PAGE = 4096;
/** Largest CPU mask decoded (8192 CPUs). */
export const MAX_CPUSET_BYTES = 1024;
/** Largest getdents buffer whose entries are counted. */
export const MAX_DIRENTS_BYTES = 1 << 20;
/** struct utsname: six fields of this size. */
export const UTS_FIELD = 65;
/** struct epoll_event (packed on x86-64). */
export const EPOLL_EVENT_SIZE = 12;

/** True if a return value is a negated errno (-4095..-1), as the kernel defines it. */
export function isErrorResult(r: number): boolean {
  return r >= -4095 && r <= -1;
}
