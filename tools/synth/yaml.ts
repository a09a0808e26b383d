/**
 * A small, deterministic YAML emitter for JSON data (what Kubernetes objects are).
 *
 * Why not `yaml.stringify`: it is the slowest step of synthesis at scale, and Kubernetes tooling reads YAML
 * the YAML 1.1 way (go-yaml), where `yes`, `on`, `0777` or `1:30` are not strings. This emitter writes a
 * string unquoted only when it is made of a conservative set of characters and no YAML version could read it
 * as anything else; everything else is double-quoted (JSON escaping is valid YAML). Multi-line strings become
 * literal blocks. Keys are sorted below the top level, where `apiVersion`, `kind`, `metadata` keep cdk8s's order
 * (cdk8s sorts the keys of core objects, but imported CRD classes re-order them by their schema: sorting here
 * gives every kind the same order). Tests check it against the `yaml` parser.
 */

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Plain scalars that YAML 1.1 or 1.2 resolve to something other than the string itself. */
const RESERVED = /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|<<|=)$/;
/** Integers, floats, octal/hex/binary, sexagesimal (YAML 1.1) and infinities in any spelling. */
const NUMBER_LIKE = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?|0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|\.(?:inf|Inf|INF|nan|NaN|NAN))$/;
/** Dates and timestamps (YAML 1.1 `!!timestamp`). */
const TIMESTAMP_LIKE = /^\d{4}-\d\d?-\d\d?(?:[Tt ]|$)/;
/** Characters allowed in an unquoted string; the first character is stricter (no indicators). */
const PLAIN = /^[A-Za-z0-9_./(][A-Za-z0-9 _./()@%+=,;:?~^$<>-]*$/;

function isPlainSafe(s: string): boolean {
  return (
    PLAIN.test(s) &&
    !s.endsWith(' ') &&
    !s.endsWith(':') &&
    !s.includes(': ') &&
    !RESERVED.test(s) &&
    !NUMBER_LIKE.test(s) &&
    !TIMESTAMP_LIKE.test(s)
  );
}

/**
 * Strings already written, as written: keys and most values repeat across objects (`app.kubernetes.io/name`,
 * `ClusterIP`, image names), and the cache skips the regular expressions above for them. Short strings only,
 * and emptied when full, so its memory stays bounded.
 */
const WRITTEN = new Map<string, string>();
const WRITTEN_MAX_ENTRIES = 50_000;
const WRITTEN_MAX_LENGTH = 128;

function stringScalar(s: string): string {
  let out = WRITTEN.get(s);
  if (out !== undefined) return out;
  out = isPlainSafe(s) ? s : JSON.stringify(s);
  if (s.length <= WRITTEN_MAX_LENGTH) {
    if (WRITTEN.size >= WRITTEN_MAX_ENTRIES) WRITTEN.clear();
    WRITTEN.set(s, out);
  }
  return out;
}

function scalar(value: null | boolean | number | string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} to YAML`);
    return String(value);
  }
  return stringScalar(value);
}

/**
 * A literal block scalar (`|`, `|-`, `|+`) for a readable multi-line string, or `undefined` when the string
 * cannot round-trip as one (control characters, trailing spaces, a first line starting with a space).
 */
function literalBlock(s: string, contentIndent: string): string | undefined {
  if (!s.includes('\n')) return undefined;
  if (/[\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff\t]/.test(s) || / (\n|$)/.test(s) || s.startsWith(' ') || s.startsWith('\n')) {
    return undefined;
  }
  let chomp: '' | '-' | '+';
  let body: string;
  if (!s.endsWith('\n')) {
    chomp = '-';
    body = s;
  } else if (s.endsWith('\n\n')) {
    chomp = '+';
    body = s.slice(0, -1);
  } else {
    chomp = '';
    body = s.slice(0, -1);
  }
  const lines = body.split('\n').map((line) => (line.length > 0 ? `${contentIndent}${line}` : ''));
  return `|${chomp}\n${lines.join('\n')}`;
}

function emitScalarValue(value: null | boolean | number | string, contentIndent: string, out: string[]): void {
  if (typeof value === 'string') {
    const block = literalBlock(value, contentIndent);
    if (block !== undefined) {
      out.push(` ${block}\n`);
      return;
    }
  }
  out.push(` ${scalar(value)}\n`);
}

function isNonEmptyMap(value: Json): value is { readonly [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0;
}

function emitSequence(items: readonly Json[], indent: string, out: string[]): void {
  for (const item of items) {
    if (isNonEmptyMap(item)) {
      out.push(`${indent}- `);
      emitMapping(item, `${indent}  `, out, true, true);
    } else if (Array.isArray(item) && item.length > 0) {
      out.push(`${indent}-\n`);
      emitSequence(item as readonly Json[], `${indent}  `, out);
    } else if (Array.isArray(item)) {
      out.push(`${indent}- []\n`);
    } else if (item !== null && typeof item === 'object') {
      out.push(`${indent}- {}\n`);
    } else {
      out.push(`${indent}-`);
      emitScalarValue(item, `${indent}    `, out);
    }
  }
}

function emitMapping(map: { readonly [key: string]: Json }, indent: string, out: string[], firstInline = false, sorted = false): void {
  let first = firstInline;
  const keys = Object.keys(map);
  if (sorted) keys.sort();
  for (const key of keys) {
    const value = map[key];
    if (value === undefined) continue;
    out.push(`${first ? '' : indent}${scalar(key)}:`);
    first = false;
    if (Array.isArray(value)) {
      if (value.length === 0) {
        out.push(' []\n');
      } else {
        out.push('\n');
        emitSequence(value as readonly Json[], indent, out);
      }
    } else if (value !== null && typeof value === 'object') {
      if (Object.keys(value).length === 0) {
        out.push(' {}\n');
      } else {
        out.push('\n');
        emitMapping(value as { readonly [key: string]: Json }, `${indent}  `, out, false, true);
      }
    } else {
      emitScalarValue(value, `${indent}  `, out);
    }
  }
}

/** Serialise one JSON object as a YAML document (no `---` marker, trailing newline). */
export function toYaml(value: unknown): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error('toYaml expects a JSON object');
  }
  const out: string[] = [];
  emitMapping(value as { readonly [key: string]: Json }, '', out);
  return out.join('');
}
