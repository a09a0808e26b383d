import { Construct } from 'constructs';
import { IKafkaCluster, KafkaPlatform } from './kafka-platform';
import { recordDependency } from './lib/context';
import { DevToolOptionsSchema, devToolWorkload } from './lib/dev-tools';
import { ImageSettings } from './lib/images';
import { z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';

/** What an environment or a catalog entry may set on `KafkaUi`. */
export const KafkaUiOptionsSchema = DevToolOptionsSchema.extend({
  /**
   * The listener Kafka UI connects through.
   * @default 'plain'
   */
  listener: z.string().optional(),
  /**
   * Read-only mode (no topic changes, no message production).
   * @default false
   */
  readOnly: z.boolean().optional(),
});

/** What an environment or a catalog entry may set on `KafkaUi`. */
export type KafkaUiOptions = z.infer<typeof KafkaUiOptionsSchema>;

/** Props of `KafkaUi`. */
export interface KafkaUiProps extends KafkaUiOptions {
  /** Image (`ghcr.io/kafbat/kafka-ui:v1.5.0`). */
  readonly image: ImageSettings;
  /** The Kafka cluster, by reference. */
  readonly kafka: IKafkaCluster;
}

/**
 * Kafka UI (kafbat, the maintained fork of provectus/kafka-ui) connected to a Kafka cluster by reference: its
 * bootstrap address is the listener's (`KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS`), the Kafka cluster admits it, and it
 * is synced after the cluster. Web UI on 8080 (`http`), health on `/actuator/health`.
 *
 * @see https://github.com/kafbat/kafka-ui/blob/v1.5.0/api/Dockerfile
 */
export class KafkaUi extends Construct {
  public readonly workload: Microservice;

  public constructor(scope: Construct, id: string, props: KafkaUiProps) {
    super(scope, id);
    const what = `KafkaUi '${props.name ?? id}'`;
    const check = new PropsValidator(this, what);
    check.props(KafkaUiOptionsSchema, props, ['image', 'kafka'], what);
    const listenerName = props.listener ?? 'plain';
    check.check(props.kafka instanceof KafkaPlatform || listenerName === 'plain' || listenerName === 'tls', 'listener',
      `cluster '${props.kafka.clusterName}' is known by its bootstrap addresses only (plain, tls)`, listenerName, "use 'plain' or 'tls'");
    check.throwIfInvalid();
    const listener = props.kafka instanceof KafkaPlatform
      ? props.kafka.listener(listenerName)
      : { bootstrap: listenerName === 'tls' ? props.kafka.bootstrap.tls : props.kafka.bootstrap.plain, tls: listenerName === 'tls' };
    this.workload = devToolWorkload(this, props, {
      name: id,
      component: 'kafka-ui',
      image: props.image,
      port: 8080,
      healthCheck: { path: '/actuator/health' },
      // The image's kafkaui user is created by name only; a numeric non-root user the restricted profile can verify.
      runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
      writablePaths: ['/tmp', '/etc/kafkaui'],
      env: {
        KAFKA_CLUSTERS_0_NAME: props.kafka.clusterName,
        KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS: listener.bootstrap,
        ...(listener.tls ? { KAFKA_CLUSTERS_0_PROPERTIES_SECURITY_PROTOCOL: 'SSL' } : {}),
        ...(props.readOnly ? { KAFKA_CLUSTERS_0_READONLY: 'true' } : {}),
      },
      resources: { requests: { cpu: '100m', memory: '384Mi' }, limits: { cpu: '1', memory: '768Mi' } },
    });
    recordDependency(this, props.kafka);
  }
}
