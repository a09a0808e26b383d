/**
 * The CEL environment (tools/validate/cel/environment.ts): every rule of every committed schema compiles in it,
 * so a CRD upgrade that brings a function we lack fails here, not silently in validation.
 */
import { loadSchemaSources } from '../../../tools/validate/schema';
import { CelValidator, type LocatedRule } from '../../../tools/validate/cel';
import { compileExpression } from '../../../tools/validate/cel/environment';

/**
 * Rules known not to compile here, by `<kind> <node>: <rule>`, each with the reason. Empty today: add an entry
 * only with the function the rule needs and why it cannot be supported.
 */
const KNOWN_EXCEPTIONS: Readonly<Record<string, string>> = {};

const RULES: readonly LocatedRule[] = new CelValidator(loadSchemaSources()).allRules();
const byKind = [...new Set(RULES.map((r) => r.kind))].map((kind) => [kind, RULES.filter((r) => r.kind === kind)] as const);

test('the committed schemas carry rules (Gateway API, CloudNativePG, Strimzi, cert-manager, ...)', () => {
  expect(RULES.length).toBeGreaterThan(100);
  expect(byKind.map(([kind]) => kind)).toEqual(expect.arrayContaining(['gateway.networking.k8s.io/v1/HTTPRoute', 'postgresql.cnpg.io/v1/Cluster', 'kafka.strimzi.io/v1/Kafka']));
});

describe.each(byKind)('%s', (_kind, rules) => {
  test('every rule and message expression compiles', () => {
    // WHEN each is compiled
    const failures = rules.flatMap((r) => [r.rule, ...(r.messageExpression !== undefined ? [r.messageExpression] : [])].map((text) => {
      const key = `${r.kind} ${r.node}: ${text}`;
      const compiled = compileExpression(text);
      return compiled.ok || key in KNOWN_EXCEPTIONS ? undefined : `${key} -> ${compiled.reason}`;
    })).filter((f) => f !== undefined);
    // THEN none fails (the failures are in the assertion, so a CRD upgrade shows which function is missing)
    expect(failures).toEqual([]);
  });
});

test('every known exception still exists and still fails (the list never hides a rule that works)', () => {
  for (const key of Object.keys(KNOWN_EXCEPTIONS)) {
    expect(RULES.some((r) => `${r.kind} ${r.node}: ${r.rule}` === key)).toBe(true);
    expect(compileExpression(key.slice(key.indexOf(': ') + 2)).ok).toBe(false);
  }
});

describe('compileExpression', () => {
  test('memoises per rule text', () => {
    expect(compileExpression('self.size() > 1')).toBe(compileExpression('self.size() > 1'));
  });

  test('marks rules that use oldSelf, not rules that only mention it in a string', () => {
    expect(compileExpression('self == oldSelf').usesOldSelf).toBe(true);
    expect(compileExpression("self != 'oldSelf'").usesOldSelf).toBe(false);
  });

  test.each([
    ['an unknown function', 'self.frobnicate()', "function 'frobnicate' is not supported"],
    ['a known function with the wrong shape', 'isIP()', "no overload of 'isIP' takes the form isIP()"],
    ['two-variable comprehensions (Kubernetes 1.32, not in this evaluator)', 'self.all(k, v, v > 0)', "function 'all' is not supported"],
    ['a literal regular expression RE2 refuses (look-ahead)', "self.matches('a(?=b)')", 'regular expression "a(?=b)" does not compile'],
    ['a parse error', 'self.a ==', 'it does not parse here'],
  ])('refuses %s', (_name, text, reason) => {
    const compiled = compileExpression(text);
    expect(compiled.ok).toBe(false);
    expect(compiled.ok ? '' : compiled.reason).toContain(reason);
  });
});
