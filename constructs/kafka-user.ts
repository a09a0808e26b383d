import { Construct } from 'constructs';
import * as strimzi from '../imports/kafka.strimzi.io';
import { IKafkaCluster } from './kafka-platform';
import { KafkaTopic } from './kafka-topic';
import { recordDependency } from './lib/context';
import { componentLabels } from './lib/labels';
import { dnsLabelProblem } from './lib/names';
import { PropsValidator } from './lib/validation';
import { reflectionAnnotations } from './reflector';
import { compareText } from './lib/order';

/** Props of `KafkaUser`. */
export interface KafkaUserProps {
  /** The cluster (it must have `authentication: 'scram-sha-512'`). */
  readonly cluster: IKafkaCluster;
  /** User name: the KafkaUser and the Secret the User Operator writes (`password`, `sasl.jaas.config`). */
  readonly userName: string;
  /**
   * Topics the client reads (Read and Describe).
   * @default []
   */
  readonly consumes?: readonly KafkaTopic[];
  /**
   * Topics the client writes (Write and Describe).
   * @default []
   */
  readonly produces?: readonly KafkaTopic[];
  /**
   * Describe every topic and consumer group (what a monitoring client such as Backstage's Kafka plugin needs).
   * @default false
   */
  readonly describesAll?: boolean;
  /**
   * Consumer group the client reads with (Read), required when it consumes.
   * @default - the user name
   */
  readonly consumerGroup?: string;
  /**
   * Namespaces the credentials Secret is copied into (by Reflector, through the Secret template's annotations), so
   * clients outside the cluster's namespace can read it. Reflector must run in the cluster.
   * @default [] (the Secret stays in the cluster's namespace)
   */
  readonly reflectTo?: readonly string[];
}

/** Where a KafkaUser's credentials are: the Secret the User Operator writes in the cluster's namespace. */
export interface KafkaUserCredentials {
  readonly namespace: string;
  readonly secretName: string;
  readonly passwordKey: 'password';
  readonly jaasConfigKey: 'sasl.jaas.config';
}

/**
 * A Strimzi `KafkaUser` (`kafka.strimzi.io/v1`) with SCRAM-SHA-512 credentials and simple ACLs derived from typed
 * topic references: Read/Describe on the topics it consumes and on its consumer group, Write/Describe on the topics it
 * produces, nothing else. The User Operator generates the password into the Secret `<user>` (never rendered).
 *
 * @see https://strimzi.io/docs/operators/latest/configuring.html#type-KafkaUser-reference
 */
export class KafkaUser extends Construct {
  public readonly userName: string;
  public readonly credentials: KafkaUserCredentials;
  /** Namespaces the credentials Secret is copied into. */
  public readonly reflectedTo: readonly string[];

  public constructor(scope: Construct, id: string, props: KafkaUserProps) {
    super(scope, id);
    this.userName = props.userName;
    const consumes = props.consumes ?? [];
    const produces = props.produces ?? [];
    const group = props.consumerGroup ?? props.userName;
    this.reflectedTo = [...new Set(props.reflectTo ?? [])].filter((ns) => ns !== props.cluster.namespace).sort();
    const check = new PropsValidator(this, `KafkaUser '${props.userName}'`);
    const nameProblem = dnsLabelProblem(props.userName);
    if (nameProblem) check.add('userName', `'userName' ${nameProblem}`, props.userName, "use a lower-case name such as 'kafka-rabbitmq-bridge'");
    check.check(props.cluster.authentication === 'scram-sha-512', 'cluster', `Kafka cluster '${props.cluster.clusterName}' has no authentication, so a KafkaUser would grant nothing`, props.cluster.authentication, "set authentication: 'scram-sha-512' on the Kafka cluster, or drop the user");
    for (const [field, topics] of [['consumes', consumes], ['produces', produces]] as const) {
      for (const topic of topics) {
        check.check(props.cluster.hasTopic(topic), field, `topic '${topic.topicName}' is not a topic of Kafka cluster '${props.cluster.clusterName}'`, topic.topicName, "grant topics of the user's own cluster");
      }
    }
    check.check(consumes.length + produces.length > 0 || props.describesAll === true, 'consumes', 'the user is granted no topic', [], 'list the topics it consumes or produces (or describesAll)');
    check.throwIfInvalid();
    recordDependency(this, props.cluster);

    const ops = strimzi.KafkaUserSpecAuthorizationAclsOperations;
    const topicAcl = (topic: KafkaTopic, operations: strimzi.KafkaUserSpecAuthorizationAclsOperations[]): strimzi.KafkaUserSpecAuthorizationAcls => ({
      resource: { type: strimzi.KafkaUserSpecAuthorizationAclsResourceType.TOPIC, name: topic.topicName, patternType: strimzi.KafkaUserSpecAuthorizationAclsResourcePatternType.LITERAL },
      operations,
    });
    const byName = (a: KafkaTopic, b: KafkaTopic): number => compareText(a.topicName, b.topicName);
    const acls: strimzi.KafkaUserSpecAuthorizationAcls[] = [
      ...[...consumes].sort(byName).map((t) => topicAcl(t, [ops.READ, ops.DESCRIBE])),
      ...[...produces].sort(byName).map((t) => topicAcl(t, [ops.WRITE, ops.DESCRIBE])),
      ...(consumes.length > 0 ? [{
        resource: { type: strimzi.KafkaUserSpecAuthorizationAclsResourceType.GROUP, name: group, patternType: strimzi.KafkaUserSpecAuthorizationAclsResourcePatternType.LITERAL },
        operations: [ops.READ],
      }] : []),
      // The literal name '*' is Kafka's wildcard: every topic, every group.
      ...(props.describesAll === true ? [strimzi.KafkaUserSpecAuthorizationAclsResourceType.TOPIC, strimzi.KafkaUserSpecAuthorizationAclsResourceType.GROUP].map((type) => ({
        resource: { type, name: '*', patternType: strimzi.KafkaUserSpecAuthorizationAclsResourcePatternType.LITERAL },
        operations: [ops.DESCRIBE],
      })) : []),
    ];
    new strimzi.KafkaUser(this, 'Resource', {
      metadata: {
        name: this.userName,
        namespace: props.cluster.namespace,
        labels: { ...componentLabels({ name: 'kafka-user', instance: this.userName, component: 'messaging' }), 'strimzi.io/cluster': props.cluster.clusterName },
      },
      spec: {
        authentication: { type: strimzi.KafkaUserSpecAuthenticationType.SCRAM_HYPHEN_SHA_HYPHEN_512 },
        authorization: { type: strimzi.KafkaUserSpecAuthorizationType.SIMPLE, acls },
        ...(this.reflectedTo.length > 0 ? { template: { secret: { metadata: { annotations: reflectionAnnotations(this.reflectedTo) } } } } : {}),
      },
    });
    this.credentials = { namespace: props.cluster.namespace, secretName: this.userName, passwordKey: 'password', jaasConfigKey: 'sasl.jaas.config' };
  }

  /** True when the credentials Secret exists in `namespace` (the cluster's, or one it is copied into). */
  public credentialsIn(namespace: string): boolean {
    return namespace === this.credentials.namespace || this.reflectedTo.includes(namespace);
  }
}
