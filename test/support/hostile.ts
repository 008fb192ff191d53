// The C programs of test/programs/ that attack the sandbox (garbage syscall arguments, a fork
// bomb, a memory hog, an fd hog) and whose cases live in test/integration/hostile.test.ts
// (programs.test.ts leaves them to it). hostile_forkbomb must never run natively.

export const HOSTILE_PROGRAMS: readonly string[] = [
  'hostile_garbage',
  'hostile_forkbomb',
  'hostile_memhog',
  'hostile_fds',
  // Run by test/integration/fuzz.test.ts and `npm run fuzz`, in the sandbox only (it refuses to
  // run unless it is pid 1).
  'fuzz_syscalls',
  // Its cases are in test/integration/isolation.test.ts (it needs a --rootfs).
  'chroot_escape',
];
