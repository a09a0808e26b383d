import { DynamicStorage, Elasticsearch } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

function make(options: Partial<ConstructorParameters<typeof Elasticsearch>[2]> = {}): { es: Elasticsearch; storage: DynamicStorage; chart: ReturnType<typeof applicationChart>['chart'] } {
  const { chart } = applicationChart('search', { namespace: 'shop' });
  const storage = new DynamicStorage('gp3');
  const es = new Elasticsearch(chart, 'search', { storage, ...options });
  return { es, storage, chart };
}

describe('Elasticsearch', () => {
  test('renders one node set without the privileged sysctl, with resources on the elasticsearch container', () => {
    const resource = findObject(synth(make({ nodes: 3 }).chart), 'Elasticsearch', 'search');
    expect(resource.apiVersion).toBe('elasticsearch.k8s.elastic.co/v1');
    expect(at(resource, 'spec.version')).toBe('9.3.0');
    const set = (at(resource, 'spec.nodeSets') as Record<string, unknown>[])[0];
    expect(set?.name).toBe('default');
    expect(set?.count).toBe(3);
    expect(set?.config).toEqual({ 'node.store.allow_mmap': false });
    expect(at(set, 'podTemplate.spec.containers')).toEqual([{ name: 'elasticsearch', resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } } }]);
  });

  test('takes its data volumes from the environment\'s storage, one claim per node, named as ECK names them', () => {
    const { chart, storage } = make({ nodes: 3, storageSize: '30Gi' });
    const template = at(findObject(synth(chart), 'Elasticsearch', 'search'), 'spec.nodeSets.0.volumeClaimTemplates.0');
    expect(at(template, 'metadata.name')).toBe('elasticsearch-data');
    expect(at(template, 'spec.storageClassName')).toBe('gp3');
    expect(at(template, 'spec.resources.requests.storage')).toBe('30Gi');
    expect(storage.claims.map((c) => c.claimName)).toEqual(['elasticsearch-data-search-es-default-0', 'elasticsearch-data-search-es-default-1', 'elasticsearch-data-search-es-default-2']);
  });

  test('gives clients the HTTPS Service and the operator-generated elastic user Secret', () => {
    expect(make().es.connection).toEqual({
      type: 'elasticsearch', host: 'search-es-http.shop.svc', port: 9200, username: 'elastic', password: { secret: 'search-es-elastic-user', key: 'elastic' },
    });
  });

  test('asks before Argo CD prunes or deletes the cluster', () => {
    expect(findObject(synth(make().chart), 'Elasticsearch', 'search').metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=confirm,Delete=confirm');
  });

  test('refuses two nodes (no master quorum when one is lost), a short version and memory in milli-bytes', () => {
    expect(() => make({ nodes: 2 })).toThrow(/'nodes' must not be 2: two master-eligible nodes cannot elect a master when one is lost \(got 2\)/);
    expect(() => make({ version: '9' })).toThrow(/'version' must be a full Elasticsearch version/);
    expect(() => make({ resources: { limits: { memory: '512m' } } })).toThrow(/milli-bytes/);
  });
});
