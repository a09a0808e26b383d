/**
 * Narrowing helpers for rendered objects, which validation treats as untrusted JSON (`unknown`).
 */

import { at, isRecord, JsonRecord } from '../../constructs/lib/json';

export { at, isRecord };
export type { JsonRecord };

/** `value` when it is a JSON object, else an empty object. */
export function record(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

/** `value` when it is an array, else an empty array. */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` when it is a string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` when it is a finite number, else `undefined`. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The string entries of a string map (labels, selectors, ConfigMap data); other entries are skipped. */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Append a key to a JSON path: `spec` + `replicas` -> `spec.replicas`; odd keys are quoted (`annotations["a/b"]`). */
export function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Join keys into a JSON path: `['spec', 'containers', 0, 'image']` -> `spec.containers[0].image`. */
export function jsonPath(...keys: readonly (string | number)[]): string {
  return keys.reduce<string>((path, key) => child(path, key), '');
}

/**
 * `value` without object keys whose value is `undefined` (what serialisation writes), sharing every subtree
 * that has none, so the common case allocates nothing.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const cleaned = withoutUndefined(item);
      if (cleaned !== item) {
        copy ??= [...value];
        copy[i] = cleaned;
      }
    });
    return (copy ?? value) as T;
  }
  if (!isRecord(value)) return value;
  let copy: JsonRecord | undefined;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) {
      copy ??= { ...value };
      delete copy[k];
      continue;
    }
    const cleaned = withoutUndefined(v);
    if (cleaned !== v) {
      copy ??= { ...value };
      copy[k] = cleaned;
    }
  }
  return (copy ?? value) as T;
}
