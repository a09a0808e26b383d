/**
 * Kubernetes quantities: the API server's grammar (k8s.io/apimachinery pkg/api/resource/quantity.go), its canonical
 * form, and the platform's plausibility checks for CPU, memory and storage.
 */
import { canonicalQuantity, checkQuantity, parseKubernetesQuantity, parseQuantity, QUANTITY_FORMAT_ERROR, QUANTITY_SUFFIX_ERROR, resourceProblems, toResourceRequirements } from '../../constructs';

describe('parsing (apimachinery ParseQuantity)', () => {
  // Inputs from apimachinery quantity_test.go TestQuantityParse (valid and "invalid" tables).
  test.each(['1.1.M', '1+1.0M', '0.1mi', '0.1am', 'aoeu', '.5i', '1i', '-3.01i', '-3.01e-', ' 1', '1 ', '256Mi ', ''])('%j is refused', (text) => {
    expect(typeof parseKubernetesQuantity(text)).toBe('string');
  });

  test('an unknown suffix made of suffix letters is a suffix error, other text a format error', () => {
    expect(parseKubernetesQuantity('200K')).toBe(QUANTITY_SUFFIX_ERROR);
    expect(parseKubernetesQuantity('1,3G')).toBe(QUANTITY_FORMAT_ERROR);
  });

  test.each([
    ['1.G', 1e9], ['1E-3', 0.001], ['0.025Ti', 0.025 * 2 ** 40], ['500m', 0.5], ['1Gi', 2 ** 30], ['12e6', 12e6], ['+1', 1], ['-1', -1],
  ])('%s is %d', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value, 9);
  });

  test('values finer than a nano are rounded up, as the API server does', () => {
    expect(canonicalQuantity('0.0000000001')).toBe('1n');
  });
});

describe('canonical form (apimachinery CanonicalizeBytes)', () => {
  // The examples of the Quantity doc comment and of TestQuantityCanonicalize-like cases.
  test.each([
    ['1.5', '1500m'], ['1.5Gi', '1536Mi'], ['1024Mi', '1Gi'], ['0.5Gi', '512Mi'], ['1000m', '1'], ['0.5', '500m'], ['.5', '500m'],
    ['100m', '100m'], ['2000Mi', '2000Mi'], ['500Ki', '500Ki'], ['1e3', '1e3'], ['1.5e3', '1500'], ['0.1m', '100u'], ['1.', '1'], ['128', '128'],
  ])('%s is written %s', (text, canonical) => {
    expect(canonicalQuantity(text)).toBe(canonical);
  });

  test('rendered resources are canonical', () => {
    // GIVEN quantities written in a non-canonical form WHEN rendered
    const r = toResourceRequirements({ requests: { cpu: '0.25', memory: '0.5Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } });
    // THEN they are written as the API server would store them
    expect([r.requests?.cpu?.value, r.requests?.memory?.value, r.limits?.cpu?.value, r.limits?.memory?.value]).toEqual(['250m', '512Mi', '1', '1Gi']);
  });
});

describe('checks', () => {
  test.each([
    ['128', 'memory', /'128' is 128 bytes: a memory quantity without a suffix is read as bytes/, /'128Mi'/],
    ['10', 'storage', /'10' is 10 bytes/, /'10Gi'/],
    ['500', 'cpu', /'500' means 500 cores, above the plausible maximum of 128 cores/, /write '500m'/],
    ['256Mi ', 'memory', /leading or trailing white space, which the API server refuses/, /'256Mi'/],
    ['256MB', 'memory', /must be a Kubernetes quantity/, /'256Mi' .* or '256M'/],
    ['1K', 'memory', /its suffix is not one Kubernetes knows/, /'1Ki'/],
    ['256mi', 'memory', /suffixes are case-sensitive/, /'256Mi'/],
    ['0.1m', 'cpu', /below the plausible minimum of 1m/, /'250m'/],
    ['1Ki', 'memory', /below the plausible minimum of 4Mi/, /check the unit/],
    ['2Ti', 'memory', /above the plausible maximum of 1Ti/, /check the unit/],
    ['512m', 'memory', /means milli-bytes/, /'512Mi'/],
    ['0', 'cpu', /must be greater than zero/, /positive/],
  ] as const)('%j %s is refused', (text, what, message, fix) => {
    const issue = checkQuantity(text, what);
    expect(issue?.message).toMatch(message);
    expect(issue?.fix).toMatch(fix);
  });

  test('a bare number is refused for memory and accepted for CPU (YAML cpu: 1)', () => {
    expect(checkQuantity(128, 'memory')?.message).toMatch(/a bare number is 128 bytes/);
    expect(checkQuantity(1, 'cpu')).toBeUndefined();
  });

  test.each([['250m', 'cpu'], ['2', 'cpu'], ['64Mi', 'memory'], ['1.5Gi', 'memory'], ['512M', 'memory'], ['10Gi', 'storage'], ['100Ti', 'storage']] as const)('%s %s passes', (text, what) => {
    expect(checkQuantity(text, what)).toBeUndefined();
  });

  test('a resources block reports the fix of each quantity', () => {
    const problems = resourceProblems({ requests: { cpu: '100m', memory: '128' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(problems).toEqual([expect.objectContaining({ field: 'requests.memory', value: '128', fix: expect.stringContaining("'128Mi'") })]);
  });
});
