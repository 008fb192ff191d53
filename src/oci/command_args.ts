// Flags of one runc command (urfave/cli style): --name value, --name=value, -n value, boolean
// flags alone (or =true/=false); flags end at the first positional argument or at `--`.
import { OciError } from './oci_error.js';

export type FlagKind = 'bool' | 'string' | 'list';

export interface ParsedArgs {
  bools: Set<string>;
  strings: Map<string, string>;
  lists: Map<string, string[]>;
  positionals: string[];
}

/** spec: flag name (without dashes) -> kind; aliases: short or other name -> flag name. */
export function parseCommandArgs(command: string, args: readonly string[], spec: Record<string, FlagKind>, aliases: Record<string, string> = {}): ParsedArgs {
  const out: ParsedArgs = { bools: new Set(), strings: new Map(), lists: new Map(), positionals: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const eq = a.indexOf('=');
    const raw = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
    const name = aliases[raw] ?? raw;
    const kind = spec[name];
    if (!kind) throw new OciError(`flag provided but not defined: -${raw} (runc ${command})`);
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (kind === 'bool') {
      if (inline === undefined || inline === 'true') out.bools.add(name);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined) throw new OciError(`flag needs an argument: -${raw}`);
    if (kind === 'string') out.strings.set(name, value);
    else out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
  }
  out.positionals = args.slice(i);
  return out;
}

/** The one container id a command takes. */
export function onlyId(command: string, parsed: ParsedArgs, max = 1): string {
  const id = parsed.positionals[0];
  if (id === undefined || id.length === 0) throw new OciError(`"${command}" requires a container id`);
  if (parsed.positionals.length > max) throw new OciError(`"${command}" requires exactly ${max} argument(s)`);
  return id;
}
