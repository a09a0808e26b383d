/**
 * JSON as CEL values (tools/validate/cel/values.ts, durations.ts): property-name escaping (the cases of
 * kubernetes v1.32.0 staging/src/k8s.io/apiserver/pkg/cel/escaping_test.go), defaults, and duration text.
 */
import { parseGoDuration } from '../../../tools/validate/cel/durations';
import { effectiveValue, escapeProperty, SchemaMismatch, toCel, unescapeProperty, NO_REFS } from '../../../tools/validate/cel/values';

describe('escaping', () => {
  test.each([
    ['a.a', 'a__dot__a'], ['a-a', 'a__dash__a'], ['a__a', 'a__underscores__a'], ['a.-/__a', 'a__dot____dash____slash____underscores__a'],
    ['a._a', 'a__dot___a'], ['a__.__a', 'a__underscores____dot____underscores__a'], ['a___a', 'a__underscores___a'],
    ['a____a', 'a__underscores____underscores__a'], ['a__dot__a', 'a__underscores__dot__underscores__a'],
    ['true', '__true__'], ['namespace', '__namespace__'], ['while', '__while__'], ['has', 'has'], ['exists_one', 'exists_one'],
  ])('%s <-> %s', (name, escaped) => {
    expect(escapeProperty(name)).toBe(escaped);
    expect(unescapeProperty(escaped)).toBe(name);
  });

  test.each(['@', '1up', '👑', ''])('%s cannot be written in CEL', (name) => {
    expect(escapeProperty(name)).toBeUndefined();
  });

  test('an invalid escape sequence, or a keyword escape inside an identifier, is not a property name', () => {
    expect(unescapeProperty('a__bogus__b')).toBeUndefined();
    expect(unescapeProperty('x__true__')).toBeUndefined();
  });
});

describe('effectiveValue (defaulting, then pruning of non-nullable nulls)', () => {
  test('absent or non-nullable null fields take the default; nullable nulls stay null', () => {
    expect(effectiveValue(undefined, { type: 'string', default: 'A' })).toBe('A');
    expect(effectiveValue(null, { type: 'string', default: 'A' })).toBe('A');
    expect(effectiveValue(null, { type: 'string', nullable: true, default: 'A' })).toBeNull();
    expect(effectiveValue(null, { type: 'string' })).toBeUndefined();
    expect(effectiveValue('B', { type: 'string', default: 'A' })).toBe('B');
  });
});

describe('toCel', () => {
  test('data that does not fit the schema throws SchemaMismatch', () => {
    expect(() => toCel('3', { type: 'integer' }, NO_REFS)).toThrow(SchemaMismatch);
    expect(() => toCel(1.5, { type: 'integer' }, NO_REFS)).toThrow(SchemaMismatch);
    expect(() => toCel(1.5, { 'x-kubernetes-int-or-string': true }, NO_REFS)).toThrow(SchemaMismatch);
    expect(() => toCel('not a date', { type: 'string', format: 'date-time' }, NO_REFS)).toThrow(SchemaMismatch);
    expect(() => toCel(null, { type: 'string' }, NO_REFS)).toThrow(SchemaMismatch);
  });

  test('scalars keep their CEL type: int as bigint, double as number', () => {
    expect(toCel(3, { type: 'integer' }, NO_REFS)).toBe(3n);
    expect(toCel(3, { type: 'number' }, NO_REFS)).toBe(3);
    expect(toCel(null, { type: 'string', nullable: true }, NO_REFS)).toBeNull();
  });
});

describe('parseGoDuration', () => {
  test.each([
    ['1h30m', 5_400_000_000_000n], ['1.5h', 5_400_000_000_000n], ['300ms', 300_000_000n], ['-2s', -2_000_000_000n], ['0', 0n], ['1µs', 1_000n],
  ])('Go duration %s', (text, nanos) => {
    expect(parseGoDuration(text)).toBe(nanos);
  });

  test('kube-openapi forms (days, weeks, spelt-out units) only for format: duration', () => {
    expect(parseGoDuration('2d')).toBeUndefined();
    expect(parseGoDuration('2d', { strfmt: true })).toBe(2n * 86_400_000_000_000n);
    expect(parseGoDuration('1 week', { strfmt: true })).toBe(7n * 86_400_000_000_000n);
    expect(parseGoDuration('3 hours', { strfmt: true })).toBe(3n * 3_600_000_000_000n);
    expect(parseGoDuration('soon', { strfmt: true })).toBeUndefined();
  });
});
