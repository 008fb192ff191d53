// config.json of an OCI bundle (runtime-spec 1.0.x): the parts tsvisor reads, validated with
// zod; fields it does not know are kept (loose objects), as the spec asks of runtimes.
import fs from 'node:fs';
import path from 'node:path';

// zod's functional build, as the rest of a sandbox process's schemas: the full build's
// methods, set up on every schema made, cost its start-up ~3 ms. Its messages are English,
// as the full build's are by default.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

import { OciError } from './oci_error.js';

z.config(en());

const absolutePath = z.string().check(z.refine((p) => p.startsWith('/'), { message: 'must be an absolute path' }));
const uint32 = z.number().check(z.int(), z.minimum(0), z.maximum(0xffffffff));
const nonNegativeInt = z.number().check(z.int(), z.minimum(0));

export const ProcessSpecSchema = z.looseObject({
  terminal: z.optional(z.boolean()),
  consoleSize: z.optional(z.looseObject({ height: uint32, width: uint32 })),
  user: z.looseObject({
    uid: uint32,
    gid: uint32,
    umask: z.optional(uint32),
    additionalGids: z.optional(z.array(uint32)),
  }),
  args: z.array(z.string()).check(z.minLength(1, { message: 'must name the program to run' })),
  env: z.optional(z.array(z.string().check(z.refine((e) => e.includes('='), { message: 'must be KEY=VALUE' })))),
  cwd: absolutePath,
  capabilities: z.optional(z.looseObject({
    bounding: z.optional(z.array(z.string())),
    effective: z.optional(z.array(z.string())),
    inheritable: z.optional(z.array(z.string())),
    permitted: z.optional(z.array(z.string())),
    ambient: z.optional(z.array(z.string())),
  })),
  rlimits: z.optional(z.array(z.looseObject({ type: z.string(), hard: nonNegativeInt, soft: nonNegativeInt }))),
  noNewPrivileges: z.optional(z.boolean()),
});
export type ProcessSpec = z.infer<typeof ProcessSpecSchema>;

const MountSchema = z.looseObject({
  destination: absolutePath,
  source: z.optional(z.string()),
  type: z.optional(z.string()),
  options: z.optional(z.array(z.string())),
});
export type MountSpec = z.infer<typeof MountSchema>;

const HookSchema = z.looseObject({
  path: absolutePath,
  args: z.optional(z.array(z.string())),
  env: z.optional(z.array(z.string())),
  timeout: z.optional(z.number().check(z.int(), z.positive())),
});
export type HookSpec = z.infer<typeof HookSchema>;

const hookList = z.optional(z.array(HookSchema));

export const BundleConfigSchema = z.looseObject({
  ociVersion: z.string(),
  process: z.optional(ProcessSpecSchema),
  root: z.looseObject({ path: z.string().check(z.minLength(1)), readonly: z.optional(z.boolean()) }),
  hostname: z.optional(z.string().check(z.maxLength(64))),
  mounts: z.optional(z.array(MountSchema)),
  hooks: z.optional(
    z.looseObject({
      prestart: hookList,
      createRuntime: hookList,
      createContainer: hookList,
      startContainer: hookList,
      poststart: hookList,
      poststop: hookList,
    }),
  ),
  annotations: z.optional(z.record(z.string(), z.string())),
  linux: z.optional(
    z.looseObject({
      namespaces: z.optional(z.array(z.looseObject({ type: z.string(), path: z.optional(z.string()) }))),
      resources: z.optional(
        z.looseObject({
          memory: z.optional(z.looseObject({ limit: z.optional(z.number().check(z.int())) })),
          pids: z.optional(z.looseObject({ limit: z.number().check(z.int()) })),
        }),
      ),
    }),
  ),
});
export type BundleConfig = z.infer<typeof BundleConfigSchema>;

/** A zod issue as one line naming the JSON path: `process.args: expected array, received string`. */
export function describeIssue(issue: z.core.$ZodIssue, prefix = ''): string {
  let where = prefix;
  for (const key of issue.path) where += typeof key === 'number' ? `[${key}]` : `${where ? '.' : ''}${String(key)}`;
  const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
  const message = missing ? 'is required' : issue.message.replace(/^Invalid input: /, '');
  return `${where || '(top level)'}: ${message}`;
}

/** Reads and checks BUNDLE/config.json; any problem is one OciError naming the field. */
export function loadBundleConfig(bundle: string): BundleConfig {
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OciError(code === 'ENOENT' ? `JSON specification file config.json not found in ${bundle}` : `${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new OciError(`${file}: not valid JSON: ${(err as Error).message}`);
  }
  // Checked once per process: zod's generated fast path (source built and compiled for each
  // object schema on its first parse) would never pay for itself.
  const parsed = BundleConfigSchema.safeParse(json, { jitless: true });
  if (!parsed.success) throw new OciError(`${file}: ${describeIssue(parsed.error.issues[0]!)}`);
  return parsed.data;
}
