/**
 * Reading a rendered tree (`dist/`, or a checkout of the rendered branch) back into objects:
 * `<dir>/<env>/<app>/*.yaml`, each file holding one or more YAML documents. Other files (README.md,
 * hydrator.metadata, .gitattributes) are ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PlatformError } from '../../constructs/lib/errors';
import { isRecord } from '../../constructs/lib/json';

/** A rendered object, loosely typed: what was parsed from YAML, with `kind` and `metadata.name` checked. */
export interface ParsedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** One object of a rendered tree and where it was read from. */
export interface TreeObject {
  readonly env: string;
  readonly app: string;
  /** Path relative to the tree (`dev/frontend/Deployment.frontend.yaml`). */
  readonly file: string;
  readonly object: ParsedObject;
}

export { isRecord };

/** Check that a parsed YAML document is a Kubernetes object; `file` is named in the error. */
export function asObject(value: unknown, file: string): ParsedObject {
  if (!isRecord(value)) throw new PlatformError(`${file}: expected a Kubernetes object (a YAML mapping), got ${Array.isArray(value) ? 'a list' : JSON.stringify(value)}`);
  const metadata = value.metadata;
  if (typeof value.kind !== 'string' || typeof value.apiVersion !== 'string' || !isRecord(metadata) || typeof metadata.name !== 'string') {
    throw new PlatformError(`${file}: a Kubernetes object needs apiVersion, kind and metadata.name (got kind ${JSON.stringify(value.kind)}, name ${JSON.stringify(isRecord(metadata) ? metadata.name : undefined)})`);
  }
  if (metadata.namespace !== undefined && typeof metadata.namespace !== 'string') {
    throw new PlatformError(`${file}: metadata.namespace must be a string, got ${JSON.stringify(metadata.namespace)}`);
  }
  return value as ParsedObject;
}

function sortedDirs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}

/** Environments present in a rendered tree (its top-level directories). */
export function treeEnvironments(dir: string): string[] {
  if (!fs.existsSync(dir)) throw new PlatformError(`rendered tree ${dir} does not exist; run \`npm run synth\` first or point --dir at a rendered tree`);
  return sortedDirs(dir);
}

/** Every object of `envs` (default: all) in the rendered tree at `dir`, in file order. */
export function readRenderedTree(dir: string, envs?: readonly string[]): TreeObject[] {
  const out: TreeObject[] = [];
  for (const env of envs ?? treeEnvironments(dir)) {
    const envDir = path.join(dir, env);
    if (!fs.existsSync(envDir)) continue;
    for (const app of sortedDirs(envDir)) {
      const appDir = path.join(envDir, app);
      const files = fs.readdirSync(appDir).filter((f) => /\.ya?ml$/.test(f)).sort();
      for (const name of files) {
        const file = `${env}/${app}/${name}`;
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(appDir, name), 'utf8'))) {
          if (doc.errors.length > 0) throw new PlatformError(`${file}: invalid YAML: ${doc.errors[0]?.message ?? 'parse error'}`);
          const value: unknown = doc.toJS();
          if (value === null || value === undefined) continue;
          out.push({ env, app, file, object: asObject(value, file) });
        }
      }
    }
  }
  return out;
}
