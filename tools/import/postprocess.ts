/**
 * Adapting `cdk8s import` (cdk8s-cli 2.207) to the CRDs we import, in `npm run import`:
 *
 * Before it runs, **keys cdk8s refuses are renamed.** cdk8s-cli's SafeReviver (cdk8s-team/cdk8s-cli
 * `src/reviver.ts`, `LEGAL_CHARS = /^(\w|\.|\/|-|#|,)*$/`) throws on any other key, so one property named
 * `$schema` (Camel K's Kamelet) fails the whole import. Such property names are replaced in the manifest handed to
 * cdk8s by a placeholder (`escapeRefusedKeys`) and restored in the generated code (`restoreEscapedKeys`): the JSON
 * key is the exact original and the TypeScript name is the original too (quoted when it is not an identifier).
 * The schemas in `imports/schemas/` are never renamed.
 *
 * After it runs, the generated TypeScript for one module (API group) is post-processed before it is written:
 *
 * 1. **Property names that are not identifiers compile.** cdk8s camel-cases JSON keys into property names
 *    without checking them: Camel K's `traits.3scale` becomes `readonly 3Scale?:` and `obj.3Scale`, which do not
 *    parse. Such names are quoted (`readonly '3Scale'?:`, `obj['3Scale']`); the JSON key the converter writes
 *    (`'3scale'`) is untouched, so the rendered object is exactly what the schema defines.
 * 2. **Unknown keys are kept.** Every generated `toJson_<Type>()` drops the keys its type does not declare; it
 *    is rewritten to return `withUnknownKeys(obj, result, [<declared names>])` (constructs/lib/crd-json.ts),
 *    which keeps them unchanged for schema validation to report (`schema/unknown-field`, with the closest name).
 *
 * Both steps check that the generated code has the shape they expect and fail otherwise (a newer cdk8s-cli may
 * generate differently): the import then stops before anything is written.
 */
import { PlatformError } from '../../constructs/lib/errors';
import { compareText } from '../../constructs/lib/order';

/** Where the rewritten converters import `withUnknownKeys` from, relative to `imports/` (the default output). */
export const RUNTIME_MODULE = '../constructs/lib/crd-json';

const IDENTIFIER_RE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** True when `name` can be written unquoted as a property name and after `obj.`. */
export function isIdentifierName(name: string): boolean {
  return IDENTIFIER_RE.test(name);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function shapeError(module: string, what: string): PlatformError {
  return new PlatformError(
    `generated ${module}.ts: ${what}. The post-processing in tools/import/postprocess.ts expects the code cdk8s-cli 2.207 generates. ` +
      'Fix: pin the cdk8s-cli version package-lock.json had, or adapt tools/import/postprocess.ts to the new output',
  );
}

/** A property declaration of a generated interface: `  readonly <name>?: <type>;`. */
const PROPERTY_DECLARATION_RE = /^( {2}readonly )([^\s?:]+)(\??: )/gm;

/** Quote property names that are not identifiers, in declarations and in `obj.<name>` accesses. */
export function quoteInvalidPropertyNames(code: string, module: string): { code: string; quoted: string[] } {
  const quoted = new Set<string>();
  let out = code.replace(PROPERTY_DECLARATION_RE, (match: string, head: string, name: string, tail: string) => {
    if (isIdentifierName(name) || /^'[^']*'$/.test(name)) return match;
    if (name.includes("'") || name.includes('\\')) throw shapeError(module, `property name ${JSON.stringify(name)} cannot be quoted`);
    quoted.add(name);
    return `${head}'${name}'${tail}`;
  });
  for (const name of [...quoted].sort()) {
    // `obj.<name>` not followed by another name character (so `obj.3Scale` but not `obj.3ScaleX`).
    out = out.replace(new RegExp(`\\bobj\\.${escapeRegExp(name)}(?![A-Za-z0-9_$])`, 'g'), `obj['${name}']`);
  }
  return { code: out, quoted: [...quoted].sort() };
}

/** One generated converter, exactly as cdk8s-cli writes it. */
const CONVERTER_RE = new RegExp(
  [
    '^export function (toJson_[A-Za-z0-9_]+)\\(obj: ([^\\n]+) \\| undefined\\): Record<string, any> \\| undefined \\{\\n',
    ' {2}if \\(obj === undefined\\) \\{ return undefined; \\}\\n',
    ' {2}const result = \\{\\n',
    '((?: {4}[^\\n]*\\n)*?)',
    ' {2}\\};\\n',
    ' {2}// filter undefined values\\n',
    ' {2}return Object\\.entries\\(result\\)\\.reduce\\(\\(r, i\\) => \\(i\\[1\\] === undefined\\) \\? r : \\(\\{ \\.\\.\\.r, \\[i\\[0\\]\\]: i\\[1\\] \\}\\), \\{\\}\\);\\n',
    '\\}',
  ].join(''),
  'gm',
);

/** `    '<json key>': <expression using obj.<name> or obj['<name>']>,` */
const RESULT_LINE_RE = /^ {4}'[^']*': .*?\bobj(?:\.([A-Za-z_$][A-Za-z0-9_$]*)|\['([^']+)'\])/;

/**
 * Rewrite every converter to keep the keys its type does not declare; adds the import of the helper from
 * `runtimeModule` (a module specifier relative to the generated file).
 */
