/**
 * The bootstrap files publish writes for each environment, in `<env>/<root>/bootstrap/` (the root Application's
 * own directory, `<env>/argocd/` for the reference platform):
 *
 * - `argocd-cm.health-check.patch`: a merge patch for Argo CD's `argocd-cm` ConfigMap that gives `Application`
 *   resources a health assessment. Argo CD removed the built-in one in 1.8; without it the root Application does
 *   not wait for one wave of child Applications to be healthy before the next (argoproj/argo-cd v3.5.1
 *   `docs/operator-manual/cluster-bootstrapping.md`, "bootstrap your cluster in waves", pointing at
 *   `docs/operator-manual/health.md`, "Argocd App", which gives the Lua check this one follows: the child's own
 *   `status.health`, Progressing until it has one).
 * - `README.md`: the bootstrap commands for this environment, naming its files.
 *
 * The root never applies them: Argo CD reads a directory source without `recurse` one level deep and only
 * `.yaml`, `.yml`, `.json` and `.jsonnet` files (`reposerver/repository/repository.go`
 * `getPotentiallyValidManifests`, `manifestFile`); the patch has neither a manifest extension nor a place the
 * root reads. It must not be an object of the root either: the root's project allows only Argo CD kinds, and
 * `argocd-cm` belongs to the Argo CD installation.
 */
import type { RenderedEnvironment } from '../synth/render';

/** Sub-directory of the root's directory holding the bootstrap files. */
export const BOOTSTRAP_DIR = 'bootstrap';
/** The `argocd-cm` merge patch. */
export const HEALTH_PATCH_FILE = `${BOOTSTRAP_DIR}/argocd-cm.health-check.patch`;
/** The bootstrap instructions. */
export const BOOTSTRAP_README_FILE = `${BOOTSTRAP_DIR}/README.md`;
/** The `argocd-cm` key of the health check (`resource.customizations.health.<group>_<kind>`). */
export const HEALTH_CHECK_KEY = 'resource.customizations.health.argoproj.io_Application';

/** The Lua health check of `argoproj.io/Application`: the health Argo CD reports for the child itself. */
export const APPLICATION_HEALTH_LUA = [
  '-- An Application is as healthy as Argo CD reports it (status.health); Progressing until it has a status.',
  'local result = { status = "Progressing", message = "" }',
  'if obj.status ~= nil and obj.status.health ~= nil and obj.status.health.status ~= nil then',
  '  result.status = obj.status.health.status',
  '  if obj.status.health.message ~= nil then',
  '    result.message = obj.status.health.message',
  '  end',
  'end',
  'return result',
].join('\n');

/** The `argocd-cm` key of the ApplicationSet health check (replacing Argo CD's built-in one). */
export const APPLICATION_SET_HEALTH_CHECK_KEY = 'resource.customizations.health.argoproj.io_ApplicationSet';

/**
 * The Lua health check of `argoproj.io/ApplicationSet` for a cluster's `platform-and-apps` ApplicationSets
 * (`gitops.applicationSets`): Argo CD's built-in check (argoproj/argo-cd v3.5.1
 * `resource_customizations/argoproj.io/ApplicationSet/health.lua`) reports Healthy as soon as the controller has
 * created or updated the Applications (`ResourcesUpToDate`), not when they are healthy, so the cluster's root
 * would start the apps root while the databases still start. This one reads the same conditions (an error or
 * resources not up to date is Degraded, a progressive-sync rollout Progressing) and then the health of every
 * generated Application that the controller copies into `status.resources`
 * (`applicationset/controllers/applicationset_controller.go` `updateResourcesStatus`,
 * `applicationset/status/resource_status.go`): Healthy only when all are. Without progressive syncs the
 * controller refreshes `status.resources` when it reconciles the set (every 3 minutes by default,
 * `ARGOCD_APPLICATIONSET_CONTROLLER_REQUEUE_AFTER`), not when an Application's health changes
 * (`shouldRequeueForApplication`), so the apps root starts up to that long after the last platform service is healthy.
 */
export const APPLICATION_SET_HEALTH_LUA = [
  '-- An ApplicationSet is healthy when it is up to date and every Application it generated is healthy.',
  'local hs = { status = "Progressing", message = "Waiting for the status to be reported" }',
  'if obj.status == nil or obj.status.conditions == nil then',
  '  return hs',
  'end',
  'for _, condition in ipairs(obj.status.conditions) do',
  '  if (condition.type == "ErrorOccurred" and condition.status == "True") or (condition.type == "ResourcesUpToDate" and condition.status == "False") then',
  '    return { status = "Degraded", message = condition.message }',
  '  end',
  'end',
  'local upToDate = false',
  'for _, condition in ipairs(obj.status.conditions) do',
  '  if condition.type == "RolloutProgressing" and condition.status == "True" then',
  '    return { status = "Progressing", message = condition.message }',
  '  end',
  '  if condition.type == "ResourcesUpToDate" and condition.status == "True" then',
  '    upToDate = true',
  '  end',
  'end',
  'if not upToDate then',
  '  return hs',
  'end',
  'if obj.status.resources == nil or #obj.status.resources == 0 then',
  '  return { status = "Progressing", message = "Waiting for the generated Applications to be reported" }',
  'end',
  'for _, resource in ipairs(obj.status.resources) do',
  '  if resource.health ~= nil and resource.health.status == "Degraded" then',
  '    return { status = "Degraded", message = "Application " .. resource.name .. " is Degraded" }',
  '  end',
  'end',
  'for _, resource in ipairs(obj.status.resources) do',
  '  local health = "Unknown"',
  '  if resource.health ~= nil and resource.health.status ~= nil then',
  '    health = resource.health.status',
  '  end',
  '  if health ~= "Healthy" then',
  '    return { status = "Progressing", message = "Application " .. resource.name .. " is " .. health }',
  '  end',
  'end',
  'return { status = "Healthy", message = "Every generated Application is healthy" }',
].join('\n');

