/**
 * Container image references: parsing, pinning rules and registry mirrors, in one place.
 *
 * @see https://github.com/distribution/reference/blob/main/reference.go (grammar)
 */

/** An image as environments declare it: repository plus a tag and/or digest. */
export interface ImageSettings {
  /** Repository, optionally with registry host (`healthxcape/frontend`, `quay.io/strimzi/operator`). */
  readonly repository: string;
  /** Tag (`v1.0.1`). Staging and production refuse a missing or floating tag unless a digest pins the image. */
  readonly tag?: string;
  /** Content digest (`sha256:...`): pins the exact build even when a tag is reused. */
  readonly digest?: string;
}

/** A parsed image reference. */
export interface ImageReference {
  /** Registry host, or `undefined` for Docker Hub. */
  readonly registry?: string;
  /** Repository path without registry (`library/postgres` is shown as `postgres`). */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const PATH = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const REGISTRY = /^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Tags that move: they name whatever was pushed last, so the same manifest can run different code.
 * Staging and production refuse them (and a missing tag, which means `latest`, and a major-only version).
 */
export const FLOATING_TAGS: readonly string[] = ['latest', 'main', 'master', 'edge', 'nightly', 'stable', 'dev', 'develop'];

/** A tag naming only a major version, optionally with a variant: `15`, `v2`, `15-alpine`, `7-bookworm`. */
const MAJOR_ONLY_TAG = /^v?\d+(?:[-_][A-Za-z][\w.-]*)?$/;

/**
 * Why `tag` moves to new builds (missing, a floating name, or a major version only), or `undefined` for a
 * version tag. Only a digest pins an exact build; a full version tag is as close as a tag gets.
 */
export function floatingTagReason(tag: string | undefined): string | undefined {
  if (tag === undefined) return 'an image without tag runs whatever `latest` is';
  if (FLOATING_TAGS.includes(tag.toLowerCase())) return `'${tag}' is a floating tag and may run a different build tomorrow`;
  if (MAJOR_ONLY_TAG.test(tag)) return `'${tag}' names only a major version, so it moves to every new minor and patch release`;
  return undefined;
}

/** True when `tag` is missing, one of the floating tags, or a major version only. */
export function isFloatingTag(tag: string | undefined): boolean {
  return floatingTagReason(tag) !== undefined;
}

function splitRegistry(repository: string): { registry?: string; path: string } {
  const slash = repository.indexOf('/');
  if (slash > 0) {
    const first = repository.slice(0, slash);
    if (first === 'localhost' || first.includes('.') || first.includes(':')) {
      return { registry: first, path: repository.slice(slash + 1) };
    }
  }
  return { path: repository };
}

/** Parse `registry/path:tag@digest`; returns `undefined` when the reference is malformed. */
export function parseImageReference(reference: string): ImageReference | undefined {
  let rest = reference;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) return undefined;
  }
  const { registry, path } = splitRegistry(rest);
  if (registry !== undefined && !REGISTRY.test(registry)) return undefined;
  if (!PATH.test(path)) return undefined;
  return { registry, path, tag, digest };
}

/** Problems with an image declaration, relative to the image (`tag`, `repository`). */
export interface ImageProblem {
  readonly field: 'repository' | 'tag' | 'digest';
  readonly message: string;
  readonly value: unknown;
  readonly fix: string;
}

/**
 * Every problem with an image declaration. `requirePinned` (staging and production) refuses a missing or
 * floating tag unless a digest pins the image.
 */
export function imageProblems(image: unknown, requirePinned: boolean): ImageProblem[] {
  if (image === null || typeof image !== 'object') {
    return [{ field: 'repository', message: 'must be an object { repository, tag }', value: image, fix: "declare the image as { repository: 'org/app', tag: 'v1.2.3' }" }];
  }
  const { repository, tag, digest } = image as Record<string, unknown>;
  const problems: ImageProblem[] = [];
  const parsed = typeof repository === 'string' ? parseImageReference(repository) : undefined;
  if (parsed === undefined) {
    problems.push({ field: 'repository', message: 'must be an image repository (lower-case path, optional registry host)', value: repository, fix: "write it like 'healthxcape/frontend' or 'quay.io/strimzi/operator'" });
  } else if (parsed.tag !== undefined || parsed.digest !== undefined) {
    problems.push({ field: 'repository', message: 'must not contain a tag or digest', value: repository, fix: "move the tag to 'tag' and the digest to 'digest'" });
  }
  if (tag !== undefined && (typeof tag !== 'string' || !TAG.test(tag))) {
    problems.push({ field: 'tag', message: 'must be a valid image tag (letters, digits, _, . and -, at most 128 characters)', value: tag, fix: "use a version tag such as 'v1.0.1'" });
  }
  if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) {
    problems.push({ field: 'digest', message: "must be 'sha256:' followed by 64 hex digits", value: digest, fix: 'copy the digest printed by your registry or `crane digest <image>`' });
  }
  if (requirePinned && digest === undefined && (tag === undefined || typeof tag === 'string' && isFloatingTag(tag))) {
    problems.push({
      field: 'tag',
      message: tag === undefined ? 'is missing (an image without tag runs whatever `latest` is)' : floatingTagReason(tag) as string,
      value: tag,
      fix: "pin a full version tag such as 'v1.0.1' or '15.17-alpine' (never reuse tags) or add a 'digest'",
    });
  }
  return problems;
}

/** Docker Hub's registry host, implicit in references such as `postgres:15-alpine`. */
const DOCKER_HUB = 'docker.io';

/**
 * The image reference a pod uses. With a registry `mirror`, the image's full upstream name (registry host
 * included, Docker Hub made explicit) goes under the mirror: `quay.io/strimzi/operator` becomes
 * `<mirror>/quay.io/strimzi/operator` and `postgres` becomes `<mirror>/docker.io/library/postgres`. Keeping
 * the registry host keeps images of different registries apart and makes the upstream reference recoverable
 * (`upstreamReference`).
 */
export function imageReference(image: ImageSettings, mirror?: string): string {
  let repository = image.repository;
  if (mirror) {
    const { registry, path } = splitRegistry(image.repository);
    const explicitPath = registry === undefined && !path.includes('/') ? `library/${path}` : path;
    repository = `${mirror.replace(/\/+$/, '')}/${registry ?? DOCKER_HUB}/${explicitPath}`;
  }
  return `${repository}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
}

/**
 * The upstream reference of an image rendered with registry `mirror` (the inverse of `imageReference`), or
 * `undefined` when `image` is not under the mirror.
 */
export function upstreamReference(image: string, mirror: string): string | undefined {
  const prefix = `${mirror.replace(/\/+$/, '')}/`;
  if (!image.startsWith(prefix)) return undefined;
  const rest = image.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash < 0) return undefined;
  const registry = rest.slice(0, slash);
  const remainder = rest.slice(slash + 1);
  if (registry !== DOCKER_HUB) return `${registry}/${remainder}`;
  return remainder.startsWith('library/') && !remainder.slice('library/'.length).includes('/') ? remainder.slice('library/'.length) : remainder;
}

/** A label-safe version for `app.kubernetes.io/version`: the tag, or the digest's first 12 hex digits. */
export function imageVersion(image: ImageSettings): string {
  if (image.tag) return image.tag.slice(0, 63).replace(/[^A-Za-z0-9_.-]/g, '-').replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'unversioned';
  if (image.digest) return `sha256-${image.digest.slice(7, 19)}`;
  return 'unversioned';
}
