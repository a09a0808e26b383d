/**
 * The Kubernetes CEL function libraries, as declared in kubernetes v1.32.0
 * (staging/src/k8s.io/apiserver/pkg/cel/library/), plus cel-go v0.22.0's sets extension (ext/sets.go) and
 * `optional.none()` (what `oldSelf` is for `optionalOldSelf` rules on create):
 *
 * | file | functions |
 * |---|---|
 * | lists.go | `<list>.isSorted()`, `sum()`, `min()`, `max()`, `indexOf(x)`, `lastIndexOf(x)` |
 * | regex.go | `<string>.find(re)`, `findAll(re)`, `findAll(re, n)` |
 * | urls.go | `url(s)`, `isURL(s)`, `<URL>.getScheme()`, `getHost()`, `getHostname()`, `getPort()`, `getEscapedPath()`, `getQuery()` |
 * | quantity.go | `quantity(s)`, `isQuantity(s)`, `<Quantity>.sign()`, `isInteger()`, `asInteger()`, `asApproximateFloat()`, `add()`, `sub()`, `isLessThan()`, `isGreaterThan()`, `compareTo()` |
 * | ip.go | `ip(s)`, `isIP(s)`, `ip.isCanonical(s)`, `<IP>.family()`, `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`, `isLinkLocalUnicast()`, `isGlobalUnicast()`, `string(ip)` |
 * | cidr.go | `cidr(s)`, `isCIDR(s)`, `<CIDR>.containsIP()`, `containsCIDR()`, `ip()`, `masked()`, `prefixLength()`, `string(cidr)` |
 * | ext/sets.go | `sets.contains(a, b)`, `sets.equivalent(a, b)`, `sets.intersects(a, b)` |
 *
 * Not provided (a rule using them is reported as not evaluable): format.go's named formats, authz.go (admission
 * policies only), optional values other than `optional.none()`, two-variable comprehensions.
 *
 * Errors the API server raises for bad data (an invalid quantity, `min()` of an empty list) are
 * `KubernetesCelError`s: they make the rule fail as it would in the cluster.
 */
import { CelScalar, celFunc, celList, celMethod, isCelError, listType, mapType, type CelEnv, type CelList, type CelResult, type CelValue } from '@bufbuild/cel';
import { OpaqueType, OPTIONAL_NONE } from './opaque';
import { cidrContainsCidr, cidrContainsIp, formatCidr, formatIp, ipClass, masked, parseCidr, parseIp, type CidrPrefix, type IpAddress } from './net';
import { addQuantities, compareQuantities, negate, parseQuantity, quantityAsFloat, quantityAsInteger, quantityKey, type Quantity } from './quantity';
import { parseUrl, urlEscapedPath, urlHostname, urlPort, urlQuery, type ParsedUrl } from './urls';

/** An error the API server raises too (the rule fails in the cluster). */
export class KubernetesCelError extends Error {}

export const IP = new OpaqueType<IpAddress>('net.IP', formatIp);
export const CIDR = new OpaqueType<CidrPrefix>('net.CIDR', formatCidr);
export const URL_TYPE = new OpaqueType<ParsedUrl>('kubernetes.URL', (u) => u.text);
export const QUANTITY = new OpaqueType<Quantity>('kubernetes.Quantity', quantityKey);

const { BOOL, INT, DOUBLE, STRING, DYN } = CelScalar;
const LIST = listType(DYN);

/** The standard operators, for the library's own comparisons (bound to the environment once it exists). */
export const libraryOps = {
  env: undefined as CelEnv | undefined,
  bind(env: CelEnv): void {
    this.env = env;
  },
  call(op: string, args: CelValue[]): CelValue {
    const result: CelResult | undefined = this.env?.funcs.find(op)?.call(0, undefined, args);
    if (result === undefined) throw new KubernetesCelError(`no such overload: ${op} applied to (${args.map((a) => typeof a).join(', ')})`);
    if (isCelError(result)) throw result;
    return result;
  },
  equals(a: CelValue, b: CelValue): boolean {
    return this.call('_==_', [a, b]) === true;
  },
  less(a: CelValue, b: CelValue): boolean {
    return this.call('_<_', [a, b]) === true;
  },
};

function items(list: CelList): CelValue[] {
  return [...list];
}