/**
 * The merge patch (YAML) adding the health check to `argocd-cm`; with `applicationSets`, the ApplicationSet
 * health check too (a directory whose root syncs a cluster's `platform-and-apps` ApplicationSets).
 */
export function healthCheckPatch(applicationSets = false): string {
  return [
    '# Merge patch for Argo CD\'s argocd-cm ConfigMap: health assessment of Application resources, so that the',
    '# sync waves of the root Application wait for each wave of Applications to be healthy. Apply it once per',
    '# Argo CD installation, before the root (see README.md next to this file):',
    '#   kubectl -n <argocd namespace> patch configmap argocd-cm --type merge --patch-file argocd-cm.health-check.patch',
    ...(applicationSets ? ['# The ApplicationSet check makes the apps root wait until every Application of the platform ApplicationSets is healthy.'] : []),
    'data:',
    `  ${HEALTH_CHECK_KEY}: |`,
    ...APPLICATION_HEALTH_LUA.split('\n').map((line) => `    ${line}`),
    ...(applicationSets ? [`  ${APPLICATION_SET_HEALTH_CHECK_KEY}: |`, ...APPLICATION_SET_HEALTH_LUA.split('\n').map((line) => `    ${line}`)] : []),
    '',
  ].join('\n');
}

/**
 * True when the directory's root syncs roots of ApplicationSets (a cluster's `platform-and-apps` sets): an
 * application of the directory other than the root's own renders ApplicationSets.
 */
export function syncsApplicationSets(env: RenderedEnvironment, rootApplication: string): boolean {
  return env.applications.some((app) => app.name !== rootApplication && app.objects.some((o) => o.object.apiVersion === 'argoproj.io/v1alpha1' && o.object.kind === 'ApplicationSet'));
}

/** What the bootstrap of one environment applies. */
export interface BootstrapPlan {
  /** The application directory holding the root Application (`argocd`). */
  readonly rootApplication: string;
  /** Name and namespace of the root Application. */
  readonly root: { readonly name: string; readonly namespace: string; readonly file: string };
  /** AppProject files of the root's directory (the root's project and the applications' one). */
  readonly projectFiles: readonly string[];
}

/**
 * The root of an environment: the Application that deploys its own directory (`<env>/<app>` holding it).
 * `undefined` when the environment renders no root (nothing to bootstrap).
 */
export function bootstrapPlan(env: RenderedEnvironment): BootstrapPlan | undefined {
  for (const app of env.applications) {
    for (const { file, object } of app.objects) {
      if (object.apiVersion !== 'argoproj.io/v1alpha1' || object.kind !== 'Application') continue;
      const source = (object.spec as { source?: { path?: unknown } } | undefined)?.source;
      if (source?.path !== `${env.name}/${app.name}`) continue;
      const projectFiles = app.objects.filter((o) => o.object.kind === 'AppProject').map((o) => o.file).sort();
      return { rootApplication: app.name, root: { name: object.metadata.name, namespace: object.metadata.namespace ?? 'argocd', file }, projectFiles };
    }
  }
  return undefined;
}

/** The bootstrap README of an environment on branch `branch` of `repoURL`. */
export function bootstrapReadme(env: string, plan: BootstrapPlan, branch: string, repoURL: string): string {
  const dir = `${env}/${plan.rootApplication}`;
  const ns = plan.root.namespace;
  const files = [...plan.projectFiles, plan.root.file].map((f) => `  -f rendered/${dir}/${f}`);
  return [
    `# Bootstrap ${env}`,
    '',
    `Argo CD must already run in namespace \`${ns}\`. Then, once per cluster:`,
    '',
    '```sh',
    `git clone --branch ${branch} --depth 1 ${repoURL} rendered`,
    `# 1. Let Argo CD assess the health of Applications, so the root's sync waves wait for each wave to be healthy`,
    `kubectl -n ${ns} patch configmap argocd-cm --type merge --patch-file rendered/${dir}/${HEALTH_PATCH_FILE}`,
    `# 2. The projects and the root Application, and nothing else: the root creates the other Applications in wave order`,
    `kubectl apply -n ${ns} \\`,
    `${files.join(' \\\n')}`,
    '```',
    '',
    'If Argo CD manages its own installation (Helm values, an Application of its own), add the key of',
    `\`${HEALTH_PATCH_FILE.slice(BOOTSTRAP_DIR.length + 1)}\` to that configuration instead (\`configs.cm\` in the argo-cd Helm chart): a patch by hand`,
    'would be reverted by the next sync.',
    '',
    `The root does not apply this directory: it reads \`${dir}/\` one level deep and only .yaml/.yml/.json files.`,
    '',
  ].join('\n');
}

/** The bootstrap files of an environment, keyed by path relative to the root's directory. */
export function bootstrapFiles(env: RenderedEnvironment, branch: string, repoURL: string): { readonly rootApplication: string; readonly files: ReadonlyMap<string, string> } | undefined {
  const plan = bootstrapPlan(env);
  if (plan === undefined) return undefined;
  return {
    rootApplication: plan.rootApplication,
    files: new Map([[HEALTH_PATCH_FILE, healthCheckPatch(syncsApplicationSets(env, plan.rootApplication))], [BOOTSTRAP_README_FILE, bootstrapReadme(env.name, plan, branch, repoURL)]]),
  };
}
