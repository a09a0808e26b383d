/**
 * `publish:rendered`: render and validate every environment once, then commit the output to the rendered
 * branches Argo CD reads, one target branch after the other (which environments go where: ./branches.ts;
 * layout and ownership: ./layout.ts; bootstrap files: ./bootstrap.ts; reference trailers: ./trailers.ts; each
 * environment's picture: tools/graph/files.ts).
 *
 * A target with an active branch (GitOps Promoter's `<env branch>-next`): when the branch does not exist, it
 * starts from the active branch's head, and when that does not exist either, the active branch is created with
 * one empty commit and pushed atomically with the new branch (lease: must not exist), as Argo CD's commit server
 * does. Nothing else ever writes the active branch.
 *
 * Algorithm per branch (one attempt per iteration, at most `maxAttempts`):
 *
 * 1. `git ls-remote` the branch B and the notes ref N (`refs/notes/hydrator.metadata`, Argo CD's); fetch
 *    exactly those heads (depth 1; N's tree holds every note) into a fresh temporary repository, or start an
 *    orphan branch.
 * 2. Ordering: the published source P is the newest record on B's first-parent history (`publishedRecord`):
 *    walking down from the head, the first commit that carries a note (`{"drySha"}`: a newer source with
 *    identical manifests recorded without a commit, or the publisher's own commit) or whose root
 *    `hydrator.metadata` differs from its parent's (a publisher commit) gives P. Commits people pushed on top
 *    (CODEOWNERS, docs) carry neither and are skipped; the history is deepened as far as the walk needs.
 *    The nearest record is the newest: each was written only after checking it is newer than the one below,
 *    with leases on both refs. Proceed when P is missing, equal to our source S, or an ancestor of S. When S
 *    is an ancestor of P a newer source is already published: stop without error (exit 0). Otherwise
 *    (diverged, unknown commit, shallow clone) fail.
 * 3. Apply the rendered tree on top of B's head (foreign files stay).
 *    - Manifests changed: commit, note the commit with `{"drySha": S}`, and push branch and notes in one
 *      atomic push, each with `--force-with-lease=<ref>:<head we fetched>` (empty: must not exist).
 *    - Manifests unchanged: no commit (as Argo CD); when S is newer than P, note B's head with S and push the
 *      notes in one atomic push with both leases (B pushed to the head it already has), so that the note
 *      never attaches to a head that moved and an older source cannot overwrite S's manifests later.
 * 4. A refused push when B or N moved meanwhile: wait a little and start again from 1 on the new heads
 *    (foreign files added meanwhile are kept). Any other push failure is an error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PlatformError } from '../../constructs/lib/errors';
import {
  commitExists, fallbackIdentity, git, GitError, GitResult, gitOutput, isAncestor, isShallow, redactUrl, shallowCommits, shortSha,
  SourceRevision, sourceRevision,
} from '../git';
import { graphFiles } from '../graph/files';
import { BuildFunction, outputFiles, renderEnvironments } from '../synth';
import type { RenderedEnvironment } from '../synth/render';
import { validateEnvironments, ValidationReport } from '../validate';
import { bootstrapFiles } from './bootstrap';
import type { BranchTarget } from './branches';
import {
  applyRenderedTree, BranchChanges, groupByPath, hasChanges, HYDRATE_COMMANDS, HydrationSource, METADATA_FILE, rootMetadataDrySha,
} from './layout';
import { hydratorSubjectAndBody, referencesFromTrailers } from './trailers';

export * from './bootstrap';
export * from './branches';
export * from './layout';
export * from './trailers';

/** Options of `publishRendered`. */
export interface PublishOptions {
  /** Builds the cdk8s Apps (main.ts's `build`). */
  readonly build: BuildFunction;
  /** The project directory (where main.ts is); its git repository's HEAD is the source commit. */
  readonly projectDir: string;
  /** The branches to publish and the environments each holds (`planTargets`), in order. */
  readonly targets: readonly BranchTarget[];
  /** Publish although tracked files have uncommitted changes (recorded as `<sha>-dirty`). @default false */
  readonly allowDirty?: boolean;
  /** Replace a branch published from a diverged history. @default false */
  readonly allowDiverged?: boolean;
  /** Attempts per branch before giving up when other publishers keep moving it. @default 5 */
  readonly maxAttempts?: number;
  /** Progress output. @default - silent */
  readonly log?: (line: string) => void;
}

