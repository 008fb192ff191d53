// The event model's promise: the domain events of a run, applied in order to a fresh state
// through the same reducers, rebuild exactly the live kernel's final state.
import { expect } from 'chai';

import { KernelEventSchema, type KernelEvent } from '../../src/kernel/events.js';
import { Kernel } from '../../src/kernel/kernel.js';
import { prepareExec } from '../../src/kernel/loader/exec.js';
import { applyEvent } from '../../src/kernel/reducer.js';
import { emptyKernelState } from '../../src/kernel/state.js';
import { HostRoot } from '../../src/kernel/vfs/path_walk.js';
import { PtracePlatform } from '../../src/platform/ptrace_platform.js';

const ROOT_CREDS = { uid: 0, euid: 0, suid: 0, gid: 0, egid: 0, sgid: 0, groups: [] };

async function recordRun(argv: string[]): Promise<{ kernel: Kernel; events: KernelEvent[]; syscalls: number; status: number }> {
  const root = new HostRoot('/');
  const kernel = new Kernel({ platform: new PtracePlatform(), root, warn: () => {} });
  const events: KernelEvent[] = [];
  let syscalls = 0;
  kernel.bus.subscribe((r) => {
    if (r.type === 'event') events.push(structuredClone(r.event));
    else syscalls++;
  });
  const prepared = prepareExec(root, '/', argv[0]!, argv, ['PATH=/usr/bin:/bin']);
  const status = await kernel.run(prepared, '/', ROOT_CREDS);
  return { kernel, events, syscalls, status };
}

describe('event sourcing', function () {
  this.timeout(60_000);

  // A run that opens, reads, dups, lists directories, maps files, changes directory and
  // sets limits and signal handlers: /bin/sh drives most subsystems of the foundation.
  const script = 'cd /etc && ulimit -n 512 && trap "" INT && exec 3</etc/passwd && read x <&3 && exec ls -la / >/dev/null';

  it('rebuilds the live final state from the recorded events', async () => {
    const { kernel, events, syscalls, status } = await recordRun(['/bin/sh', '-c', script]);
    expect(status).to.equal(0);
    expect(syscalls).to.be.greaterThan(50);
    expect(events.length).to.be.greaterThan(20);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['ProcessStarted', 'ExecCompleted', 'FileOpened', 'FdInstalled', 'FdClosed', 'FileOffsetSet', 'CwdChanged', 'RlimitSet', 'SignalActionSet', 'BrkSet', 'MemoryMapped', 'ProcessExited']) {
      expect(types, `events of type ${t}`).to.include(t);
    }
    const rebuilt = emptyKernelState();
    for (const e of events) applyEvent(rebuilt, e);
    expect(rebuilt).to.deep.equal(kernel.state);
  });

  it('rebuilds a chroot: the RootChanged event gives the process its root, and its children inherit it', async () => {
    // /usr holds a shell and its libraries at the paths it looks for them (merged /usr).
    const { kernel, events, status } = await recordRun(['/usr/sbin/chroot', '/usr', '/bin/sh', '-c', 'cd /lib && /bin/true && exec /bin/true']);
    expect(status).to.equal(0);
    const chroots = events.filter((e) => e.type === 'RootChanged');
    expect(chroots).to.deep.equal([{ type: 'RootChanged', pid: 1, root: '/usr' }]);
    const rebuilt = emptyKernelState();
    const rootsOfForks: string[] = [];
    const cwds: string[] = [];
    for (const e of events) {
      applyEvent(rebuilt, e);
      if (e.type === 'ProcessForked') rootsOfForks.push(rebuilt.processes.get(e.pid)!.root ?? '/');
      if (e.type === 'CwdChanged') cwds.push(e.cwd);
    }
    // chroot(1) changes to the new root's "/", then the shell's `cd /lib` is below it too.
    expect(cwds).to.deep.equal(['/usr', '/usr/lib']);
    expect(rootsOfForks.length).to.be.greaterThan(0);
    expect(rootsOfForks.every((r) => r === '/usr')).to.equal(true);
    expect(rebuilt).to.deep.equal(kernel.state);
  });

  it('rebuilds System V IPC: objects, attachments inherited by a fork, semaphore values and queued messages', async () => {
    // The objects outlive the programs that made them (pid 1 is the shell, which stays).
    const { kernel, events, status } = await recordRun(['/usr/bin/python3', '-c', [
      'import ctypes, os',
      'c = ctypes.CDLL(None, use_errno=True)',
      'c.shmat.restype = ctypes.c_void_p',
      'shm = c.shmget(0, 8192, 0o1600); at = c.shmat(shm, None, 0); ctypes.memmove(at, b"hi", 2)',
      'sem = c.semget(0x5e5e, 2, 0o1600); c.semctl(sem, 1, 16, 7)',
      'q = c.msgget(0, 0o1600); m = ctypes.create_string_buffer(b"\\x03" + b"\\0" * 7 + b"text"); c.msgsnd(q, m, 4, 0)',
      'pid = os.fork()',
      'os._exit(0) if pid == 0 else os.waitpid(pid, 0)',
    ].join('\n')]);
    expect(status).to.equal(0);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['SysvCreated', 'ShmAttached', 'ShmDetached', 'SemChanged', 'MsgSent']) expect(types, `events of type ${t}`).to.include(t);
    expect(kernel.state.sysv?.shm.size).to.equal(1);
    expect(kernel.state.sysv?.sem.get([...kernel.state.sysv.sem.keys()][0]!)?.values).to.deep.equal([0, 7]);
    const rebuilt = emptyKernelState();
    for (const e of events) applyEvent(rebuilt, e);
    expect(rebuilt).to.deep.equal(kernel.state);
  });

  it('records only events that pass their schema', async () => {
    const { events } = await recordRun(['/bin/sh', '-c', 'exec ls -la /etc/hostname >/dev/null']);
    for (const e of events) expect(() => KernelEventSchema.parse(e), JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 200)).not.to.throw();
  });

  it('keeps every open file\'s reference count equal to the fds that refer to it, at every step', async () => {
    const { events } = await recordRun(['/bin/sh', '-c', 'exec 4</etc/hostname; exec 5<&4; exec 4<&-; exec 6</etc/passwd; exec cat /proc/self/fd/5 >/dev/null']);
    const state = emptyKernelState();
    let checked = 0;
    for (const e of events) {
      applyEvent(state, e);
      const refs = new Map<number, number>();
      for (const p of state.processes.values()) for (const { fileId } of p.fds.values()) refs.set(fileId, (refs.get(fileId) ?? 0) + 1);
      for (const f of state.files.values()) expect(f.refs, `refs of ${f.path} after ${e.type}`).to.equal(refs.get(f.id) ?? 0);
      checked++;
    }
    expect(checked).to.be.greaterThan(10);
    // Once the process has exited, no file is open any more.
    expect(state.files.size).to.equal(0);
  });
});
