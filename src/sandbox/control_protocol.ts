// The control socket's protocol: one JSON request per connection, answered by JSON lines
// (progress lines, then one final line).
import { z } from 'zod';

export const ControlRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('checkpoint'), image: z.string().min(1), leaveRunning: z.boolean() }),
  z.object({ op: z.literal('ping') }),
]);
export type ControlRequest = z.infer<typeof ControlRequestSchema>;

export const ControlReplySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), bytes: z.number(), seconds: z.number() }),
  z.object({ type: z.literal('done'), message: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type ControlReply = z.infer<typeof ControlReplySchema>;
