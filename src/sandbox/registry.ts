// Named sandboxes: each running one has a directory under the state root (runc's --root)
// holding its description and its control socket. The root and every entry are private to
// the user (mode 0700), so only that user can reach a sandbox's socket.
import fs from 'node:fs';
import path from 'node:path';

// zod's small functional build (see control_protocol.ts).
import * as z from 'zod/mini';

export const ENTRY_FILE = 'sandbox.json';
export const SOCKET_FILE = 'control.sock';

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,127}$/;

export const SandboxEntrySchema = z.object({
  id: z.string(),
  /** tsvisor's own pid, and its start time (clock ticks since boot) against pid reuse. */
  pid: z.number().check(z.int(), z.positive()),
  startTime: z.string(),
  command: z.array(z.string()),
  created: z.string(),
  /** Set while a checkpoint runs. */
  status: z.enum(['running', 'checkpointing']),
});
export type SandboxEntry = z.infer<typeof SandboxEntrySchema>;

export class RegistryError extends Error {}

export function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) throw new RegistryError(`invalid sandbox name '${id}' (letters, digits, and _.+- after the first, at most 128)`);
  return id;
}

/** A process's start time from /proc (null if it is gone). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

export class Registry {
  constructor(readonly root: string) {}

  private ensureRoot(): void {
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  dirOf(id: string): string {
    return path.join(this.root, checkId(id));
  }

  socketOf(id: string): string {
    return path.join(this.dirOf(id), SOCKET_FILE);
  }

  /** Claims the name for this process; a stale entry (its tsvisor died) is cleaned first. */
  register(id: string, command: string[]): SandboxEntry {
    this.ensureRoot();
    const dir = this.dirOf(id);
    if (fs.existsSync(dir)) {
      if (this.read(id) !== null) throw new RegistryError(`a sandbox named '${id}' is already running`);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new RegistryError(`a sandbox named '${id}' is already running`);
      throw err;
    }
    const pid = globalThis.process.pid;
    const entry: SandboxEntry = { id, pid, startTime: processStartTime(pid) ?? '', command, created: new Date().toISOString(), status: 'running' };
    this.write(entry);
    return entry;
  }

  write(entry: SandboxEntry): void {
    const file = path.join(this.dirOf(entry.id), ENTRY_FILE);
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(entry) + '\n', { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }

  remove(id: string): void {
    fs.rmSync(this.dirOf(id), { recursive: true, force: true });
  }

  /** The live entry of id, or null (none, or stale: then it is removed). */
  read(id: string): SandboxEntry | null {
    const dir = this.dirOf(id);
    let entry: SandboxEntry;
    try {
      const parsed = SandboxEntrySchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, ENTRY_FILE), 'utf8')));
      if (!parsed.success) throw new Error('malformed');
      entry = parsed.data;
    } catch {
      // Half-written by a tsvisor that is still starting, or left by a crash: stale if old.
      const st = fs.statSync(dir, { throwIfNoEntry: false });
      if (st && Date.now() - st.mtimeMs > 10_000) fs.rmSync(dir, { recursive: true, force: true });
      return null;
    }
    if (processStartTime(entry.pid) !== entry.startTime) {
      fs.rmSync(dir, { recursive: true, force: true });
      return null;
    }
    return entry;
  }

  /** Every live sandbox (stale entries are cleaned on the way). */
  list(): SandboxEntry[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.root);
    } catch {
      return [];
    }
    return names
      .filter((n) => ID_PATTERN.test(n))
      .map((n) => this.read(n))
      .filter((e): e is SandboxEntry => e !== null)
      .sort((a, b) => a.created.localeCompare(b.created));
  }
}
