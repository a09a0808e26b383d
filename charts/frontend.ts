import { App } from 'cdk8s';
import { ApplicationChart } from '../constructs/application-chart';
import { Frontend } from '../constructs/frontend';
import { imageVersion } from '../constructs/lib/images';
import { IHttpBackend } from '../constructs/lib/workload';
import { EnvironmentConfig, platformContext, workloadSettings } from '../environments/types';

/** Backends the frontend calls (server-side) by URL. */
export interface FrontendBackends {
  readonly identity: IHttpBackend;
  readonly users: IHttpBackend;
  readonly blog: IHttpBackend;
}

/** The `frontend` application: the Next.js web app on healthxcape.com, www. and auth. */
export class FrontendChart extends ApplicationChart {
  public readonly frontend: Frontend;

  public constructor(scope: App, env: EnvironmentConfig, backends: FrontendBackends) {
    const image = env.images.frontend;
    super(scope, 'frontend', { context: platformContext(env), namespace: env.namespace, version: imageVersion(image) });
    const workload = workloadSettings(env, 'frontend');
    this.frontend = new Frontend(this, 'frontend', {
      image,
      hosts: env.apps.frontend.hosts,
      port: 3000,
      // The Next.js app has no /health route; it answers / (a /health probe failed it in the reference cluster).
      healthCheckPath: '/',
      replicas: workload.replicas,
      resources: workload.resources,
      env: workload.env,
      backends: {
        IDENTITY_API_URL: backends.identity,
        USER_API_URL: backends.users,
        BLOG_API_URL: backends.blog,
      },
      tls: { clusterIssuer: env.ingress.clusterIssuer },
      ingressClassName: env.ingress.className,
    });
  }
}
