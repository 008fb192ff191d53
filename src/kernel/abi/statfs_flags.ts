// statfs(2)'s f_flags: the mount's flags (linux/statfs.h).
export const ST_RDONLY = 1;
export const ST_NOSUID = 2;
export const ST_NODEV = 4;
export const ST_NOEXEC = 8;
export const ST_SYNCHRONOUS = 16;
/** f_flags holds the mount's flags (always set by Linux's statfs). */
export const ST_VALID = 0x20;
export const ST_NOATIME = 1024;
export const ST_NODIRATIME = 2048;
export const ST_RELATIME = 4096;
