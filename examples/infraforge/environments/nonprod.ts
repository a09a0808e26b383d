/**
 * The `nonprod` cluster (the seed's cluster type): dev, qa and staging run on it, each in a namespace of its own.
 * Its operators are rendered once, into dist/nonprod/; its local volumes live on three worker nodes.
 */
import { defineCluster } from '../../../tools/kit';
import { base } from './base';

export const nonprod = defineCluster(base, {
  name: 'nonprod',
  // The highest stage of its environments: staging refuses floating tags, so the add-ons pin theirs.
  stage: 'staging',
  // The seed's layout: a platform root and an apps root for the cluster, each syncing one ApplicationSet per
  // environment (`<env>-platform`, `<env>-apps`); the apps root waits for the platform root (README, "Argo CD").
  gitops: { applicationSets: 'platform-and-apps' },
  storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['nonprod-worker-1', 'nonprod-worker-2', 'nonprod-worker-3'], root: '/mnt/data' },
  apps: {
    // Strimzi and the RabbitMQ operator watch their own namespace only unless told otherwise. They watch every
    // namespace here (cluster-wide bindings): a list of the environments' namespaces would make the charts render
    // RoleBindings into namespaces that only the environments' roots create, after the operators, so the first
    // sync of the cluster would fail. Chart values: Strimzi `watchAnyNamespace`, RabbitMQ
    // `clusterOperator.watchAllNamespaces`.
    'strimzi-operator': { values: { watchAnyNamespace: true } },
    'rabbitmq-operator': { values: { clusterOperator: { watchAllNamespaces: true } } },
  },
});
