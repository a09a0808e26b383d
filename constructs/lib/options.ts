/**
 * Options schemas: one definition gives a construct's `XxxOptions` type (`z.infer`) and its run-time check, so
 * environment files, catalog entries and construct props are checked by the same rules, once, where the
 * option is defined. `tsx` does not type-check, so the run-time check is what catches a typo in an
 * environment file; the problems come out in the product's shape (field, message, value, fix), with the
 * closest known name for an unknown key.
 *
 * @see https://zod.dev (zod 4)
 */
import { z } from 'zod';
import { dnsLabelProblem, dnsSubdomainProblem } from './names';
import { checkQuantity } from './resources';
import { isSecretLikeName, literalSecretProblem, redactSecret, REPO_CREDENTIALS_FIX, SECRET_FIX, urlCredentials } from './secrets';
import { closest } from './suggest';

export { z };

/** One problem found in an options value, relative to that value. */
export interface OptionProblem {
  /** Field path relative to the value checked (`resources.limits.memory`, `hosts[0]`); `''` for the value itself. */
  readonly field: string;
  readonly message: string;
  readonly value: unknown;
  readonly fix: string;
}

/** What a schema says about how to fix a bad value. */
interface SchemaHelp {
  readonly fix: string;
}

const help = z.registry<SchemaHelp>();

/** Attach the fix users read when `schema` refuses a value (`set replicas to 1 or more`). */
export function withFix<T extends z.ZodType>(schema: T, fix: string): T {
  help.add(schema, { fix });
  return schema;
}

/** Report a problem from a refinement with its own fix. */
export function refuse(ctx: z.RefinementCtx, message: string, fix: string, path?: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message, params: { fix }, ...(path ? { path } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Building blocks shared by the options of every construct
// ---------------------------------------------------------------------------------------------

/** A DNS-1123 label (object names, namespaces). */
export const dnsLabelSchema = z.string().superRefine((value, ctx) => {
  const problem = dnsLabelProblem(value);
  if (problem) refuse(ctx, problem, "use a short lower-case name such as 'identity-service'");
});

/** A DNS-1123 subdomain (host names, issuers, storage classes). */
export const dnsSubdomainSchema = z.string().superRefine((value, ctx) => {
  const problem = dnsSubdomainProblem(value);
  if (problem) refuse(ctx, problem, "use a lower-case DNS name such as 'www.example.com'");
});

/** A fully qualified host name (at least one dot). */
export const hostSchema = z.string().superRefine((value, ctx) => {
  const problem = dnsSubdomainProblem(value) ?? (value.includes('.') ? undefined : 'must be a fully qualified name such as app.example.com');
  if (problem) refuse(ctx, `is not a valid host name: ${problem}`, 'use a lower-case DNS name such as www.healthxcape.com');
});

/** A list without duplicates (each duplicate is reported where it is). */
export function uniqueList<T extends z.ZodType>(item: T, what = 'value'): z.ZodType<z.infer<T>[]> {
  return z.array(item).superRefine((values, ctx) => {
    const seen = new Set<string>();
    values.forEach((value, i) => {
      const key = JSON.stringify(value);
      if (seen.has(key)) refuse(ctx, `${what} ${JSON.stringify(value)} is listed twice`, 'list each one once', [i]);
      seen.add(key);
    });
  }) as unknown as z.ZodType<z.infer<T>[]>;
}

/** An integer in [min, max]. */
export function intSchema(min: number, max: number, fix?: string): z.ZodNumber {
  const schema = z.number({ error: 'must be a number' }).int({ error: `must be an integer between ${min} and ${max}` })
    .min(min, { error: `must be an integer between ${min} and ${max}` }).max(max, { error: `must be an integer between ${min} and ${max}` });
  return fix ? withFix(schema, fix) : schema;
}

/** A TCP/UDP port. */
export const portSchema = intSchema(1, 65535, 'use a port between 1 and 65535');

/** A Kubernetes quantity of CPU, memory or storage (`250m`, `512Mi`, `10Gi`). */
export function quantitySchema(what: 'cpu' | 'memory' | 'storage'): z.ZodType<string> {
  return z.string({ error: `must be a quantity string such as ${what === 'cpu' ? "'250m'" : "'256Mi'"}` }).superRefine((value, ctx) => {
    const issue = checkQuantity(value, what);
    if (issue) refuse(ctx, issue.message, issue.fix);
  });
}

const quantities = z.strictObject({
  cpu: quantitySchema('cpu').optional(),
  memory: quantitySchema('memory').optional(),
});

/**
 * CPU and memory requests and limits, any of them: merged over the construct's (or runtime preset's) defaults,
 * which is where requests within limits is checked.
 */
export const resourcesOverrideSchema = z.strictObject({
  requests: quantities.optional(),
  limits: quantities.optional(),
});

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Literal, non-secret environment variables: valid names, string values, nothing that looks like a secret.
 * `reserved` names are set by the construct itself from typed references.
 */
export function envVarsSchema(reserved?: RegExp): z.ZodType<Record<string, string>> {
  return z.record(z.string(), z.unknown()).superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env)) {
      if (!ENV_NAME.test(name)) {
        refuse(ctx, `'${name}' is not a valid environment variable name`, 'use letters, digits and _ (not starting with a digit)', [name]);
      } else if (reserved?.test(name)) {
        refuse(ctx, `'${name}' is set by the construct from typed references`, `remove it; configure the ${name.split('_')[0]?.toLowerCase()} settings instead`, [name]);
      } else if (typeof value !== 'string') {
        refuse(ctx, `'${name}' must be a string (Kubernetes env values are strings)`, `quote the value: ${name}: '${String(value)}'`, [name]);
      } else {
        const secret = literalSecretProblem(name, value);
        if (secret) ctx.addIssue({ code: 'custom', message: `${secret}; secret values must never be written to git`, params: { fix: SECRET_FIX, redact: true }, path: [name] });
      }
    }
  }) as unknown as z.ZodType<Record<string, string>>;
}

