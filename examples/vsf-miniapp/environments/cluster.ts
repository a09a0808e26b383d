/**
 * The EKS cluster dev, staging and production share: the add-ons render once, in dist/vsf-miniapp-eks/. The CSI
 * driver and its AWS provider run in kube-system, Linkerd's CNI plugin in a privileged namespace of its own: the
 * cluster's bootstrap owns both namespaces (every namespace this platform renders enforces Pod Security).
 */
import { defineCluster } from '../../../tools/kit';
import { base } from './base';

export const cluster = defineCluster(base, {
  name: 'vsf-miniapp-eks',
  stage: 'production',
  externalNamespaces: ['kube-system', 'linkerd-cni'],
});
