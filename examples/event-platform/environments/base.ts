/** What every environment of the event platform shares: its namespace, its tenants and where Argo CD reads the rendered manifests. */
import { defineBase } from '../../../tools/kit';
import { eventPlatform } from '../platform';

export const base = defineBase(eventPlatform, {
  // Every application names its namespace; cluster-scoped ones (namespaces, tenants, volumes) deploy from here.
  namespace: 'operators',
  workloadDefaults: { replicas: 1 },
  gitops: { repoURL: 'https://github.com/acme/event-platform-rendered.git', branch: 'rendered' },
  apps: {
    // The tenants: one line per user (each gets the namespace user-<name>).
    tenants: {
      users: {
        alice: {},
        bob: {},
      },
    },
  },
});
