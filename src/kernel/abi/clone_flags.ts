// clone(2)/clone3/unshare(2) flag bits on x86-64, shared by the handlers that look at them.
export const CSIGNAL = 0xff;
export const CLONE_VM = 0x100;
export const CLONE_FS = 0x200;
export const CLONE_FILES = 0x400;
export const CLONE_SIGHAND = 0x800;
export const CLONE_PIDFD = 0x1000;
export const CLONE_PTRACE = 0x2000;
export const CLONE_VFORK = 0x4000;
export const CLONE_PARENT = 0x8000;
export const CLONE_THREAD = 0x10000;
export const CLONE_NEWNS = 0x20000;
export const CLONE_SYSVSEM = 0x40000;
export const CLONE_SETTLS = 0x80000;
export const CLONE_PARENT_SETTID = 0x100000;
export const CLONE_CHILD_CLEARTID = 0x200000;
export const CLONE_DETACHED = 0x400000;
export const CLONE_UNTRACED = 0x800000;
export const CLONE_CHILD_SETTID = 0x1000000;
export const CLONE_NEWCGROUP = 0x2000000;
export const CLONE_NEWUTS = 0x4000000;
export const CLONE_NEWIPC = 0x8000000;
export const CLONE_NEWUSER = 0x10000000;
export const CLONE_NEWPID = 0x20000000;
export const CLONE_NEWNET = 0x40000000;
export const CLONE_IO = 0x80000000;
/** The namespaces clone(2) can make (CLONE_NEWTIME, 0x80, exists for unshare and clone3 only: it is CSIGNAL's bits in clone). */
export const NAMESPACE_FLAGS = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
/** unshare(2)'s and clone3's time namespace. */
export const CLONE_NEWTIME = 0x80;
