/**
 * CPU and memory: Kubernetes quantities, parsed and checked once here.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
import * as k8s from './k8s';

/** Requests and limits for one container; all four values are required (the platform policy demands them). */
export interface ResourceSettings {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const SUFFIX: Readonly<Record<string, number>> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** The numeric value of a quantity in base units (cores, bytes), or `undefined` when it is not a quantity. */
export function parseQuantity(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) ? quantity : undefined;
  if (typeof quantity !== 'string') return undefined;
  const match = QUANTITY.exec(quantity.trim());
  if (!match) return undefined;
  const number = Number(match[1]);
  const suffix = match[2];
  if (suffix === undefined) return number;
  if (suffix in SUFFIX) return number * (SUFFIX[suffix] ?? 1);
  return number * 10 ** Number(suffix.slice(1));
}

/** Why `quantity` is not a valid positive quantity, or `undefined`. */
export function quantityProblem(quantity: unknown, what: 'cpu' | 'memory' | 'storage'): string | undefined {
  const value = parseQuantity(quantity);
  const example = what === 'cpu' ? "'250m' or '1'" : "'256Mi' or '10Gi'";
  if (value === undefined) return `must be a Kubernetes quantity such as ${example}`;
  if (value <= 0) return `must be greater than zero (for example ${example})`;
  if (what !== 'cpu' && typeof quantity === 'string' && /^\d+(\.\d+)?m$/.test(quantity)) {
    return `'${quantity}' means milli-bytes; use 'Mi' (mebibytes) or 'M' (megabytes)`;
  }
  return undefined;
}

/** A problem found in a resources block, relative to that block (`requests.cpu`). */
export interface ResourceProblem {
  readonly field: string;
  readonly message: string;
  readonly value: unknown;
}

/** Every problem in a resources block: missing or invalid quantities, requests above limits. */
export function resourceProblems(resources: unknown): ResourceProblem[] {
  const problems: ResourceProblem[] = [];
  if (resources === null || typeof resources !== 'object') {
    return [{ field: '', message: 'must be an object with requests and limits for cpu and memory', value: resources }];
  }
  const r = resources as Record<string, unknown>;
  for (const kind of ['requests', 'limits'] as const) {
    const block = r[kind];
    if (block === null || typeof block !== 'object') {
      problems.push({ field: kind, message: 'must set cpu and memory', value: block });
      continue;
    }
    for (const what of ['cpu', 'memory'] as const) {
      const value = (block as Record<string, unknown>)[what];
      const problem = quantityProblem(value, what);
      if (problem) problems.push({ field: `${kind}.${what}`, message: problem, value });
    }
  }
  if (problems.length === 0) {
    const requests = r.requests as Record<string, unknown>;
    const limits = r.limits as Record<string, unknown>;
    for (const what of ['cpu', 'memory'] as const) {
      const request = parseQuantity(requests[what]) ?? 0;
      const limit = parseQuantity(limits[what]) ?? 0;
      if (request > limit) {
        problems.push({
          field: `requests.${what}`,
          message: `request ${String(requests[what])} is larger than the limit ${String(limits[what])}`,
          value: requests[what],
        });
      }
    }
  }
  return problems;
}

/** The Kubernetes `resources` block for a container. */
export function toResourceRequirements(resources: ResourceSettings): k8s.ResourceRequirements {
  return {
    requests: {
      cpu: k8s.Quantity.fromString(resources.requests.cpu),
      memory: k8s.Quantity.fromString(resources.requests.memory),
    },
    limits: {
      cpu: k8s.Quantity.fromString(resources.limits.cpu),
      memory: k8s.Quantity.fromString(resources.limits.memory),
    },
  };
}
