// The control socket's protocol: one JSON request per connection, answered by JSON lines
// (progress lines, then one final line).
// zod's small functional build: the OCI runtime's short commands (start, kill, delete) load
// this and would otherwise spend most of their start-up loading the whole of zod.
// The schemas are made at first use: an OCI sandbox process imports this module before create
// returns, but parses requests only afterwards (making them is ~2 ms of zod's set-up).
import * as z from 'zod/mini';

const capMask = () => z.number().check(z.int(), z.minimum(0));

const requestSchema = () => z.discriminatedUnion('op', [
  z.object({ op: z.literal('checkpoint'), image: z.string().check(z.minLength(1)), leaveRunning: z.boolean() }),
  z.object({ op: z.literal('ping') }),
  // The OCI runtime's ops (src/oci/sandbox_control.ts).
  z.object({ op: z.literal('start') }),
  z.object({ op: z.literal('kill'), signal: z.number().check(z.int(), z.minimum(1), z.maximum(64)), all: z.boolean() }),
  z.object({ op: z.literal('signal'), pid: z.number().check(z.int(), z.positive()), signal: z.number().check(z.int(), z.minimum(1), z.maximum(64)) }),
  z.object({ op: z.literal('ps') }),
  z.object({ op: z.literal('pause') }),
  z.object({ op: z.literal('resume') }),
  z.object({
    op: z.literal('exec'),
    args: z.array(z.string()).check(z.minLength(1)),
    env: z.array(z.string()),
    cwd: z.string(),
    uid: z.number().check(z.int(), z.minimum(0)),
    gid: z.number().check(z.int(), z.minimum(0)),
    groups: z.array(z.number().check(z.int(), z.minimum(0))),
    /** Its capability sets (absent: root's, from its uids). */
    caps: z.optional(z.object({
      permitted: capMask(), effective: capMask(), inheritable: capMask(), bounding: capMask(), ambient: capMask(), securebits: z.number().check(z.int()),
    })),
    /** process.noNewPrivileges. */
    noNewPrivs: z.optional(z.boolean()),
    /** A host process whose fds 0, 1 and 2 become the new process's stdio. */
    stdioFrom: z.number().check(z.int(), z.positive()),
    /** Its fd 0 is a terminal (exec --tty): the process gets a pty of the sandbox's bridged to it. */
    terminal: z.optional(z.boolean()),
  }),
]);
export type ControlRequest = z.infer<ReturnType<typeof requestSchema>>;
let requests: ReturnType<typeof requestSchema> | undefined;
export function controlRequestSchema(): ReturnType<typeof requestSchema> {
  return (requests ??= requestSchema());
}

const replySchema = () => z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), bytes: z.number(), seconds: z.number() }),
  z.object({ type: z.literal('done'), message: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
  /** exec: the new process runs (its virtual pid); later its wait status. */
  z.object({ type: z.literal('started'), pid: z.number() }),
  z.object({ type: z.literal('exited'), waitStatus: z.number() }),
  /** ps: the host pids of the sandbox's processes. */
  z.object({ type: z.literal('pids'), pids: z.array(z.number()) }),
]);
export type ControlReply = z.infer<ReturnType<typeof replySchema>>;
let replies: ReturnType<typeof replySchema> | undefined;
export function controlReplySchema(): ReturnType<typeof replySchema> {
  return (replies ??= replySchema());
}
