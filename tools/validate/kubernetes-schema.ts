/**
 * Import of the core Kubernetes schemas used by validation:
 *
 *   npx tsx tools/validate/kubernetes-schema.ts --from <dir or file>/v1.32.0-definitions.json
 *
 * Reads the upstream OpenAPI `definitions` of one pinned Kubernetes release (the `_definitions.json` published
 * per release, e.g. `../shared/schemas/kubernetes/v1.32.0-definitions.json`), keeps every kind that can be
 * applied from a manifest plus the definitions they reference, strips description text and writes
 * `imports/schemas/kubernetes.json` (canonical JSON, byte-identical for identical input):
 *
 * ```json
 * { "kubernetesVersion": "v1.32.0", "sha256": "...", "kinds": { "apps/v1/Deployment": "io.k8s.api.apps.v1.Deployment" },
 *   "definitions": { "io.k8s.api.apps.v1.Deployment": { ... } } }
 * ```
 *
 * Tests and validation read only the committed file, never the upstream copy.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';
import { canonicalJson, stripDescriptions } from '../import/import-crds';

/** The committed bundle. */
export const KUBERNETES_SCHEMA_FILE = path.resolve(__dirname, '..', '..', 'imports', 'schemas', 'kubernetes.json');

/** The bundle format. */
export interface KubernetesSchemaBundle {
  /** Kubernetes release the definitions come from, e.g. `v1.32.0`. */
  readonly kubernetesVersion: string;
  /** SHA-256 of the upstream definitions file. */
  readonly sha256: string;
  /** `<apiVersion>/<Kind>` -> definition name. */
  readonly kinds: Readonly<Record<string, string>>;
  /** Description-free definitions, referencing each other with `#/definitions/<name>`. */
  readonly definitions: Readonly<Record<string, unknown>>;
}

/**
 * Kinds in the definitions that are requests or read-only views, never objects applied from a manifest
 * (rendering one is a mistake, so validation reports them as unknown kinds).
 */
const NOT_MANIFEST_KINDS = new Set([
  'Binding', 'ComponentStatus', 'Eviction', 'Scale', 'TokenRequest', 'TokenReview', 'SelfSubjectReview',
  'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview',
  'APIGroup', 'APIVersions', 'Status', 'DeleteOptions', 'WatchEvent',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function refsOf(schema: unknown, out: string[]): void {
  if (Array.isArray(schema)) {
    for (const item of schema) refsOf(item, out);
  } else if (isRecord(schema)) {
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) out.push(value.slice('#/definitions/'.length));
      else refsOf(value, out);
    }
  }
}

/** Build the bundle from the upstream `definitions` document. */
export function buildKubernetesSchemaBundle(document: unknown, kubernetesVersion: string, sha256: string): KubernetesSchemaBundle {
  const definitions = isRecord(document) && isRecord(document.definitions) ? document.definitions : undefined;
  if (definitions === undefined) {
    throw new PlatformError('the input has no "definitions" object. Fix: pass the Kubernetes OpenAPI _definitions.json of one release');
  }
  const kinds: Record<string, string> = {};
  for (const [name, schema] of Object.entries(definitions)) {
    const gvks = isRecord(schema) ? schema['x-kubernetes-group-version-kind'] : undefined;
    if (!Array.isArray(gvks) || gvks.length !== 1 || !isRecord(gvks[0])) continue;
    const { group, version, kind } = gvks[0];
    if (typeof group !== 'string' || typeof version !== 'string' || typeof kind !== 'string') continue;
    if (kind.endsWith('List') || NOT_MANIFEST_KINDS.has(kind)) continue;
    kinds[`${group === '' ? '' : `${group}/`}${version}/${kind}`] = name;
  }
  if (Object.keys(kinds).length === 0) {
    throw new PlatformError('the definitions declare no kinds (x-kubernetes-group-version-kind). Fix: pass the Kubernetes OpenAPI _definitions.json of one release');
  }
  const reachable = new Set<string>();
  const stack = Object.values(kinds);
  while (stack.length > 0) {
    const name = stack.pop() as string;
    if (reachable.has(name)) continue;
    const schema = definitions[name];
    if (schema === undefined) throw new PlatformError(`definition '${name}' is referenced but missing. Fix: use a complete definitions file`);
    reachable.add(name);
    refsOf(schema, stack);
  }
  const kept: Record<string, unknown> = {};
  for (const name of [...reachable].sort()) kept[name] = stripDescriptions(definitions[name]);
  return { kubernetesVersion, sha256, kinds, definitions: kept };
}

/** Read the upstream file and write `imports/schemas/kubernetes.json` atomically. Returns the number of kinds. */
export function importKubernetesSchemas(from: string, output = KUBERNETES_SCHEMA_FILE): number {
  const file = fs.statSync(from).isDirectory()
    ? path.join(from, fs.readdirSync(from).filter((f) => /^v\d+\.\d+\.\d+-definitions\.json$/.test(f)).sort().pop() ?? '')
    : from;
  const version = /(v\d+\.\d+\.\d+)/.exec(path.basename(file))?.[1];
  if (version === undefined) throw new PlatformError(`cannot tell the Kubernetes version from '${file}'. Fix: name the file v<major>.<minor>.<patch>-definitions.json`);
  const bytes = fs.readFileSync(file);
  const bundle = buildKubernetesSchemaBundle(JSON.parse(bytes.toString('utf8')), version, createHash('sha256').update(bytes).digest('hex'));
  const tmp = `${output}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${canonicalJson(bundle)}\n`);
  fs.renameSync(tmp, output);
  return Object.keys(bundle.kinds).length;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--from');
  const from = at >= 0 ? args[at + 1] : undefined;
  if (from === undefined) {
    process.stderr.write('usage: npx tsx tools/validate/kubernetes-schema.ts --from <v1.32.0-definitions.json or its directory>\n');
    process.exitCode = 2;
  } else {
    try {
      const count = importKubernetesSchemas(from);
      process.stdout.write(`wrote ${path.relative(process.cwd(), KUBERNETES_SCHEMA_FILE)} (${count} kinds)\n`);
    } catch (error) {
      process.stderr.write(`kubernetes-schema: error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    }
  }
}
