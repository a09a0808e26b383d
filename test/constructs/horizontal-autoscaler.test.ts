import { HorizontalAutoscaler, HorizontalAutoscalerOptionsSchema, optionProblems } from '../../constructs';
import { applicationChart, at, findObject, synth } from '../helpers';

const identity = { name: 'api', instance: 'api', component: 'backend', version: '1.0.0' };

describe('HorizontalAutoscaler', () => {
  test('renders autoscaling/v2 with min, max and both utilization targets', () => {
    // GIVEN / WHEN
    const { chart } = applicationChart();
    new HorizontalAutoscaler(chart, 'hpa', { name: 'api', identity, target: { kind: 'Deployment', name: 'api' }, minReplicas: 2, maxReplicas: 6, cpuUtilization: 70, memoryUtilization: 85 });
    // THEN
    const hpa = findObject(synth(chart), 'HorizontalPodAutoscaler', 'api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(at(hpa, 'spec')).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 85 } } },
      ],
    });
  });

  test('without targets it keeps CPU at 80%; with a memory target only, memory alone', () => {
    const { chart } = applicationChart();
    new HorizontalAutoscaler(chart, 'a', { name: 'a', identity, target: { kind: 'Deployment', name: 'a' }, minReplicas: 1, maxReplicas: 2 });
    new HorizontalAutoscaler(chart, 'b', { name: 'b', identity, target: { kind: 'Deployment', name: 'b' }, minReplicas: 1, maxReplicas: 2, memoryUtilization: 75 });
    const objects = synth(chart);
    expect(at(findObject(objects, 'HorizontalPodAutoscaler', 'a'), 'spec.metrics')).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(at(findObject(objects, 'HorizontalPodAutoscaler', 'b'), 'spec.metrics')).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } }]);
  });

  test.each([
    [{ minReplicas: 4, maxReplicas: 2 }, 'minReplicas', 'minReplicas 4 is more than maxReplicas 2'],
    [{ minReplicas: 0, maxReplicas: 2 }, 'minReplicas', 'must be an integer between 1 and 1000'],
    [{ minReplicas: 1, maxReplicas: 2, cpuUtilization: 0 }, 'cpuUtilization', 'must be an integer between 1 and 1000'],
    [{ minReplicas: 1 }, 'maxReplicas', ''],
  ])('refuses %j (%s)', (value, field, message) => {
    const problems = optionProblems(HorizontalAutoscalerOptionsSchema, value);
    expect(problems.map((p) => p.field)).toEqual([field]);
    expect(problems[0]?.message).toContain(message);
  });

  test('used directly, it checks its options too', () => {
    const { chart } = applicationChart();
    expect(() => new HorizontalAutoscaler(chart, 'hpa', { name: 'api', identity, target: { kind: 'Deployment', name: 'api' }, minReplicas: 3, maxReplicas: 2 }))
      .toThrow("HorizontalAutoscaler 'api': 'minReplicas' minReplicas 3 is more than maxReplicas 2");
  });
});
