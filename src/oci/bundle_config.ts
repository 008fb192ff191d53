// config.json of an OCI bundle (runtime-spec 1.0.x): the parts tsvisor reads, validated with
// zod; fields it does not know are kept (loose objects), as the spec asks of runtimes.
import fs from 'node:fs';
import path from 'node:path';

import * as z from 'zod';

import { OciError } from './oci_error.js';

const absolutePath = z.string().refine((p) => p.startsWith('/'), { message: 'must be an absolute path' });
const uint32 = z.number().int().min(0).max(0xffffffff);

export const ProcessSpecSchema = z.looseObject({
  terminal: z.boolean().optional(),
  consoleSize: z.looseObject({ height: uint32, width: uint32 }).optional(),
  user: z.looseObject({
    uid: uint32,
    gid: uint32,
    umask: uint32.optional(),
    additionalGids: z.array(uint32).optional(),
  }),
  args: z.array(z.string()).min(1, { message: 'must name the program to run' }),
  env: z.array(z.string().refine((e) => e.includes('='), { message: 'must be KEY=VALUE' })).optional(),
  cwd: absolutePath,
  capabilities: z.looseObject({}).optional(),
  rlimits: z.array(z.looseObject({ type: z.string(), hard: z.number().int().min(0), soft: z.number().int().min(0) })).optional(),
  noNewPrivileges: z.boolean().optional(),
});
export type ProcessSpec = z.infer<typeof ProcessSpecSchema>;

const MountSchema = z.looseObject({
  destination: absolutePath,
  source: z.string().optional(),
  type: z.string().optional(),
  options: z.array(z.string()).optional(),
});
export type MountSpec = z.infer<typeof MountSchema>;

const HookSchema = z.looseObject({
  path: absolutePath,
  args: z.array(z.string()).optional(),
  env: z.array(z.string()).optional(),
  timeout: z.number().int().positive().optional(),
});
export type HookSpec = z.infer<typeof HookSchema>;

export const BundleConfigSchema = z.looseObject({
  ociVersion: z.string(),
  process: ProcessSpecSchema.optional(),
  root: z.looseObject({ path: z.string().min(1), readonly: z.boolean().optional() }),
  hostname: z.string().max(64).optional(),
  mounts: z.array(MountSchema).optional(),
  hooks: z
    .looseObject({
      prestart: z.array(HookSchema).optional(),
      createRuntime: z.array(HookSchema).optional(),
      createContainer: z.array(HookSchema).optional(),
      startContainer: z.array(HookSchema).optional(),
      poststart: z.array(HookSchema).optional(),
      poststop: z.array(HookSchema).optional(),
    })
    .optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  linux: z
    .looseObject({
      namespaces: z.array(z.looseObject({ type: z.string(), path: z.string().optional() })).optional(),
      resources: z
        .looseObject({
          memory: z.looseObject({ limit: z.number().int().optional() }).optional(),
          pids: z.looseObject({ limit: z.number().int() }).optional(),
        })
        .optional(),
    })
    .optional(),
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
