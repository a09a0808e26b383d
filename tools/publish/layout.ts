/**
 * The rendered branch's layout, following Argo CD's Source Hydrator
 * (argoproj/argo-cd `commitserver/commit/hydratorhelper.go`, `util/hydrator/hydrator.go`):
 *
 * ```
 * .gitattributes                 marks README.md and hydrator.metadata files as generated
 * hydrator.metadata              {"repoURL", "drySha", "author", "date", "subject", "body"} of the source commit
 * <env>/<app>/hydrator.metadata  {"repoURL", "drySha", "commands"}
 * <env>/<app>/README.md          how to reproduce the directory from the source commit
 * <env>/<app>/<Kind>.<name>.yaml the rendered objects (one per file, as in dist/)
 * ```
 *
 * Ownership (what publish may change or delete): the root `hydrator.metadata`, the two `.gitattributes`
 * lines below (other lines are kept), and every file inside a "generated path": a directory exactly two
 * levels deep (`<env>/<app>/`) holding a `hydrator.metadata`. Everything else on the branch (CODEOWNERS,
 * `docs/`, a root README, files directly in `<env>/`) belongs to people and is never touched.
 *
 * @see https://argo-cd.readthedocs.io/en/latest/user-guide/source-hydrator/
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';
import type { OutputFile } from '../synth/output';

/** Metadata file name (Argo CD's). */
export const METADATA_FILE = 'hydrator.metadata';
/** Per-path README file name (Argo CD's). */
export const README_FILE = 'README.md';
/** The `.gitattributes` lines publish manages (Argo CD's exact lines). */
export const GITATTRIBUTES_LINES: readonly string[] = [
  '**/README.md linguist-generated=true',
  '**/hydrator.metadata linguist-generated=true',
];
/** Commands that reproduce the rendered tree from a checkout of the source commit. */
export const HYDRATE_COMMANDS: readonly string[] = ['npm ci', 'npm run synth'];

/** `hydrator.metadata` of one generated path. Field order follows Argo CD's `HydratorCommitMetadata`. */
export interface PathMetadata {
  readonly repoURL: string;
  readonly drySha: string;
  readonly commands: readonly string[];
}

/** The root `hydrator.metadata`: the source commit that produced the branch's current content. */
export interface RootMetadata {
  readonly repoURL: string;
  readonly drySha: string;
  /** `Name <email>` of the source commit's author. */
  readonly author: string;
  /** Author date of the source commit, RFC 3339. */
  readonly date: string;
  readonly subject: string;
  /** Omitted when the source commit has no body (as Argo CD's `omitempty`). */
  readonly body?: string;
}

