/**
 * The picture of the platform (tools/graph): for every directory of every platform, the SVG Graphviz lays out
 * has one node per application and one edge per dependency the kit recorded, and nothing else; waves and
 * namespaces are the ones Argo CD gets; Mermaid has the same nodes, boxes and arrows.
 */
import { DOMParser, Element } from '@xmldom/xmldom';
import { App } from 'cdk8s';
import {
  defineBase, defineCluster, defineEnvironment, defineImages, definePlatform, kafkaPlatform, microservice, platformBuild, strimziOperator,
} from '../../tools/kit';
import { edgeElementId, environmentGraph, EnvironmentGraph, graphSvg, nodeElementId, toDot, toMermaid } from '../../tools/graph';
import { renderApp, RenderedEnvironment } from '../../tools/synth/render';
import { healthxcape } from '../../charts';
import { platforms, renderPlatform, testEnvironment } from '../helpers';

/** The nodes and edges of an SVG document, by element id, with the text drawn in each node. */
interface ParsedSvg {
  readonly nodes: Map<string, string>;
  readonly edges: Set<string>;
}

function parseSvg(svg: string): ParsedSvg {
  const errors: string[] = [];
  const document = new DOMParser({ onError: (level, message) => { if (level !== 'warning') errors.push(message); } }).parseFromString(svg, 'image/svg+xml');
  expect(errors).toEqual([]);
  expect(document.documentElement?.tagName).toBe('svg');
  const nodes = new Map<string, string>();
  const edges = new Set<string>();
  const groups = document.getElementsByTagName('g');
  for (let i = 0; i < groups.length; i++) {
    const g = groups.item(i) as Element;
    const classes = (g.getAttribute('class') ?? '').split(' ');
    const texts = g.getElementsByTagName('text');
    const drawn = Array.from({ length: texts.length }, (_, j) => texts.item(j)?.textContent ?? '').join('\n');
    if (classes.includes('node')) nodes.set(g.getAttribute('id') ?? '', drawn);
    if (classes.includes('edge')) edges.add(g.getAttribute('id') ?? '');
  }
  return { nodes, edges };
}

/** Every application of a directory and every dependency recorded between applications, as element ids. */
function expectedElements(env: RenderedEnvironment): { nodes: string[]; edges: string[] } {
  const key = (a: { appName: string; context: { environment: string } }): string => (a.context.environment === env.name ? a.appName : `${a.context.environment}/${a.appName}`);
  const nodes = new Set(env.graph.map((a) => nodeElementId(key(a))));
  const edges = new Set<string>();
  for (const app of env.graph) {
    for (const dependency of app.dependencies) {
      nodes.add(nodeElementId(key(dependency)));
      edges.add(edgeElementId(key(dependency), key(app)));
    }
  }
  return { nodes: [...nodes].sort(), edges: [...edges].sort() };
}

/** The waves of a directory's Argo CD Applications, by application. */
function argoWaves(env: RenderedEnvironment): Map<string, string> {
  const waves = new Map<string, string>();
  for (const app of env.applications) {
    for (const { object } of app.objects) {
      const wave = object.metadata.annotations?.['argocd.argoproj.io/sync-wave'];
      const application = object.metadata.labels?.application;
      if (object.kind === 'Application' && wave !== undefined && application !== undefined && object.metadata.name === `${env.name}-${application}`) waves.set(application, wave);
    }
  }
  return waves;
}

