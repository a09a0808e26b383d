/**
 * Imported CRD classes keep the keys their types do not declare (constructs/lib/crd-json.ts, wired in by
 * `npm run import`), so that a typo reaches the rendered object and schema validation reports it with the closest
 * known name, instead of vanishing. Known properties still render under their JSON names.
 */
import { App, Chart, JsonPatch } from 'cdk8s';
import { PlatformError } from '../../constructs';
import { withUnknownKeys } from '../../constructs';
import { Cluster, ClusterSpec } from '../../imports/postgresql.cnpg.io';
import { Kafka, KafkaSpecKafka, KafkaSpecKafkaListenersType } from '../../imports/kafka.strimzi.io';
import { findings, lines, Obj, validate } from '../validate/helpers';

/** A CloudNativePG cluster of the `shop` namespace, rendered as the renderer does (`toJson()`). */
function renderCluster(spec: ClusterSpec, patch?: JsonPatch): Obj {
  const cluster = new Cluster(new Chart(new App(), 'db'), 'cluster', { metadata: { name: 'orders-db', namespace: 'shop' }, spec });
  if (patch !== undefined) cluster.addJsonPatch(patch);
  return cluster.toJson() as Obj;
}

function specOf(object: Obj): Obj {
  return object.spec as Obj;
}

describe('imported classes keep unknown keys', () => {
  test('a typo in the props reaches the rendered object and validation names the closest field', () => {
    // GIVEN a spec built from data (a typo the compiler cannot see)
    const fromData: Record<string, unknown> = { instance: 3 };
    // WHEN
    const object = renderCluster({ instances: 1, storage: { size: '1Gi' }, ...fromData } as ClusterSpec);
    // THEN the key is rendered unchanged, and validation reports it with the suggestion
    expect(specOf(object).instance).toBe(3);
    const report = validate({ db: [object] });
    expect(lines(report, 'schema/unknown-field')).toEqual([expect.stringMatching(/^schema\/unknown-field Cluster\/orders-db spec\.instance: unknown field 'instance'/)]);
    expect(findings(report, 'schema/unknown-field')[0]?.fix).toMatch(/^rename it to 'instances'/);
  });

  test('a known camelCase property still renders under its JSON name, with no finding', () => {
    // WHEN
    const object = renderCluster({ instances: 1, storage: { size: '1Gi' }, postgresql: { sharedPreloadLibraries: ['pg_stat_statements'] } });
    // THEN
    expect(specOf(object).postgresql).toEqual({ shared_preload_libraries: ['pg_stat_statements'] });
    expect(lines(validate({ db: [object] }), 'schema/unknown-field')).toEqual([]);
  });

  test('the JSON name passed as data is kept as written: rendered once, no finding', () => {
    // GIVEN the JSON spelling where the binding expects `sharedPreloadLibraries`
    const postgresql: Record<string, unknown> = { shared_preload_libraries: ['pg_stat_statements'] };
    // WHEN
    const object = renderCluster({ instances: 1, storage: { size: '1Gi' }, postgresql } as ClusterSpec);
    // THEN it no longer vanishes
    expect(specOf(object).postgresql).toEqual({ shared_preload_libraries: ['pg_stat_statements'] });
    expect(lines(validate({ db: [object] }), 'schema/unknown-field')).toEqual([]);
  });

  test('a key set both directly and through its typed property is an error, not a silent choice', () => {
    const postgresql: Record<string, unknown> = { sharedPreloadLibraries: ['a'], shared_preload_libraries: ['b'] };
    expect(() => renderCluster({ instances: 1, storage: { size: '1Gi' }, postgresql } as ClusterSpec)).toThrow(PlatformError);
    expect(() => renderCluster({ instances: 1, storage: { size: '1Gi' }, postgresql } as ClusterSpec)).toThrow(/the key 'shared_preload_libraries' is set twice/);
  });

  test('a JSON patch that adds an unknown key is kept and reported', () => {
    // WHEN a patch adds a misspelt field (patches are applied before the conversion)
    const object = renderCluster({ instances: 1, storage: { size: '1Gi' } }, JsonPatch.add('/spec/enableSuperuserAcess', true));
    // THEN
    expect(specOf(object).enableSuperuserAcess).toBe(true);
    expect(findings(validate({ db: [object] }), 'schema/unknown-field')[0]?.fix).toMatch(/^rename it to 'enableSuperuserAccess'/);
  });

  test('a snake_case key on a Strimzi Kafka is reported with the camelCase name', () => {
    // GIVEN `metadata_version` where Strimzi defines `metadataVersion`
    const kafkaSpec: Record<string, unknown> = { metadata_version: '4.3-IV0' };
    const kafka = new Kafka(new Chart(new App(), 'kafka'), 'kafka', {
      metadata: { name: 'events', namespace: 'shop' },
      spec: { kafka: { version: '4.3.1', listeners: [{ name: 'plain', port: 9092, type: KafkaSpecKafkaListenersType.INTERNAL, tls: false }], ...kafkaSpec } as KafkaSpecKafka },
    });
    // WHEN
    const report = validate({ kafka: [kafka.toJson() as Obj] });
    // THEN
    expect(lines(report, 'schema/unknown-field')).toEqual([expect.stringMatching(/spec\.kafka\.metadata_version: unknown field 'metadata_version'/)]);
    expect(findings(report, 'schema/unknown-field')[0]?.fix).toMatch(/^rename it to 'metadataVersion'/);
  });
});

describe('withUnknownKeys', () => {
  test('drops undefined values, keeps declared names out, and appends unknown keys unchanged', () => {
    const nested = { deep: [1, 2] };
    const out = withUnknownKeys({ a: 1, b: undefined, extra: nested, skipped: undefined }, { A: 1, B: undefined }, ['a', 'b']);
    expect(out).toEqual({ A: 1, extra: nested });
    expect(out.extra).toBe(nested);
  });

  test('an own key named __proto__ stays data, it does not change the prototype', () => {
    const props = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const out = withUnknownKeys(props, {}, []);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
