// The commands only the OCI runtime has (tsvisor's own run, list, checkpoint and restore take
// other arguments than runc's): `tsvisor create ...` is the OCI runtime's. Kept apart from
// oci_main.ts so that tsvisor's start-up does not load the runtime.
export const OCI_ONLY_COMMANDS: ReadonlySet<string> = new Set([
  'create', 'start', 'state', 'kill', 'delete', 'ps', 'exec', 'pause', 'resume', 'spec', 'events', 'update', 'features',
  '__oci-sandbox', '__oci-exec', '__oci-restore',
]);
