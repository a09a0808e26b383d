/**
 * CRD validation rules (`x-kubernetes-validations`, CEL) evaluated on rendered objects, as the API server does
 * when the object is created.
 *
 * Transcribes kubernetes v1.32.0 staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel/validation.go
 * (`NewValidator`, `validator`, `Validate`, `validateExpressions`, `validateMap`, `validateArray`,
 * `ValidFieldPath`, `fieldErrorForReason`, `evalMessageExpression`, `ruleMessageOrDefault`):
 * - every rule applies to each present, non-null value of the schema node that carries it (each item of a
 *   list, each value of a map, rules inside `allOf` too), with `self` bound to that value, after the schema's
 *   defaults are applied (./values.ts);
 * - on create there is no old object: rules that use `oldSelf` (transition rules) are skipped and counted;
 *   `optionalOldSelf: true` rules run with `oldSelf` = `optional.none()`;
 * - a rule that is not `true` refuses the object with its `message`, its evaluated `messageExpression` (when
 *   that yields a non-empty single-line string), or `failed rule: <rule>`, at the node's path or `fieldPath`
 *   below it, worded by `reason` (FieldValueInvalid, FieldValueForbidden, FieldValueRequired,
 *   FieldValueDuplicate);
 * - errors the API server raises while evaluating (no such key, index out of bounds, overflow, an invalid
 *   quantity) refuse the object too, with the API server's wording.
 * Rules that cannot be evaluated here (a function this environment lacks, syntax the parser does not know, an
 * unexpected failure) are warnings naming the rule and why: never a pass. The cost budget is not modelled.
 */
import { isCelError, type CelInput } from '@bufbuild/cel';
import { child, isRecord, type JsonRecord } from '../json';
import type { SchemaSources } from '../schema';
import { compileExpression } from './environment';
import { KubernetesCelError } from './library';
import { OPTIONAL_NONE } from './opaque';
import { CEL_RULES, type CelStats } from './stats';
import { effectiveValue, itemsSchema, NO_REFS, propertySchema, SchemaMismatch, toCel, valuesSchema, type SchemaResolver } from './values';

export { CEL_RULES, celStats, type CelStats } from './stats';

/** One CEL finding. */
export interface CelIssue {
  readonly severity: 'error' | 'warning';
  readonly rule: (typeof CEL_RULES)[keyof typeof CEL_RULES];
  readonly path: string;
  readonly message: string;
  readonly value?: unknown;
  readonly fix: string;
}

/** One `x-kubernetes-validations` entry. */
export interface ValidationRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly optionalOldSelf?: boolean;
}

/** A rule where it sits: the kind, the schema file, the path of its node in the object. */
export interface LocatedRule extends ValidationRule {
  /** `<apiVersion>/<Kind>`. */
  readonly kind: string;
  readonly file: string;
  /** Path of the schema node in the object (`spec.listeners[*]`, `spec.config{*}`). */
  readonly node: string;
}

interface CelNode {
  readonly schema: JsonRecord;
  readonly resourceRoot: boolean;
  readonly rules: readonly ValidationRule[];
  readonly allOf: readonly CelNode[];
  readonly properties: ReadonlyMap<string, CelNode>;
  readonly additionalProperties?: CelNode;
  readonly items?: CelNode;
}

function validationRules(schema: JsonRecord): ValidationRule[] {
  const list = schema['x-kubernetes-validations'];
  if (!Array.isArray(list)) return [];
  const out: ValidationRule[] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.rule !== 'string') continue;
    out.push({
      rule: entry.rule,
      ...(typeof entry.message === 'string' ? { message: entry.message } : {}),
      ...(typeof entry.messageExpression === 'string' ? { messageExpression: entry.messageExpression } : {}),
      ...(typeof entry.fieldPath === 'string' ? { fieldPath: entry.fieldPath } : {}),
      ...(typeof entry.reason === 'string' ? { reason: entry.reason } : {}),
      ...(entry.optionalOldSelf === true ? { optionalOldSelf: true } : {}),
    });
  }
  return out;
}

/** `SchemaDeclType(...) != nil`: fields whose schema CEL cannot type are left out of validation entirely. */
function hasDeclType(schema: JsonRecord, resolve: SchemaResolver): boolean {
  if (schema['x-kubernetes-int-or-string'] === true) return true;
  switch (schema.type) {
    case 'array': {
      const items = itemsSchema(schema, resolve);
      return items !== undefined && hasDeclType(items, resolve);
    }
    case 'object': {
      const values = valuesSchema(schema, resolve);
      return values === undefined || hasDeclType(values, resolve);
    }
    case 'string': case 'boolean': case 'number': case 'integer':
      return true;
    default:
      return false;
  }
}