/** What publishing one branch did. */
export type PublishOutcome = { readonly branch: string } & (
  | { readonly status: 'published'; readonly commit: string; readonly changes: BranchChanges; readonly attempts: number }
  /** `recorded`: our newer source was recorded in the branch's git notes (no commit). */
  | { readonly status: 'unchanged'; readonly recorded: boolean }
  | { readonly status: 'superseded'; readonly publishedDrySha: string });

/** Validation found errors: nothing was pushed. */
export class PublishValidationError extends PlatformError {
  public constructor(public readonly report: ValidationReport) {
    super(`validation failed with ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}; nothing was published`);
  }
}

const DEFAULT_ATTEMPTS = 5;

/**
 * Render and validate every environment once, then publish each target branch in turn (see the module comment
 * for the algorithm). Returns one outcome per target. A failure stops at that branch: branches published before
 * it stay published (each one is consistent on its own).
 */
export async function publishRendered(options: PublishOptions): Promise<PublishOutcome[]> {
  const log = options.log ?? ((): void => undefined);
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new PlatformError(`--max-attempts must be an integer >= 1, got ${String(maxAttempts)}`);
  }
  if (options.targets.length === 0) throw new PlatformError('nothing to publish: no environment was selected');
  for (const target of options.targets) {
    await checkBranchName(target.branch, options.projectDir);
    if (target.activeBranch !== undefined) await checkBranchName(target.activeBranch, options.projectDir);
  }

  const source = await sourceRevision(options.projectDir);
  if (source.dirty && !options.allowDirty) {
    const shown = source.modified.slice(0, 10).map((f) => `  ${f}`).join('\n');
    const more = source.modified.length > 10 ? `\n  ... and ${source.modified.length - 10} more` : '';
    throw new PlatformError(`the working tree of ${source.root} has uncommitted changes to tracked files:\n${shown}${more}\nThe rendered branch records the exact source commit it was rendered from. Commit (or revert) the changes first, or pass --allow-dirty to publish them marked as '${shortSha(source.sha)}-dirty'`);
  }
  const strict = options.targets.filter((t) => t.requiresCommittedSource);
  if (source.dirty && strict.length > 0) {
    throw new PlatformError(`--allow-dirty cannot publish to ${strict.map((t) => `'${t.branch}'`).join(', ')}: an environment branch records a full commit SHA as its drySha (GitOps Promoter accepts nothing else), and uncommitted changes have none. Commit the changes, then publish again`);
  }
  const drySha = `${source.sha}${source.dirty ? '-dirty' : ''}`;
  log(`source ${shortSha(source.sha)}${source.dirty ? ' (with uncommitted changes)' : ''} "${source.subject}" in ${source.root}`);

  const envs = await renderEnvironments(options.build, path.join(options.projectDir, 'dist'));
  const report = validateEnvironments(envs);
  if (report.errors.length > 0) throw new PublishValidationError(report);
  log(`rendered and validated ${envs.map((e) => e.name).join(', ')}`);

  const { subject, body } = hydratorSubjectAndBody(source.message);
  const references = referencesFromTrailers(source.trailers);
  const hydration: HydrationSource = {
    subdir: source.subdir,
    path: { repoURL: source.repoURL, drySha, commands: HYDRATE_COMMANDS },
    root: {
      repoURL: source.repoURL,
      drySha,
      author: source.author,
      date: source.date,
      subject,
      ...(body ? { body } : {}),
      ...(references.length > 0 ? { references } : {}),
    },
  };

  const outcomes: PublishOutcome[] = [];
  const clusterOf = new Map(envs.map((e) => [e.name, e.cluster]));
  const environmentNames = new Set(options.targets.flatMap((t) => t.environments));
  for (const target of options.targets) {
    // A shared cluster's own directory (its add-ons and root) goes with the environments on that cluster.
    const clusters = new Set(target.environments.map((n) => clusterOf.get(n)));
    const selected = envs.filter((e) => target.environments.includes(e.name) || (!environmentNames.has(e.name) && clusters.has(e.cluster)));
    const missing = target.environments.filter((n) => !selected.some((e) => e.name === n));
    const shared = selected.filter((e) => !target.environments.includes(e.name)).map((e) => e.name);
    if (shared.length > 0) log(`'${target.branch}': with the directory of cluster ${shared.join(', ')}`);
    if (missing.length > 0) throw new PlatformError(`environment${missing.length === 1 ? '' : 's'} ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not rendered by main.ts; nothing was published to '${target.branch}'`);
    const readBy = target.activeBranch ?? target.branch;
    for (const env of selected) {
      const expected = env.context.renderedSource?.branch;
      if (expected !== undefined && expected !== readBy) {
        log(`warning: the Applications of '${env.name}' read branch '${expected}', not '${readBy}': Argo CD will not deploy what is published there`);
      }
    }
    const desired = await desiredTree(selected, readBy, target.repo);
    log(`'${target.branch}': ${target.environments.join(', ')} (${desired.size} paths)`);
    outcomes.push(await publishBranch(options, target, source, drySha, desired, hydration, maxAttempts, log));
  }
  return outcomes;
}

