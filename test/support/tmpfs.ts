// The C programs tmpfs_options.test.ts runs on a tmpfs mounted with options (natively in a
// mount namespace of their own, and in the sandbox); programs.test.ts leaves them to it.
export const TMPFS_PROGRAMS: readonly string[] = ['tmpfs_limits', 'tmpfs_flags'];
