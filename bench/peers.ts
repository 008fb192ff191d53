// The peers the bench compares: how each one runs a command, and whether it can run here.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const PEER_NAMES = ['native', 'tsvisor', 'runsc', 'strace', 'proot'] as const;
export type PeerName = (typeof PEER_NAMES)[number];

export function isPeerName(s: string): s is PeerName {
  return (PEER_NAMES as readonly string[]).includes(s);
}

export interface Peer {
  name: PeerName;
  /** How the peer runs CMD, for the report. */
  describe: string;
  /** undefined when the peer can run here; otherwise why it is skipped. */
  unavailable(): string | undefined;
  /** The argv that runs `cmd` under this peer. */
  wrap(cmd: readonly string[]): string[];
  /** Signal to stop it on timeout. */
  killSignal: NodeJS.Signals;
  /** One-line version, when the peer says. */
  version(): string | undefined;
  /** Removes whatever the peer left behind (runsc's state directory). */
  cleanup(): void;
}

/** The absolute path of `name` on PATH, like `which`. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function outputLine(argv: readonly string[], pick: (lines: string[]) => string | undefined): string | undefined {
  const [file, ...args] = argv;
  if (file === undefined) return undefined;
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error !== undefined) return undefined;
  const lines = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return pick(lines);
}

function notInstalled(name: string): () => string | undefined {
  return () => (findOnPath(name) === undefined ? 'not installed, skipped' : undefined);
}

export function makePeers(tsvisorBin: string): Map<PeerName, Peer> {
  const peers = new Map<PeerName, Peer>();

  peers.set('native', {
    name: 'native',
    describe: 'CMD',
    unavailable: () => undefined,
    wrap: (cmd) => [...cmd],
    killSignal: 'SIGKILL',
    version: () => undefined,
    cleanup: () => {},
  });

  peers.set('tsvisor', {
    name: 'tsvisor',
    describe: 'build/Release/tsvisor run -- CMD',
    unavailable: () => {
      try {
        accessSync(tsvisorBin, constants.X_OK);
        return undefined;
      } catch {
        return `${tsvisorBin} not found, skipped`;
      }
    },
    wrap: (cmd) => [tsvisorBin, 'run', '--', ...cmd],
    killSignal: 'SIGKILL',
    version: () => undefined,
    cleanup: () => {},
  });

  // runsc keeps container state under --root; a private temporary one per bench run,
  // removed at the end, so the bench leaves nothing behind in /var/run/runsc.
  let runscRoot: string | undefined;
  peers.set('runsc', {
    name: 'runsc',
    describe: 'runsc --root TMP --network=none --platform=ptrace do CMD',
    unavailable: () => {
      if (findOnPath('runsc') === undefined) return 'not installed, skipped';
      if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'needs root, skipped';
      return undefined;
    },
    wrap: (cmd) => {
      runscRoot ??= mkdtempSync(join(tmpdir(), 'tsvisor-bench-runsc-'));
      return ['runsc', '--root', runscRoot, '--network=none', '--platform=ptrace', 'do', ...cmd];
    },
    killSignal: 'SIGTERM',
    version: () => outputLine(['runsc', '--version'], (l) => l[0]),
    cleanup: () => {
      if (runscRoot !== undefined) rmSync(runscRoot, { recursive: true, force: true });
      runscRoot = undefined;
    },
  });

  peers.set('strace', {
    name: 'strace',
    describe: 'strace -f -o /dev/null CMD',
    unavailable: notInstalled('strace'),
    wrap: (cmd) => ['strace', '-f', '-o', '/dev/null', ...cmd],
    killSignal: 'SIGKILL',
    version: () => outputLine(['strace', '-V'], (l) => l[0]),
    cleanup: () => {},
  });

  peers.set('proot', {
    name: 'proot',
    describe: 'proot -r / CMD',
    unavailable: notInstalled('proot'),
    wrap: (cmd) => ['proot', '-r', '/', ...cmd],
    killSignal: 'SIGKILL',
    version: () =>
      outputLine(['proot', '--version'], (l) => {
        const v = l.join(' ').match(/\b(\d+\.\d+\.\d+)\b/);
        const accel = l.find((x) => x.startsWith('built-in accelerators'));
        return v === null ? undefined : `proot ${v[1]}${accel === undefined ? '' : ` (${accel})`}`;
      }),
    cleanup: () => {},
  });

  return peers;
}

/** The two placements measured: as users run them, and everything on CPU 0. */
export const MODES = ['unpinned', 'pinned'] as const;
export type Mode = (typeof MODES)[number];

export const MODE_TITLES: Record<Mode, string> = {
  unpinned: 'unpinned (as users run them)',
  pinned: 'pinned (every command under taskset -c 0: tracer and program on one CPU)',
};

export function placeInMode(mode: Mode, argv: readonly string[]): string[] {
  return mode === 'pinned' ? ['taskset', '-c', '0', ...argv] : [...argv];
}
