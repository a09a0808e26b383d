/**
 * Which branch each environment lives on (tools/publish/branches.ts), and the environment setting that chooses it.
 */
import { ConfigError } from '../../constructs';
import { branchFor, planTargets, PlannedEnvironment, publishBranchFor } from '../../tools/publish/branches';
import { testEnvironment, TestOverrides } from '../helpers';

const REPO = 'https://example.com/rendered.git';
const envs = (gitops: Omit<PlannedEnvironment['gitops'], 'repoURL'>): PlannedEnvironment[] =>
  ['dev', 'staging', 'prod'].map((name) => ({ name, gitops: { repoURL: REPO, ...gitops } }));

test('shared: one branch for every environment, the branch Argo CD reads', () => {
  expect(branchFor('prod', { branch: 'rendered' })).toBe('rendered');
  expect(publishBranchFor('prod', { branch: 'rendered', layout: 'shared' })).toBe('rendered');
  expect(planTargets(envs({ branch: 'rendered' }))).toEqual([{ repo: REPO, branch: 'rendered', environments: ['dev', 'staging', 'prod'] }]);
});

test('per-environment and promoter: a branch per environment; Promoter publishes to <branch>-next', () => {
  expect(branchFor('prod', { branch: 'environment', layout: 'per-environment' })).toBe('environment/prod');
  expect(publishBranchFor('prod', { branch: 'environment', layout: 'per-environment' })).toBe('environment/prod');
  expect(branchFor('prod', { branch: 'environment', layout: 'promoter' })).toBe('environment/prod');
  expect(publishBranchFor('prod', { branch: 'environment', layout: 'promoter' })).toBe('environment/prod-next');
  expect(planTargets(envs({ branch: 'environment', layout: 'promoter' }), ['prod'])).toEqual([
    { repo: REPO, branch: 'environment/prod-next', environments: ['prod'], activeBranch: 'environment/prod', requiresCommittedSource: true },
  ]);
  expect(planTargets(envs({ branch: 'environment', layout: 'per-environment' })).map((t) => [t.branch, t.environments, t.activeBranch])).toEqual([
    ['environment/dev', ['dev'], undefined], ['environment/staging', ['staging'], undefined], ['environment/prod', ['prod'], undefined],
  ]);
});

test('part of a shared branch cannot be published alone: it would delete the other environments from it', () => {
  expect(() => planTargets(envs({ branch: 'rendered' }), ['prod']))
    .toThrow("branch 'rendered' holds environments dev, staging, prod: publishing only prod would delete dev, staging from it. Publish them together (add --env dev --env staging)");
  expect(() => planTargets(envs({ branch: 'rendered' }), ['qa'])).toThrow("unknown environment 'qa' (environments: dev, staging, prod)");
});

test('--repo replaces every environment\'s repository', () => {
  expect(planTargets(envs({ branch: 'rendered' }), undefined, '/tmp/x.git')[0]?.repo).toBe('/tmp/x.git');
});

test('an environment file with an unknown layout is refused with the choices', () => {
  let problems: string[] = [];
  try {
    testEnvironment({ name: 'dev', stage: 'development', gitops: { layout: 'promotr' } } as unknown as TestOverrides);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems = e.problems.map((p) => `${p.field}: ${p.message}`);
  }
  expect(problems).toEqual(["gitops.layout: must be one of 'shared', 'per-environment', 'promoter'"]);
});
