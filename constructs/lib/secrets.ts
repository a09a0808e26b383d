/**
 * Recognising secret material, so that it never reaches rendered YAML (and therefore git).
 */

const SECRET_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|CLIENT_?SECRET)/i;

/** Suffixes that name where a secret lives or how it behaves, not the secret itself. */
const REFERENCE_SUFFIX = /_(FILE|PATH|NAME|REF|TTL|EXPIRY|EXPIRES_IN|LENGTH|TYPE|HEADER|ENABLED|URL_PATH)$/i;

/** True when an environment variable called `name` would carry a secret. */
export function isSecretLikeName(name: string): boolean {
  return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}

/** True when `value` embeds credentials, such as `postgres://user:password@host/db`. */
export function hasEmbeddedCredentials(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value);
}

/** Why a literal env var would leak a secret, or `undefined`. */
export function literalSecretProblem(name: string, value: string): string | undefined {
  if (isSecretLikeName(name) && value.length > 0) {
    return `'${name}' looks like a secret but carries a literal value`;
  }
  if (hasEmbeddedCredentials(value)) return `'${name}' embeds credentials in a URL`;
  return undefined;
}

/** The fix to quote with `literalSecretProblem`. */
export const SECRET_FIX = 'reference a Secret created in the cluster (secretKeyRef) instead of writing the value; see README "Secrets"';
