// The fd a detached child (a sandbox process, an exec waiter) reports its readiness on, in a
// module of its own: the children need it without detached_spawn.ts's node:child_process.

/** The fd a detached child reports readiness on. */
export const READY_FD = 3;
