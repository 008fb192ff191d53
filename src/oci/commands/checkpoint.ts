// runc checkpoint --image-path DIR [--leave-running] ID and runc restore --image-path DIR
// [--bundle DIR] [--detach] [--pid-file F] ID, mapped onto tsvisor's own checkpoint images
// (runsc's style: the image is tsvisor's, not CRIU's; CRIU-only flags are accepted and ignored).
import fs from 'node:fs';
import path from 'node:path';

import { processStartTime } from '../../sandbox/registry.js';
import { parseCommandArgs, onlyId } from '../command_args.js';
import { consoleForSocket } from '../console_socket.js';
import { ContainerStore, checkContainerId } from '../container_state.js';
import { spawnDetached, writePidFile } from '../detached_spawn.js';
import { OciError } from '../oci_error.js';
import type { RuntimeContext } from '../runtime_context.js';
import { runRestoredSandbox, type RestoreLaunch } from '../restored_sandbox.js';

const CRIU_FLAGS = {
  'work-path': 'string', 'parent-path': 'string', 'tcp-established': 'bool', 'ext-unix-sk': 'bool', 'shell-job': 'bool',
  'lazy-pages': 'bool', 'status-fd': 'string', 'page-server': 'string', 'file-locks': 'bool', 'pre-dump': 'bool',
  'manage-cgroups-mode': 'string', 'empty-ns': 'list', 'auto-dedup': 'bool', 'tcp-skip-in-flight': 'bool', 'link-remap': 'bool',
  'no-subreaper': 'bool', 'no-pivot': 'bool', 'lsm-profile': 'string', 'lsm-mount-context': 'string',
} as const;

export async function checkpointCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('checkpoint', args, { ...CRIU_FLAGS, 'image-path': 'string', 'leave-running': 'bool' });
  const id = onlyId('checkpoint', p);
  if (ContainerStore.status(ctx.store.get(id)) !== 'running') throw new OciError('container not running');
  const image = path.resolve(p.strings.get('image-path') ?? 'checkpoint');
  const final = await ctx.request(id, { op: 'checkpoint', image, leaveRunning: p.bools.has('leave-running') });
  if (final.type === 'done') ctx.options.log.info(final.message);
  return 0;
}

export async function restoreCommand(ctx: RuntimeContext, args: readonly string[]): Promise<number> {
  const p = parseCommandArgs('restore', args, { ...CRIU_FLAGS, 'image-path': 'string', bundle: 'string', detach: 'bool', 'pid-file': 'string', 'console-socket': 'string', 'no-new-keyring': 'bool' }, { b: 'bundle', d: 'detach' });
  const id = checkContainerId(onlyId('restore', p));
  const image = path.resolve(p.strings.get('image-path') ?? 'checkpoint');
  if (!fs.existsSync(image)) throw new OciError(`image path ${image} does not exist`);
  const bundle = path.resolve(p.strings.get('bundle') ?? '.');
  const detach = p.bools.has('detach');
  const consoleSocket = p.strings.get('console-socket');
  if (!detach && consoleSocket !== undefined) throw new OciError('cannot use console socket if runc will not detach or allocate tty');
  const self = globalThis.process.pid;
  ctx.store.claim({
    id, bundle, rootfs: path.join(bundle, 'rootfs'), pid: self, startTime: processStartTime(self) ?? '',
    created: new Date().toISOString(), status: 'creating', annotations: {}, owner: '',
  });
  const launch: RestoreLaunch = { stateRoot: ctx.options.stateRoot, id, image, console: detach ? (consoleSocket === undefined ? 'none' : 'socket') : 'own' };
  try {
    if (detach) {
      // A container that had a terminal gets a new one, as create gives one (the restored sandbox checks the image had one).
      const slave = consoleSocket === undefined ? undefined : consoleForSocket(path.resolve(consoleSocket));
      const stdio: [number, number, number] = slave === undefined ? [0, 1, 2] : [slave, slave, slave];
      const pid = await spawnDetached('__oci-restore', { launch, log: ctx.options.log.settings }, stdio);
      const pidFile = p.strings.get('pid-file');
      if (pidFile !== undefined) writePidFile(path.resolve(pidFile), pid);
      return 0;
    }
    let failed: OciError | undefined;
    const code = await runRestoredSandbox(launch, ctx.options.log, (error) => (failed = error));
    if (failed) throw failed;
    ctx.store.remove(id);
    return code;
  } catch (err) {
    ctx.store.remove(id);
    throw err;
  }
}
