/**
 * Exact Kubernetes quantities for the CEL `quantity` library (kubernetes v1.32.0,
 * staging/src/k8s.io/apiserver/pkg/cel/library/quantity.go over k8s.io/apimachinery v0.32.0
 * pkg/api/resource/quantity.go `ParseQuantity`): `<sign><digits>[.<digits>]<suffix>` with the suffixes
 * n u m k M G T P E, Ki Mi Gi Ti Pi Ei or e<exponent>; values finer than a nano are rounded up (away from zero),
 * as the API server does. A value is kept as `units × 10^-scale`, exactly.
 */
import { parseKubernetesQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR } from '../../../constructs/lib/resources';

/** A quantity: `units × 10^-scale`. */
export interface Quantity {
  readonly units: bigint;
  readonly scale: number;
}

/** apimachinery's ErrFormatWrong and ErrSuffix messages. */
export { QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** `value` with its trailing zeros folded into the scale (the canonical form: equal values, equal forms). */
export function normalize(q: Quantity): Quantity {
  if (q.units === 0n) return { units: 0n, scale: 0 };
  let { units, scale } = q;
  while (units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

/** Parse a quantity, or return apimachinery's error message (the grammar lives once, in constructs/lib/resources.ts). */
export function parseQuantity(text: string): Quantity | string {
  return parseKubernetesQuantity(text);
}

function aligned(a: Quantity, b: Quantity): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

/** -1, 0 or 1. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  const [x, y, scale] = aligned(a, b);
  return { units: x + y, scale };
}

export function negate(q: Quantity): Quantity {
  return { units: -q.units, scale: q.scale };
}

/** The value as an integer when it is one that fits in int64 (`Quantity.AsInt64`), else `undefined`. */
export function quantityAsInteger(q: Quantity): bigint | undefined {
  const n = normalize(q);
  const value = n.scale <= 0 ? n.units * pow10(-n.scale) : undefined;
  return value !== undefined && value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/** `AsApproximateFloat64`. */
export function quantityAsFloat(q: Quantity): number {
  return Number(q.units) / 10 ** q.scale;
}

/** Canonical text (units and scale), used for equality. */
export function quantityKey(q: Quantity): string {
  const n = normalize(q);
  return `${n.units}e${-n.scale}`;
}
