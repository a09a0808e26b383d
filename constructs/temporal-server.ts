import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { recordDependency } from './lib/context';
import { DevToolOptionsSchema, devToolWorkload } from './lib/dev-tools';
import { ImageSettings } from './lib/images';
import { z } from './lib/options';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';
import { DatabaseRef } from './shared-postgres';

/** What an environment or a catalog entry may set on a `TemporalServer`. */
export const TemporalServerOptionsSchema = DevToolOptionsSchema.extend({
  /**
   * Namespace created at setup (`DEFAULT_NAMESPACE`).
   * @default 'default'
   */
  defaultNamespace: z.string().regex(/^[A-Za-z0-9._-]{2,255}$/, { error: 'must be a Temporal namespace name' }).optional(),
});

/** What an environment or a catalog entry may set on a `TemporalServer`. */
export type TemporalServerOptions = z.infer<typeof TemporalServerOptionsSchema>;

/** Props of `TemporalServer`. */
export interface TemporalServerProps extends TemporalServerOptions {
  /** Image (`temporalio/auto-setup:1.26.2`). */
  readonly image: ImageSettings;
  /** The main database on the shared PostgreSQL cluster. */
  readonly database: DatabaseRef;
  /** The visibility database, on the same cluster and with the same owner. */
  readonly visibilityDatabase: DatabaseRef;
}

/** Temporal's frontend gRPC port. */
export const TEMPORAL_GRPC_PORT = 7233;

/**
 * Temporal server (the `auto-setup` image: it creates the schema, then starts every service in one process) on
 * two databases of a shared PostgreSQL cluster, by reference: `POSTGRES_SEEDS` is the cluster's `-rw` host, the
 * user and password come from the owner's Secret, and the databases exist already (CloudNativePG `Database`s),
 * so `SKIP_DB_CREATE`. gRPC on 7233 (`grpc`, for a `GrpcRoute`).
 *
 * Exception: the image renders its configuration next to its template in `/etc/temporal/config` at start, so
 * its root file system stays writable (this container only, named in the pod's
 * `platform-synth.io/writable-root-filesystem` annotation).
 *
 * @see https://github.com/temporalio/docker-builds/blob/main/docker/auto-setup.sh (DB, POSTGRES_SEEDS, DBNAME, VISIBILITY_DBNAME, SKIP_DB_CREATE)
 * @see https://github.com/temporalio/docker-builds/blob/main/docker/entrypoint.sh (dockerize -template)
 */
export class TemporalServer extends Construct {
  public readonly workload: Microservice;
  /** Frontend address for clients and the UI (`<name>.<namespace>.svc:7233`). */
  public readonly address: string;

  public constructor(scope: Construct, id: string, props: TemporalServerProps) {
    super(scope, id);
    const name = props.name ?? id;
    const what = `TemporalServer '${name}'`;
    const check = new PropsValidator(this, what);
    check.props(TemporalServerOptionsSchema, props, ['image', 'database', 'visibilityDatabase'], what);
    check.check(props.visibilityDatabase.cluster === props.database.cluster && props.visibilityDatabase.namespace === props.database.namespace, 'visibilityDatabase',
      `the visibility database is on cluster '${props.visibilityDatabase.cluster}', the main one on '${props.database.cluster}' (Temporal uses one host for both)`, props.visibilityDatabase.cluster, 'declare both databases on the same shared cluster');
    check.check(props.visibilityDatabase.credentials.secretName === props.database.credentials.secretName, 'visibilityDatabase',
      'the two databases have different owners; Temporal logs in to both with one user', props.visibilityDatabase.credentials.secretName, "give both databases the same owner (databases: { temporal_visibility: { owner: 'temporal' } })");
    const namespace = Chart.of(this).namespace;
    check.check(namespace === props.database.namespace, 'database', `database '${props.database.database}' is in namespace '${props.database.namespace}', where its credentials Secret is; Temporal runs in '${namespace}'`, namespace,
      `run Temporal in '${props.database.namespace}' (the shared cluster's namespace)`);
    check.throwIfInvalid();
    const db = props.database;
    this.workload = devToolWorkload(this, { resources: props.resources, name }, {
      name,
      component: 'workflow-engine',
      image: props.image,
      ports: { grpc: { port: TEMPORAL_GRPC_PORT, protocol: 'grpc' } },
      probes: {
        // Schema setup on first start takes a while.
        startup: { tcp: { port: 'grpc' }, periodSeconds: 5, failureThreshold: 60 },
        liveness: { tcp: { port: 'grpc' } },
        readiness: { tcp: { port: 'grpc' } },
      },
      env: {
        DB: 'postgres12',
        DB_PORT: String(db.port),
        POSTGRES_SEEDS: db.host,
        DBNAME: db.database,
        VISIBILITY_DBNAME: props.visibilityDatabase.database,
        SKIP_DB_CREATE: 'true',
        DEFAULT_NAMESPACE: props.defaultNamespace ?? 'default',
      },
      secretEnv: {
        POSTGRES_USER: { secret: db.credentials.secretName, key: db.credentials.usernameKey },
        POSTGRES_PWD: { secret: db.credentials.secretName, key: db.credentials.passwordKey },
      },
      runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
      writablePaths: ['/tmp'],
      resources: { requests: { cpu: '200m', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    }, { reason: 'the image templates /etc/temporal/config/docker.yaml beside its template at start' });
    recordDependency(this, db.owner);
    this.address = `${this.workload.name}.${this.workload.namespace}.svc:${TEMPORAL_GRPC_PORT}`;
  }
}
