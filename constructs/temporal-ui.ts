import { Construct } from 'constructs';
import { recordDependency } from './lib/context';
import { DevToolOptions, DevToolOptionsSchema, devToolWorkload } from './lib/dev-tools';
import { ImageSettings } from './lib/images';
import { PropsValidator } from './lib/validation';
import { Microservice } from './microservice';
import { TemporalServer } from './temporal-server';

/** What an environment or a catalog entry may set on a `TemporalUi`. */
export const TemporalUiOptionsSchema = DevToolOptionsSchema;

/** What an environment or a catalog entry may set on a `TemporalUi`. */
export type TemporalUiOptions = DevToolOptions;

/** Props of `TemporalUi`. */
export interface TemporalUiProps extends TemporalUiOptions {
  /** Image (`temporalio/ui:v2.53.3`'s tag `2.53.3`). */
  readonly image: ImageSettings;
  /** The server, by reference (`TEMPORAL_ADDRESS`). */
  readonly server: TemporalServer;
}

/**
 * Temporal's web UI, connected to a `TemporalServer` by reference; HTTP on 8080 (`http`), probed on `/healthz`,
 * as the image's `temporal` user (uid 1000).
 *
 * @see https://github.com/temporalio/ui/tree/v2.53.3/server (Dockerfile, route/health.go)
 */
export class TemporalUi extends Construct {
  public readonly workload: Microservice;

  public constructor(scope: Construct, id: string, props: TemporalUiProps) {
    super(scope, id);
    const what = `TemporalUi '${props.name ?? id}'`;
    const check = new PropsValidator(this, what);
    check.props(TemporalUiOptionsSchema, props, ['image', 'server'], what);
    check.throwIfInvalid();
    this.workload = devToolWorkload(this, props, {
      name: id,
      component: 'workflow-ui',
      image: props.image,
      port: 8080,
      healthCheck: { path: '/healthz' },
      env: { TEMPORAL_ADDRESS: props.server.address, TEMPORAL_UI_PORT: '8080' },
      runAsUser: { uid: 1000, gid: 1000, fsGroup: 1000 },
      writablePaths: ['/tmp'],
      resources: { requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
    });
    recordDependency(this, props.server);
    // No NetworkPolicy admitting only the UI: the server's gRPC route (through the Gateway) and its workers
    // connect too.
  }
}
