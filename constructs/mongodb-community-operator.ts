import { Construct } from 'constructs';
import { HelmApplication, OperatorProps } from './helm-application';
import { imageReference } from './lib/images';
import { CRD_AND_RBAC } from './lib/kinds';
import { onPrepare } from './lib/prepare';
import { MongoDbCommunity } from './mongodb-community';

/**
 * MongoDB Community operator release of the imported CRD (cdk8s.yaml: v0.13.0); its Helm chart
 * `community-operator` has the same version (mongodb/helm-charts `charts/community-operator/Chart.yaml`).
 * Upgrade both with the CRD (change cdk8s.yaml, `npm run import`), never per environment.
 */
export const MONGODB_COMMUNITY_OPERATOR_VERSION = '0.13.0';

/** Props of `MongoDbCommunityOperator`. */
export interface MongoDbCommunityOperatorProps extends OperatorProps {
  /**
   * Namespace the operator runs in (it watches every namespace).
   * @default 'mongodb-operator'
   */
  readonly namespace?: string;
}

/**
 * The MongoDB Community operator: the upstream Helm chart `community-operator` (operator and CRD) at the release
 * whose CRD is imported, watching every namespace (`operator.watchNamespace: '*'`, a ClusterRole), so that the
 * replica sets of several environments on one cluster share it. The chart creates the database pods'
 * ServiceAccount only in its own namespace; `MongoDbCommunity` renders it beside each replica set.
 *
 * @see https://github.com/mongodb/helm-charts/tree/main/charts/community-operator
 */
export class MongoDbCommunityOperator extends HelmApplication {
  public constructor(scope: Construct, id: string, props: MongoDbCommunityOperatorProps) {
    const mirror = props.context.registryMirror;
    const quay = (name: string, tag: string): string => imageReference({ repository: `quay.io/mongodb/${name}`, tag }, mirror);
    super(scope, id, {
      ...props,
      namespace: props.namespace ?? 'mongodb-operator',
      repoURL: props.repoURL ?? 'https://mongodb.github.io/helm-charts',
      chart: 'community-operator',
      version: MONGODB_COMMUNITY_OPERATOR_VERSION,
      defaultValues: {
        operator: {
          watchNamespace: '*',
          resources: { requests: { cpu: '200m', memory: '200Mi' }, limits: { cpu: '1', memory: '1Gi' } },
        },
        // The chart composes <registry.x>/<name>:<version>: the mirror keeps quay.io (and docker.io) under it.
        ...(mirror ? {
          registry: { agent: `${mirror}/quay.io/mongodb`, versionUpgradeHook: `${mirror}/quay.io/mongodb`, readinessProbe: `${mirror}/quay.io/mongodb`, operator: `${mirror}/quay.io/mongodb` },
          mongodb: { repo: `${mirror}/docker.io/mongodb` },
        } : {}),
      },
      // The images of values.yaml at chart 0.13.0 (operator, agent, readiness probe, version upgrade hook).
      images: [
        quay('mongodb-kubernetes-operator', MONGODB_COMMUNITY_OPERATOR_VERSION),
        quay('mongodb-agent-ubi', '108.0.6.8796-1'),
        quay('mongodb-kubernetes-readinessprobe', '1.0.23'),
        quay('mongodb-kubernetes-operator-version-upgrade-post-start-hook', '1.0.10'),
      ],
      clusterScopedKinds: CRD_AND_RBAC,
      providesApiGroups: ['mongodbcommunity.mongodb.com'],
      // The operator pod sets runAsNonRoot but no seccomp profile or dropped capabilities.
      podSecurity: 'baseline',
      serverSideApply: true,
    });
    // The server image of every replica set using this operator: <mongodb.repo>/mongodb-community-server:<version>-ubi8
    // (values.yaml `mongodb` of chart 0.13.0).
    onPrepare(this, 'derive', () => {
      for (const db of this.node.root.node.findAll()) {
        if (db instanceof MongoDbCommunity && db.operator === this) {
          this.addImages(imageReference({ repository: 'docker.io/mongodb/mongodb-community-server', tag: `${db.version}-ubi8` }, mirror));
        }
      }
    });
  }
}
