/**
 * The rendered branch's layout, following Argo CD's Source Hydrator
 * (argoproj/argo-cd v3.5.1 `commitserver/commit/hydratorhelper.go` `WriteForPaths`, `util/hydrator/hydrator.go`):
 *
 * ```
 * .gitattributes                 marks README.md and hydrator.metadata files as generated
 * hydrator.metadata              {"repoURL", "drySha", "author", "date", "subject", "body", "references"} of the source commit
 * <env>/<app>/.platform-synth    ownership marker: this directory is publish's (rewritten or deleted by it)
 * <env>/<app>/hydrator.metadata  {"repoURL", "drySha", "commands"}
 * <env>/<app>/README.md          how to reproduce the directory from the source commit
 * <env>/<app>/<Kind>.<name>.yaml the rendered objects (one per file, as in dist/)
 * <env>/argocd/bootstrap/        the environment's bootstrap files (./bootstrap.ts), inside the root's directory
 * <env>/argocd/graph/            the environment's picture (tools/graph/files.ts), embedded in <env>/argocd/README.md
 * ```
 *
 * Ownership (what publish may change or delete): the root `hydrator.metadata`, the two `.gitattributes` lines
 * below (other lines are kept), and every file inside an *owned path*: a directory exactly two levels deep
 * (`<env>/<app>/`) holding the marker `.platform-synth`. `hydrator.metadata` alone proves nothing (Argo CD's own
 * hydrator writes it too, for example `apps/payments/`): such a directory is never changed or deleted.
 * Branches published before the marker existed are migrated: a directory whose `hydrator.metadata` and `README.md`
 * are exactly what this version writes (`isLegacyOwnedPath`) is adopted (the marker is added) or, when it is no
 * longer rendered, deleted. Everything else on the branch (CODEOWNERS, `docs/`, a root README, files directly in
 * `<env>/`, other hydrators' paths) belongs to others and is never touched.
 *
 * @see https://argo-cd.readthedocs.io/en/latest/user-guide/source-hydrator/
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';
import { GRAPH_MERMAID_FILE, graphReadmeSection } from '../graph/files';
import type { OutputFile } from '../synth/output';
import type { RevisionReference } from './trailers';

/** Metadata file name (Argo CD's). */
export const METADATA_FILE = 'hydrator.metadata';
/** The file marking a directory as publish's own (not a manifest: Argo CD reads only .yaml/.yml/.json/.jsonnet). */
export const OWNER_MARKER = '.platform-synth';
/** Content of the marker. */
export const OWNER_MARKER_CONTENT = 'This directory is written by platform-synth publish: it replaces or deletes everything in it on every publish.\n';
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
  /**
   * The message after the subject, without valid `Argocd-reference-commit-*` trailers, each line ending in a
   * newline; omitted when empty (as Argo CD's `omitempty`).
   */
  readonly body?: string;
  /** The commit the source commit refers to (its `Argocd-reference-commit-*` trailers); omitted when none. */
  readonly references?: readonly RevisionReference[];
}

/** Serialise metadata like Argo CD does (Go `json.Encoder`, two-space indent, trailing newline). */
export function metadataJson(metadata: PathMetadata | RootMetadata): string {
  return `${JSON.stringify(metadata, null, 2)}\n`;
}

/** The README of one generated path (Argo CD's template, plus where the files come from in the output). */
export function readmeFor(hydratePath: string, metadata: PathMetadata, subdir: string, extraFiles: readonly string[] = [], picture?: string): string {
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
  if (extraFiles.length > 0) {
    lines.push('', `Publish also writes ${extraFiles.map((f) => `\`${f}\``).join(', ')}, which are not in \`dist/\` (see bootstrap/README.md).`);
  }
  if (dirty) {
    lines.push('', 'Note: this directory was published from uncommitted changes on top of that commit (`--allow-dirty`);', 'the checkout above reproduces it only approximately.');
  }
  if (picture !== undefined) lines.push('', graphReadmeSection(hydratePath, picture).replace(/\n$/, ''));
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

/** The directories exactly two levels deep (`<env>/<app>`) of a checked-out branch. */
function twoLevelDirectories(checkout: string): string[] {
  const found: string[] = [];
  for (const env of fs.readdirSync(checkout, { withFileTypes: true })) {
    if (!env.isDirectory() || env.name.startsWith('.')) continue;
    for (const app of fs.readdirSync(path.join(checkout, env.name), { withFileTypes: true })) {
      if (app.isDirectory()) found.push(`${env.name}/${app.name}`);
    }
  }
  return found.sort();
}

/** The owned paths on a checked-out branch: `<env>/<app>` directories holding the ownership marker. */
export function ownedPaths(checkout: string): string[] {
  return twoLevelDirectories(checkout).filter((p) => fs.existsSync(path.join(checkout, p, OWNER_MARKER)));
}

/**
 * True when `hydratePath` (no marker) holds exactly what publish wrote before the marker existed: a
 * `hydrator.metadata` with only `repoURL`, `drySha` and publish's `commands`, and publish's README for that path
 * (which names `dist/<hydratePath>/`). Argo CD's hydrator writes other commands and another README (and a
 * `manifest.yaml`), so its paths never match.
 */
