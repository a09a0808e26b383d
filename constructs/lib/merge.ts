/**
 * Deep merge used for layering configuration: base, then environment, then per-application override.
 *
 * Plain objects merge key by key, arrays (and every other value) replace, and `undefined` in an override
 * leaves the base value alone. A variant of a tagged union (an object with a `mode`) whose `mode` changes
 * replaces the object below instead of merging into it: the keys of the other mode do not belong to it
 * (`{ mode: 'dual-role', nodes: 1 }` under `{ mode: 'separate', controllers: 3, brokers: 3 }`). Inputs are
 * never mutated.
 */

/** The key that tags the variants of a union in configuration objects. */
const VARIANT_KEY = 'mode';

/** Recursively optional, for override layers. Arrays are replaced whole, so their elements stay complete. */
export type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** True for `{}`-style objects (not arrays, not class instances such as Date). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Merge `overrides` onto `base`, layer by layer (later layers win). */
export function deepMerge<T>(base: T, ...overrides: ReadonlyArray<DeepPartial<T> | undefined>): T {
  let result: unknown = base;
  for (const override of overrides) {
    result = mergeTwo(result, override);
  }
  return result as T;
}

function mergeTwo(base: unknown, override: unknown): unknown {
  if (override === undefined) return cloneValue(base);
  if (isPlainObject(base) && isPlainObject(override) && !(VARIANT_KEY in override && override[VARIANT_KEY] !== undefined && override[VARIANT_KEY] !== base[VARIANT_KEY])) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(base)) out[key] = cloneValue(base[key]);
    for (const key of Object.keys(override)) out[key] = mergeTwo(base[key], override[key]);
    return out;
  }
  return cloneValue(override);
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = cloneValue(value[key]);
    return out;
  }
  return value;
}

/** Freeze an object graph so later code cannot change a validated configuration by accident. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}
