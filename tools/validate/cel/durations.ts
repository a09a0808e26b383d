/**
 * Duration text as the API server reads it for `format: duration` fields: Go's `time.ParseDuration`
 * (`[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, units ns us µs ms s m h), then kube-openapi's fallback
 * (`k8s.io/kube-openapi/pkg/validation/strfmt/duration.go`, `ParseDuration`: `<n> <unit>` pairs with units such
 * as `d`, `day`, `w`, `week`, `hours`).
 */

const GO_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

const DAY = 24n * 3_600_000_000_000n;

/** kube-openapi's unit variants (the last of each may be a prefix: `hours`, `days`) and their lengths. */
const STRFMT_UNITS: readonly (readonly [readonly string[], bigint])[] = [
  [['ns', 'nano'], 1n],
  [['us', 'µs', 'micro'], 1_000n],
  [['ms', 'milli'], 1_000_000n],
  [['s', 'sec'], 1_000_000_000n],
  [['m', 'min'], 60_000_000_000n],
  [['h', 'hr', 'hour'], 3_600_000_000_000n],
  [['d', 'day'], DAY],
  [['w', 'wk', 'week'], 7n * DAY],
];

const MAX_INT64 = 2n ** 63n - 1n;

/** Go's `time.ParseDuration`, in nanoseconds; `undefined` when the text is not a Go duration. */
function goDuration(text: string): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  let total = 0n;
  while (s !== '') {
    const match = /^(\d*)(?:\.(\d*))?([^\d.]+)/.exec(s);
    if (!match || (match[1] === '' && (match[2] ?? '') === '')) return undefined;
    const unit = GO_UNITS[match[3] ?? ''];
    if (unit === undefined) return undefined;
    const whole = BigInt(match[1] === '' ? '0' : match[1] as string);
    const fraction = match[2] ?? '';
    total += whole * unit + (fraction === '' ? 0n : (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length));
    if (total > MAX_INT64) return undefined;
    s = s.slice(match[0].length);
  }
  return negative ? -total : total;
}

/**
 * A duration in nanoseconds, or `undefined` when invalid. With `strfmt`, kube-openapi's fallback forms are
 * accepted too (what `format: duration` fields accept).
 */
export function parseGoDuration(text: string, options: { readonly strfmt?: boolean } = {}): bigint | undefined {
  const go = goDuration(text);
  if (go !== undefined || options.strfmt !== true) return go;
  let total = 0n;
  let ok = false;
  for (const match of text.matchAll(/(\d+)\s*([A-Za-zµ]+)/g)) {
    const factor = BigInt(match[1] as string);
    const unit = (match[2] as string).trim().toLowerCase();
    for (const [variants, length] of STRFMT_UNITS) {
      variants.forEach((variant, i) => {
        if ((i === variants.length - 1 && unit.startsWith(variant)) || variant.toLowerCase() === unit) {
          ok = true;
          total += factor * length;
        }
      });
    }
  }
  return ok ? total : undefined;
}
