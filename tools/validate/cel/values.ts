/**
 * Rendered JSON as CEL values, typed by the schema the way the API server does it.
 *
 * Follows kubernetes v1.32.0 (k8s.io/apiserver v0.32.0):
 * - `staging/src/k8s.io/apiserver/pkg/cel/common/values.go` (`UnstructuredToVal`): `integer` is a CEL int,
 *   `number` a double (also when written as a whole number), `x-kubernetes-int-or-string` an int or a string,
 *   strings of format `byte`/`duration`/`date`/`date-time` are bytes/durations/timestamps; in objects with
 *   `properties` null fields count as absent and property names are escaped (`escaping.go`); objects with only
 *   `additionalProperties` are maps with their keys as they are;
 * - `staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting/algorithm.go` (`Default`): the
 *   API server applies the schema's defaults before validation, so an absent field with a default is present;
 * - `.../schema/cel/model/schemas.go` (`WithTypeAndObjectMeta`): at the root of a resource (and of an embedded
 *   resource) `apiVersion`, `kind`, `metadata.name` and `metadata.generateName` are the only visible metadata.
 *
 * Objects are converted lazily: a rule that reads two fields of a large object converts two fields.
 */
import { celList, type CelInput } from '@bufbuild/cel';
import { create } from '@bufbuild/protobuf';
import { DurationSchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { isRecord, type JsonRecord } from '../json';
import { parseGoDuration } from './durations';

/** The data does not have the type its schema declares (validation reports that as a schema error already). */
export class SchemaMismatch extends Error {}

/** Follows `$ref`s of the core schemas (CRD schemas have none). */
export type SchemaResolver = (schema: JsonRecord) => JsonRecord;

/** Identity resolver, for schemas without `$ref`. */
export const NO_REFS: SchemaResolver = (schema) => schema;

// --- escaping.go --------------------------------------------------------------------------------------------

/** CEL's reserved words (kubernetes `celReservedSymbols`): property names equal to one are written `__<word>__`. */
const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let',
  'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/**
 * A property name as a CEL identifier (`Escape`): `__` becomes `__underscores__`, `.` `__dot__`, `-` `__dash__`,
 * `/` `__slash__`, a reserved word `__<word>__`; `undefined` when the name cannot be written in CEL.
 */
export function escapeProperty(name: string): string | undefined {
  if (name === '' || /^[0-9]/.test(name)) return undefined;
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[A-Za-z0-9_./-]*$/.test(name)) return undefined;
  return name.replace(/__|[./-]/g, (s) => (s === '__' ? '__underscores__' : s === '.' ? '__dot__' : s === '-' ? '__dash__' : '__slash__'));
}

/** The property name a CEL identifier stands for (`Unescape`); `undefined` for an invalid escape sequence. */
export function unescapeProperty(escaped: string): string | undefined {
  let ok = true;
  const out = escaped.replace(/__[^_]+__/g, (s) => {
    const inner = s.slice(2, -2);
    switch (inner) {
      case 'underscores': return '__';
      case 'dot': return '.';
      case 'dash': return '-';
      case 'slash': return '/';
      default:
        // A reserved word is only escaped as the whole identifier.
        if (!RESERVED.has(inner) || s.length !== escaped.length) ok = false;
        return inner;
    }
  });
  return ok ? out : undefined;
}

// --- schema accessors ---------------------------------------------------------------------------------------

function typeOf(schema: JsonRecord): string | undefined {
  return typeof schema.type === 'string' ? schema.type : undefined;
}

function isNullable(schema: JsonRecord): boolean {
  return schema.nullable === true;
}

/** The schema of a property, or `undefined` when the object does not declare it. */
export function propertySchema(schema: JsonRecord, name: string, resolve: SchemaResolver): JsonRecord | undefined {
  const properties = schema.properties;
  if (!isRecord(properties)) return undefined;
  const sub = properties[name];
  return isRecord(sub) ? resolve(sub) : undefined;
}

/** The schema of a map's values (`additionalProperties` with a schema), or `undefined`. */
export function valuesSchema(schema: JsonRecord, resolve: SchemaResolver): JsonRecord | undefined {
  return isRecord(schema.additionalProperties) ? resolve(schema.additionalProperties) : undefined;
}

