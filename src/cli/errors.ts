// tsvisor's own failures: one line, and the exit code a shell would give.
export const EXIT_TSVISOR_ERROR = 125;
export const EXIT_NOT_EXECUTABLE = 126;
export const EXIT_NOT_FOUND = 127;

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_TSVISOR_ERROR) {
    super(message);
  }
}
