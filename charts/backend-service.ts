import { App } from 'cdk8s';
import { ApplicationChart } from '../constructs/application-chart';
import { IApplication } from '../constructs/lib/context';
import { imageVersion } from '../constructs/lib/images';
import { Runtime } from '../constructs/lib/runtimes';
import { HealthCheck, KafkaClientOptions, ServiceWithPostgres } from '../constructs/service-with-postgres';
import { IVolumeProvider } from '../constructs/volume-provider';
import { EnvironmentConfig, platformContext, ServiceName, workloadSettings } from '../environments/types';

/** What differs between the backend services (the same in every environment). */
export interface BackendServiceSpec {
  readonly name: ServiceName;
  readonly runtime: Runtime;
  readonly port: number;
  readonly healthCheck: HealthCheck;
  /** Database (and role) name. */
  readonly database: string;
  /** Whether the service gets its own Redis. */
  readonly redis: boolean;
  /** Kafka client settings, without the cluster. */
  readonly kafka?: Omit<KafkaClientOptions, 'cluster'>;
}

/** Dependencies a backend service is wired to. */
export interface BackendServiceWiring {
  readonly storage: IVolumeProvider;
  readonly kafka: KafkaClientOptions['cluster'];
  /** The CloudNativePG operator application (only with the cloudnative-pg engine). */
  readonly postgresOperator?: IApplication;
}

/** One backend service application: the service, its PostgreSQL and (optionally) Redis. */
export class BackendServiceChart extends ApplicationChart {
  public readonly service: ServiceWithPostgres;

  public constructor(scope: App, env: EnvironmentConfig, spec: BackendServiceSpec, wiring: BackendServiceWiring) {
    const image = env.images[spec.name];
    super(scope, spec.name, { context: platformContext(env), namespace: env.namespace, version: imageVersion(image) });
    const workload = workloadSettings(env, spec.name);
    const pg = env.postgres;
    this.service = new ServiceWithPostgres(this, spec.name, {
      image,
      runtime: spec.runtime,
      port: spec.port,
      healthCheck: spec.healthCheck,
      replicas: workload.replicas,
      resources: workload.resources,
      env: workload.env,
      nodePort: env.apps[spec.name].nodePort,
      database: {
        engine: pg.engine,
        image: pg.engine === 'cloudnative-pg' ? env.images['cnpg-postgres'] : env.images.postgres,
        databaseName: spec.database,
        credentials: { mode: pg.credentials },
        instances: pg.instances,
        size: pg.storageSize,
        resources: pg.resources,
        storage: wiring.storage,
        operator: wiring.postgresOperator,
      },
      redis: spec.redis ? { image: env.images.redis, resources: env.redis.resources } : undefined,
      kafka: spec.kafka ? { ...spec.kafka, cluster: wiring.kafka } : undefined,
    });
  }
}
