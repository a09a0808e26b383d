import * as fs from 'node:fs';
import * as path from 'node:path';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as camel from '../imports/camel.apache.org';
import { CamelIntegrationPlatform } from './camel-integration-platform';
import { IKafkaCluster } from './kafka-platform';
import { KafkaTopic } from './kafka-topic';
import { KafkaUser } from './kafka-user';
import { recordDependency } from './lib/context';
import { componentLabels } from './lib/labels';
import { ResourceSettings } from './lib/resources';
import { deepMerge } from './lib/merge';
import { intSchema, refuse, resourcesOverrideSchema, z } from './lib/options';
import { literalSecretProblem, SECRET_FIX } from './lib/secrets';
import { PropsValidator } from './lib/validation';
import { IRabbitmqCluster } from './rabbitmq';
import { compareText } from './lib/order';

/** What an environment or the catalog may set on a Camel K integration. */
export const CamelIntegrationOptionsSchema = z.strictObject({
  /**
   * Integration pods.
   * @default 1
   */
  replicas: intSchema(0, 50, 'set replicas between 0 and 50').optional(),
  /**
   * CPU and memory of the integration container (container trait), merged over requests 200m / 256Mi and limits
   * 500m / 512Mi.
   * @default - requests 200m / 256Mi, limits 500m / 512Mi
   */
  resources: resourcesOverrideSchema.optional(),
  /**
   * Further Camel properties (`camel.main.name: bridge`), never secrets. Properties the construct derives from typed
   * references (`kafka.*`, `topic.*`, `rabbitmq.*`) cannot be set here.
   * @default {}
   */
  properties: z.record(z.string(), z.string()).superRefine((properties, ctx) => {
    for (const [key, value] of Object.entries(properties)) {
      if (/^(kafka|topic|rabbitmq)\./.test(key)) refuse(ctx, `'${key}' is derived from the integration's typed references`, 'remove it: pass the Kafka cluster, topics and RabbitMQ cluster as references', [key]);
      const secret = literalSecretProblem(key, value);
      if (secret) ctx.addIssue({ code: 'custom', message: `${secret}; secret values must never be written to git`, params: { fix: SECRET_FIX, redact: true }, path: [key] });
    }
  }).optional(),
});

/** What an environment or the catalog may set on a Camel K integration. */
export type CamelIntegrationOptions = z.infer<typeof CamelIntegrationOptionsSchema>;

/** Languages of Camel K sources (the seed's Java, Groovy, YAML, XML). */
export type CamelLanguage = 'yaml' | 'groovy' | 'java' | 'xml';

/** Where an integration's route comes from: a file (read at synth time) or inline text. */
export type CamelSource =
  | { readonly file: string; readonly name?: string }
  | { readonly inline: string; readonly name: string };

/** Props of `CamelIntegration`. */
export interface CamelIntegrationProps extends CamelIntegrationOptions {
  /** Name of the Integration. */
  readonly name: string;
  /** The route. Its `{{topic.<key>}}`, `{{kafka.*}}` and `{{rabbitmq.*}}` placeholders must name references given below. */
  readonly source: CamelSource;
  /** The IntegrationPlatform that builds it (same namespace). */
  readonly platform: CamelIntegrationPlatform;
  /**
   * Kafka cluster and topics by placeholder key: `{{kafka.bootstrap}}` and `{{topic.<key>}}` in the route.
   * @default - no Kafka
   */
  readonly kafka?: { readonly cluster: IKafkaCluster; readonly topics: Readonly<Record<string, KafkaTopic>> };
  /**
   * RabbitMQ cluster: `{{rabbitmq.addresses}}`, `{{rabbitmq.host}}`, `{{rabbitmq.port}}`, and `{{rabbitmq.username}}` /
   * `{{rabbitmq.password}}` from the keys `username` and `password` of `credentialsSecret` (the keys of the operator's
   * `<cluster>-default-user`), given to the container as `RABBITMQ_USERNAME` / `RABBITMQ_PASSWORD`, which Camel on
   * Quarkus reads for those properties (MicroProfile Config's environment variable names). The Secret must be in the
   * integration's namespace: the operator's own is only usable by an integration in the cluster's namespace.
   * @default - no RabbitMQ
   */
  readonly rabbitmq?: { readonly cluster: IRabbitmqCluster; readonly credentialsSecret?: string };
  /**
   * The integration's Kafka user, required when the cluster authenticates clients (SCRAM-SHA-512): the properties
   * `camel.component.kafka.security-protocol` and `.sasl-mechanism`, and the JAAS configuration from the user's Secret
   * (which must be in the integration's namespace: `reflectTo`) as `CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG`.
   * @default - none (the cluster must not require authentication)
   */
  readonly kafkaUser?: KafkaUser;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const EXTENSIONS: Readonly<Record<string, CamelLanguage>> = { '.yaml': 'yaml', '.yml': 'yaml', '.groovy': 'groovy', '.java': 'java', '.xml': 'xml' };

/**
 * A Camel K `Integration` (`camel.apache.org/v1`): one route (from a file or inline), its container resources
 * (container trait), and the Camel properties derived from typed references to Kafka topics and a RabbitMQ cluster.
 * A placeholder in the route that no reference provides (`{{topic.orders}}` without an `orders` topic) is an error
 * at synth time, as is a topic of another Kafka cluster.
 *
 * @see https://camel.apache.org/camel-k/latest/traits/container.html
 */
export class CamelIntegration extends Construct {
  public readonly integrationName: string;
  public readonly namespace: string;
  /** The Camel properties rendered (`key=value`), sorted. */
  public readonly properties: readonly string[];

