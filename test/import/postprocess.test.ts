/**
 * Post-processing of the code `cdk8s import` generates (tools/import/postprocess.ts): names cdk8s refuses are
 * escaped and restored, names that are not identifiers are quoted, converters keep unknown keys, and code of an
 * unexpected shape stops the import instead of being written half-processed.
 */
import { PlatformError } from '../../constructs';
import {
  escapedKeyPlaceholder, escapeRefusedKeys, isIdentifierName, keepUnknownKeys, postProcessBindings, quoteInvalidPropertyNames, restoreEscapedKeys,
} from '../../tools/import/postprocess';

/** A converter exactly as cdk8s-cli 2.207 writes it. */
function converter(type: string, lines: readonly string[]): string {
  return [
    `export function toJson_${type}(obj: ${type} | undefined): Record<string, any> | undefined {`,
    '  if (obj === undefined) { return undefined; }',
    '  const result = {',
    ...lines.map((l) => `    ${l}`),
    '  };',
    '  // filter undefined values',
    '  return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});',
    '}',
  ].join('\n');
}

const HEADER = "import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';\nimport { Construct } from 'constructs';\n";

describe('isIdentifierName', () => {
  test.each([['replicas', true], ['$schema', true], ['_x', true], ['3Scale', false], ['from-kamelet', false], ['a.b', false]])('%s -> %s', (name, expected) => {
    expect(isIdentifierName(name)).toBe(expected);
  });
});

describe('quoteInvalidPropertyNames', () => {
  test('quotes a declaration and its accesses, and leaves valid names and the JSON key alone', () => {
    // GIVEN the code cdk8s generates for Camel K's traits.3scale
    const code = [
      'export interface Traits {',
      '  readonly 3Scale?: Traits3Scale;',
      '  readonly addons?: string;',
      '}',
      converter('Traits', ["'3scale': toJson_Traits3Scale(obj.3Scale),", "'addons': obj.addons,"]),
    ].join('\n');
    // WHEN
    const { code: out, quoted } = quoteInvalidPropertyNames(code, 'camel.apache.org');
    // THEN
    expect(quoted).toEqual(['3Scale']);
    expect(out).toContain("  readonly '3Scale'?: Traits3Scale;");
    expect(out).toContain("    '3scale': toJson_Traits3Scale(obj['3Scale']),");
    expect(out).toContain('  readonly addons?: string;');
    expect(out).not.toMatch(/obj\.3Scale/);
    // Type names that merely contain the name are untouched.
    expect(out).toContain('Traits3Scale');
  });
});