/** The schema of a list's items, or `undefined`. */
export function itemsSchema(schema: JsonRecord, resolve: SchemaResolver): JsonRecord | undefined {
  return isRecord(schema.items) ? resolve(schema.items) : undefined;
}

/**
 * The value the API server validates for a field whose schema is `sub`: the schema default when the field is
 * absent, or null without being nullable (defaulting, then pruning of non-nullable nulls).
 */
export function effectiveValue(value: unknown, sub: JsonRecord | undefined): unknown {
  if (sub === undefined) return value;
  if (value === undefined || (value === null && !isNullable(sub))) return 'default' in sub ? sub.default : undefined;
  return value;
}

const STRING = { type: 'string' };
const rootMetaCache = new WeakMap<JsonRecord, JsonRecord>();

/** `WithTypeAndObjectMeta`: the schema at a resource root, with only name and generateName in metadata. */
export function withTypeAndObjectMeta(schema: JsonRecord): JsonRecord {
  let out = rootMetaCache.get(schema);
  if (out === undefined) {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    out = {
      ...schema,
      type: 'object',
      properties: { ...properties, apiVersion: STRING, kind: STRING, metadata: { type: 'object', properties: { name: STRING, generateName: STRING } } },
    };
    rootMetaCache.set(schema, out);
  }
  return out;
}

// --- conversion ---------------------------------------------------------------------------------------------

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function timestamp(text: string, dateOnly: boolean): CelInput {
  const match = (dateOnly ? FULL_DATE : RFC3339).exec(text);
  const ms = match ? Date.parse(dateOnly ? `${text}T00:00:00Z` : text.replace(' ', 'T')) : NaN;
  if (!match || Number.isNaN(ms)) throw new SchemaMismatch(`invalid ${dateOnly ? 'date' : 'date-time'} ${JSON.stringify(text)}`);
  const fraction = dateOnly ? '' : (match[7] ?? '').slice(1);
  const seconds = Math.floor(ms / 1000);
  return create(TimestampSchema, { seconds: BigInt(seconds), nanos: Number(fraction.padEnd(9, '0').slice(0, 9) || '0') });
}

function duration(text: string): CelInput {
  const nanos = parseGoDuration(text, { strfmt: true });
  if (nanos === undefined) throw new SchemaMismatch(`invalid duration ${JSON.stringify(text)}`);
  return create(DurationSchema, { seconds: nanos / 1_000_000_000n, nanos: Number(nanos % 1_000_000_000n) });
}

/** Conversion of JSON without a usable schema (x-kubernetes-preserve-unknown-fields): only compared for equality. */
function untyped(value: unknown): CelInput {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return celList(value.map(untyped));
  if (isRecord(value)) return new Map(Object.entries(value).map(([k, v]) => [k, untyped(v)]));
  throw new SchemaMismatch(`unexpected value ${String(value)}`);
}

/**
 * The CEL value of `value` under `schema` (`UnstructuredToVal`). `resourceRoot` marks the root of a resource
 * or of an embedded resource. Throws `SchemaMismatch` when the data does not fit the schema.
 */
export function toCel(value: unknown, schema: JsonRecord, resolve: SchemaResolver, resourceRoot = false): CelInput {
  if (value === null || value === undefined) {
    if (isNullable(schema)) return null;
    throw new SchemaMismatch('null for a schema that is not nullable');
  }
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    throw new SchemaMismatch('x-kubernetes-int-or-string value must be a string or an integer');
  }
  const type = typeOf(schema);
  switch (type) {
    case 'object': {
      if (!isRecord(value)) throw new SchemaMismatch('expected an object');
      const root = resourceRoot || schema['x-kubernetes-embedded-resource'] === true;
      const objectSchema = root ? withTypeAndObjectMeta(schema) : schema;
      if (isRecord(objectSchema.properties)) return new ObjectValue(value, objectSchema, resolve);
      const values = valuesSchema(objectSchema, resolve);
      return values !== undefined ? new MapValue(value, values, resolve) : new ObjectValue(value, { ...objectSchema, properties: {} }, resolve);
    }
    case 'array': {
      if (!Array.isArray(value)) throw new SchemaMismatch('expected an array');
      const items = itemsSchema(schema, resolve);
      if (items === undefined) throw new SchemaMismatch('array schema without items');
      return celList(value.map((item) => toCel(effectiveItem(item, items), items, resolve, items['x-kubernetes-embedded-resource'] === true)));
    }
    case 'string': {
      if (typeof value !== 'string') throw new SchemaMismatch('expected a string');
      switch (schema.format) {
        case 'duration': return duration(value);
        case 'date': return timestamp(value, true);
        case 'date-time': return timestamp(value, false);
        case 'byte':
          if (!BASE64.test(value)) throw new SchemaMismatch('invalid base64');
          return new Uint8Array(Buffer.from(value, 'base64'));
        default: return value;
      }
    }
    case 'number':
      if (typeof value !== 'number') throw new SchemaMismatch('expected a number');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw new SchemaMismatch('expected an integer');
      return BigInt(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw new SchemaMismatch('expected a boolean');
      return value;
    default:
      if (schema['x-kubernetes-preserve-unknown-fields'] === true) return untyped(value);
      throw new SchemaMismatch(`schema without a type (${String(type)})`);
  }
}