/**
 * `schema`, refusing URLs that carry credentials (`https://user:token@host/...`, `?access_token=`): they would be
 * rendered into every Argo CD object and committed; Argo CD reads credentials from a repository Secret.
 */
export function credentialFreeUrl(schema: z.ZodType<string>): z.ZodType<string> {
  return schema.superRefine((url, ctx) => {
    const where = typeof url === 'string' ? urlCredentials(url) : undefined;
    if (where !== undefined) {
      ctx.addIssue({ code: 'custom', message: `the URL embeds credentials (${where}); they would be committed to git in every rendered Argo CD object`, params: { fix: REPO_CREDENTIALS_FIX, redact: redactSecret('', url) } });
    }
  }) as unknown as z.ZodType<string>;
}

function valueSecrets(value: unknown, path: (string | number)[], ctx: z.RefinementCtx): void {
  if (typeof value === 'string') {
    const key = String(path[path.length - 1] ?? '');
    const secret = literalSecretProblem(key, value, true);
    if (secret) ctx.addIssue({ code: 'custom', message: `${secret}; Helm values are rendered into the Argo CD Application and committed to git`, params: { fix: `${SECRET_FIX.replace('(secretKeyRef)', "(the chart's existingSecret-style value)")}`, redact: redactSecret(key, value, true) }, path });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => valueSecrets(v, [...path, i], ctx));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) valueSecrets(v, [...path, k], ctx);
  }
}

/** Helm chart values: any shape, but no secret by name (`adminPassword`) or by shape (a PEM key, a token). */
export const helmValuesSchema: z.ZodType<Record<string, unknown>> = z.record(z.string(), z.unknown()).superRefine((values, ctx) => {
  valueSecrets(values, [], ctx);
}) as unknown as z.ZodType<Record<string, unknown>>;

/** True when the name of an environment variable says it carries a secret (re-exported for constructs). */
export { isSecretLikeName };

// ---------------------------------------------------------------------------------------------
// Checking a value and turning zod's issues into problems users can act on
// ---------------------------------------------------------------------------------------------

