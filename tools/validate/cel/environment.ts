/**
 * The CEL environment CRD validation rules run in, and rule compilation.
 *
 * Kubernetes v1.32.0 evaluates `x-kubernetes-validations` in the environment of
 * `staging/src/k8s.io/apiserver/pkg/cel/environment/base.go`: the CEL standard library, cel-go's strings
 * extension (version 2) and sets extension, optional types, cross-type numeric comparisons, and the Kubernetes
 * libraries of `staging/src/k8s.io/apiserver/pkg/cel/library/` (lists, regex, URLs, quantity, IP, CIDR, format,
 * authz). Here: `@bufbuild/cel` (the standard library and the strings extension, checked against the CEL
 * conformance suite upstream) plus our own implementation of the Kubernetes functions (./library.ts).
 *
 * Compilation is parse + plan (the evaluator has no type checker): a rule whose functions are unknown to this
 * environment, or that does not parse, is `unsupported` and reported as such wherever it applies, never passed.
 * Programs are memoised per rule text for the life of the process.
 */
import { celEnv, parse, plan, type CelEnv, type CelResult, type CelInput } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { RE2JS } from '@bufbuild/re2';
import { isRecord } from '../json';
import { kubernetesLibrary, libraryOps } from './library';
import { opaqueRegistry } from './opaque';

type ParsedExpr = ReturnType<typeof parse>['expr'];

/** A compiled program: evaluate with `self` (and `oldSelf` for `optionalOldSelf` rules). */
export type CelProgram = (bindings: Readonly<Record<string, CelInput>>) => CelResult;

/** A compiled expression, or why it cannot be evaluated. */
export type Compiled =
  | { readonly ok: true; readonly program: CelProgram; readonly usesOldSelf: boolean }
  | { readonly ok: false; readonly reason: string; readonly usesOldSelf: boolean };

let environment: CelEnv | undefined;

/** The shared environment (built on first use). */
export function celEnvironment(): CelEnv {
  if (environment === undefined) {
    const env = celEnv({ funcs: [...strings, ...kubernetesLibrary()], registry: opaqueRegistry() });
    libraryOps.bind(env);
    environment = env;
  }
  return environment;
}

/** Operators and macros the planner handles itself (they are not functions of the environment). */
const PLANNER_OPERATORS = new Set(['_[_]', '_[?_]', '_?._', '_?_:_', '_&&_', '_||_', '@not_strictly_false', '__not_strictly_false__']);

/** Functions taking a regular expression as their argument (validated when it is a literal, like cel-go's ValidateRegexLiterals). */
const REGEX_FUNCTIONS = new Set(['matches', 'find', 'findAll']);

interface CallInfo {
  readonly name: string;
  readonly qualified?: string;
  readonly receiver: boolean;
  readonly args: number;
  readonly literal?: string;
}

function qualifiedName(expr: unknown): string | undefined {
  if (!isRecord(expr) || !isRecord(expr.exprKind)) return undefined;
  const kind = expr.exprKind;
  if (kind.case === 'identExpr' && isRecord(kind.value) && typeof kind.value.name === 'string') return kind.value.name;
  if (kind.case === 'selectExpr' && isRecord(kind.value) && typeof kind.value.field === 'string' && kind.value.testOnly !== true) {
    const operand = qualifiedName(kind.value.operand);
    return operand === undefined ? undefined : `${operand}.${kind.value.field}`;
  }
  return undefined;
}

function stringLiteral(expr: unknown): string | undefined {
  if (!isRecord(expr) || !isRecord(expr.exprKind) || expr.exprKind.case !== 'constExpr') return undefined;
  const constant = expr.exprKind.value;
  if (!isRecord(constant) || !isRecord(constant.constantKind) || constant.constantKind.case !== 'stringValue') return undefined;
  return typeof constant.constantKind.value === 'string' ? constant.constantKind.value : undefined;
}

/** Variables a receiver may start with (then `a.f()` is a method call, not a namespaced function `a.f`). */
const VARIABLES = new Set(['self', 'oldSelf']);

