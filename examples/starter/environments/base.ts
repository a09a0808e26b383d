/** What every environment of the starter platform shares: its namespace and where Argo CD reads the rendered manifests. */
import { defineBase } from '../../../tools/kit';
import { starter } from '../platform';

export const base = defineBase(starter, {
  namespace: 'starter',
  workloadDefaults: { replicas: 1 },
  gitops: { repoURL: 'https://github.com/acme/starter-rendered.git', branch: 'rendered' },
});
