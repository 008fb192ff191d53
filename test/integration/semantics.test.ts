// One Linux semantic per C program (test/programs/, listed in test/support/semantics.ts), run
// natively and under `tsvisor run`, dynamically linked and static: the same stdout and the
// same status (a death by signal N natively is exit status 128 + N from tsvisor).
//
// Programs that create or change files get a directory in argv: a fresh one per side, so the
// sandbox run never sees what the native run left. Natively it is a host temporary directory;
// in the sandbox the same host path is seen through the read-only root, so the writes land in
// the kernel's overlay (until it exists they fail with EROFS, and these cases fail).

import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { LINKAGES, buildPrograms, programNames, programPath } from '../support/programs.js';
import { compareWithNativeEach, summarize, type SandboxOptions, type Side } from '../support/run.js';
import { SEMANTICS_PROGRAMS } from '../support/semantics.js';

/** The same pseudo-random bytes in every run. */
function deterministicBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

const created: string[] = [];

function tempDir(prefix: string, under = tmpdir()): string {
  const dir = mkdtempSync(join(under, `tsvisor-semantics-${prefix}-`));
  created.push(dir);
  return dir;
}

/** file, dir/, and the symlinks loop->loop, loop_a<->loop_b, dangling, tofile, todir. */
function makeTree(): string {
  const dir = tempDir('tree');
  writeFileSync(join(dir, 'file'), 'a regular file\n');
  mkdirSync(join(dir, 'dir'));
  symlinkSync('loop', join(dir, 'loop'));
  symlinkSync('loop_b', join(dir, 'loop_a'));
  symlinkSync('loop_a', join(dir, 'loop_b'));
  symlinkSync('missing', join(dir, 'dangling'));
  symlinkSync('file', join(dir, 'tofile'));
  symlinkSync('dir', join(dir, 'todir'));
  return dir;
}

/** Files execve refuses, each for its own reason, and a #! script it runs. */
function makeExecFixture(): string {
  const dir = tempDir('exec');
  const file = (name: string, content: string | Buffer, mode: number): void => {
    writeFileSync(join(dir, name), content);
    chmodSync(join(dir, name), mode);
  };
  file('noexec', 'echo hi\n', 0o644);
  file('plain', 'echo hi\n', 0o755);
  file('empty', '', 0o755);
  file('elfmagic', Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 0o755);
  file('badinterp', '#!/nonexistent/interp\n', 0o755);
  file('script', '#!/bin/echo script-arg\n', 0o755);
  mkdirSync(join(dir, 'dir'));
  return dir;
}

/** Arguments naming a fresh directory per side, filled by `populate`. */
function scratch(populate?: (dir: string) => void): (side: Side) => readonly string[] {
  return (side) => {
    const dir = tempDir(`scratch-${side}`);
    populate?.(dir);
    return [dir];
  };
}

/**
 * A fresh directory per side where the sandbox's one is a host directory it sees through
 * `--mount DIR:DIR:rw` (its writes reach the host's filesystem, as the native run's do).
 */
function rwMountScratch(more: readonly string[] = []): { args: (side: Side) => readonly string[]; opts: SandboxOptions } {
  const shared = tempDir('rw');
  return {
    args: (side) => [...(side === 'native' ? scratch()(side) : [shared]), ...more],
    opts: { extraArgs: ['--mount', `${shared}:${shared}:rw`] },
  };
}

/**
 * A directory for the program to make in a tmpfs, then arguments after it: natively below the
 * host's /dev/shm (a tmpfs), in the sandbox below its own /dev/shm (the kernel's tmpfs).
 */
function tmpfsScratch(more: readonly string[] = []): (side: Side) => readonly string[] {
  const native = (): string => {
    // Searchable by the uid the programs drop to, as the sandbox's /dev/shm (1777) is.
    const dir = tempDir('tmpfs', '/dev/shm');
    chmodSync(dir, 0o755);
    return join(dir, 'work');
  };
  return (side) => [side === 'native' ? native() : '/dev/shm/work', ...more];
}

function copyUpFixture(dir: string): void {
  writeFileSync(join(dir, 'data'), '0123456789');
  writeFileSync(join(dir, 'mode'), 'mode');
  chmodSync(join(dir, 'mode'), 0o644);
  writeFileSync(join(dir, 'old'), 'old name');
}

