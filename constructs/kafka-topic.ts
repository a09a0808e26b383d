import { Construct } from 'constructs';
import * as strimzi from '../imports/kafka.strimzi.io';
import { kafkaTopicNameProblem, replicationProblems, topicConfigProblem } from './lib/kafka-rules';
import { componentLabels } from './lib/labels';
import { dnsLabelProblem } from './lib/names';
import { requireConfirmedDeletion } from './lib/retention';
import { PropsValidator } from './lib/validation';
import { z } from './lib/options';

/** Topic-level Kafka configuration (`retention.ms`, `cleanup.policy`, ...). */
export type KafkaTopicConfig = Readonly<Record<string, string | number | boolean>>;

/** What a topic needs to know about its cluster. */
export interface KafkaTopicCluster {
  /** Name of the Strimzi `Kafka` resource (the `strimzi.io/cluster` label). */
  readonly clusterName: string;
  /** Namespace of the cluster (topics must live next to it). */
  readonly namespace: string;
  /** Number of brokers (topic replicas must not exceed it). */
  readonly brokers: number;
  /** Kafka version (for the version label). */
  readonly version: string;
  /** Partitions of topics that set none. */
  readonly defaultPartitions: number;
  /** Replicas of topics that set none. */
  readonly defaultReplicas: number;
  /** `min.insync.replicas` of the cluster (topics default to it, below their replicas). */
  readonly minInsyncReplicas: number;
}

/** What a catalog entry may set on a topic. */
export const KafkaTopicOptionsSchema = z.strictObject({
  /**
   * Partitions.
   * @default - the cluster's default partitions
   */
  partitions: z.number().optional(),
  /**
   * Replicas (at most the number of brokers).
   * @default - the cluster's default replicas
   */
  replicas: z.number().optional(),
  /**
   * `min.insync.replicas` of the topic (lower than `replicas`).
   * @default - the cluster's, kept below the topic's replicas
   */
  minInsyncReplicas: z.number().optional(),
  /**
   * Further topic configuration.
   * @default {}
   */
  config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** What a catalog entry may set on a topic. */
export type KafkaTopicOptions = z.infer<typeof KafkaTopicOptionsSchema>;

/** Props of `KafkaTopic`. */
export interface KafkaTopicProps extends KafkaTopicOptions {
  readonly cluster: KafkaTopicCluster;
  /** Kafka topic name, e.g. `identity.events`. */
  readonly topicName: string;
}

/**
 * The Kubernetes object name of a topic: a DNS label derived from the topic name (`identity.events` becomes
 * `identity-events`); the real name goes to `spec.topicName`.
 */
export function topicResourceName(topicName: string): string {
  return topicName.toLowerCase().replace(/[._]/g, '-');
}

/**
 * A Strimzi `KafkaTopic` (`kafka.strimzi.io/v1`), managed by the cluster's topic operator. Create topics with
 * `KafkaPlatform.addTopic()`; services reference the returned object, so a topic they use always exists.
 */
export class KafkaTopic extends Construct {
  public readonly topicName: string;
  public readonly resourceName: string;
  public readonly partitions: number;
  public readonly replicas: number;
  public readonly minInsyncReplicas: number;
  public readonly config: KafkaTopicConfig;
  public readonly cluster: KafkaTopicCluster;

  public constructor(scope: Construct, id: string, props: KafkaTopicProps) {
    super(scope, id);
    this.topicName = props.topicName;
    this.resourceName = topicResourceName(props.topicName ?? '');
    this.partitions = props.partitions ?? props.cluster.defaultPartitions;
    this.replicas = props.replicas ?? props.cluster.defaultReplicas;
    this.minInsyncReplicas = props.minInsyncReplicas ?? Math.min(props.cluster.minInsyncReplicas, Math.max(1, this.replicas - 1));
    this.config = props.config ?? {};
    this.cluster = props.cluster;

    const check = new PropsValidator(this, `KafkaTopic '${String(props.topicName)}' of cluster '${props.cluster.clusterName}'`);
    check.props(KafkaTopicOptionsSchema, props, ['cluster', 'topicName'], `topic '${String(props.topicName)}'`);
    const nameProblem = kafkaTopicNameProblem(props.topicName);
    if (nameProblem) {
      check.add('topicName', nameProblem, props.topicName, "use a name such as 'identity.events'");
    } else {
      const resourceProblem = dnsLabelProblem(this.resourceName);
      if (resourceProblem) check.add('topicName', `its resource name '${this.resourceName}' ${resourceProblem}`, props.topicName, 'use a shorter topic name');
    }
    check.integer('partitions', this.partitions, 1, 10000);
    for (const problem of replicationProblems(this.replicas, this.minInsyncReplicas, props.cluster.brokers)) {
      check.add(problem.startsWith('min.insync') ? 'minInsyncReplicas' : 'replicas', problem, problem.startsWith('min.insync') ? this.minInsyncReplicas : this.replicas,
        `keep replicas <= ${props.cluster.brokers} (the brokers) and min.insync.replicas < replicas`);
    }
    for (const key of Object.keys(this.config)) {
      const problem = key === 'min.insync.replicas' ? undefined : topicConfigProblem(key);
      if (problem) check.add(`config.${key}`, problem, this.config[key], 'use a topic configuration from https://kafka.apache.org/documentation/#topicconfigs');
    }
    if ('min.insync.replicas' in this.config) {
      check.add('config', "set 'minInsyncReplicas' instead of config['min.insync.replicas'] so it is checked against the replicas", this.config['min.insync.replicas'], "move the value to 'minInsyncReplicas'");
    }
    check.throwIfInvalid();

    const resource = new strimzi.KafkaTopic(this, 'Resource', {
      metadata: {
        name: this.resourceName,
        namespace: props.cluster.namespace,
        labels: {
          ...componentLabels({ name: 'kafka-topic', instance: this.resourceName, component: 'messaging', version: props.cluster.version }),
          'strimzi.io/cluster': props.cluster.clusterName,
        },
      },
      spec: {
        topicName: this.topicName,
        partitions: this.partitions,
        replicas: this.replicas,
        config: { ...this.config, 'min.insync.replicas': this.minInsyncReplicas },
      },
    });
    // The topic operator deletes the topic, and its messages, with the resource.
    requireConfirmedDeletion(resource);
  }
}
