import { Testing } from 'cdk8s';
import { ConfigError, PasswordGenerator, PasswordGeneratorProps } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

describe('PasswordGenerator', () => {
  test('renders the seed\'s cluster-wide Password generator: 64 characters, no symbols, upper case and repeats allowed', () => {
    // GIVEN
    const { chart } = applicationChart('external-secrets-config', { namespace: 'external-secrets' });
    // WHEN
    const generator = new PasswordGenerator(chart, 'password-64-length');
    // THEN
    const cr = findObject(synth(chart), 'ClusterGenerator', 'password-64-length');
    expect(cr.apiVersion).toBe('generators.external-secrets.io/v1alpha1');
    expect(cr.metadata.namespace).toBeUndefined();
    expect(cr.spec).toEqual({ kind: 'Password', generator: { passwordSpec: { length: 64, symbols: 0, noUpper: false, allowRepeat: true } } });
    expect(generator.generatorKind).toBe('ClusterGenerator');
    expect(generator.generatorName).toBe('password-64-length');
  });

  test('every option reaches the manifest', () => {
    // GIVEN
    const all: Required<PasswordGeneratorProps> = { name: 'pw', length: 32, digits: 8, symbols: 2, noUpper: true, allowRepeat: false };
    const chart = Testing.chart();
    // WHEN
    new PasswordGenerator(chart, 'ignored', { ...all, digits: 6 });
    // THEN
    expect(at(findObject(synth(chart), 'ClusterGenerator', 'pw'), 'spec.generator.passwordSpec')).toEqual({ length: 32, digits: 6, symbols: 2, noUpper: true, allowRepeat: false });
  });

  test('refuses digits and symbols that do not fit in the length (External Secrets would fail in the cluster)', () => {
    expect(() => new PasswordGenerator(Testing.chart(), 'pw', { length: 16, digits: 10, symbols: 8 }))
      .toThrow(/field 'digits'.*digits \(10\) and symbols \(8\) together exceed the length \(16\).*Fix: lower digits or symbols, or raise length/);
  });

  test('refuses more than 10 digits without repeats (the default 25% of 64 is 16)', () => {
    expect(() => new PasswordGenerator(Testing.chart(), 'pw', { allowRepeat: false }))
      .toThrow(/without repeats a password has at most 10 digits \(got 16\)/);
  });

  test('refuses a length out of range and an unknown option with the closest name', () => {
    let error: unknown;
    try {
      new PasswordGenerator(Testing.chart(), 'pw', { length: 4, symbol: 0 } as PasswordGeneratorProps);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.field)).toEqual(['length', 'symbol']);
    expect(problems[1]?.fix).toMatch(/rename it to 'symbols'/);
  });
});