export function keepUnknownKeys(code: string, module: string, runtimeModule = RUNTIME_MODULE): { code: string; converters: number } {
  const declared = (code.match(/^export function toJson_/gm) ?? []).length;
  let converters = 0;
  let out = code.replace(CONVERTER_RE, (_match: string, fn: string, type: string, body: string) => {
    const names: string[] = [];
    for (const line of body.split('\n').filter((l) => l !== '')) {
      const m = RESULT_LINE_RE.exec(line);
      const name = m?.[1] ?? m?.[2];
      if (name === undefined) throw shapeError(module, `${fn} has a line without a property of obj: ${line.trim()}`);
      names.push(name);
    }
    converters++;
    return [
      `export function ${fn}(obj: ${type} | undefined): Record<string, any> | undefined {`,
      '  if (obj === undefined) { return undefined; }',
      '  const result = {',
      `${body}  };`,
      '  // filter undefined values; keys the type does not declare are kept for validation to report',
      `  return withUnknownKeys(obj, result, [${names.map((n) => `'${n}'`).join(', ')}]);`,
      '}',
    ].join('\n');
  });
  if (converters !== declared) {
    throw shapeError(module, `${declared - converters} of its ${declared} toJson_ functions do not have the expected shape`);
  }
  if (converters > 0) {
    const anchor = "import { Construct } from 'constructs';\n";
    if (!out.includes(anchor)) throw shapeError(module, 'it does not import Construct from constructs');
    out = out.replace(anchor, `${anchor}import { withUnknownKeys } from '${runtimeModule}';\n`);
  }
  return { code: out, converters };
}

/** Keys cdk8s-cli accepts (its SafeReviver's LEGAL_CHARS). */
const CDK8S_LEGAL_KEY_RE = /^(\w|\.|\/|-|#|,)*$/;

/** The placeholder of a property name cdk8s refuses: legal for cdk8s, deterministic and unlike any real name. */
export function escapedKeyPlaceholder(name: string): string {
  return `psynth-escaped-${Buffer.from(name, 'utf8').toString('hex')}`;
}

const MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
const VALUE_KEYWORDS = new Set(['additionalProperties', 'items', 'additionalItems', 'not', 'contains', 'propertyNames', 'if', 'then', 'else']);
const LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of `schema` whose property names cdk8s would refuse are replaced by `escapedKeyPlaceholder()` (in
 * `properties` and in `required`); `escaped` collects placeholder -> original name.
 */
export function escapeRefusedKeys(schema: unknown, escaped: Map<string, string>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => escapeRefusedKeys(s, escaped));
  if (!isObject(schema)) return schema;
  const rename = (name: string): string => {
    if (CDK8S_LEGAL_KEY_RE.test(name)) return name;
    const placeholder = escapedKeyPlaceholder(name);
    escaped.set(placeholder, name);
    return placeholder;
  };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [rename(name), escapeRefusedKeys(sub, escaped)]));
    } else if (key === 'required' && Array.isArray(value)) {
      out[key] = value.map((name: unknown) => (typeof name === 'string' ? rename(name) : name));
    } else if (MAP_KEYWORDS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, escapeRefusedKeys(sub, escaped)]));
    } else if (VALUE_KEYWORDS.has(key) || LIST_KEYWORDS.has(key)) {
      out[key] = escapeRefusedKeys(value, escaped);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Restores the names `escapeRefusedKeys` replaced: every converter line `'<placeholder>': ...obj.<tsName>...`
 * writes the original JSON key again, and the generated TypeScript name (`psynthEscaped...`) becomes the original
 * name (quoted when it is not an identifier) in declarations and accesses. Comments keep no placeholder either.
 */
export function restoreEscapedKeys(code: string, module: string, escaped: ReadonlyMap<string, string>): string {
  let out = code;
  for (const [placeholder, original] of [...escaped.entries()].sort(([a], [b]) => compareText(a, b))) {
    if (original.includes("'") || original.includes('\\')) throw shapeError(module, `property name ${JSON.stringify(original)} cannot be written back`);
    const line = new RegExp(`^ {4}'${escapeRegExp(placeholder)}': .*?\\bobj\\.([A-Za-z_$][A-Za-z0-9_$]*)`, 'm').exec(out);
    if (line === null) throw shapeError(module, `no converter writes the renamed property ${JSON.stringify(original)} (${placeholder})`);
    const tsName = line[1] as string;
    const declared = isIdentifierName(original) ? original : `'${original}'`;
    const access = isIdentifierName(original) ? `obj.${original}` : `obj['${original}']`;
    out = out
      .replace(new RegExp(`^( {2}readonly )${escapeRegExp(tsName)}(\\??: )`, 'gm'), (_m: string, head: string, tail: string) => `${head}${declared}${tail}`)
      .replace(new RegExp(`\\bobj\\.${escapeRegExp(tsName)}(?![A-Za-z0-9_$])`, 'g'), () => access)
      .split(placeholder).join(original);
  }
  return out;
}

/** Every post-processing step, in order. */
export function postProcessBindings(code: string, module: string, escaped: ReadonlyMap<string, string> = new Map(), runtimeModule = RUNTIME_MODULE): string {
  return keepUnknownKeys(quoteInvalidPropertyNames(restoreEscapedKeys(code, module, escaped), module).code, module, runtimeModule).code;
}