describe('escapeRefusedKeys and restoreEscapedKeys', () => {
  test('a property cdk8s refuses is renamed for cdk8s, in properties and required, and restored exactly', () => {
    // GIVEN a schema with a `$schema` property (Camel K's Kamelet), required
    const escaped = new Map<string, string>();
    const schema = { type: 'object', required: ['$schema'], properties: { $schema: { type: 'string' }, title: { type: 'string' } } };
    // WHEN
    const out = escapeRefusedKeys(schema, escaped);
    // THEN only the refused name is replaced, by a placeholder cdk8s accepts
    const placeholder = escapedKeyPlaceholder('$schema');
    expect(placeholder).toMatch(/^(\w|\.|\/|-|#|,)*$/);
    expect(out).toEqual({ type: 'object', required: [placeholder], properties: { [placeholder]: { type: 'string' }, title: { type: 'string' } } });
    expect([...escaped]).toEqual([[placeholder, '$schema']]);
    expect(schema.properties).toHaveProperty('$schema');

    // GIVEN the code cdk8s generates for the placeholder (it camel-cases the name)
    const code = [
      'export interface Definition {',
      `  /**\n   * @schema Definition#${placeholder}\n   */`,
      '  readonly psynthEscaped24736368656D61?: string;',
      '}',
      converter('Definition', [`'${placeholder}': obj.psynthEscaped24736368656D61,`]),
    ].join('\n');
    // WHEN
    const restored = restoreEscapedKeys(code, 'camel.apache.org', escaped);
    // THEN the JSON key and the TypeScript name are the original, and no placeholder is left
    expect(restored).toContain('  readonly $schema?: string;');
    expect(restored).toContain("    '$schema': obj.$schema,");
    expect(restored).toContain('@schema Definition#$schema');
    expect(restored).not.toContain('psynth');
  });

  test('an escaped name that is not an identifier is restored quoted', () => {
    const escaped = new Map([[escapedKeyPlaceholder('@type'), '@type']]);
    const code = [
      'export interface Doc {',
      '  readonly psynthEscaped4074797065: string;',
      '}',
      converter('Doc', [`'${escapedKeyPlaceholder('@type')}': obj.psynthEscaped4074797065,`]),
    ].join('\n');
    const restored = restoreEscapedKeys(code, 'example.com', escaped);
    expect(restored).toContain("  readonly '@type': string;");
    expect(restored).toContain("    '@type': obj['@type'],");
  });

  test('an escaped name no converter writes stops the import', () => {
    const escaped = new Map([[escapedKeyPlaceholder('$ref'), '$ref']]);
    expect(() => restoreEscapedKeys(converter('Doc', ["'other': obj.other,"]), 'example.com', escaped)).toThrow(/no converter writes the renamed property "\$ref"/);
  });
});

describe('keepUnknownKeys', () => {
  test('every converter returns withUnknownKeys with the names its type declares, and the helper is imported', () => {
    // GIVEN two converters, one with a map and an array
    const code = [
      HEADER,
      converter('Spec', ["'shared_preload_libraries': obj.sharedPreloadLibraries?.map(y => y),", "'labels': ((obj.labels) === undefined) ? undefined : (Object.entries(obj.labels).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {})),"]),
      converter('Empty', []),
    ].join('\n');
    // WHEN
    const { code: out, converters } = keepUnknownKeys(code, 'example.com');
    // THEN
    expect(converters).toBe(2);
    expect(out).toContain("  return withUnknownKeys(obj, result, ['sharedPreloadLibraries', 'labels']);");
    expect(out).toContain('  return withUnknownKeys(obj, result, []);');
    expect(out).not.toContain('return Object.entries(result)');
    expect(out).toContain("import { Construct } from 'constructs';\nimport { withUnknownKeys } from '../constructs/lib/crd-json';\n");
  });

  test('the helper is imported from the module the caller names (bindings written elsewhere)', () => {
    const { code: out } = keepUnknownKeys(`${HEADER}${converter('Spec', ["'a': obj.a,"])}`, 'example.com', '../../project/constructs/lib/crd-json');
    expect(out).toContain("import { withUnknownKeys } from '../../project/constructs/lib/crd-json';");
  });

  test('a converter of another shape stops the import, naming the module', () => {
    // GIVEN a converter whose filtering line changed (a newer cdk8s-cli)
    const changed = `${HEADER}${converter('Spec', ["'a': obj.a,"]).replace('// filter undefined values', '// drop undefined values')}`;
    // THEN
    expect(() => keepUnknownKeys(changed, 'example.com')).toThrow(PlatformError);
    expect(() => keepUnknownKeys(changed, 'example.com')).toThrow(/generated example\.com\.ts: 1 of its 1 toJson_ functions do not have the expected shape/);
  });

  test('a result line that reads no property of obj stops the import', () => {
    const odd = `${HEADER}${converter('Spec', ["'a': 42,"])}`;
    expect(() => keepUnknownKeys(odd, 'example.com')).toThrow(/toJson_Spec has a line without a property of obj: 'a': 42,/);
  });
});

test('postProcessBindings applies every step: the quoted name is a declared name of the converter', () => {
  const code = [HEADER, 'export interface Traits {', '  readonly 3Scale?: Traits3Scale;', '}', converter('Traits', ["'3scale': toJson_Traits3Scale(obj.3Scale),"])].join('\n');
  const out = postProcessBindings(code, 'camel.apache.org');
  expect(out).toContain("  return withUnknownKeys(obj, result, ['3Scale']);");
  expect(out).toContain("obj['3Scale']");
});
