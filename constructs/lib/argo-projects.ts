/**
 * What an Argo CD `AppProject` permits, checked on plain JSON (rendered objects), so the constructs (at
 * construction) and validation (over rendered YAML) run the same check: an Application whose source repository
 * or destination its project does not allow is refused by Argo CD at sync time ("application destination ... is
 * not permitted in project").
 *
 * Matching follows Argo CD: `sourceRepos` and destination `server`/`namespace` entries are glob patterns (`*`
 * matches any run of characters), a `!` prefix denies, and a destination matches when both its server (or name)
 * and namespace match.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 * @see argoproj/argo-cd v3.5.1 pkg/apis/application/v1alpha1/app_project_types.go (IsSourcePermitted, IsDestinationPermitted)
 */

/** The parts of an AppProject spec that gate an Application. */
export interface ProjectPermissions {
  readonly sourceRepos?: readonly string[];
  readonly destinations?: readonly { readonly server?: string; readonly name?: string; readonly namespace?: string }[];
}

/** The parts of an Application that its project gates. */
export interface ApplicationTarget {
  /** Application name, for messages. */
  readonly name: string;
  readonly project: string;
  /** Repositories of its sources. */
  readonly repoURLs: readonly string[];
  readonly server?: string;
  readonly namespace?: string;
}

/** One refusal: which field, what, and the fix. */
export interface PermissionProblem {
  readonly field: 'source' | 'destination';
  readonly message: string;
  readonly value: string;
  readonly fix: string;
}

const globs = new Map<string, RegExp>();

/** Argo CD's glob match (util/glob: `*` matches anything), the compiled patterns cached. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*' || pattern === value) return true;
  if (!pattern.includes('*')) return false;
  let regex = globs.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    if (globs.size < 1000) globs.set(pattern, regex);
  }
  return regex.test(value);
}

/** Argo CD's rule: denied when a `!pattern` matches, else allowed when a plain pattern matches. */
export function permitted(patterns: readonly string[], value: string): boolean {
  if (patterns.some((p) => p.startsWith('!') && globMatch(p.slice(1), value))) return false;
  return patterns.some((p) => !p.startsWith('!') && globMatch(p, value));
}

/** Why `project` refuses `app` (empty when it permits it). */
export function projectProblems(project: ProjectPermissions, app: ApplicationTarget): PermissionProblem[] {
  const problems: PermissionProblem[] = [];
  for (const repo of app.repoURLs) {
    if (!permitted(project.sourceRepos ?? [], repo)) {
      problems.push({
        field: 'source',
        message: `Application '${app.name}' reads ${repo}, which AppProject '${app.project}' does not allow (sourceRepos: ${(project.sourceRepos ?? []).join(', ') || 'none'})`,
        value: repo,
        fix: `add ${repo} to the project's sourceRepos, or read from one of them`,
      });
    }
  }
  const destinations = project.destinations ?? [];
  const server = app.server ?? '';
  const namespace = app.namespace ?? '';
  const allowed = destinations.some((d) => (d.server !== undefined ? globMatch(d.server, server) : d.name === '*') && globMatch(d.namespace ?? '', namespace))
    && !destinations.some((d) => d.namespace?.startsWith('!') === true && globMatch(d.namespace.slice(1), namespace));
  if (!allowed) {
    problems.push({
      field: 'destination',
      message: `Application '${app.name}' deploys to namespace '${namespace}' of ${server}, which AppProject '${app.project}' does not allow (destinations: ${destinations.map((d) => d.namespace).join(', ') || 'none'})`,
      value: namespace,
      fix: "deploy it to one of the project's destinations (the namespaces its application renders into)",
    });
  }
  return problems;
}

/** A git directory generator's view of one directory: Argo CD's `path` parameters. */
function pathParameters(directory: string): Record<string, string> {
  const segments = directory.split('/');
  return { 'path.path': directory, 'path.basename': segments[segments.length - 1] ?? '', ...Object.fromEntries(segments.map((s, i) => [`path.segments.${i}`, s])) };
}

/**
 * Fill in the go-template parameters a git directory generator gives (`{{.path.path}}`, `{{.path.basename}}`,
 * `{{ index .path.segments N }}`); `undefined` when the value uses anything else (it cannot be evaluated here).
 */
export function fillDirectoryTemplate(value: string, directory: string): string | undefined {
  const params = pathParameters(directory);
  let unknown = false;
  const out = value.replace(/\{\{-?\s*(.*?)\s*-?\}\}/g, (_whole, expression: string) => {
    const index = /^index\s+\.path\.segments\s+(\d+)$/.exec(expression);
    const key = index !== null ? `path.segments.${index[1]}` : expression.replace(/^\./, '');
    const found = params[key];
    if (found === undefined) unknown = true;
    return found ?? '';
  });
  return unknown ? undefined : out;
}

/** A glob of a git directory generator matched against a directory (`dev/*` matches `dev/api`, not `dev/a/b`). */
function directoryMatch(pattern: string, directory: string): boolean {
  return new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`).test(directory);
}

/** An ApplicationSet's git directory generators and template, as rendered JSON. */
export interface DirectoryApplicationSet {
  readonly spec?: {
    readonly generators?: readonly { readonly git?: { readonly repoURL?: string; readonly directories?: readonly { readonly path?: string; readonly exclude?: boolean }[] } }[];
    readonly template?: {
      readonly metadata?: { readonly name?: string };
      readonly spec?: {
        readonly project?: string;
        readonly source?: { readonly repoURL?: string };
        readonly sources?: readonly { readonly repoURL?: string }[];
        readonly destination?: { readonly server?: string; readonly namespace?: string };
      };
    };
  };
}

/**
 * The Applications an ApplicationSet's git directory generators produce over `directories` (the rendered
 * application directories, `<env>/<app>`), as far as their templates can be evaluated here.
 */
export function generatedApplications(set: DirectoryApplicationSet, directories: readonly string[]): ApplicationTarget[] {
  const template = set.spec?.template;
  const out: ApplicationTarget[] = [];
  for (const generator of set.spec?.generators ?? []) {
    const entries = generator.git?.directories ?? [];
    const includes = entries.filter((d) => d.exclude !== true && d.path !== undefined).map((d) => d.path as string);
    const excludes = entries.filter((d) => d.exclude === true && d.path !== undefined).map((d) => d.path as string);
    for (const directory of [...directories].sort()) {
      if (!includes.some((p) => directoryMatch(p, directory)) || excludes.some((p) => directoryMatch(p, directory))) continue;
      const fill = (value: string | undefined): string | undefined => (value === undefined ? undefined : fillDirectoryTemplate(value, directory));
      const sources = template?.spec?.source !== undefined ? [template.spec.source] : template?.spec?.sources ?? [];
      out.push({
        name: fill(template?.metadata?.name) ?? directory,
        project: fill(template?.spec?.project) ?? 'default',
        repoURLs: sources.map((s) => fill(s.repoURL) ?? '').filter((r) => r !== ''),
        server: fill(template?.spec?.destination?.server),
        namespace: fill(template?.spec?.destination?.namespace),
      });
    }
  }
  return out;
}