/** Host names that are not UTF-8 (the lower layer byte_names lists): made with Buffer paths. */
function byteNamesFixture(): string {
  const dir = tempDir('bytes');
  const at = (name: number[]): Buffer => Buffer.concat([Buffer.from(dir + '/'), Buffer.from(name)]);
  writeFileSync(at([0x6c, 0xff]), Buffer.from([0x63, 0xff, 0x0a]));
  symlinkSync(Buffer.from([0x74, 0x80, 0xc3]), at([0x73, 0x6c, 0xfe]));
  writeFileSync(join(dir, 'ok'), '');
  return dir;
}

/** 500 levels of confdir3 (4500 bytes, past PATH_MAX) with a file f at the bottom, made by short names. */
function deepTreeFixture(dir: string): void {
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    for (let i = 0; i < 500; i++) {
      mkdirSync('confdir3');
      process.chdir('confdir3');
    }
    writeFileSync('f', 'bottom\n');
  } finally {
    process.chdir(cwd);
  }
}

function whiteoutFixture(dir: string): void {
  writeFileSync(join(dir, 'gone'), '');
  writeFileSync(join(dir, 'again'), 'old content');
  mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'tree', 'a'), '');
  writeFileSync(join(dir, 'tree', 'b'), '');
  writeFileSync(join(dir, 'tree', 'sub', 'c'), '');
}

interface Case {
  readonly title?: string;
  /** Arguments after the program: the same for both sides, or made per side. */
  readonly args?: readonly string[] | ((side: Side) => readonly string[]);
  readonly opts?: SandboxOptions;
  /** The signal the program must die of natively (so the comparison is about something). */
  readonly nativeSignal?: NodeJS.Signals;
}