/** The validator tree of `schema` (validation.go `validator`), or `undefined` when it holds no rule. */
function buildNode(validation: JsonRecord, schema: JsonRecord, resourceRoot: boolean, resolve: SchemaResolver, visiting: Set<JsonRecord>): CelNode | undefined {
  if (visiting.has(validation)) return undefined; // recursive core definitions (JSONSchemaProps) carry no rules
  visiting.add(validation);
  try {
    const rules = validationRules(validation);
    const allOf = (Array.isArray(validation.allOf) ? validation.allOf : []).filter(isRecord)
      .map((sub) => buildNode(resolve(sub), schema, resourceRoot, resolve, visiting)).filter((n): n is CelNode => n !== undefined);
    const properties = new Map<string, CelNode>();
    if (isRecord(validation.properties)) {
      for (const name of Object.keys(validation.properties)) {
        const sub = propertySchema(validation, name, resolve);
        const nodeSub = propertySchema(schema, name, resolve);
        if (sub === undefined || nodeSub === undefined || !hasDeclType(nodeSub, resolve)) continue;
        const node = buildNode(sub, nodeSub, nodeSub['x-kubernetes-embedded-resource'] === true, resolve, visiting);
        if (node !== undefined) properties.set(name, node);
      }
    }
    const values = valuesSchema(validation, resolve);
    const nodeValues = valuesSchema(schema, resolve);
    const additionalProperties = values !== undefined && nodeValues !== undefined ? buildNode(values, nodeValues, nodeValues['x-kubernetes-embedded-resource'] === true, resolve, visiting) : undefined;
    const items = itemsSchema(validation, resolve);
    const nodeItems = itemsSchema(schema, resolve);
    const itemNode = items !== undefined && nodeItems !== undefined ? buildNode(items, nodeItems, nodeItems['x-kubernetes-embedded-resource'] === true, resolve, visiting) : undefined;
    if (rules.length === 0 && allOf.length === 0 && properties.size === 0 && additionalProperties === undefined && itemNode === undefined) return undefined;
    return {
      schema, resourceRoot, rules, allOf, properties,
      ...(additionalProperties !== undefined ? { additionalProperties } : {}),
      ...(itemNode !== undefined ? { items: itemNode } : {}),
    };
  } finally {
    visiting.delete(validation);
  }
}

/**
 * A rule's `fieldPath` as path segments (validation.go `ValidFieldPath`: `.name` and `['key']` steps), or
 * `undefined` when it is not one.
 */
export function fieldPathSegments(fieldPath: string): string[] | undefined {
  const out: string[] = [];
  let rest = fieldPath;
  while (rest !== '') {
    const dot = /^\.([^.[\]]+)/.exec(rest);
    const bracket = /^\[\s*'((?:[^'\\]|\\.)*)'\s*\]/.exec(rest);
    if (dot) {
      out.push(dot[1] as string);
      rest = rest.slice(dot[0].length);
    } else if (bracket) {
      out.push((bracket[1] as string).replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c));
      rest = rest.slice(bracket[0].length);
    } else {
      return undefined;
    }
  }
  return out;
}

/** The message of a failed rule, worded by its `reason` (validation.go `fieldErrorForReason`). */
function reasoned(reason: string | undefined, message: string): string {
  switch (reason) {
    case 'FieldValueForbidden': return `Forbidden: ${message}`;
    case 'FieldValueRequired': return `Required value: ${message}`;
    case 'FieldValueDuplicate': return `Duplicate value: ${message}`;
    default: return message;
  }
}

/** `ruleErrorString`: the message, else the rule text. */
function ruleText(rule: ValidationRule): string {
  return rule.message !== undefined && rule.message.trim() !== '' ? rule.message.trim() : rule.rule.trim();
}

/** How an evaluation error is reported: as the API server would (error), or as not evaluable here (warning). */
type Failure = { readonly kind: 'server'; readonly message: string } | { readonly kind: 'unevaluable'; readonly message: string } | { readonly kind: 'mismatch' };

function causes(error: unknown): unknown[] {
  const out: unknown[] = [];
  let current: unknown = error;
  for (let i = 0; i < 5 && current !== undefined && current !== null; i++) {
    out.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return out;
}

/** Errors the API server raises as well (cel-go's no such key, index out of bounds, overflow, division by zero). */
const SERVER_ERRORS: readonly [RegExp, (m: RegExpExecArray) => string][] = [
  [/^field not found: (.*)$/, (m) => `no such key: ${m[1] ?? ''}`],
  [/out of (bounds|range)/, (m) => m.input],
  [/overflow/, (m) => m.input],
  [/divide by zero|modulus by zero|division by zero/, (m) => m.input],
  [/parse duration|parse timestamp/i, (m) => m.input],
];

function classify(error: unknown): Failure {
  const chain = causes(error);
  if (chain.some((e) => e instanceof SchemaMismatch)) return { kind: 'mismatch' };
  const server = chain.find((e) => e instanceof KubernetesCelError);
  if (server instanceof Error) return { kind: 'server', message: server.message };
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, wording] of SERVER_ERRORS) {
    const match = pattern.exec(message);
    if (match) return { kind: 'server', message: wording(match) };
  }
  if (/^found no matching overload/.test(message)) {
    return { kind: 'unevaluable', message: `${message} (the API server may refuse the object for this too: it reports such mismatches at run time)` };
  }
  return { kind: 'unevaluable', message };
}

