/**
 * URLs for the CEL `url` library (kubernetes v1.32.0, staging/src/k8s.io/apiserver/pkg/cel/library/urls.go):
 * a string is a URL when Go's `url.ParseRequestURI` accepts it (an absolute URI or an absolute path) and is
 * then read with `url.Parse`. This is a transcription of the parts of Go's net/url (url.go: `parse`,
 * `getScheme`, `parseAuthority`, `parseHost`, `validOptionalPort`, `shouldEscape`, `EscapedPath`, `ParseQuery`)
 * the library's accessors depend on.
 */
import { appendTo } from '../../../constructs/lib/maps';

/** A parsed URL. */
export interface ParsedUrl {
  readonly scheme: string;
  readonly opaque: string;
  /** Host with port, IPv6 addresses in brackets. */
  readonly host: string;
  /** Decoded path. */
  readonly path: string;
  /** The path as written, when it differs from the escaped decoded path. */
  readonly rawPath: string;
  readonly rawQuery: string;
  /** The text as given (for equality and `string()`). */
  readonly text: string;
}

type Mode = 'path' | 'host' | 'userinfo' | 'query' | 'fragment';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** net/url `shouldEscape`. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (UNRESERVED.test(c)) return false;
  if (mode === 'host') return !`!$&'()*+,;=:[]<>"`.includes(c);
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path': return c === '?';
      case 'userinfo': return c === '@' || c === '/' || c === '?' || c === ':';
      case 'query': return true;
      case 'fragment': return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

/** net/url `unescape`: percent-decoding; `undefined` for a bad escape or an invalid host character. */
function unescape(s: string, mode: Mode | 'queryComponent'): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '%') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (c === '+' && mode === 'queryComponent') {
      bytes.push(0x20);
    } else {
      if (mode === 'host' && c.charCodeAt(0) < 0x80 && shouldEscape(c, 'host')) return undefined;
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** net/url `escape` for paths. */
function escapePath(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && !shouldEscape(c, 'path') ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** net/url `validEncoded`. */
function validEncoded(s: string): boolean {
  for (const c of s) {
    if (`!$&'()*+,;=:@[]`.includes(c) || c === '%') continue;
    if (c.charCodeAt(0) >= 0x80 || shouldEscape(c, 'path')) return false;
  }
  return true;
}

function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

function parseHost(host: string): string | Error {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return new Error("missing ']' in host");
    const port = host.slice(close + 1);
    if (!validOptionalPort(port)) return new Error(`invalid port ${JSON.stringify(port)} after host`);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) return new Error(`invalid port ${JSON.stringify(host.slice(colon))} after host`);
  }
  const decoded = unescape(host, 'host');
  return decoded ?? new Error(`invalid character in host name ${JSON.stringify(host)}`);
}

function validUserinfo(s: string): boolean {
  return /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);
}

/** net/url `parse` (viaRequest: ParseRequestURI's stricter form). */
function parse(raw: string, viaRequest: boolean): ParsedUrl | Error {
  if (/[\x00-\x1f\x7f]/.test(raw)) return new Error('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) return new Error('empty url');
  if (raw === '*') return { scheme: '', opaque: '', host: '', path: '*', rawPath: '', rawQuery: '', text: raw };
  let scheme = '';
  let rest = raw;
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw);
  if (schemeMatch) {
    scheme = (schemeMatch[1] as string).toLowerCase();
    rest = raw.slice(schemeMatch[0].length);
  } else if (raw.startsWith(':')) {
    return new Error('missing protocol scheme');
  }
  let rawQuery = '';
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else if (rest.includes('?')) {
    rawQuery = rest.slice(rest.indexOf('?') + 1);
    rest = rest.slice(0, rest.indexOf('?'));
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, host: '', path: '', rawPath: '', rawQuery, text: raw };
    if (viaRequest) return new Error('invalid URI for request');
    const segment = rest.split('/')[0] as string;
    if (segment.includes(':')) return new Error('first path segment in URL cannot contain colon');
  }
  let host = '';
  if ((scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end < 0 ? rest.slice(2) : rest.slice(2, end);
    rest = end < 0 ? '' : rest.slice(end);
    const at = authority.lastIndexOf('@');
    if (at >= 0 && !validUserinfo(authority.slice(0, at))) return new Error('net/url: invalid userinfo');
    const parsedHost = parseHost(at >= 0 ? authority.slice(at + 1) : authority);
    if (parsedHost instanceof Error) return parsedHost;
    host = parsedHost;
  }
  const path = unescape(rest, 'path');
  if (path === undefined) return new Error(`invalid URL escape in ${JSON.stringify(rest)}`);
  const rawPath = escapePath(path) === rest ? '' : rest;
  return { scheme, opaque: '', host, path, rawPath, rawQuery, text: raw };
}

/** The URL, or why urls.go's `url()` refuses the text. */
export function parseUrl(text: string): ParsedUrl | string {
  const request = parse(text, true);
  if (request instanceof Error) return `URL parse error during conversion from string: parse ${JSON.stringify(text)}: ${request.message}`;
  // url.Parse separates the fragment, which ParseRequestURI keeps in the path or query.
  const hash = text.indexOf('#');
  const parsed = parse(hash < 0 ? text : text.slice(0, hash), false);
  if (parsed instanceof Error) return `URL parse error during conversion from string: parse ${JSON.stringify(text)}: ${parsed.message}`;
  if (hash >= 0 && unescape(text.slice(hash + 1), 'fragment') === undefined) return `URL parse error during conversion from string: parse ${JSON.stringify(text)}: invalid URL escape`;
  return { ...parsed, text };
}

/** `URL.Hostname()`: without port, IPv6 without brackets. */
export function urlHostname(u: ParsedUrl): string {
  const host = u.host;
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') < 0 ? host.length : host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** `URL.Port()`. */
export function urlPort(u: ParsedUrl): string {
  const host = u.host;
  const colon = host.lastIndexOf(':');
  if (colon < 0 || (host.startsWith('[') && colon < host.indexOf(']'))) return '';
  return host.slice(colon + 1);
}

/** `URL.EscapedPath()`. */
export function urlEscapedPath(u: ParsedUrl): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath) && unescape(u.rawPath, 'path') === u.path) return u.rawPath;
  if (u.path === '*') return '*';
  return escapePath(u.path);
}

/** `URL.Query()` (`ParseQuery`, invalid pairs skipped): each key with its values in order. */
export function urlQuery(u: ParsedUrl): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const key = unescape(eq < 0 ? pair : pair.slice(0, eq), 'queryComponent');
    const value = unescape(eq < 0 ? '' : pair.slice(eq + 1), 'queryComponent');
    if (key === undefined || value === undefined) continue;
    appendTo(out, key, value);
  }
  return out;
}
