/**
 * `Argocd-reference-commit-*` trailers: a source commit made by automation (an image bump, a promotion) names the
 * commit it comes from, and the rendered branch records that commit in the root `hydrator.metadata` under
 * `references`, as Argo CD's Source Hydrator does (and GitOps Promoter shows).
 *
 * Upstream behaviour reproduced here (argoproj/argo-cd v3.5.1):
 * - `util/git/client.go` `RevisionMetadata`: the references come from the commit's trailer block only
 *   (`git interpret-trailers --parse` of the trimmed message; here `%(trailers:only,unfold)`, the same parse).
 * - `util/git/client.go` `GetReferences`/`updateCommitMetadata`: one reference for all valid trailers together;
 *   `-repourl` must parse as a URL, `-author` as an RFC 5322 address, `-date` as RFC 3339 (re-formatted), `-body`
 *   is a JSON string, `-sha` is 5-40 lower-case hex, `-subject` is taken as it is; an invalid or unknown
 *   `Argocd-reference-commit-*` line is ignored (and kept in the body).
 * - `util/hydrator/hydrator.go` `GetCommitMetadata`: subject and body are the message cut at the first blank line;
 *   body lines that are valid reference trailers are removed, every other line is kept with a trailing newline.
 * - `reposerver/repository/repository.go`: the author is written as Go's `mail.Address.String()` (the display name
 *   quoted), and `pkg/apis/application/v1alpha1/types.go` `CommitMetadata` gives the JSON field names.
 */

/** One commit the source commit refers to (Argo CD's `CommitMetadata`; empty fields are omitted). */
export interface ReferencedCommit {
  readonly author?: string;
  readonly date?: string;
  readonly subject?: string;
  readonly body?: string;
  readonly sha?: string;
  readonly repoUrl?: string;
}

/** Argo CD's `RevisionReference`: for now always a commit. */
export interface RevisionReference {
  readonly commit: ReferencedCommit;
}

const PREFIX = 'Argocd-reference-commit-';

/** The value a valid trailer line contributes, or `undefined` when the line is not a valid reference trailer. */
function parseTrailerLine(line: string): { readonly field: keyof ReferencedCommit; readonly value: string } | undefined {
  if (!line.startsWith(PREFIX)) return undefined;
  const separator = line.indexOf(': ');
  if (separator < 0) return undefined;
  const key = line.slice(0, separator);
  const value = line.slice(separator + 2);
  switch (key) {
    case `${PREFIX}repourl`:
      return isParsableUrl(value) ? { field: 'repoUrl', value } : undefined;
    case `${PREFIX}author`: {
      const address = formatAddress(value);
      return address === undefined ? undefined : { field: 'author', value: address };
    }
    case `${PREFIX}date`: {
      const date = normaliseRfc3339(value);
      return date === undefined ? undefined : { field: 'date', value: date };
    }
    case `${PREFIX}subject`:
      return { field: 'subject', value };
    case `${PREFIX}body`: {
      try {
        const body: unknown = JSON.parse(value);
        return typeof body === 'string' ? { field: 'body', value: body } : undefined;
      } catch {
        return undefined;
      }
    }
    case `${PREFIX}sha`:
      return /^[0-9a-f]{5,40}$/.test(value) ? { field: 'sha', value } : undefined;
    default:
      return undefined;
  }
}

/** Lines as Go's `bufio.Scanner` splits them (a trailing `\r` dropped, no empty last line). */
function scanLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The references named by the trailer block of a commit (`%(trailers:only,unfold)`): none, or exactly one. */
export function referencesFromTrailers(trailers: string): RevisionReference[] {
  const commit: Record<string, string> = {};
  for (const line of scanLines(trailers)) {
    const parsed = parseTrailerLine(line);
    if (parsed) commit[parsed.field] = parsed.value;
  }
  if (Object.keys(commit).length === 0) return [];
  // Field order of Argo CD's CommitMetadata (the JSON encoder writes struct order).
  const ordered: Record<string, string> = {};
  for (const field of ['author', 'date', 'subject', 'body', 'sha', 'repoUrl'] as const) {
    if (commit[field] !== undefined && commit[field] !== '') ordered[field] = commit[field];
  }
  return [{ commit: ordered }];
}

/** Subject and body of a commit message as Argo CD's hydrator records them (valid reference trailers removed). */
export function hydratorSubjectAndBody(message: string): { readonly subject: string; readonly body: string } {
  const trimmed = message.trim();
  const cut = trimmed.indexOf('\n\n');
  const subject = cut < 0 ? trimmed : trimmed.slice(0, cut);
  const rest = cut < 0 ? '' : trimmed.slice(cut + 2);
  const body = scanLines(rest).filter((line) => parseTrailerLine(line) === undefined).map((line) => `${line}\n`).join('');
  return { subject, body };
}

/**
 * True when Go's `url.Parse` would accept `value`: it refuses ASCII control characters, malformed `%` escapes and
 * an unclosed IPv6 host; nearly everything else (relative references included) parses.
 */
