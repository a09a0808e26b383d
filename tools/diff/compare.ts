/**
 * Object-level comparison of two rendered trees: objects are matched by API group, kind, namespace and name
 * (not by file), compared as canonical YAML (keys sorted), and reported as added, deleted or changed with a
 * small unified diff.
 *
 * An image bump also changes the `app.kubernetes.io/version` label of every object of the application. Those
 * label changes are collected once per application and left out of the per-object diffs (an object whose only
 * change is that label is listed, not diffed), so an image bump reads as the one changed `image:` line.
 */
import { structuredPatch } from 'diff';
import { toYaml } from '../synth/yaml';
import { isRecord, ParsedObject, TreeObject } from './tree';
import { compareText } from '../../constructs/lib/order';

/** The label that follows the image tag. */
export const VERSION_LABEL = 'app.kubernetes.io/version';

/** How an object is identified across revisions. */
export interface ObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** `Deployment healthxcape/identity-service` (cluster-scoped objects have no namespace part). */
export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> `` (core)). */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** Reference of a parsed object. */
export function refOf(object: ParsedObject): ObjectRef {
  return { group: apiGroup(object.apiVersion), kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name };
}

/** One changed object. */
export interface ObjectChange {
  readonly env: string;
  /** Application of the object (in the head revision when it exists there). */
  readonly app: string;
  /** Application in the base revision, when the object moved between applications. */
  readonly movedFrom?: string;
  readonly ref: ObjectRef;
  readonly type: 'added' | 'deleted' | 'changed';
  readonly before?: ParsedObject;
  readonly after?: ParsedObject;
  /** Unified diff hunks of the canonical YAML (without version-label noise); `''` when only labels changed. */
  readonly patch: string;
  /** Version label changes of this object (`from -> to`). */
  readonly versionChanges: readonly (readonly [string, string])[];
}

/** Recursively sort object keys, so that key order never shows as a difference. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
    return out;
  }
  return value;
}

/** The canonical YAML of an object (sorted keys, the synth emitter). */
export function canonicalYaml(object: unknown): string {
  return toYaml(sortKeys(object));
}

/**
 * Copy of `before` in which every `app.kubernetes.io/version` label that differs from `after` at the same
 * place is replaced by `after`'s value; returns the copy and the replaced pairs.
 */
export function alignVersionLabels(before: unknown, after: unknown): { aligned: unknown; changes: [string, string][] } {
  const changes: [string, string][] = [];
  const walk = (b: unknown, a: unknown): unknown => {
    if (Array.isArray(b) && Array.isArray(a)) return b.map((item, i) => (i < a.length ? walk(item, a[i]) : item));
    if (!isRecord(b) || !isRecord(a)) return b;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(b)) {
      const other = a[key];
      if (key === 'labels' && isRecord(value) && isRecord(other)) {
        const from = value[VERSION_LABEL];
        const to = other[VERSION_LABEL];
        if (typeof from === 'string' && typeof to === 'string' && from !== to) {
          changes.push([from, to]);
          out[key] = { ...value, [VERSION_LABEL]: to };
          continue;
        }
      }
      out[key] = key in a ? walk(value, other) : value;
    }
    return out;
  };
  return { aligned: walk(before, after), changes };
}