/** `['hosts', 0]` -> `hosts[0]`; `['apps', 'frontend', 'env', 'A']` -> `apps.frontend.env.A`; a key with a dot is quoted: `topics["a.b"]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/[.[\]"\s]/.test(String(part))) out += `[${JSON.stringify(String(part))}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Join a field prefix and a relative field (`database` + `size`, `hosts` + `[0]`). */
export function joinField(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = current.def as { type: string; innerType?: z.ZodType; in?: z.ZodType; schema?: z.ZodType };
    if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default' || def.type === 'readonly' || def.type === 'prefault' || def.type === 'catch') && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The fix registered on `schema` or any schema it wraps. */
function registeredFix(schema: z.ZodType | undefined): string | undefined {
  let current = schema;
  while (current !== undefined) {
    const found = help.get(current)?.fix;
    if (found !== undefined) return found;
    const def = current.def as { type: string; innerType?: z.ZodType; in?: z.ZodType };
    current = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  }
  return undefined;
}

/** The schema that checks the value at `path` below `schema` (given the value, for unions), if known. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[], value: unknown): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  let data = value;
  for (const key of path) {
    if (current === undefined) return undefined;
    current = narrow(unwrap(current), data);
    if (current === undefined) return undefined;
    const def = current.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType; catchall?: z.ZodType };
    if (def.type === 'object') current = def.shape?.[String(key)] ?? def.catchall;
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
    data = data !== null && typeof data === 'object' ? (data as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return current === undefined ? undefined : narrow(unwrap(current), data);
}

/** For a union, the option matching `data` (by discriminator or by shape); other schemas unchanged. */
function narrow(schema: z.ZodType, data: unknown): z.ZodType | undefined {
  const def = schema.def as { type: string; options?: readonly z.ZodType[]; discriminator?: string };
  if (def.type !== 'union' || def.options === undefined) return schema;
  if (def.discriminator !== undefined && data !== null && typeof data === 'object') {
    const tag = (data as Record<string, unknown>)[def.discriminator];
    for (const option of def.options) {
      const shape = (unwrap(option).def as { shape?: Record<string, z.ZodType> }).shape;
      const literal = shape?.[def.discriminator];
      if (literal !== undefined && literal.safeParse(tag).success) return unwrap(option);
    }
    return undefined;
  }
  return def.options.map(unwrap).find((option) => (option.def as { type: string }).type === 'object' && data !== null && typeof data === 'object' && !Array.isArray(data));
}

function keysOf(schema: z.ZodType | undefined): readonly string[] {
  if (schema === undefined) return [];
  const def = unwrap(schema).def as { type: string; shape?: Record<string, z.ZodType> };
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'object': return 'an object';
    case 'array': return 'a list';
    case 'string': return 'a string';
    case 'number': case 'int': return 'a number';
    case 'boolean': return 'true or false';
    default: return expected;
  }
}

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function problemsOfIssue(issue: Issue, schema: z.ZodType, root: unknown, what: string, prefix: readonly PropertyKey[] = []): OptionProblem[] {
  const path = [...prefix, ...issue.path];
  const field = fieldPath(path);
  const value = valueAt(root, path);
  const fixOf = (fallback: string): string => registeredFix(schemaAt(schema, path, root)) ?? fallback;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = keysOf(schemaAt(schema, path, root));
      return issue.keys.map((key) => {
        const similar = closest(key, allowed);
        const where = field === '' ? `a setting of ${what}` : `a setting of ${field}`;
        return {
          field: fieldPath([...path, key]),
          message: `is not ${where} (a typo would otherwise be silently ignored)`,
          value: valueAt(root, [...path, key]),
          fix: `${similar !== undefined ? `rename it to '${similar}'` : 'remove it'}${allowed.length > 0 ? `; allowed here: ${allowed.join(', ')}` : ''}`,
        };
      });
    }
    case 'invalid_type':
      if (value === undefined) {
        return [{ field, message: `is missing (must be ${describeExpected(issue.expected)})`, value, fix: fixOf(`set ${field || what}`) }];
      }
      return [{ field, message: `must be ${describeExpected(issue.expected)}`, value, fix: fixOf(`set ${field || what} to ${describeExpected(issue.expected)}`) }];
    case 'invalid_value': {
      const allowed = issue.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(', ');
      return [{ field, message: `must be ${issue.values.length === 1 ? allowed : `one of ${allowed}`}`, value, fix: fixOf(`use ${issue.values.length === 1 ? allowed : `one of ${allowed}`}`) }];
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        const options = ((issue as { options?: readonly unknown[] }).options ?? []).map((o) => `'${String(o)}'`).join(', ');
        const tagPath = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
        return [{ field: fieldPath(tagPath), message: `must be one of ${options}`, value: valueAt(root, tagPath), fix: fixOf(`set ${fieldPath(tagPath)} to one of ${options}`) }];
      }
      // The option that got furthest: fewest problems, not failing at its root.
      const branches = issue.errors.map((errors) => errors.flatMap((e) => problemsOfIssue(e, schema, root, what, path)));
      const best = branches.filter((b) => b.length > 0 && b.every((p) => p.field !== field || branches.length === 1)).sort((a, b) => a.length - b.length)[0];
      if (best !== undefined) return best;
      return [{ field, message: issue.message.startsWith('Invalid input') ? 'does not match any of the allowed forms' : issue.message, value, fix: fixOf(`check ${field || what} against its documentation`) }];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const custom = !issue.message.startsWith('Too ');
      const message = custom ? issue.message
        : issue.origin === 'array' ? `must list ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} item${bound === 1 ? '' : 's'}`
          : issue.origin === 'string' ? `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} character${bound === 1 ? '' : 's'}`
            : `must be ${issue.code === 'too_small' ? '>=' : '<='} ${String(bound)}`;
      return [{ field, message, value, fix: fixOf(`use a value ${issue.code === 'too_small' ? '>=' : '<='} ${String(bound)}`) }];
    }
    case 'custom': {
      const params = (issue.params ?? {}) as { fix?: unknown; redact?: unknown };
      return [{ field, message: issue.message, value: params.redact === true ? '<redacted>' : typeof params.redact === 'string' ? params.redact : value, fix: typeof params.fix === 'string' ? params.fix : fixOf(`fix ${field || what}`) }];
    }
    default:
      return [{ field, message: issue.message, value, fix: fixOf(`fix ${field || what}`) }];
  }
}

