// The C programs of test/programs/ about pseudo-terminals, whose cases live in
// test/integration/pty.test.ts (programs.test.ts leaves them to it).

export const PTY_PROGRAMS: readonly string[] = ['pty_basic', 'pty_canon', 'pty_raw', 'pty_signals', 'pty_termio'];