/** celconfig.MaxEvaluatedMessageExpressionSizeBytes. */
const MAX_MESSAGE_BYTES = 5 * 1024;

/** `self`, and `oldSelf` = `optional.none()` for `optionalOldSelf` rules (there is no old object on create). */
function bindingsFor(rule: ValidationRule, self: CelInput): Record<string, CelInput> {
  return rule.optionalOldSelf === true ? { self, oldSelf: OPTIONAL_NONE.wrap('none') } : { self };
}

/** Schema sources for the CEL rules of every kind. */
export class CelValidator {
  private readonly nodes = new Map<string, CelNode | null>();
  private readonly kubernetesResolver: SchemaResolver;

  public constructor(private readonly sources: SchemaSources) {
    const definitions = sources.kubernetes.definitions;
    this.kubernetesResolver = (schema) => {
      let current = schema;
      for (let i = 0; i < 32 && typeof current.$ref === 'string' && current.$ref.startsWith('#/definitions/'); i++) {
        const target = definitions[current.$ref.slice('#/definitions/'.length)];
        if (!isRecord(target)) break;
        current = target;
      }
      return current;
    };
  }

  private root(key: string): { schema: JsonRecord; resolve: SchemaResolver; source: string } | undefined {
    const definition = this.sources.kubernetes.kinds[key];
    if (definition !== undefined) {
      const schema = this.sources.kubernetes.definitions[definition];
      return isRecord(schema) ? { schema, resolve: this.kubernetesResolver, source: `Kubernetes ${this.sources.kubernetes.kubernetesVersion}` } : undefined;
    }
    const crd = this.sources.crds[key];
    return isRecord(crd) ? { schema: crd, resolve: NO_REFS, source: this.sources.crdFiles[key] ?? 'imports/schemas/' } : undefined;
  }

  private node(key: string): CelNode | undefined {
    let node = this.nodes.get(key);
    if (node === undefined) {
      const root = this.root(key);
      node = (root !== undefined ? buildNode(root.schema, root.schema, true, root.resolve, new Set()) : undefined) ?? null;
      this.nodes.set(key, node);
    }
    return node ?? undefined;
  }

  /** Every rule of every kind (for listing and compile checks). */
  public allRules(): LocatedRule[] {
    const out: LocatedRule[] = [];
    const visit = (node: CelNode, kind: string, file: string, path: string): void => {
      for (const rule of node.rules) out.push({ ...rule, kind, file, node: path });
      for (const sub of node.allOf) visit(sub, kind, file, path);
      for (const [name, sub] of node.properties) visit(sub, kind, file, child(path, name));
      if (node.additionalProperties !== undefined) visit(node.additionalProperties, kind, file, `${path}{*}`);
      if (node.items !== undefined) visit(node.items, kind, file, `${path}[*]`);
    };
    for (const key of [...Object.keys(this.sources.kubernetes.kinds), ...Object.keys(this.sources.crds)].sort()) {
      const node = this.node(key);
      if (node !== undefined) visit(node, key, this.root(key)?.source ?? '', '');
    }
    return out;
  }

  /** True when the kind has at least one rule. */
  public hasRules(apiVersion: string, kind: string): boolean {
    return this.node(`${apiVersion}/${kind}`) !== undefined;
  }