/** Serialise metadata like Argo CD does (Go `json.Encoder`, two-space indent, trailing newline). */
export function metadataJson(metadata: PathMetadata | RootMetadata): string {
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

/** The README of one generated path (Argo CD's template, plus where the files come from in the output). */
export function readmeFor(hydratePath: string, metadata: PathMetadata, subdir: string): string {
  const dirty = metadata.drySha.endsWith('-dirty');
  const lines = [
    '# Manifest Hydration',
    '',
    'To hydrate the manifests in this repository, run the following commands:',
    '',
    '```shell',
    `git clone ${metadata.repoURL}`,
    '# cd into the cloned directory',
    `git checkout ${dirty ? metadata.drySha.slice(0, -'-dirty'.length) : metadata.drySha}`,
    ...(subdir ? [`cd ${subdir}`] : []),
    ...metadata.commands,
    '```',
    '',
    `The files of this directory are \`dist/${hydratePath}/\` of that output. They are generated: change the source`,
    'and let CI publish again instead of editing them here.',
  ];
  if (dirty) {
    lines.push('', 'Note: this directory was published from uncommitted changes on top of that commit (`--allow-dirty`);', 'the checkout above reproduces it only approximately.');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Add the managed lines to a `.gitattributes` (keeping every other line). Returns the new content, which equals
 * `existing` when the lines are already there.
 */
export function mergeGitattributes(existing: string | undefined): string {
  const current = existing ?? '';
  const present = new Set(current.split(/\r?\n/).map((l) => l.trim()));
  const missing = GITATTRIBUTES_LINES.filter((l) => !present.has(l));
  if (missing.length === 0) return current;
  const prefix = current === '' || current.endsWith('\n') ? current : `${current}\n`;
  return `${prefix}${missing.join('\n')}\n`;
}

/** Rendered files grouped by generated path: `<env>/<app>` -> file name -> content. */
export function groupByPath(files: readonly OutputFile[]): Map<string, Map<string, string>> {
  const paths = new Map<string, Map<string, string>>();
  for (const file of files) {
    const parts = file.path.split('/');
    if (parts.length !== 3 || parts.some((p) => p === '' || p === '.' || p === '..' || p.startsWith('.'))) {
      throw new PlatformError(`rendered file '${file.path}' is not of the form <env>/<app>/<file>; the rendered branch only holds application directories`);
    }
    const [env, app, name] = parts as [string, string, string];
    if (name === METADATA_FILE || name === README_FILE) {
      throw new PlatformError(`rendered file '${file.path}' collides with the ${name} publish writes into every application directory; rename the object`);
    }
    const key = `${env}/${app}`;
    let entry = paths.get(key);
    if (entry === undefined) paths.set(key, (entry = new Map()));
    entry.set(name, file.content);
  }
  return paths;
}

/** Every file under `dir`, as sorted POSIX paths relative to it (`.git` excluded). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string, prefix: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      if (prefix === '' && entry.name === '.git') continue;
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), rel);
      else out.push(rel);
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out.sort();
}

/** The generated paths on a checked-out branch: `<env>/<app>` directories holding a `hydrator.metadata`. */
export function generatedPaths(checkout: string): string[] {
  const found: string[] = [];
  for (const env of fs.readdirSync(checkout, { withFileTypes: true })) {
    if (!env.isDirectory() || env.name.startsWith('.')) continue;
    for (const app of fs.readdirSync(path.join(checkout, env.name), { withFileTypes: true })) {
      if (app.isDirectory() && fs.existsSync(path.join(checkout, env.name, app.name, METADATA_FILE))) {
        found.push(`${env.name}/${app.name}`);
      }
    }
  }
  return found.sort();
}

/** What applying the rendered tree to a branch changes. */
export interface BranchChanges {
  /** Generated paths that did not exist. */
  readonly added: readonly string[];
  /** Generated paths whose manifests changed. */
  readonly changed: readonly string[];
  /** Generated paths that are no longer rendered (their directories were deleted). */
  readonly removed: readonly string[];
  /** Generated paths with identical manifests (their metadata and README are left as they were). */
  readonly unchanged: readonly string[];
}

/** True when the branch's manifests change (a commit is needed). */
export function hasChanges(changes: BranchChanges): boolean {
  return changes.added.length + changes.changed.length + changes.removed.length > 0;
}

/** The source facts written into metadata files. */
export interface HydrationSource {
  readonly path: PathMetadata;
  readonly root: RootMetadata;
  /** Project directory inside the source repository (`''` at its root). */
  readonly subdir: string;
}

/**
 * Apply the rendered tree to a checkout of the branch, following Argo CD: a path whose manifests are
 * unchanged keeps its files, metadata and README (its `drySha` stays that of the commit that last changed
 * it); a changed or new path is rewritten completely; a generated path that is no longer rendered is
 * deleted. Root metadata and `.gitattributes` are only written when something changed.
 *
 * Throws when a directory about to become a generated path already holds files publish did not write.
 */
export function applyRenderedTree(checkout: string, desired: ReadonlyMap<string, ReadonlyMap<string, string>>, source: HydrationSource): BranchChanges {
  const owned = new Set(generatedPaths(checkout));
  const added: string[] = [];
  const changed: string[] = [];
  const unchanged: string[] = [];

  // Check every collision before changing anything.
  for (const [hydratePath, files] of desired) {
    if (owned.has(hydratePath)) continue;
    const foreign = filesUnder(path.join(checkout, hydratePath)).filter((f) => !files.has(f));
    if (foreign.length > 0) {
      throw new PlatformError(`the branch already has a directory ${hydratePath}/ that publish did not write (no ${METADATA_FILE}), holding ${foreign.map((f) => `'${f}'`).join(', ')}; publish would take it over and delete those files. Move them out of ${hydratePath}/ on the branch (or delete them), then publish again`);
    }
  }

  for (const hydratePath of [...desired.keys()].sort()) {
    const files = desired.get(hydratePath) as ReadonlyMap<string, string>;
    const dir = path.join(checkout, hydratePath);
    const existing = filesUnder(dir);
    const manifests = existing.filter((f) => f !== README_FILE && f !== METADATA_FILE);
    const same = owned.has(hydratePath)
      && manifests.length === files.size
      && manifests.every((f) => files.get(f) === fs.readFileSync(path.join(dir, f), 'utf8'));
    if (same) {
      unchanged.push(hydratePath);
      continue;
    }
    (owned.has(hydratePath) ? changed : added).push(hydratePath);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of files) fs.writeFileSync(path.join(dir, name), content);
    fs.writeFileSync(path.join(dir, METADATA_FILE), metadataJson(source.path));
    fs.writeFileSync(path.join(dir, README_FILE), readmeFor(hydratePath, source.path, source.subdir));
  }

  const removed = [...owned].filter((p) => !desired.has(p)).sort();
  for (const hydratePath of removed) {
    fs.rmSync(path.join(checkout, hydratePath), { recursive: true, force: true });
    const envDir = path.join(checkout, path.dirname(hydratePath));
    if (fs.readdirSync(envDir).length === 0) fs.rmdirSync(envDir);
  }

  const changes: BranchChanges = { added, changed, removed, unchanged };
  if (hasChanges(changes)) {
    fs.writeFileSync(path.join(checkout, METADATA_FILE), metadataJson(source.root));
    const attributes = path.join(checkout, '.gitattributes');
    const before = fs.existsSync(attributes) ? fs.readFileSync(attributes, 'utf8') : undefined;
    const after = mergeGitattributes(before);
    if (after !== before) fs.writeFileSync(attributes, after);
  }
  return changes;
}

/** The `drySha` recorded in the branch's root `hydrator.metadata`, or `undefined` when there is none. */
export function publishedDrySha(checkout: string): string | undefined {
  const file = path.join(checkout, METADATA_FILE);
  if (!fs.existsSync(file)) return undefined;
  return rootMetadataDrySha(fs.readFileSync(file, 'utf8'));
}

/**
 * The `drySha` of a root `hydrator.metadata`'s content (`where` names the commit it was read from in errors),
 * or `undefined` when it has none. Throws when the file is not what publish writes.
 */
export function rootMetadataDrySha(content: string, where?: string): string | undefined {
  const file = `the branch's root ${METADATA_FILE}${where ? ` (as of commit ${where})` : ''}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (e) {
    throw new PlatformError(`${file} is not valid JSON (${(e as Error).message}); it is owned by publish: delete or fix it on the branch, then publish again`);
  }
  if (parsed === null || typeof parsed !== 'object') {
    throw new PlatformError(`${file} must be a JSON object with a "drySha", got ${JSON.stringify(parsed)}; delete or fix it on the branch, then publish again`);
  }
  const drySha = (parsed as Record<string, unknown>).drySha;
  if (drySha === undefined) return undefined;
  if (typeof drySha !== 'string' || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?(?:-dirty)?$/.test(drySha)) {
    throw new PlatformError(`${file} has "drySha": ${JSON.stringify(drySha)}, expected a full commit SHA; fix it on the branch, then publish again`);
  }
  return drySha;
}