/** Unified diff hunks (`@@ ... @@` and their lines) between two texts, `''` when equal. */
export function unifiedHunks(before: string, after: string, context: number): string {
  if (before === after) return '';
  const patch = structuredPatch('before', 'after', before, after, '', '', { context });
  const lines: string[] = [];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`);
    lines.push(...hunk.lines);
  }
  return lines.join('\n');
}

/** Options of a comparison. */
export interface CompareOptions {
  /** Lines of context around each change. @default 3 */
  readonly context?: number;
}

function keyOf(env: string, object: ParsedObject): string {
  const ref = refOf(object);
  return `${env}\u0000${ref.group}\u0000${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}`;
}

/** Compare two revisions of a rendered tree. Changes are sorted by environment, application and object. */
export function compareTrees(base: readonly TreeObject[], head: readonly TreeObject[], options: CompareOptions = {}): ObjectChange[] {
  const context = options.context ?? 3;
  const before = new Map(base.map((o) => [keyOf(o.env, o.object), o]));
  const after = new Map(head.map((o) => [keyOf(o.env, o.object), o]));
  const changes: ObjectChange[] = [];
  for (const [key, b] of before) {
    const a = after.get(key);
    if (a === undefined) {
      changes.push({ env: b.env, app: b.app, ref: refOf(b.object), type: 'deleted', before: b.object, patch: '', versionChanges: [] });
      continue;
    }
    const oldText = canonicalYaml(b.object);
    const newText = canonicalYaml(a.object);
    if (oldText === newText && a.app === b.app) continue;
    const { aligned, changes: versionChanges } = alignVersionLabels(b.object, a.object);
    changes.push({
      env: a.env,
      app: a.app,
      ...(a.app !== b.app ? { movedFrom: b.app } : {}),
      ref: refOf(a.object),
      type: 'changed',
      before: b.object,
      after: a.object,
      patch: unifiedHunks(canonicalYaml(aligned), newText, context),
      versionChanges,
    });
  }
  for (const [key, a] of after) {
    if (!before.has(key)) changes.push({ env: a.env, app: a.app, ref: refOf(a.object), type: 'added', after: a.object, patch: '', versionChanges: [] });
  }
  return changes.sort(compareChanges);
}

const TYPE_ORDER = { deleted: 0, changed: 1, added: 2 } as const;

function compareChanges(x: ObjectChange, y: ObjectChange): number {
  return compareText(x.env, y.env) || compareText(x.app, y.app) || TYPE_ORDER[x.type] - TYPE_ORDER[y.type] || compareText(x.ref.kind, y.ref.kind)
    || compareText(x.ref.namespace ?? '', y.ref.namespace ?? '') || compareText(x.ref.name, y.ref.name) || compareText(x.ref.group, y.ref.group);
}


// ---------------------------------------------------------------------------------------------------------
// Two environments of one revision
// ---------------------------------------------------------------------------------------------------------

/** Placeholder for the environment name when two environments are compared. */
export const ENV_PLACEHOLDER = '<env>';

/**
 * Replace the environment name where it appears as a word (delimited by anything but a letter or digit) in
 * every string value: `dev-frontend`, `healthxcape-dev`, `dev/kafka` and the `environment: dev` label become
 * `<env>-frontend`, `healthxcape-<env>`, `<env>/kafka` and `environment: <env>`. Keys are kept.
 */
export function normalizeEnvironment(value: unknown, env: string): unknown {
  const word = new RegExp(`(?<![A-Za-z0-9])${env.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`, 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(word, ENV_PLACEHOLDER);
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

/** One object compared between two environments. */
export interface EnvironmentObjectDiff {
  readonly app: string;
  /** Kind and normalised name (`Application <env>-frontend`). */
  readonly ref: ObjectRef;
  readonly type: 'only-left' | 'only-right' | 'different' | 'same';
  /** Unified diff hunks of the normalised objects (`''` unless `different`). */
  readonly patch: string;
}

/**
 * Compare environment `left` with `right` of one revision: objects are matched by API group, kind and
 * normalised name (namespaces are not part of the match; when two objects of one environment share a kind
 * and name, their normalised namespace tells them apart), and compared after `normalizeEnvironment`.
 */
export function compareEnvironments(objects: readonly TreeObject[], left: string, right: string, options: CompareOptions = {}): EnvironmentObjectDiff[] {
  const context = options.context ?? 3;
  const index = (env: string): Map<string, { app: string; normalized: ParsedObject }> => {
    const entries = objects.filter((o) => o.env === env).map((o) => ({ app: o.app, normalized: normalizeEnvironment(o.object, env) as ParsedObject }));
    const base = (n: ParsedObject): string => `${apiGroup(n.apiVersion)}\u0000${n.kind}\u0000${n.metadata.name}`;
    const counts = new Map<string, number>();
    for (const e of entries) counts.set(base(e.normalized), (counts.get(base(e.normalized)) ?? 0) + 1);
    return new Map(entries.map((e) => [
      (counts.get(base(e.normalized)) ?? 0) > 1 ? `${base(e.normalized)}\u0000${e.normalized.metadata.namespace ?? ''}` : base(e.normalized),
      e,
    ]));
  };
  const l = index(left);
  const r = index(right);
  const out: EnvironmentObjectDiff[] = [];
  for (const [key, a] of l) {
    const b = r.get(key);
    const ref = { ...refOf(a.normalized), namespace: undefined };
    if (b === undefined) {
      out.push({ app: a.app, ref, type: 'only-left', patch: '' });
      continue;
    }
    const patch = unifiedHunks(canonicalYaml(a.normalized), canonicalYaml(b.normalized), context);
    out.push({ app: a.app, ref, type: patch === '' ? 'same' : 'different', patch });
  }
  for (const [key, b] of r) {
    if (!l.has(key)) out.push({ app: b.app, ref: { ...refOf(b.normalized), namespace: undefined }, type: 'only-right', patch: '' });
  }
  return out.sort((x, y) => compareText(x.app, y.app) || compareText(x.ref.kind, y.ref.kind) || compareText(x.ref.name, y.ref.name) || compareText(x.ref.group, y.ref.group));
}
