/**
 * Markdown for a pull-request comment: summary table, risky changes, the changed applications in the head
 * revision's graph (tools/graph/diff.ts), then per-application sections with one
 * small ```diff block per changed object. Plain text only (no color codes, no timestamps): the same input
 * gives the same bytes.
 */
import { canonicalYaml, describeRef, EnvironmentObjectDiff, ObjectChange, VERSION_LABEL } from './compare';
import { changedGraphMarkdown } from '../graph/diff';
import type { EnvironmentGraph } from '../graph/model';
import type { Risk } from './risks';
import { compareText } from '../../constructs/lib/order';

/** GitHub refuses comments above 65536 characters; stay below with room for a header. */
export const DEFAULT_MAX_CHARS = 60000;

/** Options of the Markdown writers. */
export interface MarkdownOptions {
  /** Stop adding per-object sections beyond this many characters. @default 60000 */
  readonly maxChars?: number;
  /** Environment order (promotion order); others follow alphabetically. @default - alphabetical */
  readonly environmentOrder?: readonly string[];
  /**
   * The head revision's application graphs: the changed applications are linked and highlighted in them.
   * @default - no graph section
   */
  readonly graphs?: readonly EnvironmentGraph[];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function fence(language: string, body: string): string {
  // A body containing ``` would end the block early: use a longer fence.
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${language}\n${body.replace(/\n$/, '')}\n${ticks}`;
}

/** Appends sections until the budget is spent, then counts what was left out. */
class Budget {
  private used = 0;
  public omitted = 0;
  public constructor(private readonly max: number) {}
  /** Append `section` (no trailing newline) and a blank line, or count it as omitted. */
  public add(out: string[], section: string): void {
    if (this.omitted > 0 || this.used + section.length > this.max) {
      this.omitted++;
      return;
    }
    this.used += section.length;
    out.push(section, '');
  }
}

function envRank(order: readonly string[] | undefined): (a: string, b: string) => number {
  const rank = (env: string): number => {
    const i = order?.indexOf(env) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return (a, b) => rank(a) - rank(b) || compareText(a, b);
}

/** Markdown for a diff between two revisions. */
export function revisionDiffMarkdown(title: string, changes: readonly ObjectChange[], risks: readonly Risk[], options: MarkdownOptions = {}): string {
  const out: string[] = [`## Rendered diff: ${title}`, ''];
  if (changes.length === 0) {
    out.push('No differences: the rendered manifests are identical.');
    return `${out.join('\n')}\n`;
  }
  const byEnvApp = new Map<string, ObjectChange[]>();
  const order = envRank(options.environmentOrder);
  const sorted = [...changes].sort((a, b) => order(a.env, b.env) || compareText(a.app, b.app));
  for (const change of sorted) {
    const key = `${change.env}/${change.app}`;
    const list = byEnvApp.get(key) ?? [];
    list.push(change);
    byEnvApp.set(key, list);
  }
  const envs = new Set(changes.map((c) => c.env));
  out.push(`${plural(changes.length, 'object')} differ in ${plural(byEnvApp.size, 'application')} of ${plural(envs.size, 'environment')}.`, '');
  out.push('| Environment | Application | Added | Changed | Deleted |', '| --- | --- | ---: | ---: | ---: |');
  for (const list of byEnvApp.values()) {
    const first = list[0] as ObjectChange;
    const count = (type: ObjectChange['type']): number => list.filter((c) => c.type === type).length;
    out.push(`| ${first.env} | ${first.app} | ${count('added')} | ${count('changed')} | ${count('deleted')} |`);
  }
  out.push('');

  if (risks.length > 0) {
    out.push(`### Risky changes (${risks.length})`, '');
    const sortedRisks = [...risks].sort((a, b) => order(a.env, b.env) || compareText(a.app, b.app) || compareText(a.object, b.object) || compareText(a.message, b.message));
    for (const risk of sortedRisks) out.push(`- **${risk.env}/${risk.app}** ${risk.object}: ${risk.message}`);
    out.push('');
  } else {
    out.push('No risky changes (deletions, storage, selectors, production replica drops, Kafka topic layout).', '');
  }
  const graphSection = options.graphs !== undefined ? changedGraphMarkdown(options.graphs, changes, order) : '';
  if (graphSection !== '') out.push(graphSection, '');

  const budget = new Budget(options.maxChars ?? DEFAULT_MAX_CHARS);
  for (const [key, list] of byEnvApp) {
    const section: string[] = [`### ${key}`];
    const versions = new Map<string, number>();
    for (const change of list) {
      for (const label of new Set(change.versionChanges.map(([from, to]) => `${from} -> ${to}`))) {
        versions.set(label, (versions.get(label) ?? 0) + 1);
      }
    }
    for (const [label, count] of [...versions].sort((a, b) => compareText(a[0], b[0]))) {
      section.push('', `Label \`${VERSION_LABEL}\` ${label} on ${plural(count, 'object')} (not repeated in the diffs below).`);
    }
    const labelOnly = list.filter((c) => c.type === 'changed' && c.patch === '' && !c.movedFrom);
    if (labelOnly.length > 0) {
      section.push('', `Only the version label changed: ${labelOnly.map((c) => describeRef(c.ref)).join(', ')}.`);
    }
    budget.add(out, section.join('\n'));
    for (const change of list) {
      if (change.type === 'changed' && change.patch === '' && !change.movedFrom) continue;
      const name = describeRef(change.ref);
      let body: string;
      if (change.type === 'deleted') {
        body = `**Deleted:** ${name}`;
      } else if (change.type === 'added') {
        body = `**Added:** ${name}\n\n<details><summary>YAML</summary>\n\n${fence('yaml', canonicalYaml(change.after))}\n\n</details>`;
      } else {
        const moved = change.movedFrom ? ` (moved from application ${change.movedFrom})` : '';
        body = `**Changed:** ${name}${moved}${change.patch ? `\n\n${fence('diff', change.patch)}` : ''}`;
      }
      budget.add(out, body);
    }
  }
  if (budget.omitted > 0) {
    out.push(`_${plural(budget.omitted, 'more section')} not shown: the comment would exceed ${options.maxChars ?? DEFAULT_MAX_CHARS} characters. Run \`npm run diff\` locally for the full output._`, '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

/** Markdown for a comparison of two environments of one revision. */
export function environmentDiffMarkdown(left: string, right: string, revision: string, diffs: readonly EnvironmentObjectDiff[], options: MarkdownOptions = {}): string {
  const out: string[] = [
    `## Rendered diff: environment \`${left}\` vs \`${right}\` at ${revision}`,
    '',
    'Objects are matched by API group, kind and name. The environment name is written as `<env>` on both sides '
      + '(names such as `<env>-frontend`, the `environment` label, paths), and namespaces are not part of the match.',
    '',
  ];
  const apps = [...new Set(diffs.map((d) => d.app))].sort(compareText);
  const differing = diffs.filter((d) => d.type !== 'same');
  if (differing.length === 0) {
    out.push(`No differences: all ${plural(diffs.length, 'object')} are the same in ${left} and ${right}.`);
    return `${out.join('\n')}\n`;
  }
  out.push(`| Application | Only in ${left} | Only in ${right} | Different | Same |`, '| --- | ---: | ---: | ---: | ---: |');
  for (const app of apps) {
    const of = (type: EnvironmentObjectDiff['type']): number => diffs.filter((d) => d.app === app && d.type === type).length;
    out.push(`| ${app} | ${of('only-left')} | ${of('only-right')} | ${of('different')} | ${of('same')} |`);
  }
  out.push('');
  const budget = new Budget(options.maxChars ?? DEFAULT_MAX_CHARS);
  for (const app of apps) {
    const list = differing.filter((d) => d.app === app);
    if (list.length === 0) continue;
    const section: string[] = [`### ${app}`];
    const onlyLeft = list.filter((d) => d.type === 'only-left').map((d) => describeRef(d.ref));
    const onlyRight = list.filter((d) => d.type === 'only-right').map((d) => describeRef(d.ref));
    if (onlyLeft.length > 0) section.push('', `**Only in ${left}:** ${onlyLeft.join(', ')}`);
    if (onlyRight.length > 0) section.push('', `**Only in ${right}:** ${onlyRight.join(', ')}`);
    budget.add(out, section.join('\n'));
    for (const d of list.filter((x) => x.type === 'different')) {
      budget.add(out, `**Different:** ${describeRef(d.ref)}\n\n${fence('diff', `--- ${left}\n+++ ${right}\n${d.patch}`)}`);
    }
  }
  if (budget.omitted > 0) {
    out.push(`_${plural(budget.omitted, 'more section')} not shown: the comment would exceed ${options.maxChars ?? DEFAULT_MAX_CHARS} characters._`, '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
