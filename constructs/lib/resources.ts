/**
 * CPU and memory: Kubernetes quantities, parsed with the API server's grammar, checked once here and rendered in
 * the API server's canonical form.
 *
 * The grammar, the rounding and the canonical form are transcribed from k8s.io/apimachinery
 * `pkg/api/resource/quantity.go` (`parseQuantityString`, `ParseQuantity`, `CanonicalizeBytes`), `suffix.go`
 * (`newSuffixer`, `interpret`) and `amount.go` (`AsCanonicalBytes`, `AsCanonicalBase1024Bytes`).
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
import * as k8s from './k8s';

/** Requests and limits for one container; all four values are required (the platform policy demands them). */
export interface ResourceSettings {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/** The suffix family a quantity was written with (apimachinery `Format`); the canonical form keeps it. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** An exact quantity: `units × 10^-scale`, and the format it was written in. */
export interface ParsedQuantity {
  readonly units: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
}

/** apimachinery's `ErrFormatWrong` and `ErrSuffix` messages (the API server's own wording). */
export const QUANTITY_FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

/** `suffix.go` `newSuffixer`: decimal SI suffixes and their base-10 exponents, binary SI suffixes and their base-2 exponents. */
const DECIMAL_SI: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SI: Readonly<Record<string, number>> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIX_OF = new Map(Object.entries(DECIMAL_SI).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_OF = new Map(Object.entries(BINARY_SI).map(([s, e]) => [e, s]));

/** `inf.Dec` rounding target of `ParseQuantity`: values finer than a nano are rounded up (away from zero). */
const NANO_SCALE = 9;
const SUFFIX_LETTERS = 'eEinumkKMGTP';

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface QuantityParts {
  readonly positive: boolean;
  readonly num: string;
  readonly denom: string;
  readonly suffix: string;
}

/** `parseQuantityString`: sign, numerator (leading zeros stripped), denominator, suffix; or `ErrFormatWrong`. */
function parseQuantityString(str: string): QuantityParts | undefined {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  const num = str.slice(pos, i) || '0';
  pos = i;
  if (i >= end) return { positive, num, denom: '', suffix: '' };
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    pos = i;
    if (i >= end) return { positive, num, denom, suffix: '' };
  }
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_LETTERS.includes(str[i] as string)) i++;
  if (i >= end) return { positive, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  for (i = pos; i < end; i++) {
    // A character that is neither a suffix letter nor a digit of the exponent.
    if (!isDigit(str[i])) return undefined;
  }
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

/** `suffixer.interpret`: base, exponent and format of a suffix, or `undefined` (`ErrSuffix`). */
function interpretSuffix(suffix: string): { base: 2 | 10; exponent: number; format: QuantityFormat } | undefined {
  const decimal = DECIMAL_SI[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SI[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[-+]?[0-9]+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  return undefined;
}

/**
 * `ParseQuantity`: the exact value of a quantity string, or the API server's error message. No whitespace is
 * allowed anywhere (`'256Mi '` is refused, as the API server refuses it).
 */
export function parseKubernetesQuantity(text: string): ParsedQuantity | string {
  if (text.length === 0) return QUANTITY_FORMAT_ERROR;
  if (text === '0') return { units: 0n, scale: 0, format: 'DecimalSI' };
  const parts = parseQuantityString(text);
  if (parts === undefined) return QUANTITY_FORMAT_ERROR;
  // No digit at all ('Mi', '.'): the scanner reads 0, but the apiserver CEL library documents `quantity('Mi')` as an
  // error (staging/src/k8s.io/apiserver/pkg/cel/library/quantity.go); refusing it is the safe reading.
  if (!/[0-9]/.test(text.slice(0, text.length - parts.suffix.length))) return QUANTITY_FORMAT_ERROR;
  const suffix = interpretSuffix(parts.suffix);
  if (suffix === undefined) return QUANTITY_SUFFIX_ERROR;
  let units = BigInt(`${parts.num}${parts.denom}`);
  let scale = parts.denom.length;
  if (suffix.base === 10) scale -= suffix.exponent;
  else units *= 2n ** BigInt(suffix.exponent);
  if (!parts.positive) units = -units;
  // Round away from zero to nano precision ("if you want some resources, you should get some resources").
  if (scale > NANO_SCALE) {
    const divisor = 10n ** BigInt(scale - NANO_SCALE);
    const magnitude = units < 0n ? -units : units;
    const rounded = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
    units = units < 0n ? -rounded : rounded;
    scale = NANO_SCALE;
  }
  // A binary quantity below one is shown as decimal ("this avoids rounding and hopefully confusion, too").
  const magnitude = units < 0n ? -units : units;
  const format = suffix.format === 'BinarySI' && magnitude > 0n && magnitude < 10n ** BigInt(Math.max(scale, 0)) ? 'DecimalSI' : suffix.format;
  return { units, scale, format };
}

/** The approximate value in base units (cores, bytes): `AsApproximateFloat64`. */
export function quantityAsNumber(q: ParsedQuantity): number {
  return q.scale > 0 ? Number(q.units) / 10 ** q.scale : Number(q.units) * 10 ** -q.scale;
}

/** `CanonicalizeBytes`: the string the API server writes back for `q` (`0.5` → `500m`, `1.5Gi` → `1536Mi`, `1024Mi` → `1Gi`). */
export function canonicalQuantityOf(q: ParsedQuantity): string {
  if (q.units === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const integer = q.scale <= 0 || q.units % 10n ** BigInt(q.scale) === 0n;
    const magnitude = q.units < 0n ? -q.units : q.units;
    // Between -1024 and 1024, or not a whole number: decimal, so that no precision is lost.
    if (!integer || magnitude < 1024n * 10n ** BigInt(Math.max(q.scale, 0))) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    // AsCanonicalBase1024Bytes: remove factors of 1024 into the suffix.
    let value = q.scale <= 0 ? q.units * 10n ** BigInt(-q.scale) : q.units / 10n ** BigInt(q.scale);
    let exponent = 0;
    while (value % 1024n === 0n && BINARY_SUFFIX_OF.has(exponent + 10)) {
      value /= 1024n;
      exponent += 10;
    }
    return `${value}${BINARY_SUFFIX_OF.get(exponent) ?? ''}`;
  }
  // AsCanonicalBytes: move factors of ten into the exponent, then make the exponent a multiple of three.
  let units = q.units;
  let exponent = -q.scale;
  while (units % 10n === 0n) {
    units /= 10n;
    exponent += 1;
  }
  while (exponent % 3 !== 0) {
    units *= 10n;
    exponent -= 1;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${units}` : `${units}e${exponent}`;
  // Beyond E (10^18) there is no decimal SI suffix: keep the digits.
  while (exponent > 18) {
    units *= 1000n;
    exponent -= 3;
  }
  return `${units}${DECIMAL_SUFFIX_OF.get(exponent) ?? ''}`;
}

/** The canonical form of a quantity string (as the API server stores it), or the string itself when it is not a quantity. */
export function canonicalQuantity(text: string): string {
  const q = parseKubernetesQuantity(text);
  return typeof q === 'string' ? text : canonicalQuantityOf(q);
}

/** The numeric value of a quantity in base units (cores, bytes), or `undefined` when it is not a quantity. */
export function parseQuantity(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) ? quantity : undefined;
  if (typeof quantity !== 'string') return undefined;
  const q = parseKubernetesQuantity(quantity);
  return typeof q === 'string' ? undefined : quantityAsNumber(q);
}

/** What a quantity is for: CPU (cores), memory or storage (bytes). */
export type QuantityKind = 'cpu' | 'memory' | 'storage';

/** A refused quantity: what is wrong and how to write it. */
export interface QuantityIssue {
  readonly message: string;
  readonly fix: string;
}

const EXAMPLE: Readonly<Record<QuantityKind, string>> = { cpu: "'250m' or '1'", memory: "'256Mi' or '1Gi'", storage: "'10Gi'" };

/**
 * Plausible bounds per kind, in base units. Outside them the value is almost certainly a unit mistake (`'500'` CPU
 * is 500 cores, `'512Ki'` memory cannot start a JVM); the bounds are generous enough for any node sold today.
 */
const BOUNDS: Readonly<Record<QuantityKind, { readonly min: number; readonly max: number; readonly minText: string; readonly maxText: string }>> = {
  cpu: { min: 0.001, max: 128, minText: '1m', maxText: '128 cores' },
  memory: { min: 4 * 2 ** 20, max: 2 ** 40, minText: '4Mi', maxText: '1Ti' },
  storage: { min: 2 ** 20, max: 2 ** 50, minText: '1Mi', maxText: '1Pi' },
};

/** A likely intended reading of a badly written suffix. */
function suffixFix(text: string, what: QuantityKind): string | undefined {
  const match = /^([+-]?[0-9.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  if (match === null) return undefined;
  const [, number = '', suffix = ''] = match;
  const lower = suffix.toLowerCase().replace(/b$/, '');
  const binary: Readonly<Record<string, string>> = { k: 'Ki', ki: 'Ki', m: 'Mi', mi: 'Mi', g: 'Gi', gi: 'Gi', t: 'Ti', ti: 'Ti' };
  if (what === 'cpu') return lower === 'm' || lower === 'mi' ? `'${number}m' (millicores)` : undefined;
  const fixed = binary[lower];
  if (fixed === undefined) return undefined;
  // '256MB': megabytes are 'M', mebibytes 'Mi'.
  return /^[kKmMgGtT]B$/.test(suffix) ? `'${number}${fixed}' (mebibytes, gibibytes, ...) or '${number}${suffix[0]?.toUpperCase().replace('K', 'k') ?? ''}' (megabytes, gigabytes, ...)` : `'${number}${fixed}'`;
}

/**
 * Why `quantity` is not a valid, plausible, positive quantity of `what`, and the fix; `undefined` when it is fine.
 * Strings are parsed as the API server parses them; numbers (YAML `cpu: 1`) are accepted for CPU only.
 */
export function checkQuantity(quantity: unknown, what: QuantityKind): QuantityIssue | undefined {
  const example = EXAMPLE[what];
  if (typeof quantity === 'number') {
    if (what !== 'cpu') {
      return { message: `a bare number is ${quantity} bytes (Kubernetes reads a ${what} quantity without a suffix as bytes)`, fix: `write it with a unit, e.g. '${quantity}Mi' or '${quantity}Gi'` };
    }
    quantity = String(quantity);
  }
  if (typeof quantity !== 'string') return { message: `must be a Kubernetes quantity string such as ${example}`, fix: `write it as a string such as ${example}` };
  if (quantity !== quantity.trim()) {
    return { message: 'has leading or trailing white space, which the API server refuses', fix: `remove the spaces: '${quantity.trim()}'` };
  }
  const parsed = parseKubernetesQuantity(quantity);
  if (typeof parsed === 'string') {
    const fix = suffixFix(quantity, what);
    const why = parsed === QUANTITY_SUFFIX_ERROR ? 'its suffix is not one Kubernetes knows (suffixes are case-sensitive: m, k, M, G, Ki, Mi, Gi, ...)' : 'it is not a number followed by a suffix';
    return { message: `must be a Kubernetes quantity such as ${example}: ${why}`, fix: fix !== undefined ? `did you mean ${fix}?` : `write it as ${example}` };
  }
  const value = quantityAsNumber(parsed);
  if (value <= 0) return { message: `must be greater than zero`, fix: `use a positive quantity such as ${example}` };
  if (what !== 'cpu' && /^[0-9.]+$/.test(quantity)) {
    return { message: `'${quantity}' is ${quantity} bytes: a ${what} quantity without a suffix is read as bytes`, fix: `add the unit: '${quantity}Mi' (mebibytes) or '${quantity}Gi' (gibibytes)` };
  }
  if (what !== 'cpu' && /^[0-9.]+m$/.test(quantity)) {
    return { message: `'${quantity}' means milli-bytes`, fix: `use '${quantity.slice(0, -1)}Mi' (mebibytes) or '${quantity.slice(0, -1)}M' (megabytes)` };
  }
  const bounds = BOUNDS[what];
  if (value < bounds.min) {
    return { message: `'${quantity}' is below the plausible minimum of ${bounds.minText} for ${what}`, fix: what === 'cpu' ? "CPU is counted in cores or millicores: write e.g. '250m'" : `check the unit: write e.g. ${example}` };
  }
  if (value > bounds.max) {
    const fix = what === 'cpu' && /^[0-9]+$/.test(quantity) ? `a CPU quantity without suffix counts cores: for ${quantity} millicores write '${quantity}m'` : `check the unit: write e.g. ${example}`;
    return { message: `'${quantity}'${what === 'cpu' ? ` means ${value} cores,` : ' is'} above the plausible maximum of ${bounds.maxText} for one ${what === 'storage' ? 'volume' : 'container'}`, fix };
  }
  return undefined;
}

/** Why `quantity` is not a valid positive quantity, or `undefined` (the message of `checkQuantity`). */
export function quantityProblem(quantity: unknown, what: QuantityKind): string | undefined {
  return checkQuantity(quantity, what)?.message;
}

/** A problem found in a resources block, relative to that block (`requests.cpu`). */
export interface ResourceProblem {
  readonly field: string;
  readonly message: string;
  readonly value: unknown;
  /** How to write it. @default - the caller's generic fix */
  readonly fix?: string;
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
      const issue = value === undefined ? { message: `must be set (e.g. ${EXAMPLE[what]})`, fix: `set ${kind}.${what}` } : checkQuantity(value, what);
      if (issue) problems.push({ field: `${kind}.${what}`, message: issue.message, value, fix: issue.fix });
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

/** `resources` with every quantity in the API server's canonical form (what the cluster would store anyway). */
export function canonicalResources(resources: ResourceSettings): ResourceSettings {
  return {
    requests: { cpu: canonicalQuantity(resources.requests.cpu), memory: canonicalQuantity(resources.requests.memory) },
    limits: { cpu: canonicalQuantity(resources.limits.cpu), memory: canonicalQuantity(resources.limits.memory) },
  };
}

/** The Kubernetes `resources` block for a container, in canonical form. */
export function toResourceRequirements(settings: ResourceSettings): k8s.ResourceRequirements {
  const resources = canonicalResources(settings);
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
