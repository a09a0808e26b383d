import { Construct } from 'constructs';
import { HelmApplication, HelmApplicationOptionsSchema, OperatorProps } from './helm-application';
import { CRD_AND_RBAC } from './lib/kinds';
import { IServiceMesh, PodSecurityRequirement } from './lib/mesh';
import { z } from './lib/options';

/**
 * The Linkerd release the charts are pinned to: edge-26.8.3, whose charts are versioned 2026.8.3 in
 * https://helm.linkerd.io/edge (bin/compute-edge-version in linkerd/linkerd2 sets chart versions `yyyy.m.n` from
 * the tag `edge-yy.m.n`).
 */
export const LINKERD_CHART_VERSION = '2026.8.3';

/** Linkerd's edge chart repository. */
export const LINKERD_CHART_REPOSITORY = 'https://helm.linkerd.io/edge';

/** What an environment or a catalog entry may set on the Linkerd control plane. */
export const LinkerdControlPlaneOptionsSchema = HelmApplicationOptionsSchema.extend({
  /**
   * Pod networking through the Linkerd CNI plugin (the `linkerd2-cni` chart) instead of the `linkerd-init` init
   * container. Without it every meshed pod runs `linkerd-init` with `NET_ADMIN` and `NET_RAW`, which only a
   * `privileged` namespace admits.
   * @default true
   */
  cni: z.boolean().optional(),
});

/** What an environment or a catalog entry may set on the Linkerd control plane. */
export type LinkerdControlPlaneOptions = z.infer<typeof LinkerdControlPlaneOptionsSchema>;

/** Props of `LinkerdControlPlane`. */
export interface LinkerdControlPlaneProps extends OperatorProps, LinkerdControlPlaneOptions {
  /**
   * Namespace of the control plane.
   * @default 'linkerd'
   */
  readonly namespace?: string;
}

/**
 * The Linkerd control plane (`linkerd-control-plane` chart) as a mesh workloads join. Its identity needs no key
 * in values: the trust anchors are the `linkerd-identity-trust-roots` ConfigMap (`identity.externalCA`) and the
 * issuer is the `linkerd-identity-issuer` Secret of type `kubernetes.io/tls` (`identity.issuer.scheme`), both
 * written in the cluster by cert-manager (and trust-manager), as Linkerd's "automatically rotating control plane
 * TLS credentials" guide does.
 *
 * Meshed pods and Pod Security: the proxy container Linkerd injects copies the capabilities of the pod's first
 * container (pkg/inject/inject.go, `injectPodSpec`): our containers drop ALL, so the proxy does too, and runs as
 * a non-root user with a read-only root file system and the RuntimeDefault seccomp profile. With the CNI plugin
 * the only init container is `linkerd-network-validator`, which also meets "restricted"
 * (charts/partials/templates/_network-validator.tpl), so meshed pods run in `restricted` namespaces. Without it,
 * `linkerd-init` adds `NET_ADMIN` and `NET_RAW` (charts/partials/templates/_proxy-init.tpl), which neither
 * "restricted" nor "baseline" admits.
 *
 * @see https://linkerd.io/2/features/cni/
 */
export class LinkerdControlPlane extends HelmApplication implements IServiceMesh {
  public readonly meshName = 'linkerd';
  public readonly cni: boolean;
  public readonly meshedPodSecurity: PodSecurityRequirement;
  public readonly podSecurityReason: string;

  public constructor(scope: Construct, id: string, props: LinkerdControlPlaneProps) {
    const cni = props.cni ?? true;
    const { cni: _cni, ...helmProps } = props;
    super(scope, id, {
      ...helmProps,
      namespace: props.namespace ?? 'linkerd',
      repoURL: props.repoURL ?? LINKERD_CHART_REPOSITORY,
      chart: 'linkerd-control-plane',
      version: LINKERD_CHART_VERSION,
      defaultValues: {
        cniEnabled: cni,
        identity: { externalCA: true, issuer: { scheme: 'kubernetes.io/tls' } },
        // The injected proxy gets requests and limits like every container of the platform (a namespace quota
        // would refuse pods with an unbounded sidecar). One CPU limit matches the default of one proxy worker
        // (values.yaml: "when a limit is set, the minimum should match the limit").
        proxy: { resources: { cpu: { request: '50m', limit: '1' }, memory: { request: '32Mi', limit: '256Mi' } } },
      },
      clusterScopedKinds: [...CRD_AND_RBAC, { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' }, { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' }],
      podSecurity: 'restricted',
    });
    this.cni = cni;
    this.meshedPodSecurity = cni ? 'restricted' : 'privileged';
    this.podSecurityReason = cni
      ? 'with the CNI plugin meshed pods meet "restricted"'
      : "without the Linkerd CNI plugin every meshed pod runs the linkerd-init container with NET_ADMIN and NET_RAW, which only a 'privileged' namespace admits";
  }

  public podAnnotations(skipOutboundPorts: readonly number[]): Record<string, string> {
    return {
      'linkerd.io/inject': 'enabled',
      ...(skipOutboundPorts.length > 0 ? { 'config.linkerd.io/skip-outbound-ports': [...skipOutboundPorts].sort((a, b) => a - b).join(',') } : {}),
    };
  }
}