/** The files of the selected environments by owned path, with each environment's bootstrap files and picture added. */
async function desiredTree(envs: readonly RenderedEnvironment[], readBy: string, repo: string): Promise<Map<string, Map<string, string>>> {
  const desired = groupByPath(outputFiles(envs));
  for (const env of envs) {
    const picture = await graphFiles(env);
    if (picture !== undefined) for (const [name, content] of picture.files) desired.get(`${env.name}/${picture.application}`)?.set(name, content);
    const bootstrap = bootstrapFiles(env, readBy, redactUrl(repo));
    if (bootstrap === undefined) continue;
    const files = desired.get(`${env.name}/${bootstrap.rootApplication}`);
    if (files === undefined) continue;
    for (const [name, content] of bootstrap.files) files.set(name, content);
  }
  return desired;
}

/** Publish one branch (the attempt loop of the module comment). */
async function publishBranch(
  options: PublishOptions, target: BranchTarget, source: SourceRevision, drySha: string,
  desired: ReadonlyMap<string, ReadonlyMap<string, string>>, hydration: HydrationSource, maxAttempts: number, log: (line: string) => void,
): Promise<PublishOutcome> {
  const branch = target.branch;
  const shownRepo = redactUrl(target.repo);
  const branchRef = `refs/heads/${branch}`;
  const activeRef = target.activeBranch === undefined ? undefined : `refs/heads/${target.activeBranch}`;
  const watched = [branchRef, NOTES_REF, ...(activeRef ? [activeRef] : [])];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-publish-'));
  try {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const clone = path.join(tmp, `attempt-${attempt}`);
      fs.mkdirSync(clone);
      await git(['init', '-q'], { cwd: clone });
      await git(['remote', 'add', 'origin', target.repo], { cwd: clone });

      // The leases: the heads this attempt builds on (`undefined`: the ref must not exist when we push).
      const remote = await remoteRefs(clone, watched);
      const expected = remote.get(branchRef);
      const expectedNotes = remote.get(NOTES_REF);
      // A new proposed branch starts from the active branch (as Argo CD's commit server does, CheckoutOrNew).
      const expectedActive = activeRef ? remote.get(activeRef) : undefined;
      const refspecs = [
        ...(expected ? [`+${branchRef}:refs/remotes/origin/${branch}`] : []),
        ...(!expected && activeRef && expectedActive ? [`+${activeRef}:refs/remotes/origin/${target.activeBranch as string}`] : []),
        ...(expectedNotes ? [`+${NOTES_REF}:${NOTES_REF}`] : []),
      ];
      if (refspecs.length > 0) {
        // Exactly the advertised commits (`ls-remote` above), so that the leases match what we build on.
        await git(['fetch', '-q', '--no-tags', '--depth=1', 'origin', ...refspecs], { cwd: clone });
        const fetched = [
          expected && (await gitOutput(['rev-parse', `refs/remotes/origin/${branch}`], { cwd: clone })) !== expected,
          expectedNotes && (await gitOutput(['rev-parse', NOTES_REF], { cwd: clone })) !== expectedNotes,
          !expected && expectedActive && (await gitOutput(['rev-parse', `refs/remotes/origin/${target.activeBranch as string}`], { cwd: clone })) !== expectedActive,
        ];
        if (fetched.some(Boolean)) {
          log(`'${branch}' moved while fetching; starting again (attempt ${attempt + 1} of ${maxAttempts})`);
          continue;
        }
      }
      let published: string | undefined;
      /** The commit a new branch starts from (the active branch's head, or the empty commit that creates it). */
      let base: string | undefined;
      /** The active branch is created by this push (it did not exist). */
      let createsActive = false;
      if (expected === undefined) {
        log(`branch '${branch}' does not exist in ${shownRepo} yet; creating it${target.activeBranch ? ` from '${target.activeBranch}'` : ''}`);
        if (target.activeBranch !== undefined && expectedActive !== undefined) {
          base = expectedActive;
          await git(['checkout', '-q', '--detach', base], { cwd: clone });
        } else if (target.activeBranch !== undefined) {
          // Neither exists: create the active branch with one empty commit (Argo CD's CheckoutOrOrphan), so that
          // GitOps Promoter finds it and the proposed branch shares its history.
          log(`branch '${target.activeBranch}' (what Argo CD reads) does not exist either; creating it with an empty commit`);
          await git(['checkout', '-q', '--orphan', target.activeBranch], { cwd: clone });
          await git(['commit', '-q', '--no-verify', '--allow-empty', '-m', `Initial commit for ${target.activeBranch}`], { cwd: clone, env: await fallbackIdentity(clone) });
          base = await gitOutput(['rev-parse', 'HEAD'], { cwd: clone });
          createsActive = true;
        } else {
          await git(['checkout', '-q', '--orphan', branch], { cwd: clone });
        }
      } else {
        await git(['checkout', '-q', '--detach', expected], { cwd: clone });
        const record = await publishedRecord(clone, expected, expectedNotes !== undefined, branch, log);
        if (record === 'moved') {
          log(`'${branch}' moved while fetching its history; starting again (attempt ${attempt + 1} of ${maxAttempts})`);
          continue;
        }
        published = record?.drySha;
        const where = record && record.commit !== expected
          ? ` (recorded on ${shortSha(record.commit)}, ${record.depth} commit${record.depth === 1 ? '' : 's'} below the head)`
          : '';
        log(`branch '${branch}' of ${shownRepo} is at ${shortSha(expected)}${published ? `, published from source ${shortSha(published)}${published.endsWith('-dirty') ? '-dirty' : ''}${where}` : ''}`);
        if (published !== undefined) {
          const order = await compareWithPublished(source, published, { allowDiverged: options.allowDiverged, branch }, log);
          if (order === 'superseded') return { branch, status: 'superseded', publishedDrySha: published };
        }
      }

      const identity = await fallbackIdentity(clone);
      const leases = [
        `--force-with-lease=${branchRef}:${expected ?? ''}`,
        `--force-with-lease=${NOTES_REF}:${expectedNotes ?? ''}`,
        ...(createsActive && activeRef ? [`--force-with-lease=${activeRef}:`] : []),
      ];
      const activePush = createsActive && activeRef && base ? [`${base}:${activeRef}`] : [];
      const changes = applyRenderedTree(clone, desired, hydration);
      let push: GitResult;
      let pushArgs: string[];
      let commit: string | undefined;
      if (!hasChanges(changes)) {
        log(`nothing to publish: the manifests on '${branch}' are identical to this render (${changes.unchanged.length} applications unchanged)`);
        // The head to record our source on: the branch's, or (a new proposed branch identical to the active one)
        // the active branch's head, which the new branch then points at.
        const recordOn = expected ?? base;
        // (No branch and nothing rendered: there is no commit to record our source on.)
        if ((published === drySha && expected !== undefined) || recordOn === undefined) return { branch, status: 'unchanged', recorded: false };
        // Record our source without a commit, so that an older source cannot replace it later (and GitOps Promoter
        // sees this source as hydrated: a no-op). The branch is "pushed" to the head it already has: its lease
        // makes the note fail with the branch if the head moved.
        await addNote(clone, recordOn, drySha, identity);
        pushArgs = ['push', '--atomic', '--porcelain', ...leases, 'origin', `${recordOn}:${branchRef}`, ...activePush, `${NOTES_REF}:${NOTES_REF}`];
        push = await git(pushArgs, { cwd: clone, allowFailure: true });
        if (push.code === 0) {
          log(`recorded source ${shortSha(drySha)} as published in ${NOTES_REF} (on ${shortSha(recordOn)}), so that older sources cannot replace it`);
          return { branch, status: 'unchanged', recorded: true };
        }
      } else {
        for (const [label, list] of [['added', changes.added], ['changed', changes.changed], ['removed', changes.removed], ['adopted (ownership marker added)', changes.adopted]] as const) {
          if (list.length > 0) log(`${label}: ${list.join(', ')}`);
        }
        await git(['add', '-A', '.'], { cwd: clone });
        await git(['commit', '-q', '--no-verify', '-F', writeMessage(tmp, attempt, commitMessage(source))], { cwd: clone, env: identity });
        commit = await gitOutput(['rev-parse', 'HEAD'], { cwd: clone });
        await addNote(clone, commit, drySha, identity);
        // Branch and notes move together or not at all.
        pushArgs = ['push', '--atomic', '--porcelain', ...leases, 'origin', `HEAD:${branchRef}`, ...activePush, `${NOTES_REF}:${NOTES_REF}`];
        push = await git(pushArgs, { cwd: clone, allowFailure: true });
        if (push.code === 0) {
          log(expected === undefined
            ? `created branch '${branch}' at ${shortSha(commit)}`
            : `pushed '${branch}': ${shortSha(expected)}..${shortSha(commit)}`);
          return { branch, status: 'published', commit, changes, attempts: attempt };
        }
      }

      const now = await remoteRefs(clone, watched);
      if (now.get(branchRef) === expected && now.get(NOTES_REF) === expectedNotes && (activeRef === undefined || now.get(activeRef) === expectedActive)) {
        throw new GitError(pushArgs, clone, push,
          `Neither the branch nor ${NOTES_REF} moved, so this is not a race with another publisher: check the credentials and the branch protection of ${shownRepo} (publish pushes ${branchRef} and ${NOTES_REF}, atomically).`);
      }
      if (attempt < maxAttempts) {
        const moved = now.get(branchRef) !== expected
          ? `'${branch}' moved to ${now.get(branchRef) === undefined ? '(deleted)' : shortSha(now.get(branchRef) as string)}`
          : now.get(NOTES_REF) !== expectedNotes ? `${NOTES_REF} moved` : `'${target.activeBranch as string}' moved`;
        log(`push refused: ${moved} while publishing; retrying on the new head (attempt ${attempt + 1} of ${maxAttempts})`);
        await sleep(150 * attempt + Math.floor(Math.random() * 250));
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  throw new PlatformError(`gave up after ${maxAttempts} attempts: '${branch}' of ${shownRepo} kept moving while publishing (other publishers are pushing). Nothing was lost; re-run the job, or raise --max-attempts`);
}

/** Git notes ref recording which source a rendered commit corresponds to (Argo CD's namespace). */
export const NOTES_REF = 'refs/notes/hydrator.metadata';

/** Where the branch records the newest source published on it. */
export interface PublishedRecord {
  readonly drySha: string;
  /** The commit carrying the record. */
  readonly commit: string;
  /** `note`: its git note; `metadata`: the root `hydrator.metadata` that commit wrote. */
  readonly from: 'note' | 'metadata';
  /** First-parent steps from the head to `commit` (0: the head). */
  readonly depth: number;
}

/** Commits fetched per step when the walk in `publishedRecord` reaches the shallow boundary (then doubled). */
const DEEPEN_STEP = 16;

/**
 * The newest source recorded on the first-parent history of `head` (checked out in `clone`, fetched with
 * `refs/remotes/origin/<branch>`): walking down from the head, the first commit with a note we understand, or
 * whose root `hydrator.metadata` is present and differs from its first parent's (a commit publish made; a
 * parentless commit with one counts too). Commits in between are other people's (no note, metadata untouched).
 * Deepens a shallow fetch as far as needed. `undefined`: nothing was ever published on this history;
 * `'moved'`: the branch moved while deepening (start over).
 */
export async function publishedRecord(clone: string, head: string, hasNotes: boolean, branch: string, log: (line: string) => void): Promise<PublishedRecord | undefined | 'moved'> {
  const tracking = `refs/remotes/origin/${branch}`;
  const noted = new Set<string>();
  if (hasNotes) {
    for (const line of (await gitOutput(['notes', `--ref=${NOTES_REF}`, 'list'], { cwd: clone })).split('\n')) {
      const annotated = line.split(' ')[1];
      if (annotated) noted.add(annotated);
    }
  }
  const metadataBlob = async (commit: string): Promise<string | undefined> => {
    const result = await git(['rev-parse', '--verify', '-q', `${commit}:${METADATA_FILE}`], { cwd: clone, allowFailure: true });
    return result.code === 0 ? result.stdout.trim() : undefined;
  };

  let checked = 0;
  let step = DEEPEN_STEP;
  for (;;) {
    const chain = (await gitOutput(['rev-list', '--first-parent', head], { cwd: clone })).split('\n').filter((l) => l !== '');
    const boundary = await shallowCommits(clone);
    for (; checked < chain.length; checked++) {
      const commit = chain[checked] as string;
      if (noted.has(commit)) {
        const drySha = await noteDrySha(clone, commit, log);
        if (drySha !== undefined) return { drySha, commit, from: 'note', depth: checked };
      }
      const parent = chain[checked + 1];
      if (parent === undefined && boundary.has(commit)) break; // its parent is not fetched yet
      const blob = await metadataBlob(commit);
      if (blob !== undefined && (parent === undefined || blob !== (await metadataBlob(parent)))) {
        const drySha = rootMetadataDrySha(await gitOutput(['cat-file', 'blob', blob], { cwd: clone }), shortSha(commit));
        if (drySha !== undefined) return { drySha, commit, from: 'metadata', depth: checked };
      }
      if (parent === undefined) return undefined; // the root commit: nothing was ever published
    }
    await git(['fetch', '-q', '--no-tags', `--deepen=${step}`, 'origin', `+refs/heads/${branch}:${tracking}`], { cwd: clone });
    if ((await gitOutput(['rev-parse', tracking], { cwd: clone })) !== head) return 'moved';
    if ((await shallowCommits(clone)).has(chain[checked] as string)) {
      throw new PlatformError(`git fetch --deepen=${step} did not fetch the parent of ${shortSha(chain[checked] as string)} on '${branch}', so publish cannot tell which source the branch was published from; check that the repository serves shallow fetches (a dumb HTTP server does not), or fetch it over another protocol`);
    }
    step *= 2;
  }
}

/** The `drySha` of the note on `commit`, or `undefined` when there is none (or it is not ours to read). */
async function noteDrySha(clone: string, commit: string, log: (line: string) => void): Promise<string | undefined> {
  const note = await git(['notes', `--ref=${NOTES_REF}`, 'show', commit], { cwd: clone, allowFailure: true });
  if (note.code !== 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(note.stdout);
    const drySha = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>).drySha : undefined;
    if (typeof drySha === 'string' && /^[0-9a-f]{40}(?:[0-9a-f]{24})?(?:-dirty)?$/.test(drySha)) return drySha;
  } catch {
    // fall through: not a note we understand
  }
  log(`warning: ignoring the ${NOTES_REF} note on ${shortSha(commit)}: expected {"drySha": "<commit SHA>"}`);
  return undefined;
}

/** Attach `{"drySha": ...}` (Argo CD's commit note) to `commit`, replacing an older note. */
async function addNote(clone: string, commit: string, drySha: string, identity: Record<string, string>): Promise<void> {
  await git(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-m', JSON.stringify({ drySha }), commit], { cwd: clone, env: identity });
}

/**
 * `<short sha>: <subject>`, the body, and co-author trailers (the referenced commit's author, then the source
 * commit's): Argo CD's default commit message template (`util/settings/settings.go` `CommitMessageTemplate`).
 */
export function commitMessage(source: SourceRevision): string {
  const lines = [`${shortSha(source.sha)}${source.dirty ? '-dirty' : ''}: ${source.subject}`];
  if (source.body) lines.push('', source.body);
  if (source.dirty) lines.push('', `Published with --allow-dirty: uncommitted changes on top of ${source.sha}.`);
  lines.push('');
  for (const reference of referencesFromTrailers(source.trailers)) {
    if (reference.commit.author) lines.push(`Co-authored-by: ${reference.commit.author}`);
  }
  lines.push(`Co-authored-by: ${source.author}`);
  return `${lines.join('\n')}\n`;
}

function writeMessage(dir: string, attempt: number, message: string): string {
  const file = path.join(dir, `message-${attempt}.txt`);
  fs.writeFileSync(file, message);
  return file;
}

/**
 * Decide whether our source may replace the published one: `proceed` (ours is the same or newer),
 * `superseded` (a newer source is published; not an error). Throws when the order cannot be established.
 */
export async function compareWithPublished(
  source: SourceRevision,
  published: string,
  options: { readonly allowDiverged?: boolean; readonly branch: string },
  log: (line: string) => void,
): Promise<'proceed' | 'superseded'> {
  const publishedSha = published.replace(/-dirty$/, '');
  if (publishedSha === source.sha) return 'proceed';
  const ours = shortSha(source.sha);
  const theirs = shortSha(publishedSha);
  const repo = source.root;

  const shallow = await isShallow(repo);
  let known = await commitExists(repo, publishedSha);
  if (!known && !shallow) {
    // A newer commit pushed after this clone was made: ask the source repository's origin for it.
    const fetched = await git(['fetch', '-q', '--no-tags', '--no-write-fetch-head', 'origin', publishedSha], { cwd: repo, allowFailure: true });
    known = fetched.code === 0 && (await commitExists(repo, publishedSha));
  }
  if (known && (await isAncestor(repo, publishedSha, source.sha))) return 'proceed';
  if (shallow) {
    throw new PlatformError(`cannot tell whether source ${ours} is newer than ${theirs}, which '${options.branch}' was published from: ${repo} is a shallow clone. Fetch the full history (git fetch --unshallow; with actions/checkout set fetch-depth: 0), then publish again`);
  }
  if (!known) {
    if (options.allowDiverged) {
      log(`warning: published source ${theirs} is not in this repository's history; replacing it (--allow-diverged)`);
      return 'proceed';
    }
    throw new PlatformError(`'${options.branch}' was published from source ${publishedSha}, which is not in the history of ${repo} (and its origin did not provide it). It may come from another repository or a rewritten history. Fetch it (git fetch origin) and publish again, or pass --allow-diverged to replace it`);
  }
  if (await isAncestor(repo, source.sha, publishedSha)) {
    log(`'${options.branch}' already holds source ${theirs}, which is newer than ${ours} (a descendant of it): nothing to do; an older source never replaces a newer one`);
    return 'superseded';
  }
  if (options.allowDiverged) {
    log(`warning: published source ${theirs} and ${ours} have diverged; replacing it (--allow-diverged)`);
    return 'proceed';
  }
  throw new PlatformError(`'${options.branch}' was published from source ${theirs}, which is neither an ancestor nor a descendant of ${ours}: the histories diverged (a force-pushed branch, or publishing from another branch). Refusing to replace it. Publish from the branch that holds ${theirs}, or pass --allow-diverged if replacing it is intended`);
}

/** The current values of `refs` on the remote (absent refs are missing from the map). */
async function remoteRefs(clone: string, refs: readonly string[]): Promise<Map<string, string>> {
  const listing = await gitOutput(['ls-remote', 'origin', ...refs], { cwd: clone });
  const found = new Map<string, string>();
  for (const line of listing.split('\n')) {
    const [sha, name] = line.split('\t');
    if (sha && name && refs.includes(name)) found.set(name, sha);
  }
  return found;
}

async function checkBranchName(branch: string, cwd: string): Promise<void> {
  const result = await git(['check-ref-format', '--branch', branch], { cwd, allowFailure: true });
  if (result.code !== 0 || branch.startsWith('-')) {
    throw new PlatformError(`--branch '${branch}' is not a valid branch name; use a name such as 'rendered' or 'rendered/prod'`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
