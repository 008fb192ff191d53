// The checkpoint image (snapshots/FORMAT.md): a directory holding a manifest, the kernel
// state, and per process its memory and threads. Every part is checked against these
// schemas (and its checksum) before a restore starts anything.
import * as z from 'zod';

import { CredentialsSchema, MappingSchema, SigActionSchema } from '../kernel/events.js';
import type { KernelState } from '../kernel/state.js';
import { TmpfsDescriptionSchema } from '../kernel/vfs/tmpfs_description.js';
import { withChunkedFiles } from './chunked_files.js';

export const IMAGE_FORMAT = 'tsvisor-checkpoint';
/**
 * Bumped at any change old readers would misread; readers refuse newer versions. 2: overlay
 * files' bytes are chunks (a version-1 image's one array is made into them when read). 3: a
 * shared mapping of a host file names the file (mappings[].file) instead of saving its pages.
 */
export const IMAGE_VERSION = 3;
/** The oldest version this reader still reads. */
export const OLDEST_IMAGE_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';
export const KERNEL_PART = 'kernel.cbor';
export const processPart = (pid: number): string => `process-${pid}.cbor`;
export const pagesPart = (pid: number): string => `pages-${pid}.bin`;

const int = z.number().int();
const addr = z.number().int().nonnegative();
const bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes');

const PartSchema = z.object({ bytes: z.number().int().nonnegative(), crc32: z.number().int().nonnegative() });

