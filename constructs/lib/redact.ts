/**
 * Credentials in text, recognised by shape, and their redaction: shared by secret detection (constructs/lib/secrets.ts)
 * and by every error message and finding, so that no secret reaches a log.
 */

/** Query parameters that carry credentials (`?access_token=`, `&password=`, pre-signed URL signatures). */
export const CREDENTIAL_QUERY = /[?&](access_token|token|api_?key|apikey|key|password|passwd|pwd|secret|client_secret|auth|sig|signature|x-amz-signature|x-amz-credential|x-goog-signature|private_token)=([^&#\s]+)/i;

/** Token shapes of cloud providers and common services, and JSON Web Tokens. */
const TOKEN_SHAPES: readonly (readonly [RegExp, string])[] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bgithub_pat_[A-Za-z0-9_]{22,}\b/, 'a GitHub token'],
  [/\bglpat-[A-Za-z0-9_-]{20,}\b/, 'a GitLab token'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}\b/, 'a Slack token'],
  [/\b[sr]k_live_[0-9A-Za-z]{16,}\b/, 'a Stripe secret key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\bAccountKey=[A-Za-z0-9+/]{40,}={0,2}/, 'an Azure storage account key'],
  [/\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}\b/, 'a SendGrid API key'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/, 'a JSON Web Token'],
];

/** One pass over a value for all shapes (most values match none); the individual patterns then name the one found. */
const ANY_TOKEN = new RegExp(TOKEN_SHAPES.map(([pattern]) => pattern.source).join('|'));

export function tokenShape(value: string): string | undefined {
  if (value.length < 16 || !ANY_TOKEN.test(value)) return undefined;
  for (const [pattern, what] of TOKEN_SHAPES) if (pattern.test(value)) return what;
  return undefined;
}

/** `text` (a message, a value) with every credential of every URL in it redacted: findings never leak them. */
export function redactUrls(text: string): string {
  if (!text.includes('://')) return text;
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)(?:([^/\s?#@:"']+):)?([^/\s?#@"']+)@/gi, (all: string, scheme: string, user: string | undefined, secret: string) =>
      (user !== undefined || tokenShape(secret) !== undefined || /^[A-Za-z0-9_-]{32,}$/.test(secret) ? `${scheme}${user !== undefined ? `${user}:` : ''}<redacted>@` : all))
    .replace(new RegExp(CREDENTIAL_QUERY.source, 'gi'), (all: string, param: string) => `${all[0] ?? '?'}${param}=<redacted>`);
}
