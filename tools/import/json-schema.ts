/**
 * JSON and JSON Schema helpers of the import pipeline: stripping upstream documentation from schemas and
 * serialising deterministically.
 */
import { isRecord } from '../../constructs/lib/json';
import { compareText } from '../../constructs/lib/order';

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

/** True for a JSON object (not an array, not null). */
export const isJsonObject: (value: unknown) => value is JsonObject = isRecord;


/** Schema keywords whose value is a map of name -> schema. */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas', 'dependencies']);
/** Schema keywords whose value is a schema (or, for `items`/`additionalItems`, possibly an array of schemas). */
const SCHEMA_VALUE_KEYWORDS = new Set(['additionalProperties', 'items', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else', 'unevaluatedProperties', 'unevaluatedItems']);
/** Schema keywords whose value is an array of schemas. */
const SCHEMA_ARRAY_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

/** A deep copy of JSON data. */
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(cloneJson);
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = cloneJson(v);
    }
    return out;
  }
  return value;
}

function stripSchemaOrArray(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map((v) => (isJsonObject(v) ? stripDescriptions(v) : cloneJson(v)));
  }
  return isJsonObject(value) ? stripDescriptions(value) : cloneJson(value);
}

/**
 * Returns a copy of a JSON schema without documentation: every `description` key whose value is a
 * string and whose parent is a schema node is removed, recursively through the schema keywords.
 * A property *named* `description` (a key of `properties`) is kept, and so is anything inside
 * non-schema keywords (`default`, `example`, `enum`, `x-kubernetes-*`, ...). The input is not modified.
 */
export function stripDescriptions(schema: JsonObject): JsonObject;
export function stripDescriptions(schema: unknown): unknown;
export function stripDescriptions(schema: unknown): unknown {
  if (!isJsonObject(schema)) {
    return cloneJson(schema);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' && typeof value === 'string') {
      continue;
    }
    if (SCHEMA_MAP_KEYWORDS.has(key) && isJsonObject(value)) {
      const map: JsonObject = {};
      for (const [name, sub] of Object.entries(value)) {
        map[name] = isJsonObject(sub) ? stripDescriptions(sub) : cloneJson(sub);
      }
      out[key] = map;
    } else if (SCHEMA_VALUE_KEYWORDS.has(key) || SCHEMA_ARRAY_KEYWORDS.has(key)) {
      out[key] = stripSchemaOrArray(value);
    } else {
      out[key] = cloneJson(value);
    }
  }
  return out;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  if (isJsonObject(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort(compareText);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  const s = JSON.stringify(value);
  if (s === undefined) {
    throw new Error(`cannot serialise value of type ${typeof value} to JSON.`);
  }
  return s;
}