function casesFor(data: string, tree: string, exec: string, bytes: string): Record<string, readonly Case[]> {
  return {
    errno_ebadf: [{ args: [data] }],
    errno_path: [{ args: [tree] }],
    errno_einval: [{}],
    errno_eexist: [{ args: scratch() }],
    efault_io: [{ args: [data] }],
    efault_path: [{}],
    efault_struct: [{}],
    efault_wait: [{}],
    int_args_upper: [{}],
    errno_order: [{ args: scratch() }],

    o_append: [{ args: scratch() }],
    aio_ring: [{ args: scratch() }],
    text_busy: [{ args: scratch() }],
    fsync_kinds: [{ args: scratch() }],
    file_locks: [{ args: scratch() }],
    posix_lock_deadlock: [{ args: scratch() }],
    memfd_seals: [{}],
    fexecve_memfd: [{ args: scratch() }],
    sysv_shm: [{}],
    sysv_sem: [{}],
    sysv_msg: [{}],
    posix_mqueue: [{}],
    socket_mmsg: [{}],
    udp_port_unreachable: [{}],
    udp_disconnect: [{}],
    multicast_join: [{}],
    raw_icmp: [{}],
    clone_pidfd: [{}],
    clone_parent: [{}],
    clone_exit_signal: [{}],
    splice_tee: [{ args: scratch() }],
    pipe_pages: [{}],
    copy_to_append: [{ args: scratch() }],
    o_trunc: [{ args: scratch() }],
    o_excl: [{ args: scratch() }],
    open_flags: [{ args: [tree] }],
    dup_offset: [{ args: [data] }],
    cloexec_flags: [{}],
    fcntl_flags: [{ args: [data] }],
    fd_lowest: [{}],
    lseek_whence: [{ args: [data] }],
    pread_offset: [{ args: [data] }],
    rlimit_nofile: [{}],
    cpu_rlimit: [{}],
    file_size_rlimit: [{ args: scratch() }],
    memory_rlimits: [{}],
    nproc_rlimit: [{}],
    children_usage: [{}],

    pipe_eof: [{}],
    pipe_sigpipe: [
      { title: 'default action kills the writer', args: ['die'], nativeSignal: 'SIGPIPE' },
      { title: "a child's wait status", args: ['child'] },
      { title: 'SIG_IGN: EPIPE', args: ['ignore'] },
      { title: 'caught: EPIPE after the handler', args: ['handler'] },
      { title: 'blocked: EPIPE, SIGPIPE pending', args: ['blocked'] },
    ],
    pipe_nonblock: [{}],
    pipe_atomic: [{}],
    pipe_packet: [{}],
    pipe_bulk: [{}],
    dev_zero_bulk: [{}],
    poll_pipe: [{}],
    select_pipe: [{}],
    epoll_ctl_kinds: [{ args: scratch() }],
    epoll_wakeups: [{}],
    epoll_ready_order: [{}],
    eventfd_overflow: [{}],
    so_timestamp: [{}],
    async_sigio: [{}],

    wait_status: [{}],
    wait_stopped: [{}],
    waitpid_nohang: [{}],
    waitid_pid: [{}],
    exec_chain: [{}],
    cloexec_exec: [{}],
    exec_signals: [{}],
    execve_errors: [{ args: [exec] }],
    fexecve_fd: [{}],
    reparent: [{}],
    pgrp_session: [{}],
    brk_steps: [{}],
    sched_params: [{}],
    sched_attr_ioprio: [{}],

    sigaction_siginfo: [{}],
    siginfo_sender_burst: [{}],
    sigprocmask_pending: [{}],
    pselect_mask_restore: [{}],
    sigchld_info: [{}],
    stop_restart: [{}],
    tty_job_control: [{}],
    capability_sets: [{}],
    setuid_exec: [{}],
    eintr_read: [
      { title: 'read without SA_RESTART: EINTR', args: ['read'] },
      { title: 'read with SA_RESTART: restarted', args: ['restart'] },
      { title: 'waitpid without SA_RESTART: EINTR', args: ['wait'] },
      { title: 'nanosleep: EINTR even with SA_RESTART', args: ['sleep'] },
    ],
    kill_pgrp: [{}],
    abort_status: [
      { title: 'children', args: ['children'] },
      { title: 'the program itself aborts', args: ['self'], nativeSignal: 'SIGABRT' },
    ],
    alarm_signal: [
      { title: 'caught: pause returns EINTR', args: ['handler'] },
      { title: 'default action kills', args: ['default'], nativeSignal: 'SIGALRM' },
    ],
    clock_nanosleep_rel: [{}],
    vdso_clock: [{}],
    cpu_clocks: [{}],
    signalfd_read: [{}],
    inet_loopback: [{}],
    inet_recv_flags: [{}],
    tcp_connect_refused: [{}],
    reuseport_share: [{}],
    netlink_route: [{}],
    proc_net: [{}],
    unix_dgram_pair: [{}],
    unix_shutdown_peer: [{}],
    fstat_kinds: [{}],
    sched_nice: [{}],
    uts_names: [{}],
    prctl_parent_death: [{}],
    prctl_timerslack: [{}],
    process_vm_rw: [{}],
    syslog_actions: [{}],
    sock_diag: [{}],
    kcmp: [{}],
    ptrace_attach: [{}],
    ptrace_syscalls: [{}],
    ptrace_sigchld: [{}],
    ptrace_singlestep: [{}],
    ptrace_vfork_done: [
      { title: 'with TRACEVFORKDONE', args: ['with-done'] },
      { title: 'without it', args: ['without-done'] },
    ],
    proc_self_sched: [{}],
    proc_status_fields: [{}],
    proc_stat_state: [{}],
    ns_files: [{}],
    proc_pid_access: [{}],
    statfs_fsid: [{}],
    fstatfs_internal: [{ args: scratch() }],
    proc_sys_files: [{ args: scratch() }],
    stdio_socket: [{}],
    thread_names: [{}],
    proc_start_time: [{}],
    proc_cmdline_title: [{ args: ['a', 'bb'] }],
    sigqueue_value: [{}],
    sigwait_sender: [{}],
    self_signal_info: [{ args: scratch() }],
    pidfd_wait: [{}],
    seccomp_filter: [{}],
    sendfile_socket: [{ args: scratch() }],
    unix_autobind: [{}],
    unix_connect_perm: [{}],
    stream_zero_send: [{}],
    tcp_reset: [{}],
    urgent_data: [{}],
    socket_send_buffer: [{}],
    peer_name_after_close: [{ args: scratch() }],
    send_to_shut_reader: [{}],
    udp_ancillary: [{}],
    udplite_loopback: [{}],
    write_interrupted: [{}],
    pidfd_procdir: [{}],

    threads_join: [{}],
    mutex_counter: [{}],
    futex_wake: [{}],
    clear_child_tid: [{}],
    pthread_kill: [{}],
    exit_parked_threads: [{}],
    thread_starvation: [{}],
    alarm_busy_sibling: [{}],

    getdents_sorted: [{ args: scratch() }],
    open_emfile: [{ args: scratch() }],
    getdents_old: [{ args: scratch() }],
    pwritev2_flags: [{ args: scratch() }],
    umask_modes: [{ args: scratch() }],
    rename_sem: [{ args: scratch() }],
    unlink_open: [{ args: scratch() }],
    mkdir_rmdir: [{ args: scratch() }],
    symlink_loop: [{ args: scratch() }],
    truncate_sem: [{ args: scratch() }],
    sparse_holes: [{ args: scratch() }],
    large_sparse_file: [{ args: scratch() }],
    seek_holes_written: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount', ...rwMountScratch() },
    ],
    fifo_rdwr_poll: [{ args: scratch() }],
    proc_fd_link_mode: [{}],
    proc_maps_identity: [{}],
    mmap_flag_checks: [{}],
    mmap_shared_write: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount', ...rwMountScratch() },
    ],
    map_shared_bind: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount', ...rwMountScratch() },
    ],
    overlay_copyup: [{ args: scratch(copyUpFixture) }],
    overlay_whiteout: [{ args: scratch(whiteoutFixture) }],
    openat2_resolve: [{ args: scratch() }],
    // "lower" exists before the run: in the sandbox it is a file of the lower layer, copied up when written.
    inotify_events: [{ args: scratch((dir) => writeFileSync(join(dir, 'lower'), 'lower\n')) }],
    dnotify_dir: [{ args: scratch() }],
    // "lower" exists before the run: in the sandbox the first change copies it up.
    xattr_ops: [{ args: scratch((dir) => writeFileSync(join(dir, 'lower'), 'lower\n')) }],
    xattr_user: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount', ...rwMountScratch() },
    ],
    // Both run as root, then drop to uid 1000 in a child for the permission checks.
    posix_acl: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a tmpfs', args: tmpfsScratch() },
    ],
    inode_flags: [
      { title: 'in the overlay', args: scratch() },
      { title: "in a tmpfs, with what only tmpfs does", args: tmpfsScratch(['tmpfs']) },
    ],
    fd_attrs_unsearchable: [{ args: scratch() }],
    byte_names: [{ args: (side) => [...scratch()(side), bytes] }],
    file_times_range: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount, with times ext4 clamps', ...rwMountScratch(['far']) },
    ],

    dev_null_stat: [{}],
    proc_self_exe: [{}],
    proc_auxv_mem: [{}],
    proc_oom_coredump: [{}],
    proc_thread_dir: [{}],
    dirent_dot_inos: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount', ...rwMountScratch() },
    ],
    proc_fd_reopen: [
      { title: 'in the overlay', args: scratch() },
      { title: 'in a :rw mount', ...rwMountScratch() },
    ],
    getcwd_chdir: [{ args: [tree] }],
    getcwd_long: [{ args: scratch() }],
    cwd_moved: [{ args: scratch() }],
    statx_btime: [{ args: scratch() }],
    deep_host_dirs: [
      { title: 'in a :rw mount', ...rwMountScratch(['make']) },
      { title: 'in the lower layer', args: (side) => [...scratch(deepTreeFixture)(side), 'walk'] },
    ],
  };
}

