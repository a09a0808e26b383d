/**
 * IP addresses and CIDR prefixes as the Kubernetes CEL library reads them (kubernetes v1.32.0,
 * staging/src/k8s.io/apiserver/pkg/cel/library/ip.go `parseIPAddr` and cidr.go `parseCIDR`): Go's
 * `netip.ParseAddr`/`netip.ParsePrefix`, refusing zones (`fe80::1%eth0`), IPv4-mapped IPv6 addresses
 * (`::ffff:1.2.3.4`) and, as netip does, leading zeros in IPv4 octets.
 */

/** A parsed address: 4 or 16 bytes. */
export interface IpAddress {
  readonly bytes: Uint8Array;
}

/** A parsed prefix: its address as written (not masked) and its length in bits. */
export interface CidrPrefix {
  readonly ip: IpAddress;
  readonly bits: number;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    bytes[i] = Number(part);
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  let body = text;
  let tail: Uint8Array | undefined;
  // An embedded IPv4 address in the last 32 bits (`::1.2.3.4`).
  const lastColon = body.lastIndexOf(':');
  if (lastColon >= 0 && body.slice(lastColon + 1).includes('.')) {
    tail = parseIpv4(body.slice(lastColon + 1));
    if (tail === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    for (const group of half.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(group)) return undefined;
      out.push(parseInt(group, 16));
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const rest = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || rest === undefined) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => 0), ...rest];
  const bytes = new Uint8Array(16);
  all.forEach((group, i) => {
    bytes[2 * i] = group >> 8;
    bytes[2 * i + 1] = group & 0xff;
  });
  if (tail !== undefined) bytes.set(tail, 12);
  return bytes;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  return bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** The address, or why it is not one the Kubernetes library accepts. */
export function parseIp(text: string): IpAddress | string {
  if (text.includes('%')) return `IP address ${JSON.stringify(text)} with zone value is not allowed`;
  const bytes = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  if (bytes === undefined) return `IP Address ${JSON.stringify(text)} parse error during conversion from string`;
  if (isIpv4Mapped(bytes)) return `IPv4-mapped IPv6 address ${JSON.stringify(text)} is not allowed`;
  return { bytes };
}

/** The prefix, or why it is not one the Kubernetes library accepts. */
export function parseCidr(text: string): CidrPrefix | string {
  const slash = text.lastIndexOf('/');
  const bitsText = slash >= 0 ? text.slice(slash + 1) : '';
  const error = `network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(text)})`;
  if (slash < 0 || !/^(0|[1-9][0-9]*)$/.test(bitsText) || text.includes('%')) return error;
  const bytes = text.includes(':') ? parseIpv6(text.slice(0, slash)) : parseIpv4(text.slice(0, slash));
  if (bytes === undefined) return error;
  const bits = Number(bitsText);
  if (bits > bytes.length * 8) return error;
  if (isIpv4Mapped(bytes)) return `IPv4-mapped IPv6 address ${JSON.stringify(text)} is not allowed`;
  return { ip: { bytes }, bits };
}

/** Go's `netip.Addr.String()`: dotted IPv4, RFC 5952 IPv6 (lower case, longest zero run shortened). */
export function formatIp(ip: IpAddress): string {
  const b = ip.bytes;
  if (b.length === 4) return Array.from(b).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i] as number) << 8) | (b[2 * i + 1] as number));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** `<address>/<bits>` with the address as written. */
export function formatCidr(cidr: CidrPrefix): string {
  return `${formatIp(cidr.ip)}/${cidr.bits}`;
}

/** The prefix with the bits after its length cleared (`netip.Prefix.Masked`). */
export function masked(cidr: CidrPrefix): CidrPrefix {
  const bytes = new Uint8Array(cidr.ip.bytes);
  for (let bit = cidr.bits; bit < bytes.length * 8; bit++) bytes[bit >> 3] = (bytes[bit >> 3] as number) & ~(0x80 >> (bit & 7));
  return { ip: { bytes }, bits: cidr.bits };
}

/** `netip.Prefix.Contains`: same family and equal leading bits. */
export function cidrContainsIp(cidr: CidrPrefix, ip: IpAddress): boolean {
  if (cidr.ip.bytes.length !== ip.bytes.length) return false;
  return formatIp(masked(cidr).ip) === formatIp(masked({ ip, bits: cidr.bits }).ip);
}

/** cidr.go `cidrContainsCIDR`: `other` lies within `cidr`. */
export function cidrContainsCidr(cidr: CidrPrefix, other: CidrPrefix): boolean {
  return cidrContainsIp(cidr, other.ip) && cidr.bits <= other.bits;
}

function inPrefix(ip: IpAddress, prefix: string): boolean {
  const cidr = parseCidr(prefix);
  return typeof cidr !== 'string' && cidrContainsIp(cidr, ip);
}

/** Go's `netip.Addr` classification methods used by ip.go. */
export const ipClass = {
  isUnspecified: (ip: IpAddress): boolean => ip.bytes.every((b) => b === 0),
  isLoopback: (ip: IpAddress): boolean => (ip.bytes.length === 4 ? ip.bytes[0] === 127 : inPrefix(ip, '::1/128')),
  isMulticast: (ip: IpAddress): boolean => inPrefix(ip, ip.bytes.length === 4 ? '224.0.0.0/4' : 'ff00::/8'),
  isLinkLocalMulticast: (ip: IpAddress): boolean => (ip.bytes.length === 4 ? inPrefix(ip, '224.0.0.0/24') : ip.bytes[0] === 0xff && ((ip.bytes[1] as number) & 0x0f) === 0x02),
  isLinkLocalUnicast: (ip: IpAddress): boolean => inPrefix(ip, ip.bytes.length === 4 ? '169.254.0.0/16' : 'fe80::/10'),
  isGlobalUnicast(ip: IpAddress): boolean {
    if (ip.bytes.length === 4 && ip.bytes.every((b) => b === 255)) return false;
    return !ipClass.isUnspecified(ip) && !ipClass.isLoopback(ip) && !ipClass.isMulticast(ip) && !ipClass.isLinkLocalUnicast(ip);
  },
};
