/** What every environment of vsf-miniapp shares: where Argo CD reads the rendered manifests, Reloader on every service. */
import { defineBase } from '../../../tools/kit';
import { vsfMiniapp } from '../platform';

export const base = defineBase(vsfMiniapp, {
  gitops: { repoURL: 'https://github.com/oNddleo/gitops-rendered.git', branch: 'rendered' },
  defaults: { microservice: { reloader: true } },
});