describe('semantics: one behaviour per program, native vs sandbox', function () {
  const data = tempDir('data');
  writeFileSync(join(data, 'data.bin'), deterministicBytes(10000));
  const cases = casesFor(join(data, 'data.bin'), makeTree(), makeExecFixture(), byteNamesFixture());

  before(async function () {
    this.timeout(300_000);
    await buildPrograms();
  });

  after(() => {
    // rm -rf for what node's rmSync cannot take: a tree deeper than PATH_MAX (deep_host_dirs).
    for (const dir of created) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        execFileSync('rm', ['-rf', dir]);
      }
    }
  });

  it('the cases here are exactly the programs of test/support/semantics.ts, and they exist', () => {
    expect(Object.keys(cases).sort()).to.deep.equal([...SEMANTICS_PROGRAMS].sort());
    const missing = SEMANTICS_PROGRAMS.filter((n) => !programNames().includes(n));
    expect(missing).to.deep.equal([]);
  });

  for (const linkage of LINKAGES) {
    describe(`${linkage}ally linked`, () => {
      for (const [name, list] of Object.entries(cases)) {
        for (const c of list) {
          it(`${name}${c.title ? `: ${c.title}` : ''}`, function () {
            this.timeout(120_000);
            const argsFor = (side: Side): readonly string[] =>
              typeof c.args === 'function' ? c.args(side) : (c.args ?? []);
            const { native } = compareWithNativeEach(
              (side) => [programPath(name, linkage), ...argsFor(side)],
              c.opts,
            );
            if (c.nativeSignal) expect(native.signal, summarize(native)).to.equal(c.nativeSignal);
            else expect(native.status, `native run:\n${summarize(native)}`).to.be.a('number');
          });
        }
      }
    });
  }
});
