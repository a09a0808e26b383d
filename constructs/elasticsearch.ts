import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as es from '../imports/elasticsearch.k8s.elastic.co';
import { IServiceBinding, ServiceConnection } from './lib/bindings';
import { IApplication, recordDependency } from './lib/context';
import { ComponentIdentity, componentLabels, stableLabels } from './lib/labels';
import { deepMerge } from './lib/merge';
import { joinName } from './lib/names';
import { dnsLabelSchema, intSchema, quantitySchema, resourcesOverrideSchema, withFix, z } from './lib/options';
import { ResourceSettings } from './lib/resources';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { IVolumeProvider } from './volume-provider';

/** Elasticsearch's HTTP port (TLS with the operator's self-signed CA by default). */
export const ELASTICSEARCH_PORT = 9200;

/** Elasticsearch version of the clusters (the version ECK's quickstart deploys, `k8s-deploy-elasticsearch`). */
export const DEFAULT_ELASTICSEARCH_VERSION = '9.3.0';

/** The node set every cluster has. */
const NODE_SET = 'default';

/** What an environment or a catalog entry may set on an `Elasticsearch`. */
export const ElasticsearchOptionsSchema = z.strictObject({
  /**
   * Name of the `Elasticsearch` resource (its HTTP Service is `<name>-es-http`).
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * Elasticsearch version (`x.y.z`), one the operator release supports.
   * @default '9.3.0'
   */
  version: withFix(z.string().regex(/^\d+\.\d+\.\d+$/, { error: 'must be a full Elasticsearch version x.y.z' }), "use a version such as '9.3.0'").optional(),
  /**
   * Nodes (each master-eligible and data): 1, or 3 and more for a quorum that survives losing one.
   * @default 1
   */
  nodes: intSchema(1, 50, 'set nodes to 1, or 3 or more').refine((n) => n !== 2, { error: 'must not be 2: two master-eligible nodes cannot elect a master when one is lost' }).optional(),
  /**
   * Size of each node's data volume.
   * @default '5Gi'
   */
  storageSize: quantitySchema('storage').optional(),
  /**
   * CPU and memory of each node, merged over requests 500m / 2Gi and limits 1 / 2Gi (Elasticsearch sizes its
   * heap from the memory limit).
   * @default - requests 500m / 2Gi, limits 1 / 2Gi
   */
  resources: resourcesOverrideSchema.optional(),
});

/** What an environment or a catalog entry may set on an `Elasticsearch`. */
export type ElasticsearchOptions = z.infer<typeof ElasticsearchOptionsSchema>;

/** Props of `Elasticsearch`. */
export interface ElasticsearchProps extends ElasticsearchOptions {
  /** Where the data volumes come from. */
  readonly storage: IVolumeProvider;
  /**
   * The application delivering the ECK operator; the cluster is synced after it.
   * @default - the operator is installed by other means
   */
  readonly operator?: IApplication;
}

/**
 * An Elasticsearch cluster run by Elastic Cloud on Kubernetes (`elasticsearch.k8s.elastic.co/v1`, ECK 3.5.0):
 * one node set whose data volumes come from the environment's storage (one claim per node, registered so local
 * storage renders their PersistentVolumes), `node.store.allow_mmap: false` (no privileged sysctl init
 * container), CPU and memory on the `elasticsearch` container. The operator generates the `elastic` user's
 * password into `<name>-es-elastic-user` (key `elastic`) and serves HTTPS with its own CA
 * (`<name>-es-http-certs-public`).
 *
 * @see https://www.elastic.co/guide/en/cloud-on-k8s/current/k8s-volume-claim-templates.html
 */
export class Elasticsearch extends Construct implements IServiceBinding {
  public readonly name: string;
  public readonly namespace: string;
  public readonly version: string;
  public readonly nodes: number;
  public readonly identity: ComponentIdentity;
  public readonly connection: ServiceConnection;
  /** The application delivering the operator, if given (it lists this cluster's image). */
  public readonly operator?: IApplication;

  public constructor(scope: Construct, id: string, props: ElasticsearchProps) {
    super(scope, id);
    this.name = props.name ?? id;
    this.version = props.version ?? DEFAULT_ELASTICSEARCH_VERSION;
    this.nodes = props.nodes ?? 1;
    const storageSize = props.storageSize ?? '5Gi';
    const resources = deepMerge<ResourceSettings>({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '1', memory: '2Gi' } }, props.resources);

    const what = `Elasticsearch '${this.name}'`;
    const check = new PropsValidator(this, what);
    check.props(ElasticsearchOptionsSchema, props, ['storage', 'operator'], what);
    check.dnsLabel('name', this.name);
    check.resources('resources', resources);
    const namespace = Chart.of(this).namespace;
    check.check(namespace !== undefined, 'namespace', 'Elasticsearch must be in a chart with a namespace', namespace, "give the application chart a namespace (e.g. 'infraforge-dev')");
    check.throwIfInvalid();

    this.namespace = namespace as string;
    this.identity = { name: 'elasticsearch', instance: this.name, component: 'search', version: this.version };
    this.connection = {
      type: 'elasticsearch',
      host: `${joinName(this.name, 'es', 'http')}.${this.namespace}.svc`,
      port: ELASTICSEARCH_PORT,
      username: 'elastic',
      password: { secret: joinName(this.name, 'es', 'elastic', 'user'), key: 'elastic' },
    };
    this.operator = props.operator;
    if (props.operator) recordDependency(this, props.operator);

    const cluster = new es.Elasticsearch(this, 'Resource', {
      metadata: { name: this.name, labels: componentLabels(this.identity) },
      spec: {
        version: this.version,
        nodeSets: [{
          name: NODE_SET,
          count: this.nodes,
          // Without the privileged sysctl init container that raising vm.max_map_count needs.
          config: { 'node.store.allow_mmap': false },
          podTemplate: {
            metadata: { labels: componentLabels(this.identity) },
            spec: { containers: [{ name: 'elasticsearch', resources: { requests: { ...resources.requests }, limits: { ...resources.limits } } }] },
          },
          volumeClaimTemplates: [{
            // ECK's data claim name; the claim template is immutable: no version label.
            metadata: { name: 'elasticsearch-data', labels: stableLabels(this.identity) },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: props.storage.storageClassName,
              resources: { requests: { storage: es.ElasticsearchSpecNodeSetsVolumeClaimTemplatesSpecResourcesRequests.fromString(storageSize) } },
            },
          }],
        }],
      },
    });
    // Deleting the cluster deletes its nodes' data: only with a person's confirmation.
    requireConfirmedDeletion(cluster);
    for (let node = 0; node < this.nodes; node++) {
      props.storage.registerClaim(this, { namespace: this.namespace, claimName: `elasticsearch-data-${this.name}-es-${NODE_SET}-${node}`, size: storageSize, owner: this.identity, replica: node });
    }
  }

  public get owner(): Construct {
    return this;
  }
}