function effectiveItem(item: unknown, items: JsonRecord): unknown {
  return item === null && !isNullable(items) && 'default' in items ? items.default : item;
}

/**
 * A map whose values convert on first access (`get` and `keys` are the subclass's); a `Map` so the evaluator
 * accepts it as a CEL map.
 */
abstract class LazyMap extends Map<string, CelInput> {
  public override *entries(): MapIterator<[string, CelInput]> {
    for (const key of this.keys()) {
      const value = this.get(key);
      if (value !== undefined) yield [key, value];
    }
  }

  public override *values(): MapIterator<CelInput> {
    for (const [, value] of this.entries()) yield value;
  }

  public override forEach(callback: (value: CelInput, key: string, map: Map<string, CelInput>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  public override [Symbol.iterator](): MapIterator<[string, CelInput]> {
    return this.entries();
  }
}

/** An object with `properties`: keys are escaped property names, defaults apply, null fields are absent. */
class ObjectValue extends LazyMap {
  private readonly converted = new Map<string, CelInput | undefined>();
  private readonly names: readonly string[];

  public constructor(private readonly raw: JsonRecord, private readonly schema: JsonRecord, private readonly resolve: SchemaResolver) {
    super();
    const names = new Set(Object.keys(raw).filter((k) => raw[k] !== undefined));
    const properties = isRecord(schema.properties) ? schema.properties : {};
    for (const [name, sub] of Object.entries(properties)) if (isRecord(sub) && 'default' in sub && raw[name] === undefined) names.add(name);
    this.names = [...names];
  }

  private field(name: string): unknown {
    return effectiveValue(this.raw[name], propertySchema(this.schema, name, this.resolve));
  }

  public override get(key: string): CelInput | undefined {
    if (this.converted.has(key)) return this.converted.get(key);
    const name = unescapeProperty(key);
    const sub = name !== undefined ? propertySchema(this.schema, name, this.resolve) : undefined;
    const value = name !== undefined && sub !== undefined ? this.field(name) : undefined;
    const out = value === undefined || value === null ? undefined : toCel(value, sub as JsonRecord, this.resolve);
    this.converted.set(key, out);
    return out;
  }

  public override has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  public override get size(): number {
    return this.names.length;
  }

  public override *keys(): MapIterator<string> {
    for (const name of this.names) {
      if (propertySchema(this.schema, name, this.resolve) !== undefined) yield escapeProperty(name) ?? name;
    }
  }
}

/** An object with `additionalProperties`: a map of its keys as they are, values typed by the value schema. */
class MapValue extends LazyMap {
  private readonly converted = new Map<string, CelInput | undefined>();

  public constructor(private readonly raw: JsonRecord, private readonly schema: JsonRecord, private readonly resolve: SchemaResolver) {
    super();
  }

  public override get(key: string): CelInput | undefined {
    if (this.converted.has(key)) return this.converted.get(key);
    const value = Object.hasOwn(this.raw, key) ? effectiveValue(this.raw[key], this.schema) : undefined;
    const out = value === undefined ? undefined : toCel(value, this.schema, this.resolve, this.schema['x-kubernetes-embedded-resource'] === true);
    this.converted.set(key, out);
    return out;
  }

  public override has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  public override get size(): number {
    return Object.keys(this.raw).length;
  }

  public override *keys(): MapIterator<string> {
    yield* Object.keys(this.raw);
  }
}