  public constructor(scope: Construct, id: string, props: CamelIntegrationProps) {
    super(scope, id);
    this.integrationName = props.name;
    const namespace = Chart.of(this).namespace ?? props.platform.namespace;
    const what = `CamelIntegration '${props.name}'`;
    const check = new PropsValidator(this, what);
    check.props(CamelIntegrationOptionsSchema, props, ['name', 'source', 'platform', 'kafka', 'rabbitmq', 'kafkaUser'], what);
    check.dnsLabel('name', props.name, 'kafka-rabbitmq-bridge');
    check.check(props.platform.namespace === namespace, 'platform', `the IntegrationPlatform is in namespace '${props.platform.namespace}', the integration in '${namespace}'`, props.platform.namespace, "build integrations with their own namespace's IntegrationPlatform");
    const resources = deepMerge<ResourceSettings>({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } }, props.resources);
    check.resources('resources', resources);

    const { name: sourceName, content } = this.readSource(props.source, check);
    const derived = new Map<string, string>();
    /** Placeholders a mounted Secret provides. */
    const provided = new Set<string>();
    /** Environment variables of the integration container, from Secrets of its namespace. */
    const env: { name: string; secret: string; key: string }[] = [];
    if (props.kafka !== undefined) {
      derived.set('kafka.bootstrap', props.kafka.cluster.bootstrap.plain);
      derived.set('kafka.bootstrap.tls', props.kafka.cluster.bootstrap.tls);
      for (const [key, topic] of Object.entries(props.kafka.topics)) {
        if (!props.kafka.cluster.hasTopic(topic)) {
          check.add(`kafka.topics.${key}`, `topic '${topic.topicName}' is not a topic of Kafka cluster '${props.kafka.cluster.clusterName}'`, topic.topicName, `use a topic of '${props.kafka.cluster.clusterName}' (kafka.topic('<name>'))`);
        }
        derived.set(`topic.${key}`, topic.topicName);
      }
      if (props.kafka.cluster.authentication !== undefined) {
        check.check(props.kafkaUser !== undefined, 'kafkaUser', `Kafka cluster '${props.kafka.cluster.clusterName}' authenticates clients (${props.kafka.cluster.authentication}), and the integration has no Kafka user`, undefined, 'give the integration a KafkaUser granted its topics (kafkaUser)');
        if (props.kafkaUser !== undefined) {
          const user = props.kafkaUser;
          check.check(user.credentialsIn(namespace), 'kafkaUser', `the credentials of Kafka user '${user.userName}' are in namespace '${user.credentials.namespace}', which a pod in '${namespace}' cannot read`, user.reflectedTo,
            `copy them here: new KafkaUser(..., { reflectTo: ['${namespace}'] }) (Reflector must run in the cluster)`);
          derived.set('camel.component.kafka.security-protocol', 'SASL_PLAINTEXT');
          derived.set('camel.component.kafka.sasl-mechanism', 'SCRAM-SHA-512');
          derived.set('kafka.user', user.userName);
          env.push({ name: 'CAMEL_COMPONENT_KAFKA_SASL_JAAS_CONFIG', secret: user.credentials.secretName, key: user.credentials.jaasConfigKey });
        }
      }
      recordDependency(this, props.kafka.cluster);
    }
    if (props.rabbitmq !== undefined) {
      const rabbit = props.rabbitmq.cluster;
      const secret = props.rabbitmq.credentialsSecret;
      derived.set('rabbitmq.addresses', `${rabbit.connection.host}:${rabbit.connection.port}`);
      derived.set('rabbitmq.host', rabbit.connection.host);
      derived.set('rabbitmq.port', String(rabbit.connection.port));
      if (secret !== undefined) {
        provided.add('rabbitmq.username');
        provided.add('rabbitmq.password');
        env.push({ name: 'RABBITMQ_USERNAME', secret, key: rabbit.connection.credentials.usernameKey }, { name: 'RABBITMQ_PASSWORD', secret, key: rabbit.connection.credentials.passwordKey });
      }
      recordDependency(this, rabbit);
    }
    for (const match of content.matchAll(PLACEHOLDER)) {
      const key = match[1] as string;
      if (!/^(kafka|topic|rabbitmq)\./.test(key) || derived.has(key) || provided.has(key)) continue;
      const known = [...derived.keys(), ...provided].filter((k) => k.split('.')[0] === key.split('.')[0]);
      const fix = key.startsWith('topic.') ? `pass the topic as kafka.topics.${key.slice('topic.'.length)} (one of the cluster's topics)` : key.startsWith('kafka.') ? 'pass kafka: { cluster, topics }' : 'pass rabbitmq: { cluster }';
      check.add('source', `the route uses {{${key}}}, which no reference of the integration provides (provided: ${known.join(', ') || 'none'})`, key, fix);
    }
    check.throwIfInvalid();
    this.namespace = namespace;

