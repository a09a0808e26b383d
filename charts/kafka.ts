import { App } from 'cdk8s';
import { ApplicationChart } from '../constructs/application-chart';
import { KafkaPlatform } from '../constructs/kafka-platform';
import { IApplication } from '../constructs/lib/context';
import { IVolumeProvider } from '../constructs/volume-provider';
import { EnvironmentConfig, platformContext } from '../environments/types';

/** Topics of the platform's event bus. */
export const PLATFORM_TOPICS = ['identity.events', 'user.events', 'blog.events', 'platform-dlq'] as const;

/** The `kafka` application: Kafka cluster `platform-kafka` (KRaft) in namespace `kafka`, with the platform topics. */
export class KafkaChart extends ApplicationChart {
  public readonly platform: KafkaPlatform;

  public constructor(scope: App, env: EnvironmentConfig, storage: IVolumeProvider, operator: IApplication) {
    super(scope, 'kafka', { context: platformContext(env), namespace: 'kafka', version: env.kafka.version, podSecurity: 'baseline' });
    const kafka = env.kafka;
    this.platform = new KafkaPlatform(this, 'platform-kafka', {
      version: kafka.version,
      nodePools: kafka.nodePools,
      storage,
      storageSize: kafka.storageSize,
      defaultReplicas: kafka.topicReplicas,
      minInsyncReplicas: kafka.minInsyncReplicas,
      defaultPartitions: kafka.topicPartitions,
      metrics: kafka.metrics,
      resources: kafka.resources,
      operator,
    });
    for (const topic of PLATFORM_TOPICS) this.platform.addTopic(topic);
  }
}