/** Mermaid: node labels by id, the box (subgraph label) of each node, and the arrows as `from -> to` labels. */
function parseMermaid(text: string): { nodes: Map<string, string>; boxes: Map<string, string>; arrows: string[]; classes: Map<string, string> } {
  const nodes = new Map<string, string>();
  const boxes = new Map<string, string>();
  const classes = new Map<string, string>();
  const arrows: [string, string][] = [];
  let box: string | undefined;
  for (const line of text.split('\n').map((l) => l.trim())) {
    let m: RegExpExecArray | null;
    if ((m = /^subgraph g\d+ \["([^"]*)"\]$/.exec(line))) box = m[1];
    else if (line === 'end') box = undefined;
    else if ((m = /^(n\d+)\["([^"]*)"\]$/.exec(line))) {
      nodes.set(m[1] as string, (m[2] as string).split('<br/>')[0] as string);
      boxes.set(m[1] as string, box ?? '(none)');
    } else if ((m = /^(n\d+) --> (n\d+)$/.exec(line))) arrows.push([m[1] as string, m[2] as string]);
    else if ((m = /^class ([n\d,]+) (\w+)$/.exec(line))) for (const id of (m[1] as string).split(',')) classes.set(id, m[2] as string);
  }
  const name = (id: string): string => nodes.get(id) ?? `?${id}`;
  return {
    nodes: new Map([...nodes].map(([id, label]) => [label, id])),
    boxes: new Map([...boxes].map(([id, b]) => [name(id), b])),
    arrows: arrows.map(([from, to]) => `${name(from)} -> ${name(to)}`).sort(),
    classes: new Map([...classes].map(([id, c]) => [name(id), c])),
  };
}

const all = platforms().flatMap((platform) => renderPlatform(platform).map((env) => ({ platform: platform.name, env })));

describe.each(all.map(({ platform, env }) => [`${platform} ${env.name}`, env] as const))('the graph of %s', (_label, env) => {
  let graph: EnvironmentGraph;
  let svg: ParsedSvg;
  beforeAll(async () => {
    graph = environmentGraph(env);
    svg = parseSvg(await graphSvg(graph));
  });

  test('draws every application as a node and every dependency as an edge, and nothing else', () => {
    const expected = expectedElements(env);
    expect(expected.nodes.length).toBeGreaterThan(0);
    expect([...svg.nodes.keys()].sort()).toEqual(expected.nodes);
    expect([...svg.edges].sort()).toEqual(expected.edges);
  });

  test("labels each application with the sync wave of its Argo CD Application", () => {
    const waves = argoWaves(env);
    for (const node of graph.nodes.filter((n) => n.kind !== 'root' && !n.external)) {
      const wave = waves.get(node.name);
      // ApplicationSet mode: generated Applications have no wave of their own.
      expect(svg.nodes.get(nodeElementId(node.id))).toMatch(new RegExp(`^${node.name}\\n${wave !== undefined ? `wave ${wave}\\b` : 'no wave'}`));
    }
  });

  test('Mermaid has the same applications, in their namespaces, and the same arrows', () => {
    const mermaid = parseMermaid(toMermaid(graph));
    const ownApps = env.graph.map((a) => a.appName).sort();
    expect(ownApps.every((name) => mermaid.nodes.has(name))).toBe(true);
    for (const app of env.graph) {
      expect([app.appName, mermaid.boxes.get(app.appName)]).toEqual([app.appName, app.destinationNamespace !== undefined ? `namespace ${app.destinationNamespace}` : 'cluster-scoped objects only']);
    }
    const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
    expect(mermaid.arrows).toEqual(graph.edges.map((e) => `${names.get(e.from)} -> ${names.get(e.to)}`).sort());
  });
});

describe('the reference platform in prod', () => {
  const prod = renderPlatform(platforms()[0] as Parameters<typeof renderPlatform>[0]).find((e) => e.name === 'prod') as RenderedEnvironment;
  const graph = environmentGraph(prod);
  const node = (id: string) => graph.nodes.find((n) => n.id === id);

  test('the typed references are the edges: operator -> Kafka -> services -> frontend', () => {
    const edges = graph.edges.map((e) => `${e.from} -> ${e.to}`);
    expect(edges).toEqual(expect.arrayContaining([
      'strimzi-operator -> kafka', 'kafka -> identity-service', 'cnpg-operator -> identity-service', 'identity-service -> frontend', 'local-storage -> kafka',
    ]));
    expect(edges).not.toContain('frontend -> identity-service');
  });

  test('nodes carry kind, wave, namespace and chart', () => {
    expect(node('kafka')).toMatchObject({ kind: 'directory', wave: 2, namespace: 'kafka', external: false });
    expect(node('strimzi-operator')).toMatchObject({ kind: 'helm', wave: 1, chart: 'strimzi-kafka-operator 1.2.0', objects: 0 });
    expect(node('argocd')).toMatchObject({ kind: 'root', namespace: 'argocd' });
    expect(node('argocd')?.wave).toBeUndefined();
  });

  test('the DOT puts each wave on one rank and the root on top', () => {
    const dot = toDot(graph);
    expect(dot).toContain('{ rank=same; "blog-service"; "identity-service"; "user-service"; }');
    expect(dot).toContain('{ rank=min; "argocd"; }');
  });

  test('Mermaid highlights the applications asked for', () => {
    const mermaid = parseMermaid(toMermaid(graph, { highlight: new Set(['kafka']) }));
    expect(mermaid.classes.get('kafka')).toBe('changed');
    expect(mermaid.classes.get('frontend')).toBe('directory');
  });
});

describe('environments sharing a cluster', () => {
  const strimzi = strimziOperator({ namespace: 'operators' });
  const kafka = kafkaPlatform({ operator: strimzi, topics: { events: {} } });
  const api = microservice({ image: { repository: 'ghcr.io/acme/api', tag: '1.0.0' }, runtime: 'node', healthCheck: { path: '/healthz' } });
  const platform = definePlatform({ name: 'shop', images: defineImages({}), apps: { 'strimzi-operator': strimzi, kafka, api } });
  const base = defineBase(platform, { gitops: { repoURL: 'https://git.example.com/rendered.git', branch: 'rendered' } });
  const cluster = defineCluster(base, { name: 'nonprod', stage: 'staging', storage: { mode: 'dynamic', storageClassName: 'gp3' } });
  const envs = ['dev', 'qa'].map((name) => defineEnvironment(base, { name, stage: 'staging', cluster, namespace: `shop-${name}`, apps: { kafka: { namespace: `kafka-${name}` } } }));
  const rendered = [...(platformBuild(platform, envs)('dist') as Iterable<App>)].flatMap((app) => renderApp(app));

  test("an environment's graph shows the cluster add-on it uses as a node of the cluster's directory", async () => {
    const dev = environmentGraph(rendered.find((e) => e.name === 'dev') as RenderedEnvironment);
    expect(dev.nodes.find((n) => n.id === 'nonprod/strimzi-operator')).toMatchObject({ external: true, directory: 'nonprod', kind: 'helm' });
    expect(dev.edges).toContainEqual({ from: 'nonprod/strimzi-operator', to: 'kafka' });
    // Its Argo CD directory is its app of apps, though the root Application deploying it is in nonprod/.
    expect(dev.nodes.find((n) => n.id === 'argocd')?.kind).toBe('root');
    const svg = parseSvg(await graphSvg(dev));
    expect(svg.nodes.get('app-nonprod.strimzi-operator')).toBe('strimzi-operator\nin nonprod/, synced first');
    expect(svg.edges.has('dep-nonprod.strimzi-operator__kafka')).toBe(true);
    expect(parseMermaid(toMermaid(dev)).boxes.get('strimzi-operator')).toBe('directory nonprod/');
  });

  test("the cluster's own directory is drawn too, with its add-ons", () => {
    const own = environmentGraph(rendered.find((e) => e.name === 'nonprod') as RenderedEnvironment);
    expect(own.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(['argocd', 'namespaces', 'strimzi-operator']));
    expect(own.nodes.every((n) => !n.external)).toBe(true);
  });
});

describe('ApplicationSet mode', () => {
  const env = testEnvironment({ name: 'dev', stage: 'development', gitops: { mode: 'applicationset' } });
  const [dev] = [...(platformBuild(healthxcape, [env])('dist') as Iterable<App>)].flatMap((app) => renderApp(app));
  const graph = environmentGraph(dev as RenderedEnvironment);

  test('generated Applications have no wave; the Helm charts keep theirs; the dependencies are drawn all the same', async () => {
    expect(graph.nodes.find((n) => n.id === 'kafka')).toMatchObject({ kind: 'directory' });
    expect(graph.nodes.find((n) => n.id === 'kafka')?.wave).toBeUndefined();
    expect(graph.nodes.find((n) => n.id === 'strimzi-operator')?.wave).toBe(1);
    const svg = parseSvg(await graphSvg(graph));
    expect(svg.nodes.get('app-kafka')).toMatch(/^kafka\nno wave, \d+ objects$/);
    expect(svg.edges.has('dep-strimzi-operator__kafka')).toBe(true);
    // Only applications with a wave share a rank.
    expect(toDot(graph).split('\n').filter((l) => l.includes('rank=same') && l.includes('"kafka"'))).toEqual([]);
    expect(toDot(graph)).toContain('{ rank=same; "strimzi-operator"; }');
  });
});
