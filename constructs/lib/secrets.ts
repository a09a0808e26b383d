/**
 * Recognising secret material, so that it never reaches rendered YAML (and therefore git): by the name that
 * carries a value (`SMTP_PASS`, `JWT_SIGNING_KEY`, `adminPassword`) and by the shape of the value itself
 * (credentials in URLs, PEM private keys, JSON Web Tokens, cloud provider keys).
 *
 * A name-based or token-shaped match that is not a secret (a Redis `CACHE_KEY` prefix, a public JWT such as an
 * anonymous API key) is marked where it is written, with the reason reviewers read:
 *
 * ```ts
 * env: { CACHE_KEY: notSecret('sessions:', 'a Redis key prefix, not a credential') }
 * ```
 *
 * `notSecret` returns the value unchanged and records it with its reason; validation lists it as exempted (with
 * `--verbose`). Credentials in URLs and private keys cannot be marked: they are never public.
 */
import { PlatformError } from './errors';
import { CREDENTIAL_QUERY, redactUrls, tokenShape } from './redact';

export { redactUrls };

/** Env-style names (`UPPER_SNAKE`) that carry a secret: `*PASS*` words, `*SECRET*`, `*TOKEN*`, `*_KEY`, credentials. */
const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|(^|_)PASS($|_|WD)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|(^|_)KEY$|CREDENTIALS?|CLIENT_?SECRET)/i;

/** Suffixes that name where a secret lives or how it behaves, not the secret itself. */
const REFERENCE_SUFFIX = /_(FILE|PATH|NAME|REF|TTL|EXPIRY|EXPIRES_IN|LENGTH|TYPE|HEADER|ENABLED|URL_PATH|SECRET_NAME|KEY_NAME|KEY_ID|ID)$/i;

/** True when an environment variable (or ConfigMap key) called `name` would carry a secret. */
export function isSecretLikeName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

/** camelCase or kebab-case keys (Helm values, annotations) as words: `adminPassword` → ['admin', 'password']. */
function words(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).map((w) => w.toLowerCase()).filter((w) => w !== '');
}

const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'pass', 'secret', 'token', 'apikey', 'credentials', 'credential']);
const REFERENCE_WORDS = new Set(['name', 'names', 'ref', 'file', 'path', 'enabled', 'ttl', 'length', 'type', 'header', 'mount', 'dir', 'namespace', 'id', 'policy', 'annotations', 'labels']);

/**
 * True when a Helm value or annotation key (`adminPassword`, `auth.token`, `example.com/api-key`) names a secret.
 * References to secrets are not (`existingSecret`, `secretName`, `passwordSecretRef`, `passwordKey`).
 */
export function isSecretLikeKey(key: string): boolean {
  const w = words(key.slice(key.lastIndexOf('/') + 1));
  if (w.length === 0 || w[0] === 'existing' || w[0] === 'use' || w[0] === 'create') return false;
  const last = w[w.length - 1] as string;
  if (REFERENCE_WORDS.has(last)) return false;
  // `passwordKey`, `tokenKey`: the key of a Secret that holds the value, not the value.
  if (last === 'key' && w.length >= 2 && ['password', 'passwd', 'pass', 'token', 'credentials'].includes(w[w.length - 2] as string)) return false;
  if (last === 'secret' && w.length >= 2 && ['password', 'token', 'tls', 'auth', 'pull', 'image'].includes(w[w.length - 2] as string)) return false;
  const joined = w.join('');
  return w.some((x) => SECRET_WORDS.has(x)) || /(apikey|privatekey|accesskey|secretkey|clientsecret|signingkey)$/.test(joined);
}