function isParsableUrl(value: string): boolean {
  if (/[\u0000-\u001f\u007f]/.test(value)) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(value)) return false;
  const authority = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(value)?.[1];
  if (authority !== undefined && authority.includes('[') && !authority.includes(']')) return false;
  return true;
}

/** RFC 3339 as Go's `time.Parse(time.RFC3339, v)` accepts it, re-formatted with `time.RFC3339` (no fraction, `Z` for UTC). */
function normaliseRfc3339(value: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone, zh, zm] = m as unknown as [string, string, string, string, string, string, string, string, string?, string?];
  const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > days || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) return undefined;
  const offset = zone === 'Z' || (Number(zh) === 0 && Number(zm) === 0) ? 'Z' : zone;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`;
}

// RFC 5322 character classes, as Go's net/mail uses them.
const isVchar = (c: string): boolean => (c >= '!' && c <= '~') || c.codePointAt(0)! >= 0x80;
const isWsp = (c: string): boolean => c === ' ' || c === '\t';
const isAtext = (c: string): boolean => isVchar(c) && !'()<>[]:;@\\,"'.includes(c) && c !== '.';
const isQtext = (c: string): boolean => isVchar(c) && c !== '\\' && c !== '"';

/** A quoted-string (Go's `quoteString`): backslash before `"` and `\`. */
function quote(text: string): string {
  let out = '"';
  for (const c of text) {
    if (isQtext(c) || isWsp(c)) out += c;
    else if (isVchar(c)) out += `\\${c}`;
  }
  return `${out}"`;
}

/**
 * Parse an address the way the hydrator accepts `Argocd-reference-commit-author` (`Name <local@domain>`,
 * `"Name" <local@domain>`, `<local@domain>` or `local@domain`) and format it as Go's `mail.Address.String()`
 * does. `undefined`: not an address (the trailer is ignored, as upstream does).
 */
export function formatAddress(value: string): string | undefined {
  const text = value.trim();
  let name = '';
  let address: string;
  const angle = /^(.*?)\s*<([^<>\s]+)>$/.exec(text);
  if (angle) {
    address = angle[2] as string;
    const display = (angle[1] as string).trim();
    if (display.startsWith('"')) {
      if (!display.endsWith('"') || display.length < 2) return undefined;
      name = display.slice(1, -1).replace(/\\(.)/g, '$1');
    } else {
      if (/["<>@,;:\\[\]]/.test(display)) return undefined;
      name = display.replace(/\s+/g, ' ');
    }
  } else {
    if (/\s/.test(text)) return undefined;
    address = text;
  }
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!/^[A-Za-z0-9.-]+$/.test(domain) || domain.startsWith('.') || domain.endsWith('.') || domain.includes('..')) return undefined;
  if (![...local].every((c) => isAtext(c) || c === '.') || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  const spec = `<${local}@${domain}>`;
  if (name === '') return spec;
  const printable = [...name].every((c) => (isVchar(c) || isWsp(c)) && c.codePointAt(0)! < 0x80);
  if (printable) return `${quote(name)} ${spec}`;
  // Non-ASCII names: an RFC 2047 encoded-word, as Go's mime encoders write it.
  return `${/["#$%&'(),.:;<>@[\]^`{|}~]/.test(name) ? bEncode(name) : qEncode(name)} ${spec}`;
}

/** Longest encoded text of one encoded-word (75 characters less `=?UTF-8?q?` and `?=`). */
const MAX_CONTENT = 75 - '=?UTF-8?q?'.length - '?='.length;

function qEncode(text: string): string {
  const words: string[] = [];
  let current = '';
  let length = 0;
  for (const c of text) {
    const plain = c >= ' ' && c <= '~' && c !== '=' && c !== '?' && c !== '_';
    const encoded = plain ? (c === ' ' ? '_' : c) : [...Buffer.from(c, 'utf8')].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const size = plain ? 1 : encoded.length;
    if (length + size > MAX_CONTENT) {
      words.push(current);
      current = '';
      length = 0;
    }
    current += encoded;
    length += size;
  }
  words.push(current);
  return words.map((w) => `=?utf-8?q?${w}?=`).join(' ');
}

function bEncode(text: string): string {
  const maxBytes = Math.floor(MAX_CONTENT / 4) * 3;
  const bytes = Buffer.from(text, 'utf8');
  if (Math.ceil(bytes.length / 3) * 4 <= MAX_CONTENT) return `=?utf-8?b?${bytes.toString('base64')}?=`;
  const words: string[] = [];
  let current: Buffer[] = [];
  let length = 0;
  for (const c of text) {
    const b = Buffer.from(c, 'utf8');
    if (length + b.length > maxBytes) {
      words.push(Buffer.concat(current).toString('base64'));
      current = [];
      length = 0;
    }
    current.push(b);
    length += b.length;
  }
  words.push(Buffer.concat(current).toString('base64'));
  return words.map((w) => `=?utf-8?b?${w}?=`).join(' ');
}