/**
 * How options are parsed: with each issue's input (for the messages), and without zod's eval-based fast path
 * (`ParseContext.jitless`, zod/v4/core/schemas.d.ts: "Skip eval-based fast path"): zod otherwise compiles a parser
 * with `new Function` for every object schema at its first parse (zod/v4/core/schemas.js, `generateFastpass`),
 * which costs more than it saves for options: the time spent in this function fell from 28-42 ms to 14-20 ms at
 * 10 services x 3 environments and from 615 ms to 414 ms at 1,000 (2026-12-03, 204 and 17,034 parses).
 */
const PARSE_CONTEXT = { reportInput: true, jitless: true } as const;

/**
 * Every problem `schema` finds in `value`, as `OptionProblem`s (empty when the value is valid). `what` names the
 * value in messages about its own keys (`'an environment'`, `"application 'api'"`).
 */
export function optionProblems(schema: z.ZodType, value: unknown, what = 'this block'): OptionProblem[] {
  const result = schema.safeParse(value, PARSE_CONTEXT);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => problemsOfIssue(issue, schema, value, what));
}

/**
 * The discriminator of the tagged union `schema` has at `path` (`['storage']` of an environment: `mode`), or
 * `undefined` when the value there is not a discriminated union. Layering replaces such a value when an
 * override selects another variant, and merges into it otherwise.
 */
export function discriminatorAt(schema: z.ZodType, path: readonly string[]): string | undefined {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    const def = current.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; valueType?: z.ZodType; catchall?: z.ZodType };
    const next: z.ZodType | undefined = def.type === 'object' ? def.shape?.[key] ?? def.catchall : def.type === 'record' ? def.valueType : def.type === 'array' ? def.element : undefined;
    if (next === undefined) return undefined;
    current = unwrap(next);
  }
  const def = current.def as { type: string; discriminator?: string };
  return def.type === 'union' ? def.discriminator : undefined;
}

/** The keys a strict object schema defines (to pick the options out of props that also carry wiring). */
export function optionKeys(schema: z.ZodType): readonly string[] {
  return keysOf(schema);
}

/** The subset of `props` that `schema` describes (wiring such as construct references left out). */
export function pickOptions(schema: z.ZodType, props: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = props as Record<string, unknown>;
  for (const key of keysOf(schema)) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
