import {
  dnsLabelProblem, dnsSubdomainProblem, hasEmbeddedCredentials, imageProblems, imageReference, imageVersion, isFloatingTag, isSecretLikeName, joinName,
  parseImageReference, parseQuantity, quantityProblem, resourceProblems, upstreamReference,
} from '../../constructs';

describe('images', () => {
  test('parses references with registry, port, tag and digest', () => {
    const digest = `sha256:${'0'.repeat(64)}`;
    expect(parseImageReference('postgres:15-alpine')).toEqual({ registry: undefined, path: 'postgres', tag: '15-alpine', digest: undefined });
    expect(parseImageReference(`localhost:5000/team/app:v1@${digest}`)).toEqual({ registry: 'localhost:5000', path: 'team/app', tag: 'v1', digest });
    expect(parseImageReference('quay.io/strimzi/operator:1.2.0')?.registry).toBe('quay.io');
    expect(parseImageReference('Upper/Case:v1')).toBeUndefined();
    expect(parseImageReference('app@sha256:short')).toBeUndefined();
  });

  test('a registry mirror keeps the upstream name, registry included, under it', () => {
    expect(imageReference({ repository: 'postgres', tag: '15-alpine' }, 'mirror:5000')).toBe('mirror:5000/docker.io/library/postgres:15-alpine');
    expect(imageReference({ repository: 'healthxcape/frontend', tag: 'v1' }, 'mirror:5000/')).toBe('mirror:5000/docker.io/healthxcape/frontend:v1');
    expect(imageReference({ repository: 'quay.io/strimzi/operator', tag: '1.2.0' }, 'mirror:5000')).toBe('mirror:5000/quay.io/strimzi/operator:1.2.0');
    expect(imageReference({ repository: 'quay.io/strimzi/operator', tag: '1.2.0' })).toBe('quay.io/strimzi/operator:1.2.0');
    // Same path on two registries: still two images under the mirror.
    expect(imageReference({ repository: 'ghcr.io/strimzi/operator', tag: '1.2.0' }, 'mirror:5000')).not.toBe(imageReference({ repository: 'quay.io/strimzi/operator', tag: '1.2.0' }, 'mirror:5000'));
  });

  test.each([
    ['postgres:15-alpine'], ['healthxcape/frontend:v1'], ['quay.io/strimzi/operator:1.2.0'], [`ghcr.io/org/app@sha256:${'1'.repeat(64)}`], ['localhost:5000/team/app:v2'],
  ])('upstreamReference inverts the mirror for %s', (upstream) => {
    const parsed = parseImageReference(upstream);
    const repository = parsed?.registry ? `${parsed.registry}/${parsed.path}` : (parsed?.path as string);
    const mirrored = imageReference({ repository, tag: parsed?.tag, digest: parsed?.digest }, 'mirror.internal:5000');
    expect(upstreamReference(mirrored, 'mirror.internal:5000')).toBe(upstream);
    expect(upstreamReference(upstream, 'mirror.internal:5000')).toBeUndefined();
  });

  test('floating tags and pinning', () => {
    expect(isFloatingTag(undefined)).toBe(true);
    expect(isFloatingTag('latest')).toBe(true);
    expect(isFloatingTag('v1.0.0')).toBe(false);
    expect(imageProblems({ repository: 'a/b', tag: 'latest' }, true).map((p) => p.field)).toEqual(['tag']);
    expect(imageProblems({ repository: 'a/b', tag: 'latest' }, false)).toEqual([]);
    expect(imageProblems({ repository: 'a/b:v1' }, false).map((p) => p.message)).toEqual(['must not contain a tag or digest']);
  });

  test('the version label is the tag, or a digest prefix', () => {
    expect(imageVersion({ repository: 'a', tag: 'v1.0.1' })).toBe('v1.0.1');
    expect(imageVersion({ repository: 'a', digest: `sha256:${'ab'.repeat(32)}` })).toBe('sha256-abababababab');
  });
});

describe('quantities', () => {
  test.each([['250m', 0.25], ['1', 1], ['1.5', 1.5], ['128Mi', 128 * 2 ** 20], ['1Gi', 2 ** 30], ['1G', 1e9], ['1e3', 1000], ['abc', undefined]])('%s', (q, value) => {
    expect(parseQuantity(q)).toBe(value);
  });

  test('milli-bytes of memory are a typo', () => {
    expect(quantityProblem('512m', 'memory')).toMatch(/means milli-bytes/);
    expect(quantityProblem('512m', 'cpu')).toBeUndefined();
  });

  test('requests must fit within limits', () => {
    expect(resourceProblems({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '500m', memory: '1Gi' } }).map((p) => p.field)).toEqual(['requests.cpu']);
    expect(resourceProblems({ requests: { cpu: '1' } }).map((p) => p.field)).toEqual(['requests.memory', 'limits']);
  });
});

describe('names', () => {
  test('DNS labels and subdomains', () => {
    expect(dnsLabelProblem('identity-service')).toBeUndefined();
    expect(dnsLabelProblem('Identity')).toMatch(/DNS-1123 label/);
    expect(dnsLabelProblem('a'.repeat(64))).toMatch(/at most 63 characters \(has 64\)/);
    expect(dnsSubdomainProblem('www.healthxcape.com')).toBeUndefined();
    expect(dnsSubdomainProblem('healthxcape..com')).toMatch(/subdomain/);
  });

  test('joinName never truncates', () => {
    expect(joinName('identity-service', 'postgres')).toBe('identity-service-postgres');
    expect(() => joinName('x'.repeat(60), 'postgres')).toThrow(/must be at most 63 characters/);
  });
});

describe('secrets', () => {
  test.each(['DB_PASSWORD', 'API_TOKEN', 'JWT_SECRET', 'STRIPE_API_KEY', 'AWS_SECRET_ACCESS_KEY'])('%s looks secret', (name) => expect(isSecretLikeName(name)).toBe(true));
  test.each(['DATABASE_HOST', 'TOKEN_TTL', 'JWT_SECRET_FILE', 'PASSWORD_MIN_LENGTH', 'KAFKA_TOPIC_USER_EVENTS'])('%s does not', (name) => expect(isSecretLikeName(name)).toBe(false));
  test('credentials embedded in URLs', () => {
    expect(hasEmbeddedCredentials('postgres://user:pw@db:5432/app')).toBe(true);
    expect(hasEmbeddedCredentials('http://identity-service:3000')).toBe(false);
  });
});
