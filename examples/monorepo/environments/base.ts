/** What every environment of the monorepo platform shares: Argo CD reads the rendered branch through ApplicationSets. */
import { defineBase } from '../../../tools/kit';
import { monorepo } from '../platform';

export const base = defineBase(monorepo, {
  namespace: 'services',
  workloadDefaults: { replicas: 1 },
  storage: { mode: 'dynamic', storageClassName: 'standard' },
  gitops: {
    repoURL: 'https://github.com/acme/monorepo-rendered.git',
    branch: 'rendered',
    // The seed's ApplicationSets: a git directory generator over the rendered directories, only out-of-sync
    // objects applied, and a person may pause automated sync of one Application.
    mode: 'applicationset',
    applyOutOfSyncOnly: true,
    ignoreApplicationDifferences: [{ jsonPointers: ['/spec/syncPolicy'] }],
  },
});
