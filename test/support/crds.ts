/**
 * Small CustomResourceDefinitions written by the import tests (tests may not read the upstream copies).
 */
import * as YAML from 'yaml';

export interface CrdVersionFixture {
  readonly name: string;
  /** @default true */
  readonly served?: boolean;
  /** @default true for the first version, false for the others */
  readonly storage?: boolean;
}

export interface CrdFixtureOptions {
  /** @default 'example.com' */
  readonly group?: string;
  readonly plural: string;
  readonly kind: string;
  /** Written as given, so that invalid scopes can be tested. @default 'Namespaced' */
  readonly scope?: string;
  /** @default [{ name: 'v1' }] */
  readonly versions?: readonly CrdVersionFixture[];
  /** The `properties` of `spec` in every version's schema. @default {} */
  readonly specProperties?: Readonly<Record<string, unknown>>;
  /** The `required` list of `spec`. @default none */
  readonly specRequired?: readonly string[];
}

/** The YAML of a CRD named `<plural>.<group>` whose versions share one schema: `{ spec: { properties } }`. */
export function crdYaml(options: CrdFixtureOptions): string {
  const group = options.group ?? 'example.com';
  const spec = {
    type: 'object',
    ...(options.specRequired !== undefined ? { required: options.specRequired } : {}),
    properties: options.specProperties ?? {},
  };
  return YAML.stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${options.plural}.${group}` },
    spec: {
      group,
      names: { kind: options.kind, plural: options.plural },
      scope: options.scope ?? 'Namespaced',
      versions: (options.versions ?? [{ name: 'v1' }]).map((v, i) => ({
        name: v.name,
        served: v.served ?? true,
        storage: v.storage ?? i === 0,
        schema: { openAPIV3Schema: { type: 'object', properties: { spec } } },
      })),
    },
  });
}
