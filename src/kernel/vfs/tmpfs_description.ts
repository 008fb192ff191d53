// A tmpfs mount as a trace's header and a checkpoint image name it: its path and its options as
// a string (tmpfs_options.ts), so that replay and restore make the same mount. Early ones name
// the path alone: the kernel's default options then.
import * as z from 'zod';

import { KERNEL_TMPFS_DEFAULTS, LINUX_TMPFS_DEFAULTS, parseTmpfsOptionString, tmpfsOptionString, type TmpfsMount } from './tmpfs_options.js';

export type TmpfsDescription = string | { path: string; options: string; source?: string };

/** A description read from a file: the options must parse. */
export const TmpfsDescriptionSchema = z.union([
  z.string(),
  z.object({ path: z.string(), options: z.string(), source: z.string().optional() }).refine((d) => {
    try {
      parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, d.options);
      return true;
    } catch {
      return false;
    }
  }, 'tmpfs options that do not parse'),
]);

export function describeTmpfs(m: TmpfsMount): TmpfsDescription {
  return { path: m.path, options: tmpfsOptionString(m.options), ...(m.source === undefined ? {} : { source: m.source }) };
}

/** The mount a description names; a TmpfsOptionError for options that do not parse. */
export function tmpfsOfDescription(d: TmpfsDescription): TmpfsMount {
  if (typeof d === 'string') return { path: d, options: KERNEL_TMPFS_DEFAULTS };
  return { path: d.path, options: parseTmpfsOptionString(LINUX_TMPFS_DEFAULTS, d.options), ...(d.source === undefined ? {} : { source: d.source }) };
}
