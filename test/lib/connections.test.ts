import { Testing } from 'cdk8s';
import { Connections, prepareApp } from '../../constructs';
import { applicationChart, synth } from '../helpers';

const identity = { name: 'postgres', instance: 'shop-postgres', component: 'database', version: '15' };
const peer = (name: string, namespace: string): { identity: { name: string; instance: string; component: string }; namespace: string } & ReturnType<typeof Testing.chart> => {
  const chart = Testing.chart();
  return Object.assign(chart, { identity: { name, instance: name, component: 'backend' }, namespace });
};

describe('Connections', () => {
  test('admits only the allowed peers, on the protected ports', () => {
    // GIVEN a database and a client in its namespace
    const { app, chart } = applicationChart('shop', { namespace: 'shop' });
    const connections = new Connections(chart, { name: 'shop-postgres', identity, ports: [5432] });
    // WHEN the client is allowed
    connections.allowFrom(peer('shop', 'shop'));
    prepareApp(app);
    // THEN one rule admits it on 5432, by its pod labels only
    const [policy] = synth(chart);
    expect(policy?.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'shop-postgres' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
    });
  });

  test('a peer in another namespace is selected by its namespace too', () => {
    const { app, chart } = applicationChart('shop', { namespace: 'shop' });
    new Connections(chart, { name: 'shop-postgres', identity, ports: [5432] }).allowFrom(peer('reports', 'analytics'));
    prepareApp(app);
    expect((synth(chart)[0]?.spec as { ingress: { from: unknown[] }[] }).ingress[0]?.from).toEqual([{
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'reports', 'app.kubernetes.io/instance': 'reports' } },
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'analytics' } },
    }]);
  });

  test('peers allowed after the protected workload is created still get in (rendered at render time)', () => {
    const { app, chart } = applicationChart('shop', { namespace: 'shop' });
    const connections = new Connections(chart, { name: 'shop-postgres', identity, ports: [5432, 8008] });
    connections.allowFrom(peer('a', 'shop'), { port: 5432 });
    connections.allowFrom(peer('b', 'shop'), { port: 5432 });
    connections.allowFrom(peer('c', 'shop'));
    prepareApp(app);
    const ingress = (synth(chart)[0]?.spec as { ingress: { from: unknown[]; ports: unknown[] }[] }).ingress;
    expect(ingress.map((r) => [r.from.length, r.ports.length])).toEqual([[2, 1], [1, 2]]);
  });

  test('without peers it admits nobody (an empty `from` would admit every source)', () => {
    const { app, chart } = applicationChart('shop', { namespace: 'shop' });
    new Connections(chart, { name: 'shop-postgres', identity, ports: [5432] });
    prepareApp(app);
    expect((synth(chart)[0]?.spec as { ingress: unknown[] }).ingress).toEqual([]);
  });

  test('a port the workload does not accept is an error', () => {
    const { chart } = applicationChart('shop', { namespace: 'shop' });
    const connections = new Connections(chart, { name: 'shop-postgres', identity, ports: [5432] });
    expect(() => connections.allowFrom(peer('a', 'shop'), { port: 6379 })).toThrow(/cannot allow connections on port 6379; it accepts 5432/);
  });
});
