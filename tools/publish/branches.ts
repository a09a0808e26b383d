/**
 * Which rendered branch each environment lives on: the branch its Argo CD Applications read (`branchFor`) and
 * the branch publish writes (`publishBranchFor`).
 *
 * - `shared` (the default): every environment on one branch, `gitops.branch` (`rendered`).
 * - `per-environment`: each environment on a branch of its own, `<gitops.branch>/<env>` (`environment/prod`):
 *   Argo CD reads it and publish writes it.
 * - `promoter` (GitOps Promoter): Argo CD reads `<gitops.branch>/<env>` (the *active* branch, which only Promoter
 *   changes, by merging pull requests); publish writes the *proposed* branch `<gitops.branch>/<env>-next`.
 *   Promoter derives the proposed branch by appending `-next` (argoproj-labs/gitops-promoter v0.36.0
 *   `internal/controller/promotionstrategy_controller.go`: `fmt.Sprintf("%s-%s", environment.Branch, "next")`),
 *   reads the proposed and active dry commit from the root `hydrator.metadata` of each branch
 *   (`internal/git/git.go` `GetBranchShas`, `GetShaMetadataFromFile`), the hydrated-but-unchanged dry commit from
 *   the `refs/notes/hydrator.metadata` note (`GetHydratorNote`; `promotionstrategy_controller.go`
 *   `getEffectiveHydratedDrySha`, `isPreviousEnvironmentPending`), and groups Applications into environments by
 *   `spec.source.targetRevision` (`internal/types/argocd/argocd_types.go` `GetEnvironment`).
 *
 * `<gitops.branch>` is then a prefix: git cannot hold both a branch `rendered` and a branch `rendered/prod`, so
 * choose a prefix that is not a branch (Promoter's documentation uses `environment`).
 */
import { PlatformError } from '../../constructs/lib/errors';

/** How environments are spread over rendered branches. */
export type BranchLayout = 'shared' | 'per-environment' | 'promoter';

/** Every layout, for validation and usage messages. */
export const BRANCH_LAYOUTS: readonly BranchLayout[] = ['shared', 'per-environment', 'promoter'];

/** Suffix GitOps Promoter appends to an environment branch to name its proposed branch (hard-coded upstream). */
export const PROPOSED_SUFFIX = '-next';

/** The gitops settings the layout reads (a subset of an environment's `gitops`). */
export interface BranchSettings {
  /** `shared`: the rendered branch; otherwise the prefix of the environments' branches. */
  readonly branch: string;
  /**
   * How environments are spread over branches.
   * @default 'shared'
   */
  readonly layout?: BranchLayout;
}

/** The branch environment `env`'s Argo CD Applications read (their `spec.source.targetRevision`). */
export function branchFor(env: string, gitops: BranchSettings): string {
  return (gitops.layout ?? 'shared') === 'shared' ? gitops.branch : `${gitops.branch}/${env}`;
}

/** The branch publish writes environment `env` to: `branchFor`, or its proposed `-next` branch for Promoter. */
export function publishBranchFor(env: string, gitops: BranchSettings): string {
  const branch = branchFor(env, gitops);
  return gitops.layout === 'promoter' ? `${branch}${PROPOSED_SUFFIX}` : branch;
}

/** One branch publish writes, and the environments it holds. */
export interface BranchTarget {
  /** Repository of the branch (a URL or a path). */
  readonly repo: string;
  /** Branch publish writes. */
  readonly branch: string;
  /** Environments on that branch, in the order given. */
  readonly environments: readonly string[];
  /**
   * The branch Argo CD reads when publish writes another one (Promoter's active branch for its `-next` branch):
   * a new proposed branch starts from it, and it is created (one empty commit, as Argo CD's commit server does)
   * when it does not exist yet.
   * @default - publish writes the branch Argo CD reads
   */
  readonly activeBranch?: string;
  /**
   * Every environment on the branch has a branch of its own: the branch records a full commit SHA, so
   * publishing uncommitted changes (`-dirty`) is refused (GitOps Promoter only accepts hex SHAs).
   * @default false
   */
  readonly requiresCommittedSource?: boolean;
}

/** An environment as far as planning needs it. */
export interface PlannedEnvironment {
  readonly name: string;
  readonly gitops: BranchSettings & { readonly repoURL: string };
}

/**
 * The branches to publish: the environments grouped by repository and publish branch, in the order given.
 * Throws (with the fix) when `selected` names an unknown environment or only part of a shared branch.
 */
export function planTargets(envs: readonly PlannedEnvironment[], selected?: readonly string[], repoOverride?: string): BranchTarget[] {
  const names = envs.map((e) => e.name);
  for (const name of selected ?? []) {
    if (!names.includes(name)) throw new PlatformError(`unknown environment '${name}' (environments: ${names.join(', ')})`);
  }
  const groups = new Map<string, { target: BranchTarget; all: string[] }>();
  for (const env of envs) {
    const repo = repoOverride ?? env.gitops.repoURL;
    const branch = publishBranchFor(env.name, env.gitops);
    const key = `${repo}\u0000${branch}`;
    let group = groups.get(key);
    if (group === undefined) {
      const layout = env.gitops.layout ?? 'shared';
      const active = branchFor(env.name, env.gitops);
      group = {
        target: {
          repo, branch, environments: [],
          ...(active !== branch ? { activeBranch: active } : {}),
          ...(layout !== 'shared' ? { requiresCommittedSource: true } : {}),
        },
        all: [],
      };
      groups.set(key, group);
    }
    group.all.push(env.name);
    if (selected === undefined || selected.includes(env.name)) (group.target.environments as string[]).push(env.name);
  }
  const targets: BranchTarget[] = [];
  for (const { target, all } of groups.values()) {
    if (target.environments.length === 0) continue;
    if (target.environments.length !== all.length) {
      const missing = all.filter((n) => !target.environments.includes(n));
      throw new PlatformError(`branch '${target.branch}' holds environments ${all.join(', ')}: publishing only ${target.environments.join(', ')} would delete ${missing.join(', ')} from it. Publish them together (add ${missing.map((m) => `--env ${m}`).join(' ')}), or give each environment a branch of its own (gitops.layout 'per-environment' or 'promoter')`);
    }
    targets.push(target);
  }
  return targets;
}