/** Where a URL carries credentials: `userinfo` (`user:password@`, `token@`) or a query parameter; `undefined` when none. */
export function urlCredentials(value: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/([^/\s?#@]+)@/i.exec(value);
  if (match) {
    const userinfo = match[1] as string;
    // `ssh://git@github.com` names a user only; a password, or a user part shaped like a token, is a credential.
    if (userinfo.includes(':') || tokenShape(userinfo) !== undefined || /^[A-Za-z0-9_-]{32,}$/.test(userinfo)) return 'user:password@ credentials';
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^\/[^\s]*\?/.test(value)) {
    const query = CREDENTIAL_QUERY.exec(value);
    if (query) return `a '${query[1] ?? ''}' credential in its query string`;
  }
  return undefined;
}

/** True when `value` embeds credentials, such as `postgres://user:password@host/db` or `https://host/?access_token=...`. */
export function hasEmbeddedCredentials(value: string): boolean {
  return urlCredentials(value) !== undefined;
}


/** A PEM private key block (certificates and public keys are public and pass). */
const PRIVATE_KEY_PEM = /-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/;

/** How a secret was recognised. */
export interface SecretMatch {
  /** What was found: `'SMTP_PASS' looks like a secret but carries a literal value`, `a PEM private key`. */
  readonly message: string;
  /** Name- and token-shaped matches may be marked with `notSecret`; private keys and URL credentials never. */
  readonly reviewable: boolean;
}

/** Secret material in `value` by its shape alone, or `undefined`. */
export function secretShape(value: string): SecretMatch | undefined {
  // Every shape needs a URL scheme or at least 16 characters (short values are the common case).
  if (value.length < 16 && !value.includes('://')) return undefined;
  if (PRIVATE_KEY_PEM.test(value)) return { message: 'carries a PEM private key', reviewable: false };
  const url = urlCredentials(value);
  if (url !== undefined) return { message: `embeds credentials in a URL (${url})`, reviewable: false };
  const token = tokenShape(value);
  if (token !== undefined) return { message: `carries what looks like ${token}`, reviewable: true };
  return undefined;
}

/**
 * Secret material carried by `value` under the env-style `name` (or a Helm/annotation `key` when `keyStyle`), or
 * `undefined`. Values marked with `notSecret` pass when the match is reviewable.
 */
export function findSecret(name: string, value: string, keyStyle = false): SecretMatch | undefined {
  const shape = secretShape(value);
  const match = shape ?? ((keyStyle ? isSecretLikeKey(name) : isSecretLikeName(name)) && value.length > 0
    ? { message: `'${name}' looks like a secret but carries a literal value`, reviewable: true }
    : undefined);
  return match;
}

const REVIEWED = new Map<string, string>();

/**
 * Mark `value` as reviewed and not secret (a name or token shape that only looks like one), with the reason; returns
 * `value`. Private keys and credentials in URLs cannot be marked.
 */
export function notSecret(value: string, reason: string): string {
  if (typeof reason !== 'string' || reason.trim().length < 10) {
    throw new PlatformError(`notSecret(): the reason ${JSON.stringify(reason)} is too short; say why the value is not a secret (at least 10 characters), reviewers read it`);
  }
  const shape = secretShape(value);
  if (shape !== undefined && !shape.reviewable) {
    throw new PlatformError(`notSecret(): a value that ${shape.message} is always secret and cannot be marked; reference a Secret created in the cluster instead`);
  }
  REVIEWED.set(value, reason.trim());
  return value;
}

/** The reason `value` was marked with `notSecret`, or `undefined`. */
export function notSecretReason(value: string): string | undefined {
  return REVIEWED.get(value);
}

/** Why a literal value under `name` would leak a secret, or `undefined` (reviewed `notSecret` values pass). */
export function literalSecretProblem(name: string, value: string, keyStyle = false): string | undefined {
  const match = findSecret(name, value, keyStyle);
  if (match === undefined || (match.reviewable && REVIEWED.has(value))) return undefined;
  return match.message.startsWith("'") ? match.message : `'${name}' ${match.message}`;
}

/** A value for a message, with the secret part removed: secrets never reach logs either. */
export function redactSecret(name: string, value: string, keyStyle = false): string {
  if (keyStyle ? isSecretLikeKey(name) : isSecretLikeName(name)) return '<redacted>';
  if (PRIVATE_KEY_PEM.test(value) || tokenShape(value) !== undefined) return '<redacted>';
  return value
    .replace(/^([a-z][a-z0-9+.-]*:\/\/)(?:([^/\s?#@:]+):)?[^/\s?#@]+@/i, (_all: string, scheme: string, user?: string) => `${scheme}${user !== undefined ? `${user}:` : ''}<redacted>@`)
    .replace(new RegExp(CREDENTIAL_QUERY.source, 'gi'), (all: string, param: string) => `${all[0] ?? '?'}${param}=<redacted>`);
}


/** The fix to quote with `literalSecretProblem`. */
export const SECRET_FIX = "reference a Secret created in the cluster (secretKeyRef) instead of writing the value; if it is truly not a secret, wrap it: notSecret(value, '<reason>'); see README \"Secrets\"";

/** The fix for a repository URL with credentials (Argo CD reads them from a repository Secret). */
export const REPO_CREDENTIALS_FIX = "remove the credentials from the URL and give Argo CD a repository Secret instead (a Secret labelled argocd.argoproj.io/secret-type: repository or repo-creds, with url, username and password, created in the cluster, e.g. by External Secrets); see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#repositories";