/** Every call, every identifier and every comprehension variable of an expression. */
function scan(node: unknown, calls: CallInfo[], idents: Set<string>, variables: Set<string> = new Set(VARIABLES)): void {
  if (Array.isArray(node)) {
    for (const item of node) scan(item, calls, idents, variables);
    return;
  }
  if (!isRecord(node)) return;
  const kind = isRecord(node.exprKind) ? node.exprKind : undefined;
  if (kind?.case === 'identExpr' && isRecord(kind.value) && typeof kind.value.name === 'string') idents.add(kind.value.name);
  if (kind?.case === 'comprehensionExpr' && isRecord(kind.value)) {
    for (const key of ['iterVar', 'iterVar2', 'accuVar']) if (typeof kind.value[key] === 'string' && kind.value[key] !== '') variables.add(kind.value[key] as string);
  }
  if (kind?.case === 'callExpr' && isRecord(kind.value) && typeof kind.value.function === 'string') {
    const call = kind.value;
    const args = Array.isArray(call.args) ? call.args : [];
    const target = call.target;
    const qualifiedTarget = target !== undefined ? qualifiedName(target) : undefined;
    const qualified = qualifiedTarget !== undefined && !variables.has(qualifiedTarget.split('.')[0] as string) ? qualifiedTarget : undefined;
    const literal = REGEX_FUNCTIONS.has(call.function as string) ? stringLiteral(args[0]) : undefined;
    calls.push({
      name: call.function as string,
      receiver: target !== undefined,
      args: args.length,
      ...(qualified !== undefined ? { qualified: `${qualified}.${call.function as string}` } : {}),
      ...(literal !== undefined ? { literal } : {}),
    });
  }
  for (const [key, value] of Object.entries(node)) {
    if (key !== '$typeName' && typeof value === 'object' && value !== null) scan(value, calls, idents, variables);
  }
}

/** Why `call` cannot be resolved in `env`, or `undefined` when a function of that name and shape exists. */
function unresolved(env: CelEnv, call: CallInfo): string | undefined {
  if (PLANNER_OPERATORS.has(call.name)) return undefined;
  if (call.qualified !== undefined && env.funcs.find(call.qualified) !== undefined) return undefined;
  const group = env.funcs.find(call.name);
  if (group === undefined) return `function '${call.qualified ?? call.name}' is not supported`;
  for (const func of group) {
    if ((func.target !== undefined) === call.receiver && func.arguments.length === call.args) return undefined;
  }
  const shape = `${call.receiver ? '<value>.' : ''}${call.name}(${Array.from({ length: call.args }, () => '_').join(', ')})`;
  return `no overload of '${call.name}' takes the form ${shape}`;
}

/** RE2 syntax check of a literal pattern (the API server refuses CRDs whose literal regexes do not compile). */
function regexProblem(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return `regular expression ${JSON.stringify(pattern)} does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const compiled = new Map<string, Compiled>();

/**
 * Compile a rule or message expression once per process (memoised by its text). `variables` are the names the
 * expression may use (`self`, `oldSelf`).
 */
export function compileExpression(text: string): Compiled {
  const cached = compiled.get(text);
  if (cached !== undefined) return cached;
  let result: Compiled;
  let expr: ParsedExpr | undefined;
  try {
    expr = parse(text).expr;
  } catch (error) {
    result = { ok: false, reason: `it does not parse here: ${error instanceof Error ? error.message : String(error)}`, usesOldSelf: /\boldSelf\b/.test(text) };
  }
  if (expr !== undefined) {
    const calls: CallInfo[] = [];
    const idents = new Set<string>();
    scan(expr, calls, idents);
    const usesOldSelf = idents.has('oldSelf');
    const env = celEnvironment();
    // Every problem, innermost call first (the order they appear in the text).
    const problems = [...new Set(calls.reverse().map((call) => unresolved(env, call) ?? (call.literal !== undefined ? regexProblem(call.literal) : undefined)).filter((p): p is string => p !== undefined))];
    if (problems.length > 0) {
      result = { ok: false, reason: problems.join('; '), usesOldSelf };
    } else {
      try {
        const program = plan(env, expr) as CelProgram;
        result = { ok: true, program, usesOldSelf };
      } catch (error) {
        result = { ok: false, reason: `it cannot be planned: ${error instanceof Error ? error.message : String(error)}`, usesOldSelf };
      }
    }
  }
  compiled.set(text, result!);
  return result!;
}
