// A fast yes/no check compiled from a zod schema, for reading traces: zod's parse costs ~1 us a
// record, which caps replay at a million records a second before anything else is done. The
// compiled check says only "valid as it is"; whatever it cannot vouch for (an invalid record, a
// schema feature it does not know, a default zod would fill in) it refuses, and the reader then
// asks zod itself, for the result or for the error message. So zod stays the judge.
import type * as z from 'zod';

type Check = (v: unknown) => boolean;

/** The parts of zod's (v4) schema definitions this compiler reads. */
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  checks?: Array<{ _zod: { def: { check: string; format?: string; value?: unknown; inclusive?: boolean } } }>;
  values?: unknown[];
  entries?: Record<string, unknown>;
  element?: Schema;
  items?: Schema[];
  rest?: Schema | null;
  options?: Schema[];
  discriminator?: string;
  fn?: (v: unknown) => unknown;
  innerType?: Schema;
}
interface Schema {
  _zod: { def: unknown };
}

const refuse: Check = () => false;

function numberCheck(def: Def): Check {
  let int = false;
  let min = -Infinity;
  let minInclusive = true;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'number_format' && d.format === 'safeint') int = true;
    else if (d.check === 'greater_than' && typeof d.value === 'number') [min, minInclusive] = [d.value, d.inclusive === true];
    else return refuse;
  }
  // One small closure per case: this runs for every number of every record.
  if (min === -Infinity) return int ? (v) => Number.isSafeInteger(v) : (v) => typeof v === 'number' && Number.isFinite(v);
  if (int) return minInclusive ? (v) => Number.isSafeInteger(v) && (v as number) >= min : (v) => Number.isSafeInteger(v) && (v as number) > min;
  return minInclusive ? (v) => typeof v === 'number' && Number.isFinite(v) && v >= min : (v) => typeof v === 'number' && Number.isFinite(v) && v > min;
}

/** z.bigint() and its bounds (nonnegative(): dev and ino of mappings and overlay nodes). */
function bigintCheck(def: Def): Check {
  let min: bigint | undefined;
  let minInclusive = true;
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than' && typeof d.value === 'bigint' && min === undefined) [min, minInclusive] = [d.value, d.inclusive === true];
    else return refuse;
  }
  if (min === undefined) return (v) => typeof v === 'bigint';
  const bound = min;
  return minInclusive ? (v) => typeof v === 'bigint' && v >= bound : (v) => typeof v === 'bigint' && v > bound;
}

/**
 * Object and union checks are generated as code that names each key (v["seq"]): every such
 * property read has its own inline cache and sees the shapes of one kind of record only, where a
 * loop over the keys (v[keys[i]]) would be one read seeing every shape of the file: megamorphic,
 * a dictionary lookup each time. The keys come from the schemas, never from the file.
 */
function generated(source: string, checks: Check[], byTag?: Map<unknown, Check>): Check {
  return (new Function('c', 'tags', `"use strict"; return ${source};`) as (c: Check[], tags?: Map<unknown, Check>) => Check)(checks, byTag);
}

const key = (k: string) => `v[${JSON.stringify(k)}]`;

function objectCheck(def: Def): Check {
  const keys = Object.keys(def.shape ?? {});
  const checks = keys.map((k) => compileCheck(def.shape![k]!));
  const fields = keys.map((k, i) => ` && c[${i}](${key(k)})`).join('');
  return generated(`(v) => typeof v === "object" && v !== null && !Array.isArray(v)${fields}`, checks);
}

function unionCheck(def: Def): Check {
  const options = def.options ?? [];
  const tagKey = def.discriminator;
  if (tagKey === undefined) {
    const checks = options.map(compileCheck);
    return (v) => checks.some((c) => c(v));
  }
  const byTag = new Map<unknown, Check>();
  for (const option of options) {
    const tag = (option._zod.def as Def).shape?.[tagKey];
    const values = tag && (tag._zod.def as Def).type === 'literal' ? (tag._zod.def as Def).values : undefined;
    if (!values) return refuse;
    const check = compileCheck(option);
    for (const value of values) byTag.set(value, check);
  }
  return generated(`(v) => { if (typeof v !== "object" || v === null) return false; const check = tags.get(${key(tagKey)}); return check !== undefined && check(v); }`, [], byTag);
}

/** A check that passes exactly the values zod would accept unchanged (refusing when unsure). */
export function compileCheck(schema: Schema | z.ZodType): Check {
  const def = (schema as Schema)._zod.def as Def;
  if (def.type !== 'number' && def.type !== 'bigint' && (def.checks?.length ?? 0) > 0) return refuse;
  switch (def.type) {
    case 'number':
      return numberCheck(def);
    case 'string':
      return (v) => typeof v === 'string';
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'bigint':
      return bigintCheck(def);
    case 'literal': {
      const values = def.values ?? [];
      return (v) => values.includes(v);
    }
    case 'enum': {
      const values = new Set(Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case 'object':
      return objectCheck(def);
    case 'array': {
      const element = compileCheck(def.element!);
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      };
    }
    case 'tuple': {
      if (def.rest) return refuse;
      const items = (def.items ?? []).map(compileCheck);
      return (v) => Array.isArray(v) && v.length === items.length && items.every((c, i) => c(v[i]));
    }
    case 'union':
      return unionCheck(def);
    case 'custom': {
      const fn = def.fn;
      return fn ? (v) => fn(v) === true : refuse;
    }
    case 'optional': {
      const inner = compileCheck(def.innerType!);
      return (v) => v === undefined || inner(v);
    }
    case 'nullable': {
      const inner = compileCheck(def.innerType!);
      return (v) => v === null || inner(v);
    }
    case 'default': {
      // Present: as the inner schema. Absent: zod fills it in, so zod must parse.
      const inner = compileCheck(def.innerType!);
      return (v) => v !== undefined && inner(v);
    }
    default:
      return refuse;
  }
}
