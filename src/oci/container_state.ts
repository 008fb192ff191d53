// The containers an OCI runtime knows, each a directory under STATE_ROOT/.oci/ID holding its
// record. It outlives the sandbox process (a stopped container stays until `delete`); the
// name starts with a dot so the sandbox registry (STATE_ROOT/ID) never takes it for a sandbox.
import fs from 'node:fs';
import path from 'node:path';

// zod's small functional build: the short commands (start, state, kill, delete) read only this
// record, and loading the whole of zod would be most of their start-up.
import * as z from 'zod/mini';

import { OciError } from './oci_error.js';
import { OCI_SPEC_VERSION } from './spec_version.js';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;
const RECORD_FILE = 'container.json';

/** A hook as config.json gave it (already checked there), kept for delete. */
const HookRecordSchema = z.object({
  path: z.string(),
  args: z.optional(z.array(z.string())),
  env: z.optional(z.array(z.string())),
  timeout: z.optional(z.number()),
});

export const ContainerRecordSchema = z.object({
  id: z.string(),
  bundle: z.string(),
  rootfs: z.string(),
  /** The sandbox process (the pid file's), and its start time against pid reuse. */
  pid: z.number().check(z.int()),
  startTime: z.string(),
  created: z.string(),
  /** As the sandbox process last said; 'stopped' once that process is gone. */
  status: z.enum(['creating', 'created', 'running', 'paused']),
  annotations: z.record(z.string(), z.string()),
  owner: z.string(),
  /** config.json's poststop hooks: delete runs them without reading config.json again. */
  poststop: z.optional(z.array(HookRecordSchema)),
});
export type ContainerRecord = z.infer<typeof ContainerRecordSchema>;
export type ContainerStatus = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** The state `runc state` prints (runtime-spec's state, plus runc's extra fields). */
export interface OciState {
  ociVersion: string;
  id: string;
  pid: number;
  status: ContainerStatus;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations: Record<string, string>;
}

export function checkContainerId(id: string): string {
  if (!ID_PATTERN.test(id)) throw new OciError('invalid container id format');
  return id;
}

/** The start time (clock ticks since boot) of a live process; null when it is gone or a zombie. */
export function liveStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

export class ContainerStore {
  readonly dir: string;

  constructor(stateRoot: string) {
    this.dir = path.join(stateRoot, '.oci');
  }

  dirOf(id: string): string {
    return path.join(this.dir, checkContainerId(id));
  }

  /** Claims id for a new container (atomically), with a record in 'creating'. */
  claim(record: ContainerRecord): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    try {
      fs.mkdirSync(this.dirOf(record.id), { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new OciError(`container with id exists: ${record.id}`);
      throw err;
    }
    this.write(record);
  }

  write(record: ContainerRecord): void {
    const file = path.join(this.dirOf(record.id), RECORD_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(record) + '\n', { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }

  /** The record of id, or null when there is no such container. */
  read(id: string): ContainerRecord | null {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.dirOf(id), RECORD_FILE), 'utf8');
    } catch {
      return null;
    }
    const parsed = ContainerRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  }

  /** The record of id; OciError "container does not exist" otherwise. */
  get(id: string): ContainerRecord {
    const record = this.read(id);
    if (!record) throw new OciError('container does not exist');
    return record;
  }

  remove(id: string): void {
    fs.rmSync(this.dirOf(id), { recursive: true, force: true });
  }

  ids(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => ID_PATTERN.test(n));
    } catch {
      return [];
    }
  }

  static status(record: ContainerRecord): ContainerStatus {
    return liveStartTime(record.pid) === record.startTime ? record.status : 'stopped';
  }

  static state(record: ContainerRecord): OciState {
    const status = ContainerStore.status(record);
    return {
      ociVersion: OCI_SPEC_VERSION,
      id: record.id,
      pid: status === 'stopped' ? 0 : record.pid,
      status,
      bundle: record.bundle,
      rootfs: record.rootfs,
      created: record.created,
      owner: record.owner,
      annotations: record.annotations,
    };
  }
}