export function isLegacyOwnedPath(checkout: string, hydratePath: string): boolean {
  const dir = path.join(checkout, hydratePath);
  const metadataFile = path.join(dir, METADATA_FILE);
  const readmeFile = path.join(dir, README_FILE);
  if (fs.existsSync(path.join(dir, OWNER_MARKER)) || !fs.existsSync(metadataFile) || !fs.existsSync(readmeFile)) return false;
  let metadata: unknown;
  try {
    metadata = JSON.parse(fs.readFileSync(metadataFile, 'utf8'));
  } catch {
    return false;
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return false;
  const record = metadata as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 3 || keys.join() !== 'repoURL,drySha,commands') return false;
  if (JSON.stringify(record.commands) !== JSON.stringify(HYDRATE_COMMANDS) || typeof record.drySha !== 'string' || typeof record.repoURL !== 'string') return false;
  const readme = fs.readFileSync(readmeFile, 'utf8');
  return readme.startsWith('# Manifest Hydration\n') && readme.includes(`\nThe files of this directory are \`dist/${hydratePath}/\` of that output.`);
}

/** Publish's paths on a branch: marked ones, and unmarked ones written before the marker existed (`legacy`). */
export function publishPaths(checkout: string): { readonly marked: readonly string[]; readonly legacy: readonly string[] } {
  const marked: string[] = [];
  const legacy: string[] = [];
  for (const p of twoLevelDirectories(checkout)) {
    if (fs.existsSync(path.join(checkout, p, OWNER_MARKER))) marked.push(p);
    else if (isLegacyOwnedPath(checkout, p)) legacy.push(p);
  }
  return { marked, legacy };
}

/** What applying the rendered tree to a branch changes. */
export interface BranchChanges {
  /** Owned paths that did not exist. */
  readonly added: readonly string[];
  /** Owned paths whose manifests changed. */
  readonly changed: readonly string[];
  /** Owned paths that are no longer rendered (their directories were deleted). */
  readonly removed: readonly string[];
  /** Paths written before the ownership marker existed, with unchanged manifests: the marker was added. */
  readonly adopted: readonly string[];
  /** Owned paths with identical manifests (their metadata and README are left as they were). */
  readonly unchanged: readonly string[];
}

/** True when the branch changes (a commit is needed). */
export function hasChanges(changes: BranchChanges): boolean {
  return changes.added.length + changes.changed.length + changes.removed.length + changes.adopted.length > 0;
}

/** The source facts written into metadata files. */
export interface HydrationSource {
  readonly path: PathMetadata;
  readonly root: RootMetadata;
  /** Project directory inside the source repository (`''` at its root). */
  readonly subdir: string;
}

/** Files of a desired path that are not in `dist/` (publish's own additions, such as `bootstrap/`). */
function extraFilesOf(files: ReadonlyMap<string, string>): string[] {
  return [...files.keys()].filter((f) => f.includes('/')).sort();
}

/**
 * Apply the rendered tree to a checkout of the branch, following Argo CD: an owned path whose manifests are
 * unchanged keeps its files, metadata and README (its `drySha` stays that of the commit that last changed
 * it); a changed or new path is rewritten completely (files others put inside it are deleted); an owned path
 * that is no longer rendered is deleted. Root metadata and `.gitattributes` are only written when something
 * changed. Paths of other writers (no marker) are never changed or deleted.
 *
 * Throws when a directory about to become an owned path already holds files publish did not write.
 */
export function applyRenderedTree(checkout: string, desired: ReadonlyMap<string, ReadonlyMap<string, string>>, source: HydrationSource): BranchChanges {
  const { marked, legacy } = publishPaths(checkout);
  const owned = new Set([...marked, ...legacy]);
  const legacySet = new Set(legacy);
  const added: string[] = [];
  const changed: string[] = [];
  const adopted: string[] = [];
  const unchanged: string[] = [];

  // Check every collision before changing anything.
  for (const [hydratePath, files] of desired) {
    if (owned.has(hydratePath)) continue;
    const foreign = filesUnder(path.join(checkout, hydratePath)).filter((f) => !files.has(f));
    if (foreign.length > 0) {
      throw new PlatformError(`the branch already has a directory ${hydratePath}/ that publish did not write (no ${OWNER_MARKER} marker), holding ${foreign.map((f) => `'${f}'`).join(', ')}; publish never overwrites another writer's files. Move them out of ${hydratePath}/ on the branch (or delete them), or rename the application, then publish again`);
    }
  }

  for (const hydratePath of [...desired.keys()].sort()) {
    const files = desired.get(hydratePath) as ReadonlyMap<string, string>;
    const dir = path.join(checkout, hydratePath);
    const existing = filesUnder(dir);
    const manifests = existing.filter((f) => f !== README_FILE && f !== METADATA_FILE && f !== OWNER_MARKER);
    const same = owned.has(hydratePath)
      && manifests.length === files.size
      && manifests.every((f) => files.get(f) === fs.readFileSync(path.join(dir, f), 'utf8'));
    if (same) {
      if (legacySet.has(hydratePath)) {
        fs.writeFileSync(path.join(dir, OWNER_MARKER), OWNER_MARKER_CONTENT);
        adopted.push(hydratePath);
      } else {
        unchanged.push(hydratePath);
      }
      continue;
    }
    (owned.has(hydratePath) ? changed : added).push(hydratePath);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of files) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), content);
    }
    fs.writeFileSync(path.join(dir, OWNER_MARKER), OWNER_MARKER_CONTENT);
    fs.writeFileSync(path.join(dir, METADATA_FILE), metadataJson(source.path));
    fs.writeFileSync(path.join(dir, README_FILE), readmeFor(hydratePath, source.path, source.subdir, extraFilesOf(files), files.get(GRAPH_MERMAID_FILE)));
  }

  const removed = [...owned].filter((p) => !desired.has(p)).sort();
  for (const hydratePath of removed) {
    fs.rmSync(path.join(checkout, hydratePath), { recursive: true, force: true });
    const envDir = path.join(checkout, path.dirname(hydratePath));
    if (fs.readdirSync(envDir).length === 0) fs.rmdirSync(envDir);
  }

  const changes: BranchChanges = { added, changed, removed, adopted, unchanged };
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
