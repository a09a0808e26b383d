/**
 * What the developer tools (Kafka UI, Maildev, MinIO, the TCP proxy, Temporal, Drizzle Gateway) share: a few
 * options an environment may set, and one `Microservice` built from the tool's preset (image, ports, probes, user,
 * a single replica), so each tool gets the platform's labels, restricted pods, NetworkPolicy hooks and a Service.
 */
import { Construct } from 'constructs';
import { ApiObject, JsonPatch } from 'cdk8s';
import { mapChildOptions } from './context';
import { deepMerge } from './merge';
import { dnsLabelSchema, resourcesOverrideSchema, z } from './options';
import { Microservice, MicroserviceProps } from '../microservice';

/** Options every developer tool takes. */
export const DevToolOptionsSchema = z.strictObject({
  /**
   * Name of the workload and its Service.
   * @default - the construct id
   */
  name: dnsLabelSchema.optional(),
  /**
   * CPU and memory, merged over the tool's defaults.
   * @default - the tool's
   */
  resources: resourcesOverrideSchema.optional(),
});

/** Options every developer tool takes. */
export type DevToolOptions = z.infer<typeof DevToolOptionsSchema>;

/** The annotation naming containers whose image cannot run with a read-only root file system, and why. */
export const WRITABLE_ROOT_ANNOTATION = 'platform-synth.io/writable-root-filesystem';

/**
 * Build a tool's workload: its preset, the user's options over it (problems name the tool's own fields).
 * `writableRoot` is the one exception to the read-only root file system, for an image that writes where it
 * keeps its files (it templates its configuration next to the template at start): scoped to the tool's
 * container, with the reason in a pod annotation the invariants accept.
 */
export function devToolWorkload(scope: Construct, options: DevToolOptions, preset: MicroserviceProps, writableRoot?: { readonly reason: string }): Microservice {
  mapChildOptions(scope, 'Workload', '');
  const name = options.name ?? preset.name;
  const workload = new Microservice(scope, 'Workload', {
    // One instance: the tools keep state in their pod or volume (a second Maildev would hold half the mail, a
    // second MinIO a store of its own, a second auto-setup Temporal would race on the schema).
    replicas: 1,
    ...preset,
    name,
    resources: deepMerge<NonNullable<DevToolOptions['resources']>>({ ...preset.resources }, options.resources),
    ...(writableRoot !== undefined ? { podAnnotations: { ...preset.podAnnotations, [WRITABLE_ROOT_ANNOTATION]: `${name ?? scope.node.id}: ${writableRoot.reason}` } } : {}),
  });
  if (writableRoot !== undefined) {
    (workload.workload as unknown as ApiObject).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
  }
  return workload;
}
