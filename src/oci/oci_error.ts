// A failure of an OCI runtime command: its message is what runc would say (the engines show it
// to the user), its exit code runc's (1).
export class OciError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}
