// The sandbox process of an OCI container: started detached by `create` (or `run`), it checks
// the bundle, claims the container's id, builds the kernel, holds pid 1 before its first
// instruction until `start`, answers the control socket, and exits with the container's status.
// Its stdio are the container's.
import path from 'node:path';
import { exitCodeOf } from '../cli/run.js';

import { SIGHUP, SIGINT, SIGTERM } from '../kernel/abi/signals.js';
import { Kernel } from '../kernel/kernel.js';
import type { TerminalBridge } from '../kernel/tty/terminal_bridge.js';
import { HostRoot, splitPath } from '../kernel/vfs/path_walk.js';
import { DEV_SHM } from '../kernel/vfs/tmpfs.js';
import { KERNEL_TMPFS_DEFAULTS } from '../kernel/vfs/tmpfs_options.js';
import { PtracePlatform } from '../platform/ptrace_platform.js';
import { NamedSandbox } from '../sandbox/named_sandbox.js';
import { processStartTime } from '../sandbox/registry.js';
import { loadBundleConfig } from './bundle_config.js';
import { ContainerStore } from './container_state.js';
import { OciError } from './oci_error.js';
import type { OciLog } from './oci_log.js';
import { consoleTerminal } from './console_terminal.js';
import { lookupProgram } from './program_lookup.js';
import { SandboxControl } from './sandbox_control.js';
import { sandboxPlan } from './sandbox_plan.js';

export interface SandboxLaunch {
  stateRoot: string;
  id: string;
  bundle: string;
  /** Start at once (runc run) instead of waiting for `start`. */
  startNow: boolean;
  /**
   * The stdio: 'socket', a terminal sent to --console-socket (config.json must ask for one);
   * 'none', the runtime's own with no terminal (config.json must not ask for one); 'own', a
   * foreground `run`'s, whatever they are.
   */
  console: 'socket' | 'none' | 'own';
}

/**
 * Sets the sandbox up; ready() is called once the container is created (or with the error that
 * stopped it). Resolves with the exit code of the container.
 *
 * Without createRuntime or prestart hooks (which need pid 1, and whose failure fails create),
 * the container is created, for state and for ready(), once everything that can fail on the
 * bundle has been checked (config.json, the cwd, the program) and the control socket listens:
 * the stub is started and pid 1 made while the engine goes on to `start`, whose request waits
 * for it (this process answers requests only between its steps). A failure then (the host
 * refusing the stub) ends the container, which state shows stopped, and goes to the log.
 */
