/**
 * The image inventory of an environment, for air-gapped transfer: every container image it runs.
 *
 * Sources, per object:
 * - every string-valued `image` field, wherever it sits: containers, init and ephemeral containers of every
 *   pod spec (Deployments, StatefulSets, Jobs, CronJobs, Pods, custom resources embedding pod specs) and image
 *   overrides of operator resources (Strimzi's `spec.kafka.image`, for example);
 * - `spec.imageName` of CloudNativePG `Cluster`s;
 * - the `platform-synth.io/images` annotation (comma-separated) with which operators delivered as upstream
 *   Helm charts declare the images they run (set on their Argo CD Application).
 *
 * Staging and production refuse images without a tag or with a floating tag (digest-pinned images are fine).
 */
import { IMAGES_ANNOTATION } from '../../constructs/app-of-apps';
import type { Stage } from '../../constructs/lib/context';
import { PlatformError } from '../../constructs/lib/errors';
import { FLOATING_TAGS, floatingTagReason, parseImageReference, upstreamReference } from '../../constructs/lib/images';
import { isRecord } from '../../constructs/lib/json';

/** An object with the application it belongs to (rendered in memory or read from a tree). */
export interface LocatedObject {
  readonly app: string;
  readonly object: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace?: string; readonly annotations?: unknown };
    readonly [key: string]: unknown;
  };
}

/** Where an image is used. */
export interface ImageUse {
  readonly application: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** Field path, e.g. `spec.template.spec.containers[0].image`. */
  readonly field: string;
}

/** One image of the inventory. */
export interface ImageEntry {
  readonly image: string;
  /** The reference before the registry mirror was applied (pull it here, push it to the mirror). */
  readonly upstream?: string;
  readonly usedBy: readonly ImageUse[];
}

/** The inventory of one environment (the `--json` output). */
export interface ImageInventory {
  readonly environment: string;
  readonly stage: Stage;
  readonly registryMirror?: string;
  /** Sorted by image reference, unique. */
  readonly images: readonly ImageEntry[];
}

/** Every image reference used by `objects`, with its uses (uses in object order). */
export function collectImages(objects: Iterable<LocatedObject>): Map<string, ImageUse[]> {
  const found = new Map<string, ImageUse[]>();
  const add = (image: string, use: ImageUse): void => {
    const list = found.get(image) ?? [];
    list.push(use);
    found.set(image, list);
  };
  for (const { app, object } of objects) {
    const where = { application: app, kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
    const walk = (value: unknown, field: string): void => {
      if (Array.isArray(value)) {
        value.forEach((item, i) => walk(item, `${field}[${i}]`));
        return;
      }
      if (!isRecord(value)) return;
      for (const [key, child] of Object.entries(value)) {
        const path = field ? `${field}.${key}` : key;
        if (key === 'image' && typeof child === 'string') add(child, { ...where, field: path });
        else if (key !== 'metadata' || field !== '') walk(child, path);
      }
    };
    walk(object, '');
    const spec = object.spec;
    if (object.kind === 'Cluster' && object.apiVersion.startsWith('postgresql.cnpg.io/') && isRecord(spec) && typeof spec.imageName === 'string') {
      add(spec.imageName, { ...where, field: 'spec.imageName' });
    }
    const annotations = object.metadata.annotations;
    const declared = isRecord(annotations) ? annotations[IMAGES_ANNOTATION] : undefined;
    if (typeof declared === 'string') {
      for (const image of declared.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        add(image, { ...where, field: `metadata.annotations[${IMAGES_ANNOTATION}]` });
      }
    }
  }
  return found;
}

/** Why an image is not pinned, or `undefined` when it is (a version tag, or a digest). */
export function pinningProblem(image: string): string | undefined {
  const parsed = parseImageReference(image);
  if (parsed === undefined) return 'not a valid image reference';
  if (parsed.digest !== undefined) return undefined;
  return floatingTagReason(parsed.tag);
  return undefined;
}

/** Build the inventory; with a registry mirror, each mirrored image also gets its upstream reference. */
export function imageInventory(
  environment: string,
  stage: Stage,
  objects: Iterable<LocatedObject>,
  options: { registryMirror?: string } = {},
): ImageInventory {
  const found = collectImages(objects);
  const mirror = options.registryMirror;
  const images = [...found.keys()].sort().map((image) => {
    const upstream = mirror ? upstreamReference(image, mirror) : undefined;
    return { image, ...(upstream !== undefined ? { upstream } : {}), usedBy: found.get(image) as ImageUse[] };
  });
  return { environment, stage, ...(mirror ? { registryMirror: mirror } : {}), images };
}

/** Staging or production runs an image that is not pinned. */
export class UnpinnedImagesError extends PlatformError {}

function describeUse(environment: string, use: ImageUse): string {
  return `${environment}/${use.application} ${use.kind} ${use.namespace ? `${use.namespace}/` : ''}${use.name} ${use.field}`;
}

/** Throw when a staging or production inventory holds an image without a tag or with a floating tag. */
export function checkPinned(inventory: ImageInventory, source?: string): void {
  if (inventory.stage === 'development') return;
  const offenders = inventory.images
    .map((entry) => ({ entry, problem: pinningProblem(entry.image) }))
    .filter((o): o is { entry: ImageEntry; problem: string } => o.problem !== undefined);
  if (offenders.length === 0) return;
  const lines = offenders.map(({ entry, problem }) => `  - ${entry.image}: ${problem} (used by ${entry.usedBy.map((u) => describeUse(inventory.environment, u)).join('; ')})`);
  throw new UnpinnedImagesError(
    `environment '${inventory.environment}' (stage ${inventory.stage}) runs ${offenders.length} image${offenders.length === 1 ? '' : 's'} without a pinned tag:\n${lines.join('\n')}\n`
    + `Fix: pin a version tag (never reuse a tag) or add a digest for each image${source ? ` in ${source}` : ''}. Floating tags: ${FLOATING_TAGS.join(', ')} and major-only versions such as 15-alpine.`,
  );
}
