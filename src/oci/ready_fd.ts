// The fds a detached child (a sandbox process, an exec waiter) reports on, in a module of its
// own: the children need them without detached_spawn.ts's node:child_process.

/** The fd a detached child reports readiness on. */
export const READY_FD = 3;

/**
 * The fd a sandbox process started by the front-end's keeper (native/runc/keeper.cc) writes the
 * container's exit status on, just before its exit: the keeper, the process the pid file names,
 * exits with it at once.
 */
export const STATUS_FD = 4;
