// Linux's open(2) flag bits on x86-64, shared by every handler that looks at them.
export const O_ACCMODE = 3;
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_CREAT = 0o100;
export const O_EXCL = 0o200;
export const O_NOCTTY = 0o400;
export const O_TRUNC = 0o1000;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
/** FASYNC: SIGIO to the file's owner when it becomes readable or writable. */
export const O_ASYNC = 0o20000;
export const O_DIRECT = 0o40000;
export const O_NOATIME = 0o1000000;
export const O_LARGEFILE = 0o100000;
export const O_DIRECTORY = 0o200000;
export const O_NOFOLLOW = 0o400000;
export const O_CLOEXEC = 0o2000000;
export const O_PATH = 0o10000000;
/** __O_TMPFILE: O_TMPFILE is this with O_DIRECTORY. */
export const O_TMPFILE_BIT = 0o20000000;
export const O_TMPFILE = O_TMPFILE_BIT | O_DIRECTORY;
