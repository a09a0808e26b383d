/**
 * Secret detection: by name (env style and Helm/annotation keys) and by shape; reviewed false positives.
 */
import { findSecret, formatValue, isSecretLikeKey, isSecretLikeName, literalSecretProblem, notSecret, notSecretReason, redactSecret, redactUrls, secretShape, urlCredentials } from '../../constructs';

// Fixtures are assembled at run time so that no secret-shaped literal sits in the repository.
const AWS_KEY = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');
const PEM = ['-----BEGIN', 'PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----'].join(' ');
const GITHUB = `ghp_${'a1B2c3D4e5'.repeat(4)}`;

describe('secret-like names', () => {
  test.each(['SMTP_PASS', 'SMTP_PASSWORD', 'DB_PASSWD', 'JWT_SIGNING_KEY', 'STRIPE_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'REFRESH_TOKEN_SALT', 'OAUTH_CLIENT_SECRET', 'KEY', 'PASS'])('%s looks secret', (name) => {
    expect(isSecretLikeName(name)).toBe(true);
  });
  test.each(['DATABASE_HOST', 'TOKEN_TTL', 'JWT_SECRET_FILE', 'PASSWORD_MIN_LENGTH', 'KAFKA_TOPIC_USER_EVENTS', 'BYPASS_CACHE', 'PASSTHROUGH', 'SIGNING_KEY_ID', 'KEYCLOAK_URL', 'API_KEY_HEADER'])('%s does not', (name) => {
    expect(isSecretLikeName(name)).toBe(false);
  });

  test.each(['password', 'adminPassword', 'auth.token', 'apiKey', 'secretKey', 'clientSecret', 'example.com/api-token', 'rootPassword'])('Helm/annotation key %s looks secret', (key) => {
    expect(isSecretLikeKey(key)).toBe(true);
  });
  test.each(['existingSecret', 'secretName', 'passwordSecretRef', 'passwordKey', 'tokenKey', 'imagePullSecret', 'tlsSecret', 'replicas', 'argocd.argoproj.io/sync-options', 'cert-manager.io/cluster-issuer', 'useSecret'])('Helm/annotation key %s does not', (key) => {
    expect(isSecretLikeKey(key)).toBe(false);
  });
});

describe('secret shapes', () => {
  test.each([
    ['https://x-access-token:abc123@github.com/org/repo.git', /user:password@/],
    [`https://${GITHUB}@github.com/org/repo.git`, /user:password@/],
    ['https://api.example.com/v1?access_token=abc123', /'access_token' credential in its query string/],
    ['https://hooks.example.com/x?foo=1&signature=zzz', /'signature' credential/],
    [PEM, /PEM private key/],
    [JWT, /JSON Web Token/],
    [AWS_KEY, /AWS access key id/],
    [GITHUB, /GitHub token/],
  ])('%s is secret by shape', (value, message) => {
    expect(secretShape(value)?.message).toMatch(message);
  });

  test.each([
    'ssh://git@github.com/org/repo.git', 'https://github.com/org/repo.git', 'http://identity-service:3000/?page=2', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    'eyJ-not-a-token', 'v1.0.1', 'postgres://db:5432/app',
  ])('%s is not', (value) => {
    expect(secretShape(value)).toBeUndefined();
    expect(urlCredentials(value)).toBeUndefined();
  });

  test('a name-based match needs a value; a shape match does not need a name', () => {
    expect(findSecret('SMTP_PASS', '')).toBeUndefined();
    expect(findSecret('GREETING', AWS_KEY)?.message).toMatch(/AWS access key id/);
  });
});

describe('redaction', () => {
  test('keeps the user of a URL and the query parameter, drops the secret', () => {
    expect(redactSecret('', 'postgres://app:pa55@db:5432/app')).toBe('postgres://app:<redacted>@db:5432/app');
    expect(redactSecret('', 'https://api.example.com/v1?x=1&access_token=abc123')).toBe('https://api.example.com/v1?x=1&access_token=<redacted>');
    expect(redactSecret('SMTP_PASS', 'hunter2')).toBe('<redacted>');
    expect(redactSecret('GREETING', JWT)).toBe('<redacted>');
  });
});

describe('credentials in messages', () => {
  test('every URL credential in a text is redacted; user names, hosts and plain URLs stay', () => {
    expect(redactUrls(`reads from "https://x-access-token:abc@github.com/o/r.git" (also ssh://git@github.com/o/r and https://${GITHUB}@github.com/o/r)`))
      .toBe('reads from "https://x-access-token:<redacted>@github.com/o/r.git" (also ssh://git@github.com/o/r and https://<redacted>@github.com/o/r)');
    expect(redactUrls('see https://example.com/a?page=2&token=abc')).toBe('see https://example.com/a?page=2&token=<redacted>');
  });

  test('error values are printed redacted', () => {
    expect(formatValue('postgres://app:pa55@db/app')).toBe('"postgres://app:<redacted>@db/app"');
    expect(formatValue({ url: 'https://u:p@h/' })).toBe('{"url":"https://u:<redacted>@h/"}');
  });
});

describe('notSecret', () => {
  test('marks a name-based false positive with its reason', () => {
    // GIVEN a value a reviewer marked WHEN checked THEN it passes, and the reason is kept
    expect(literalSecretProblem('CACHE_KEY', 'sessions:v2')).toMatch(/'CACHE_KEY' looks like a secret/);
    const value = notSecret('sessions:v2', 'a Redis key prefix, not a credential');
    expect(value).toBe('sessions:v2');
    expect(literalSecretProblem('CACHE_KEY', value)).toBeUndefined();
    expect(notSecretReason(value)).toBe('a Redis key prefix, not a credential');
  });

  test('refuses a missing reason', () => {
    expect(() => notSecret('x', 'ok')).toThrow(/is too short; say why the value is not a secret/);
  });

  test('refuses private keys and credentials in URLs: they are never public', () => {
    expect(() => notSecret(PEM, 'a test fixture for the TLS handshake')).toThrow(/PEM private key is always secret/);
    expect(() => notSecret('https://u:p@example.com/', 'a documentation example')).toThrow(/embeds credentials in a URL/);
  });
});