function lists(): ReturnType<typeof celFunc>[] {
  return [
    celMethod('isSorted', LIST, [], BOOL, function () {
      const values = items(this);
      return values.every((value, i) => i === 0 || !libraryOps.less(value, values[i - 1] as CelValue));
    }),
    celMethod('sum', LIST, [], DYN, function () {
      const values = items(this);
      // An empty list of unknown element type sums to the int 0, as `[].sum()` does upstream.
      return values.length === 0 ? 0n : values.slice(1).reduce((acc, v) => libraryOps.call('_+_', [acc, v]), values[0] as CelValue);
    }),
    celMethod('min', LIST, [], DYN, function () {
      const values = items(this);
      if (values.length === 0) throw new KubernetesCelError('min called on empty list');
      return values.reduce((acc, v) => (libraryOps.less(v, acc) ? v : acc));
    }),
    celMethod('max', LIST, [], DYN, function () {
      const values = items(this);
      if (values.length === 0) throw new KubernetesCelError('max called on empty list');
      return values.reduce((acc, v) => (libraryOps.less(acc, v) ? v : acc));
    }),
    celMethod('indexOf', LIST, [DYN], INT, function (x) {
      return BigInt(items(this).findIndex((v) => libraryOps.equals(v, x)));
    }),
    celMethod('lastIndexOf', LIST, [DYN], INT, function (x) {
      const values = items(this);
      for (let i = values.length - 1; i >= 0; i--) if (libraryOps.equals(values[i] as CelValue, x)) return BigInt(i);
      return -1n;
    }),
  ];
}

/**
 * An RE2 pattern as a JavaScript expression for find/findAll: leading flag groups (`(?i)`, `(?s)`, `(?m)`)
 * become flags; syntax both engines share means the same (the pattern was checked with RE2 at compile time).
 */
