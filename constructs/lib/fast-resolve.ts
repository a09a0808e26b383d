/**
 * A faster equivalent of cdk8s's `resolve` (cdk8s/lib/resolve.js, 2.70.106), which `ApiObject.toJson()` and
 * `ApiObjectMetadataDefinition.toJson()` run over every value of every object before serialising it.
 *
 * cdk8s's version looks up the App (`App.of`, a walk up the construct tree), allocates a `ResolutionContext` and a
 * copy of the key path, and calls each of the App's three built-in resolvers, for every value, strings and
 * numbers included. That was about a sixth of the CPU time of a 1,000-service synth. This one looks the App up
 * once per object and, when the App has only the built-in resolvers (`LazyResolver`, `ImplicitTokenResolver`,
 * `NumberStringUnionResolver`, in that order), applies their rules inline: a primitive is returned as it is (none
 * of the three ever replaces one), a `Lazy` is produced, a value with a `resolve()` method is resolved, a non-plain
 * object with a string or number `value` becomes `{ value }`, arrays and plain objects are resolved member by
 * member, anything else is returned as it is. The result is then resolved again, exactly as cdk8s does.
 *
 * An App with resolvers of its own (`new App({ resolvers })`) gets cdk8s's own function, unchanged, so custom
 * resolvers see every value with its key path as documented. cdk8s is pinned (package.json); the equivalence
 * over every object of every platform is tested (test/lib/fast-resolve.test.ts).
 */
import { ApiObject, App, ImplicitTokenResolver, IResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import cdk8sResolveModule = require('cdk8s/lib/resolve');

type Resolve = typeof cdk8sResolveModule.resolve;

/** cdk8s's own `resolve`, as loaded. */
const cdk8sResolve: Resolve = cdk8sResolveModule.resolve;

/** Whether `resolvers` are exactly cdk8s's built-in ones, in cdk8s's order. */
function builtInOnly(resolvers: readonly IResolver[]): boolean {
  return (
    resolvers.length === 3 &&
    resolvers[0] instanceof LazyResolver &&
    resolvers[1] instanceof ImplicitTokenResolver &&
    resolvers[2] instanceof NumberStringUnionResolver
  );
}

/** A value as far as the three built-in resolvers see it. */
interface Resolvable {
  readonly constructor?: unknown;
  readonly resolve?: unknown;
  readonly value?: unknown;
}

function resolveBuiltIn(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value !== 'object' && typeof value !== 'function') return value;
  // LazyResolver
  if (value instanceof Lazy) return resolveBuiltIn(value.produce());
  const v = value as Resolvable;
  // ImplicitTokenResolver
  if (typeof v.resolve === 'function') return resolveBuiltIn((v.resolve as () => unknown).call(value));
  // NumberStringUnionResolver (leaves plain dictionaries alone)
  if (v.constructor !== Object && (typeof v.value === 'number' || typeof v.value === 'string')) return resolveBuiltIn({ value: v.value });
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = resolveBuiltIn(value[i]);
    return out;
  }
  if (v.constructor === Object) {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record)) out[key] = resolveBuiltIn(record[key]);
    return out;
  }
  return value;
}

/** `resolve` with cdk8s's signature: the inline rules for Apps with only the built-in resolvers, cdk8s's otherwise. */
const fastResolve: Resolve = (key: string[], value: unknown, apiObject: ApiObject): unknown => {
  if (!builtInOnly(App.of(apiObject).resolvers)) return cdk8sResolve(key, value, apiObject);
  return resolveBuiltIn(value);
};

function use(resolve: Resolve): void {
  // cdk8s's modules read `resolve_1.resolve` at each call, so replacing the export replaces it for all of them.
  Object.defineProperty(cdk8sResolveModule, 'resolve', { value: resolve, writable: true, configurable: true, enumerable: true });
}

/** Make cdk8s serialise with the faster `resolve` (idempotent; the synth pipeline calls it before it builds). */
export function installFastResolve(): void {
  if (cdk8sResolveModule.resolve !== fastResolve) use(fastResolve);
}

/** Run `fn` with cdk8s's own `resolve` (what the equivalence test compares against), then restore the previous one. */
export function withCdk8sResolve<T>(fn: () => T): T {
  const previous = cdk8sResolveModule.resolve;
  use(cdk8sResolve);
  try {
    return fn();
  } finally {
    use(previous);
  }
}