    const properties = new Map<string, string>([...derived, ...Object.entries(props.properties ?? {})]);
    this.properties = [...properties].sort(([a], [b]) => compareText(a, b)).map(([k, v]) => `${k}=${v}`);
    new camel.Integration(this, 'Resource', {
      metadata: {
        name: this.integrationName,
        namespace: this.namespace,
        labels: componentLabels({ name: 'camel-integration', instance: this.integrationName, component: 'integration' }),
        annotations: { 'camel.apache.org/operator.id': props.platform.operatorId },
      },
      spec: {
        replicas: props.replicas ?? 1,
        sources: [{ name: sourceName, content }],
        traits: {
          container: {
            requestCpu: resources.requests.cpu,
            requestMemory: resources.requests.memory,
            limitCpu: resources.limits.cpu,
            limitMemory: resources.limits.memory,
          },
          camel: { properties: [...this.properties] },
        },
        // The pod template's `integration` container is merged into the one running the route (pod trait docs).
        ...(env.length > 0 ? {
          template: {
            spec: {
              containers: [{
                name: 'integration',
                env: env.map((e) => ({ name: e.name, valueFrom: { secretKeyRef: { name: e.secret, key: e.key } } })),
              }],
            },
          },
        } : {}),
      },
    });
  }

  private readSource(source: CamelSource, check: PropsValidator): { name: string; content: string } {
    if ('inline' in source) {
      if (EXTENSIONS[path.extname(source.name)] === undefined) check.add('source.name', `'${source.name}' has no Camel K language extension`, source.name, `name it with one of ${Object.keys(EXTENSIONS).join(', ')}`);
      return { name: source.name, content: source.inline };
    }
    const name = source.name ?? path.basename(source.file);
    if (EXTENSIONS[path.extname(name)] === undefined) check.add('source.file', `'${name}' has no Camel K language extension`, source.file, `use one of ${Object.keys(EXTENSIONS).join(', ')}`);
    try {
      return { name, content: fs.readFileSync(source.file, 'utf8') };
    } catch {
      check.add('source.file', `cannot read '${source.file}'`, source.file, 'give the path of the route file (e.g. path.join(__dirname, "routes/bridge.yaml"))');
      return { name, content: '' };
    }
  }
}