  /** Evaluate every rule of the object's kind; counts go to `stats`. */
  public check(object: unknown, stats: CelStats): CelIssue[] {
    if (!isRecord(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return [];
    const key = `${object.apiVersion}/${object.kind}`;
    const node = this.node(key);
    const root = node !== undefined ? this.root(key) : undefined;
    if (node === undefined || root === undefined) return [];
    const issues: CelIssue[] = [];
    const context = { kind: `${object.kind} ${object.apiVersion}`, source: root.source, resolve: root.resolve, stats, issues };
    this.walk(node, object, '', context);
    return issues;
  }

  private walk(node: CelNode, value: unknown, path: string, context: EvaluationContext): void {
    if (value === undefined || value === null) return;
    if (node.rules.length > 0) this.evaluate(node, value, path, context);
    for (const sub of node.allOf) this.walk(sub, value, path, context);
    if (Array.isArray(value)) {
      if (node.items !== undefined) {
        const items = node.items;
        value.forEach((item, i) => this.walk(items, effectiveValue(item, items.schema), child(path, i), context));
      }
    } else if (isRecord(value)) {
      for (const [name, sub] of node.properties) {
        // The API server ignores the status of a created object (status subresource): controllers write it.
        if (path === '' && name === 'status') continue;
        this.walk(sub, effectiveValue(value[name], sub.schema), child(path, name), context);
      }
      if (node.additionalProperties !== undefined) {
        const values = node.additionalProperties;
        for (const [key, v] of Object.entries(value)) this.walk(values, effectiveValue(v, values.schema), child(path, key), context);
      }
    }
  }

  private evaluate(node: CelNode, value: unknown, path: string, context: EvaluationContext): void {
    let self: CelInput | undefined;
    try {
      self = toCel(value, node.schema, context.resolve, node.resourceRoot);
    } catch (error) {
      if (error instanceof SchemaMismatch) return; // reported by the schema check already
      throw error;
    }
    const shown = typeof value === 'object' ? undefined : value;
    for (const rule of node.rules) {
      const compiled = compileExpression(rule.rule);
      const where = `${context.kind} (${context.source})`;
      if (compiled.usesOldSelf && rule.optionalOldSelf !== true) {
        context.stats.skippedOldSelf++;
        continue;
      }
      const unevaluable = (why: string): void => {
        context.stats.unevaluated++;
        context.issues.push({
          severity: 'warning', rule: CEL_RULES.unevaluated, path,
          message: `the rule \`${rule.rule}\` of ${where} cannot be evaluated here: ${why}; it is not checked before the cluster does`,
          fix: `check the value against the rule by hand${rule.message !== undefined ? ` ("${rule.message.trim()}")` : ''}, or report the unsupported function so it can be added`,
        });
      };
      if (!compiled.ok) {
        unevaluable(compiled.reason);
        continue;
      }
      let result: unknown;
      try {
        result = compiled.program(bindingsFor(rule, self));
      } catch (error) {
        result = error;
      }
      if (result === true) {
        context.stats.evaluated++;
        continue;
      }
      if (isCelError(result) || result instanceof Error) {
        const failure = classify(result);
        if (failure.kind === 'mismatch') continue;
        if (failure.kind === 'unevaluable') {
          unevaluable(`evaluating it failed: ${failure.message}`);
          continue;
        }
        context.stats.evaluated++;
        context.issues.push({
          severity: 'error', rule: CEL_RULES.violation, path,
          message: `${failure.message} evaluating rule: ${ruleText(rule)} (${where}; the API server refuses the object)`,
          ...(shown !== undefined ? { value: shown } : {}),
          fix: `make the object satisfy the rule \`${rule.rule}\``,
        });
        continue;
      }
      context.stats.evaluated++;
      const segments = rule.fieldPath !== undefined ? fieldPathSegments(rule.fieldPath) : [];
      const at = (segments ?? []).reduce<string>((p, s) => child(p, s), path);
      context.issues.push({
        severity: 'error', rule: CEL_RULES.violation, path: at,
        message: reasoned(rule.reason, this.message(rule, self, where)),
        ...(shown !== undefined && at === path ? { value: shown } : {}),
        fix: `change the value so that the rule of ${where} holds: ${rule.rule}`,
      });
    }
  }

  /** The rule's message: its evaluated `messageExpression` when that works, else `message`, else `failed rule: <rule>`. */
  private message(rule: ValidationRule, self: CelInput, where: string): string {
    const fallback = rule.message !== undefined && rule.message.trim() !== '' ? rule.message.trim() : `failed rule: ${rule.rule.trim()}`;
    if (rule.messageExpression === undefined) return fallback;
    const compiled = compileExpression(rule.messageExpression);
    if (!compiled.ok) return `${fallback} (the messageExpression of ${where} cannot be evaluated here: ${compiled.reason})`;
    let result: unknown;
    try {
      result = compiled.program(bindingsFor(rule, self));
    } catch (error) {
      result = error;
    }
    if (typeof result !== 'string') return fallback;
    const trimmed = result.trim();
    if (trimmed === '' || /\n/.test(trimmed) || Buffer.byteLength(trimmed) > MAX_MESSAGE_BYTES) return fallback;
    return trimmed;
  }
}

interface EvaluationContext {
  readonly kind: string;
  readonly source: string;
  readonly resolve: SchemaResolver;
  readonly stats: CelStats;
  readonly issues: CelIssue[];
}

export { compileExpression } from './environment';
