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

/**
 * Freeze an object graph (plain objects and arrays) so later code cannot change a validated configuration by
 * accident. Class instances inside it (schemas, constructs) are left as they are.
 */
export function deepFreeze<T>(value: T): T {
  if ((Array.isArray(value) || isPlainObject(value)) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value as Record<string, unknown>)) deepFreeze(child);
  }
  return value;
}

/**
 * Which layer set a merged value: a layer index for a value taken whole from one layer, or, for an object
 * merged from several layers, the layer that last touched it and the origin of each key.
 */
export type Origin = number | { readonly layer: number; readonly keys: ReadonlyMap<string, Origin> };

/** A merged value and where each part of it came from. */
export interface TrackedMerge<T> {
  readonly value: T;
  /** `undefined` when no layer defined anything. */
  readonly origin: Origin | undefined;
}

/**
 * Merge `layers` in order (later layers win) with the same rules as `deepMerge`, recording for every part of
 * the result which layer it came from, so an error about a merged value can name the file that set it.
 */
export function mergeTracked<T>(layers: readonly unknown[], variantKey: VariantKeyOf = () => VARIANT_KEY): TrackedMerge<T> {
  let value: unknown;
  let origin: Origin | undefined;
  layers.forEach((layer, index) => {
    [value, origin] = mergeTrackedTwo(value, origin, layer, index, [], variantKey);
  });
  return { value: value as T, origin };
}

/**
 * The key that tags the variants of the object at `path`, when it is a tagged union (its variants' keys differ,
 * so an override of another variant replaces it), or `undefined`. The kit derives it from the options schemas
 * (a discriminated union); without a schema every object with a `mode` counts as a union.
 */
export type VariantKeyOf = (path: readonly string[]) => string | undefined;

function mergeTrackedTwo(base: unknown, origin: Origin | undefined, override: unknown, layer: number, path: readonly string[], variantKey: VariantKeyOf): [unknown, Origin | undefined] {
  if (override === undefined) return [base, origin];
  const tag = isPlainObject(override) ? variantKey(path) : undefined;
  const merging = isPlainObject(base) && isPlainObject(override)
    && !(tag !== undefined && tag in override && override[tag] !== undefined && override[tag] !== base[tag]);
  if (!merging) return [cloneValue(override), layer];
  const baseObject = base as Record<string, unknown>;
  const overrideObject = override as Record<string, unknown>;
  const baseKeys = typeof origin === 'object' ? origin.keys : undefined;
  const out: Record<string, unknown> = {};
  const keys = new Map<string, Origin>();
  for (const key of Object.keys(baseObject)) {
    out[key] = baseObject[key];
    const o = baseKeys?.get(key) ?? (typeof origin === 'number' ? origin : undefined);
    if (o !== undefined) keys.set(key, o);
  }
  for (const key of Object.keys(overrideObject)) {
    const [v, o] = mergeTrackedTwo(out[key], keys.get(key), overrideObject[key], layer, [...path, key], variantKey);
    out[key] = v;
    if (o !== undefined) keys.set(key, o);
  }
  return [out, { layer, keys }];
}

/** `resources.limits.memory` -> ['resources', 'limits', 'memory']; `hosts[0]` -> ['hosts', '0']; `topics["a.b"]` -> ['topics', 'a.b']. */
export function fieldKeys(field: string): string[] {
  // `topics["identity.events"].partitions`: a key with a dot is quoted in brackets.
  return [...field.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? JSON.parse(`"${m[1]}"`) as string : m[2] ?? m[3] ?? ''));
}

/**
 * The layer that set the value at `field` (or, when no layer set it, the layer that set its nearest parent),
 * or `undefined` when no layer set anything on the way.
 */
export function originOf(origin: Origin | undefined, field: string): number | undefined {
  let current = origin;
  let found: number | undefined;
  for (const key of fieldKeys(field)) {
    if (current === undefined) return found;
    if (typeof current === 'number') return current;
    found = current.layer;
    current = current.keys.get(key);
  }
  if (current === undefined) return found;
  return typeof current === 'number' ? current : current.layer;
}
