/**
 * The low-level Kubernetes API classes (`KubeDeployment`, `KubeService`, ...) bundled with cdk8s-plus-28.
 *
 * We use these rather than cdk8s-plus's high-level constructs: those add hashed selector labels
 * (`cdk8s.io/metadata.addr`) and defaults we do not control, and they lack StorageClass and
 * volumeClaimTemplates. One module re-exports them so a version change is a one-line change.
 */
export * from 'cdk8s-plus-28/lib/imports/k8s';
