/**
 * Narrowing helpers for JSON data of unknown shape (rendered objects, parsed YAML, schemas).
 */

/** A JSON object. */
export type JsonRecord = Record<string, unknown>;

/** True when `value` is a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonRecord {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at `keys` under `value` (`undefined` as soon as a step is missing). */
export function at(value: unknown, ...keys: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (!isRecord(current)) return undefined;
      current = current[key];
    }
  }
  return current;
}

/** A shallow copy of `value` without `keys` (entry props minus their wiring, for the options schema). */
export function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of keys) delete out[key as string];
  return out as Omit<T, K>;
}
