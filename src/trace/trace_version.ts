// The trace file's magic and format version, apart from the schemas (trace_schema.ts) so that the
// recorder does not load zod.

export const TRACE_MAGIC = 'tsvisor-trace';
/**
 * 2: input records (AT_RANDOM). 3: a restored run's initial state. 4: cbor-x record structures
 * (each object shape's keys written once, see trace_writer.ts). 5: rdtsc input records.
 * 6: each syscall's trap seq, and the raw memory its strace text is made from (`reads`), not the text.
 * 7: signal records (where each signal took effect, see kernel/signal/signal_points.ts).
 * Versions 1-6 still read.
 */
export const TRACE_VERSION = 7;