function jsRegex(pattern: string): RegExp {
  const flags = /^\(\?([ims]+)\)/.exec(pattern);
  try {
    return new RegExp(flags ? pattern.slice(flags[0].length) : pattern, `gu${flags ? flags[1] : ''}`);
  } catch (error) {
    throw new Error(`regular expression ${JSON.stringify(pattern)} is valid RE2 but cannot be run here: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function findAll(text: string, pattern: string, limit: number): string[] {
  if (limit === 0) return [];
  const out: string[] = [];
  for (const match of text.matchAll(jsRegex(pattern))) {
    out.push(match[0]);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

function regex(): ReturnType<typeof celFunc>[] {
  return [
    celMethod('find', STRING, [STRING], STRING, function (re) {
      return findAll(this, re, 1)[0] ?? '';
    }),
    celMethod('findAll', STRING, [STRING], listType(STRING), function (re) {
      return findAll(this, re, -1);
    }),
    celMethod('findAll', STRING, [STRING, INT], listType(STRING), function (re, n) {
      return findAll(this, re, Number(n));
    }),
  ];
}

function sets(): ReturnType<typeof celFunc>[] {
  const contains = (list: CelList, sub: CelList): boolean => items(sub).every((x) => items(list).some((y) => libraryOps.equals(x, y)));
  return [
    celFunc('sets.contains', [LIST, LIST], BOOL, (a, b) => contains(a, b)),
    celFunc('sets.equivalent', [LIST, LIST], BOOL, (a, b) => contains(a, b) && contains(b, a)),
    celFunc('sets.intersects', [LIST, LIST], BOOL, (a, b) => items(a).some((x) => items(b).some((y) => libraryOps.equals(x, y)))),
  ];
}

function optional(): ReturnType<typeof celFunc>[] {
  const T = OPTIONAL_NONE.type;
  return [
    celFunc('optional.none', [], T, () => OPTIONAL_NONE.wrap('none')),
    celMethod('hasValue', T, [], BOOL, () => false),
    celMethod('value', T, [], DYN, () => {
      throw new KubernetesCelError('optional.none() dereference');
    }),
    celMethod('orValue', T, [DYN], DYN, (x) => x),
    celMethod('or', T, [T], T, (x) => x),
  ];
}

function must<T>(parsed: T | string): T {
  if (typeof parsed === 'string') throw new KubernetesCelError(parsed);
  return parsed;
}

function urls(): ReturnType<typeof celFunc>[] {
  const T = URL_TYPE.type;
  const u = (v: CelValue): ParsedUrl => URL_TYPE.unwrap(v);
  return [
    celFunc('url', [STRING], T, (s) => URL_TYPE.wrap(must(parseUrl(s)))),
    celFunc('isURL', [STRING], BOOL, (s) => typeof parseUrl(s) !== 'string'),
    celMethod('getScheme', T, [], STRING, function () { return u(this).scheme; }),
    celMethod('getHost', T, [], STRING, function () { return u(this).host; }),
    celMethod('getHostname', T, [], STRING, function () { return urlHostname(u(this)); }),
    celMethod('getPort', T, [], STRING, function () { return urlPort(u(this)); }),
    celMethod('getEscapedPath', T, [], STRING, function () { return urlEscapedPath(u(this)); }),
    celMethod('getQuery', T, [], mapType(STRING, listType(STRING)), function () {
      return new Map([...urlQuery(u(this))].map(([k, v]) => [k, celList(v)]));
    }),
  ];
}

function quantities(): ReturnType<typeof celFunc>[] {
  const T = QUANTITY.type;
  const q = (v: CelValue): Quantity => QUANTITY.unwrap(v);
  const fromInt = (n: bigint): Quantity => ({ units: n, scale: 0 });
  return [
    celFunc('quantity', [STRING], T, (s) => QUANTITY.wrap(must(parseQuantity(s)))),
    celFunc('isQuantity', [STRING], BOOL, (s) => typeof parseQuantity(s) !== 'string'),
    celMethod('sign', T, [], INT, function () { return BigInt(compareQuantities(q(this), fromInt(0n))); }),
    celMethod('isInteger', T, [], BOOL, function () { return quantityAsInteger(q(this)) !== undefined; }),
    celMethod('asInteger', T, [], INT, function () {
      const value = quantityAsInteger(q(this));
      if (value === undefined) throw new KubernetesCelError('cannot convert value to integer');
      return value;
    }),
    celMethod('asApproximateFloat', T, [], DOUBLE, function () { return quantityAsFloat(q(this)); }),
    celMethod('add', T, [T], T, function (o) { return QUANTITY.wrap(addQuantities(q(this), q(o))); }),
    celMethod('add', T, [INT], T, function (n) { return QUANTITY.wrap(addQuantities(q(this), fromInt(n))); }),
    celMethod('sub', T, [T], T, function (o) { return QUANTITY.wrap(addQuantities(q(this), negate(q(o)))); }),
    celMethod('sub', T, [INT], T, function (n) { return QUANTITY.wrap(addQuantities(q(this), fromInt(-n))); }),
    celMethod('isLessThan', T, [T], BOOL, function (o) { return compareQuantities(q(this), q(o)) < 0; }),
    celMethod('isGreaterThan', T, [T], BOOL, function (o) { return compareQuantities(q(this), q(o)) > 0; }),
    celMethod('compareTo', T, [T], INT, function (o) { return BigInt(compareQuantities(q(this), q(o))); }),
  ];
}

function network(): ReturnType<typeof celFunc>[] {
  const I = IP.type;
  const C = CIDR.type;
  const ip = (v: CelValue): IpAddress => IP.unwrap(v);
  const cidr = (v: CelValue): CidrPrefix => CIDR.unwrap(v);
  return [
    celFunc('ip', [STRING], I, (s) => IP.wrap(must(parseIp(s)))),
    celFunc('isIP', [STRING], BOOL, (s) => typeof parseIp(s) !== 'string'),
    celFunc('ip.isCanonical', [STRING], BOOL, (s) => formatIp(must(parseIp(s))) === s),
    celFunc('string', [I], STRING, (v) => formatIp(ip(v))),
    celMethod('family', I, [], INT, function () { return ip(this).bytes.length === 4 ? 4n : 6n; }),
    celMethod('isUnspecified', I, [], BOOL, function () { return ipClass.isUnspecified(ip(this)); }),
    celMethod('isLoopback', I, [], BOOL, function () { return ipClass.isLoopback(ip(this)); }),
    celMethod('isLinkLocalMulticast', I, [], BOOL, function () { return ipClass.isLinkLocalMulticast(ip(this)); }),
    celMethod('isLinkLocalUnicast', I, [], BOOL, function () { return ipClass.isLinkLocalUnicast(ip(this)); }),
    celMethod('isGlobalUnicast', I, [], BOOL, function () { return ipClass.isGlobalUnicast(ip(this)); }),
    celFunc('cidr', [STRING], C, (s) => CIDR.wrap(must(parseCidr(s)))),
    celFunc('isCIDR', [STRING], BOOL, (s) => typeof parseCidr(s) !== 'string'),
    celFunc('string', [C], STRING, (v) => formatCidr(cidr(v))),
    celMethod('containsIP', C, [STRING], BOOL, function (s) { return cidrContainsIp(cidr(this), must(parseIp(s))); }),
    celMethod('containsIP', C, [I], BOOL, function (o) { return cidrContainsIp(cidr(this), ip(o)); }),
    celMethod('containsCIDR', C, [STRING], BOOL, function (s) { return cidrContainsCidr(cidr(this), must(parseCidr(s))); }),
    celMethod('containsCIDR', C, [C], BOOL, function (o) { return cidrContainsCidr(cidr(this), cidr(o)); }),
    celMethod('ip', C, [], I, function () { return IP.wrap(cidr(this).ip); }),
    celMethod('masked', C, [], C, function () { return CIDR.wrap(masked(cidr(this))); }),
    celMethod('prefixLength', C, [], INT, function () { return BigInt(cidr(this).bits); }),
  ];
}

/** Every function this file adds to the environment. */
export function kubernetesLibrary(): ReturnType<typeof celFunc>[] {
  return [...lists(), ...regex(), ...sets(), ...optional(), ...urls(), ...quantities(), ...network()];
}
