/**
 * The `nonprod` cluster (the seed's cluster type): dev, qa and staging run on it, each in a namespace of its own.
 * Its operators are rendered once, into dist/nonprod/; its local volumes live on three worker nodes.
 */
import { defineCluster } from '../../../tools/kit';
import { base } from './base';

/** The namespaces of the environments on the cluster (the Strimzi operator watches exactly these). */
export const NONPROD_NAMESPACES = ['infraforge-dev', 'infraforge-qa', 'infraforge-staging'];

export const nonprod = defineCluster(base, {
  name: 'nonprod',
  // The highest stage of its environments: staging refuses floating tags, so the add-ons pin theirs.
  stage: 'staging',
  storage: { mode: 'local', storageClassName: 'local-storage', nodes: ['nonprod-worker-1', 'nonprod-worker-2', 'nonprod-worker-3'], root: '/mnt/data' },
  apps: {
    // Strimzi watches its own namespace only unless told otherwise (chart values watchNamespaces / watchAnyNamespace).
    'strimzi-operator': { values: { watchNamespaces: NONPROD_NAMESPACES } },
    // The RabbitMQ Cluster Operator likewise (chart values clusterOperator.watchAllNamespaces / watchNamespaces).
    'rabbitmq-operator': { values: { clusterOperator: { watchAllNamespaces: false, watchNamespaces: NONPROD_NAMESPACES } } },
  },
});