export async function runSandboxProcess(launch: SandboxLaunch, log: OciLog, ready: (error?: OciError) => void): Promise<number> {
  const store = new ContainerStore(launch.stateRoot);
  let named: NamedSandbox | undefined;
  let kernel: Kernel;
  let control: SandboxControl;
  let status: Promise<number>;
  let terminal: TerminalBridge | undefined;
  let claimed = false;
  let created = false;
  try {
    const config = loadBundleConfig(launch.bundle);
    // Hooks are rare: their module (node:child_process) is loaded only for a config with some.
    const { runHooks } = config.hooks ? await import('./hooks.js') : { runHooks: () => {} };
    const wantsTerminal = config.process?.terminal ?? false;
    if (wantsTerminal && launch.console === 'none') throw new OciError('cannot allocate tty if runc will detach without setting console socket');
    if (!wantsTerminal && launch.console === 'socket') throw new OciError('cannot use console socket if runc will not detach or allocate tty');
    const self = globalThis.process.pid;
    const claim = {
      id: launch.id, bundle: launch.bundle, rootfs: path.resolve(launch.bundle, config.root.path),
      pid: self, startTime: processStartTime(self) ?? '', created: new Date().toISOString(),
      status: 'creating' as const, annotations: config.annotations ?? {}, owner: '',
      ...(config.hooks?.poststop === undefined ? {} : { poststop: config.hooks.poststop }),
    };
    store.claim(claim);
    claimed = true;
    const plan = sandboxPlan(launch.bundle, config);
    for (const note of plan.notes) log.debug(note);
    const root = new HostRoot(
      plan.rootfs,
      plan.binds.map((b) => ({ sandbox: splitPath(b.sandbox), host: b.host, rw: b.access === 'rw', ro: b.access === 'ro' })),
      [plan.shm ?? { path: DEV_SHM, options: KERNEL_TMPFS_DEFAULTS }, ...plan.tmpfs],
    );
    const cwdNode = root.resolve('/', plan.process.cwd, { followFinal: true });
    if (typeof cwdNode === 'number' || !cwdNode.stat.isDirectory()) throw new OciError(`chdir to cwd ("${plan.process.cwd}") set in config.json failed: no such file or directory`);
    const cwd = cwdNode.path;
    const prepared = lookupProgram(root, cwd, plan.process.args, plan.process.env);
    kernel = new Kernel({ platform: new PtracePlatform(), root, warn: (m) => log.warn(m), limits: plan.limits, hostname: plan.hostname, readonlyRoot: plan.readonlyRoot });
    if (launch.console === 'socket') {
      terminal = consoleTerminal(kernel, { owner: plan.process.creds, console: true });
      const size = config.process?.consoleSize;
      if (size) terminal.setSize(size.height, size.width);
    }
    const record = { ...claim, status: 'created' as const };
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    control = new SandboxControl({
      kernel, store, record, release,
      started: () => runHooks('poststart', config.hooks?.poststart, { ...ContainerStore.state(record), status: 'running', pid: kernel.hostInitPid }, false, (m) => log.warn(m)),
      log: (m) => log.debug(m),
    });
    named = new NamedSandbox(launch.stateRoot, launch.id, plan.process.args);
    // Listening from here (create's readiness needs it); served once pid 1 is made.
    named.bind();
    const hooksAtCreate = (config.hooks?.createRuntime?.length ?? 0) + (config.hooks?.prestart?.length ?? 0) > 0;
    if (!hooksAtCreate && !launch.startNow) {
      store.write(record);
      created = true;
      ready();
    }
    status = kernel.run(prepared, cwd, plan.process.creds, {
      held, execTemplate: true, noNewPrivs: plan.process.noNewPrivs, ...(terminal ? { terminal } : {}),
    });
    await named.serve(kernel, plan.process.args, control.handle);
    if (!created) store.write(record);
    // Hooks see the sandbox's init, whose namespaces are the container's (a network hook
    // joining them configures the sandbox's own network namespace, never the host's).
    const hookState = { ...ContainerStore.state(record), pid: kernel.hostInitPid };
    runHooks('createRuntime', config.hooks?.createRuntime, hookState, true, (m) => log.warn(m));
    runHooks('prestart', config.hooks?.prestart, hookState, true, (m) => log.warn(m));
  } catch (err) {
    named?.release();
    const error = err instanceof OciError ? err : new OciError((err as Error).message);
    if (created) {
      // The engine was told it is created: the record stays, for state to show it stopped.
      log.error(error.message);
      return error.exitCode;
    }
    if (claimed) store.remove(launch.id);
    ready(error);
    return error.exitCode;
  }
  passSignals(kernel, control, terminal);
  if (launch.startNow) {
    const started = await new Promise<boolean>((resolve) => control.handle({ op: 'start' }, (r) => resolve(r.type === 'done'), new AbortController().signal));
    if (!started) log.error('cannot start the container');
  }
  if (!created) ready();
  const waitStatus = await status;
  terminal?.close();
  named.release();
  return exitCodeOf(waitStatus);
}

/**
 * SIGTERM/SIGINT/SIGHUP for the sandbox process (the process the pid file names): before start
 * they end the container, as they end runc's init waiting for start; after it they go to pid 1,
 * and a second one ends the sandbox. With a terminal, the SIGHUP of its hang-up after start is
 * the bridge's to pass on (to the session leader).
 */
function passSignals(kernel: Kernel, control: SandboxControl, terminal: TerminalBridge | undefined): void {
  let asked = 0;
  for (const [name, sig] of [['SIGTERM', SIGTERM], ['SIGINT', SIGINT], ['SIGHUP', SIGHUP]] as const) {
    globalThis.process.on(name, () => {
      if (control.status === 'created') control.killCreated(sig);
      else if (sig === SIGHUP && terminal) return;
      else if (asked++ === 0) kernel.signalInit(sig);
      else kernel.terminate(sig);
    });
  }
}
