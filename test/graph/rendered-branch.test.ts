/**
 * The picture on the rendered branch: each environment's directory of Argo CD objects holds
 * graph/applications.{svg,mmd}, and its README embeds them. Applied with the layout publish uses
 * (tools/publish/layout.ts) onto a temporary checkout; the real command's branch is checked in
 * test/publish/publish.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { environmentGraph, GRAPH_MERMAID_FILE, GRAPH_SVG_FILE, graphFiles, graphSvg, nodeElementId, toMermaid } from '../../tools/graph';
import { applyRenderedTree, groupByPath, HydrationSource, isLegacyOwnedPath } from '../../tools/publish';
import { outputFiles } from '../../tools/synth';
import type { RenderedEnvironment } from '../../tools/synth/render';
import { platforms, renderPlatform } from '../helpers';

const SHA = 'a'.repeat(40);
const SOURCE: HydrationSource = {
  subdir: '',
  path: { repoURL: 'https://example.com/src.git', drySha: SHA, commands: ['npm ci', 'npm run synth'] },
  root: { repoURL: 'https://example.com/src.git', drySha: SHA, author: 'A <a@example.com>', date: '2025-01-01T00:00:00Z', subject: 'x' },
};

const envs = platforms().flatMap((p) => renderPlatform(p).map((env) => [`${p.name} ${env.name}`, env] as const));
let checkout: string;

beforeAll(async () => {
  checkout = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-synth-graph-branch-'));
  const reference = renderPlatform(platforms()[0] as Parameters<typeof renderPlatform>[0]);
  const desired = groupByPath(outputFiles(reference));
  for (const env of reference) {
    const picture = await graphFiles(env);
    for (const [name, content] of picture?.files ?? []) desired.get(`${env.name}/${picture?.application}`)?.set(name, content);
  }
  applyRenderedTree(checkout, desired, SOURCE);
});

afterAll(() => fs.rmSync(checkout, { recursive: true, force: true }));

test.each(envs)('every directory of every platform has a picture in its Argo CD directory (%s)', async (_name, env: RenderedEnvironment) => {
  const picture = await graphFiles(env);
  expect(picture?.application).toBeDefined();
  const argo = env.applications.find((a) => a.name === picture?.application);
  expect(argo?.objects.some((o) => o.object.kind === 'AppProject')).toBe(true);
  expect([...(picture?.files.keys() ?? [])]).toEqual([GRAPH_SVG_FILE, GRAPH_MERMAID_FILE]);
  expect(picture?.files.get(GRAPH_MERMAID_FILE)).toBe(toMermaid(environmentGraph(env)));
});

describe('the reference platform on a branch', () => {
  test('the README of prod/argocd embeds the SVG and the Mermaid text', () => {
    const readme = fs.readFileSync(path.join(checkout, 'prod/argocd/README.md'), 'utf8');
    const mermaid = fs.readFileSync(path.join(checkout, 'prod/argocd', GRAPH_MERMAID_FILE), 'utf8');
    expect(readme).toContain('## Applications of prod\n');
    expect(readme).toContain(`![Applications, dependencies, sync waves and namespaces of prod](${GRAPH_SVG_FILE})`);
    expect(readme).toContain(`\`\`\`mermaid\n${mermaid}\`\`\`\n`);
    expect(readme).toContain('`graph/applications.mmd`, `graph/applications.svg`, which are not in `dist/`');
  });

  test('the SVG on the branch is the one Graphviz draws for the environment', async () => {
    const prod = renderPlatform(platforms()[0] as Parameters<typeof renderPlatform>[0]).find((e) => e.name === 'prod') as RenderedEnvironment;
    const svg = fs.readFileSync(path.join(checkout, 'prod/argocd', GRAPH_SVG_FILE), 'utf8');
    expect(svg).toBe(await graphSvg(environmentGraph(prod)));
    expect(svg).toContain(`id="${nodeElementId('kafka').replace(/-/g, '&#45;')}"`);
  });

  test('only the Argo CD directory gets a picture, and the other READMEs are unchanged', () => {
    expect(fs.existsSync(path.join(checkout, 'prod/frontend/graph'))).toBe(false);
    expect(fs.readFileSync(path.join(checkout, 'prod/frontend/README.md'), 'utf8')).not.toContain('## Applications of');
    // A directory published before the ownership marker is still recognised by its README's first part.
    fs.rmSync(path.join(checkout, 'prod/argocd/.platform-synth'));
    expect(isLegacyOwnedPath(checkout, 'prod/argocd')).toBe(true);
  });
});
