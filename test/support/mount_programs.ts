// The test programs that mount_rw.test.ts runs natively in a host directory and in the sandbox
// with that directory mounted :rw (programs.test.ts checks every program is run somewhere).
export const MOUNT_RW_PROGRAMS: readonly string[] = ['rw_special_files'];
