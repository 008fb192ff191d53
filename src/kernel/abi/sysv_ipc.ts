// System V IPC's numbers as Linux's uapi headers give them (x86-64).
export const IPC_PRIVATE = 0;
export const IPC_CREAT = 0o1000;
export const IPC_EXCL = 0o2000;
export const IPC_NOWAIT = 0o4000;
export const IPC_RMID = 0;
export const IPC_SET = 1;
export const IPC_STAT = 2;
export const IPC_INFO = 3;
/** An id is seq * IPCMNI + index (Linux's default IPCMNI, without ipcmni_extend). */
export const IPCMNI = 1 << 15;
/** shm_perm.mode's bit for a segment removed while still attached. */
export const SHM_DEST = 0o1000;
/** The largest value of a semaphore. */
export const SEMVMX = 32767;
/** struct ipc64_perm's size: the first member of every *id64_ds. */
export const IPC_PERM_SIZE = 48;
