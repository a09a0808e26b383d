/**
 * Shared defaults of every environment. Environment files (dev.ts, staging.ts, prod.ts) hold only their
 * differences; `defineEnvironment()` layers them over this. Application tags are pinned by each environment
 * file (its `images` block is the one place a CI bot updates): a file that forgets one fails in staging and prod.
 */
import { healthxcape } from '../charts';
import { defineBase } from '../tools/kit';

export const base = defineBase(healthxcape, {
  namespace: 'healthxcape',
  // The reference worker node is air-gapped: never pull an image that is already on the node.
  imagePullPolicy: 'IfNotPresent',
  workloadDefaults: { replicas: 1 },
  gitops: {
    repoURL: 'https://github.com/healthxcape/platform-config.git',
    branch: 'rendered',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
    mode: 'applications',
  },
});
