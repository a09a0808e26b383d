/** What every InfraForge environment and its cluster share: where Argo CD reads the rendered manifests. */
import { defineBase } from '../../../tools/kit';
import { infraforge } from '../platform';

export const base = defineBase(infraforge, {
  namespace: 'infraforge',
  gitops: { repoURL: 'https://github.com/infraforge/voltran-rendered.git', branch: 'rendered' },
});