export const ManifestSchema = z.object({
  format: z.literal(IMAGE_FORMAT),
  version: int.positive(),
  tsvisor: z.string(),
  createdAt: z.string(),
  host: z.object({
    kernel: z.string(),
    arch: z.string(),
    /** CPU features that the saved registers may depend on (XSAVE components, AVX...). */
    cpuFeatures: z.array(z.string()),
    xsaveBytes: int,
  }),
  sandbox: z.object({
    command: z.array(z.string()),
    rootfs: z.string(),
    mounts: z.array(z.object({ host: z.string(), sandbox: z.string(), rw: z.boolean().default(false), ro: z.boolean().optional() })),
    /** Absent in the first images: /dev/shm only; bare paths (older images): the default options. */
    tmpfs: z.array(TmpfsDescriptionSchema).default(['/dev/shm']),
    limits: z.object({ pids: int, memory: int.nullable(), fds: int }),
    hostname: z.string(),
    readonlyRoot: z.boolean().default(false),
  }),
  /** Every other file of the image, with its size and CRC-32. */
  parts: z.record(z.string(), PartSchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

/** A host file an open file descriptor refers to: restore checks it is still the same file. */
export const HostFileRefSchema = z.object({
  fileId: int,
  /** Its sandbox path and where that was on the host at checkpoint time. */
  path: z.string(),
  hostPath: z.string(),
  dev: z.bigint(),
  ino: z.bigint(),
  size: z.bigint(),
  mtimeNs: z.bigint(),
});
export type HostFileRef = z.infer<typeof HostFileRefSchema>;

const mapOf = <V extends z.ZodType>(value: V) => z.map(int, value);
const looseWithId = z.looseObject({ id: int });

const ProcessStateSchema = z.looseObject({
  pid: int,
  ppid: int,
  pgid: int,
  sid: int,
  hostPid: int,
  threads: z.array(int),
  status: z.enum(['running', 'zombie']),
  waitStatus: int.nullable(),
  stopSignal: int,
  exe: z.string(),
  argv: z.array(z.string()),
  environ: z.array(z.string()),
  auxv: z.array(z.number()).optional(),
  cwd: z.string(),
  /** Absent: the sandbox root. */
  root: z.string().optional(),
  umask: int,
  creds: CredentialsSchema,
  fds: mapOf(z.object({ fileId: int, cloexec: z.boolean() })),
  mm: z.looseObject({ brkStart: addr, brk: addr, mappings: z.array(MappingSchema) }),
  sigactions: mapOf(SigActionSchema),
  rlimits: mapOf(z.tuple([z.number(), z.number()])),
});

/** The kernel state as plain data; deeper parts of each subsystem are checked loosely. */
export const KernelStateSchema = z.looseObject({
  nextPid: int,
  nextFileId: int,
  processes: mapOf(ProcessStateSchema),
  threads: mapOf(z.looseObject({ tid: int, pid: int, hostTid: int, clearChildTid: addr })),
  files: mapOf(z.looseObject({ id: int, kind: z.string(), path: z.string(), flags: int, offset: z.number(), refs: int })),
  pipes: mapOf(looseWithId),
  nextPipeId: int,
  epolls: mapOf(looseWithId),
  eventfds: mapOf(looseWithId),
  timerfds: mapOf(z.looseObject({ id: int, clock: int, intervalNs: z.bigint(), deadlineNs: z.bigint().nullable() })),
  sockets: mapOf(looseWithId),
  socketNames: z.map(z.string(), int),
  nextObjectId: int,
  unsupportedReported: z.array(z.string()),
  hostname: z.string(),
  overlay: z.looseObject({ nodes: mapOf(looseWithId), root: int, mounts: z.map(z.string(), int), nextNodeId: int }),
}).transform((s) => withChunkedFiles(s) as unknown as KernelState);

/** A System V shared memory segment's non-zero pages as runs [first page, bytes], and the share key its mappings have. */
export const SavedSegmentSchema = z.object({
  shmid: int,
  share: z.string(),
  runs: z.array(z.tuple([int, bytes])),
});
export type SavedSegment = z.infer<typeof SavedSegmentSchema>;

/**
 * A host FIFO or socket file of a `--mount ...:rw` that a pipe or a bound socket of the image is
 * tied to (kernel/syscalls/host_special_files.ts): its identity ("dev:ino") and where it was on
 * the host at the checkpoint (null: it had no name left, having been unlinked).
 */
export const HeldHostNodeSchema = z.object({
  identity: z.string(),
  hostPath: z.string().nullable(),
});
export type HeldHostNode = z.infer<typeof HeldHostNodeSchema>;

export const KernelPartSchema = z.object({
  state: KernelStateSchema,
  /** The sandbox's CLOCK_MONOTONIC at the checkpoint: a restored sandbox goes on from it. */
  monotonicNs: z.bigint(),
  hostFiles: z.array(HostFileRefSchema),
  /** Contents of synthetic files (/proc) as they were opened. */
  synthetic: z.array(z.tuple([int, bytes])),
  /** System V shared memory segments (absent: none). */
  shm: z.array(SavedSegmentSchema).optional(),
  /** Host FIFOs and socket files pipes and sockets are tied to (absent: none). */
  heldNodes: z.array(HeldHostNodeSchema).optional(),
});
export type KernelPart = z.infer<typeof KernelPartSchema>;

/** A host file a shared mapping maps (mapped_host_files.ts): its host path and identity at the checkpoint. */
export const MappedHostFileSchema = z.object({
  path: z.string(),
  dev: z.bigint(),
  ino: z.bigint(),
  size: z.bigint(),
  mtimeNs: z.bigint(),
  /** The mapping may be made writable (the file was open for writing). */
  writable: z.boolean(),
});
export type MappedHostFile = z.infer<typeof MappedHostFileSchema>;

export const MappingImageSchema = z.object({
  start: addr,
  end: addr,
  prot: int,
  shared: z.boolean(),
  /** The main thread's stack (it grows down). */
  stack: z.boolean(),
  /**
   * MAP_SHARED memory: the object it maps (as the host named it at the checkpoint) and where.
   * Mappings of one object, in any process, map one object again after restore.
   */
  share: z.object({ key: z.string(), offset: z.number().int().nonnegative() }).optional(),
  /** MAP_SHARED memory that is a host file (version 3): restore maps the file again; no page is saved. */
  file: MappedHostFileSchema.optional(),
  /** Runs of saved pages [first page index in the mapping, count], in the pages file's order; other pages are zero. */
  runs: z.array(z.tuple([int, int.positive()])),
});
export type MappingImage = z.infer<typeof MappingImageSchema>;

export const ThreadImageSchema = z.object({
  tid: int,
  /** user_regs_struct, already set to re-issue a syscall the thread was in. */
  regs: bytes.refine((b) => b.length === 27 * 8, 'user_regs_struct is 216 bytes'),
  xstate: bytes,
  rseqAddr: addr,
  rseqSize: int,
  rseqSignature: int,
  robustHead: addr,
  robustLen: int,
  /** Its alternate signal stack (sigaltstack), if it has one. */
  altStack: z.object({ sp: addr, size: int, flags: int }).optional(),
  /** Blocked and pending signals (bit N-1 for signal N). */
  sigmask: z.bigint(),
  pending: z.bigint(),
});
export type ThreadImage = z.infer<typeof ThreadImageSchema>;

export const ProcessPartSchema = z.object({
  pid: int,
  mappings: z.array(MappingImageSchema),
  threads: z.array(ThreadImageSchema),
  /** Signals pending for the whole process. */
  sharedPending: z.bigint(),
});
export type ProcessPart = z.infer<typeof ProcessPartSchema>;
