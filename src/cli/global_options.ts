// Options given before the command, as runc takes them: `tsvisor --root DIR run ...`.
import { defaultStateRoot } from '../sandbox/state_root.js';
import { CliError } from './errors.js';

export interface GlobalOptions {
  /** Where named sandboxes are registered. */
  stateRoot: string;
}

/** Splits the leading global options off args; returns them and the rest (the command first). */
export function parseGlobalOptions(args: string[]): { globals: GlobalOptions; rest: string[] } {
  let stateRoot: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--root') {
      const v = args[++i];
      if (v === undefined || v.length === 0) throw new CliError('--root needs a directory');
      stateRoot = v;
    } else if (a.startsWith('--root=')) {
      stateRoot = a.slice('--root='.length);
      if (stateRoot.length === 0) throw new CliError('--root needs a directory');
    } else {
      break;
    }
  }
  return { globals: { stateRoot: stateRoot ?? defaultStateRoot() }, rest: args.slice(i) };
}
