/**
 * The ApplicationSet health check of a cluster's platform-and-apps ApplicationSets (tools/publish/bootstrap.ts),
 * run in a Lua VM over ApplicationSet statuses as Argo CD v3.5.1's controller writes them (conditions
 * ErrorOccurred / ResourcesUpToDate / RolloutProgressing; `status.resources` with each Application's health).
 */
import { APPLICATION_HEALTH_LUA, APPLICATION_SET_HEALTH_LUA } from '../../tools/publish/bootstrap';
import { runHealthCheck } from '../support/lua';

const condition = (type: string, status: 'True' | 'False', message: string) => ({ type, status, message, reason: 'r', lastTransitionTime: '2026-01-01T00:00:00Z' });
const upToDate = condition('ResourcesUpToDate', 'True', 'ApplicationSet up to date');
const resource = (name: string, health: string | undefined) => ({ group: 'argoproj.io', version: 'v1alpha1', kind: 'Application', name, namespace: 'argocd', status: 'Synced', health: health === undefined ? undefined : { status: health } });
const set = (status: unknown) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'dev-platform' }, status });

describe('the ApplicationSet health check', () => {
  test.each([
    ['no status yet', undefined, 'Progressing', 'Waiting for the status to be reported'],
    ['a generator error', { conditions: [condition('ErrorOccurred', 'True', 'found less than two generators')] }, 'Degraded', 'found less than two generators'],
    ['Applications not created', { conditions: [condition('ErrorOccurred', 'False', 'ok'), condition('ResourcesUpToDate', 'False', 'could not create application')] }, 'Degraded', 'could not create application'],
    ['a progressive-sync rollout', { conditions: [condition('RolloutProgressing', 'True', 'ApplicationSet is performing rollout of step 1'), upToDate] }, 'Progressing', 'ApplicationSet is performing rollout of step 1'],
    ['an error reported after a rollout step', { conditions: [condition('RolloutProgressing', 'True', 'step 1'), condition('ResourcesUpToDate', 'False', 'could not update application')] }, 'Degraded', 'could not update application'],
    ['up to date, nothing reported yet', { conditions: [upToDate] }, 'Progressing', 'Waiting for the generated Applications to be reported'],
    ['up to date, one Application still starting', { conditions: [upToDate], resources: [resource('dev-order-db', 'Healthy'), resource('dev-kafka', 'Progressing')] }, 'Progressing', 'Application dev-kafka is Progressing'],
    ['up to date, one Application without health yet', { conditions: [upToDate], resources: [resource('dev-order-db', undefined)] }, 'Progressing', 'Application dev-order-db is Unknown'],
    ['up to date, one Application Degraded', { conditions: [upToDate], resources: [resource('dev-kafka', 'Progressing'), resource('dev-order-db', 'Degraded')] }, 'Degraded', 'Application dev-order-db is Degraded'],
    ['up to date, every Application Healthy', { conditions: [condition('ErrorOccurred', 'False', 'ok'), upToDate], resources: [resource('dev-kafka', 'Healthy'), resource('dev-order-db', 'Healthy')] }, 'Healthy', 'Every generated Application is healthy'],
  ])('%s', (_name, status, expected, message) => {
    expect(runHealthCheck(APPLICATION_SET_HEALTH_LUA, set(status))).toEqual({ status: expected, message });
  });
});

describe('the Application health check', () => {
  test('is the child\'s own health, Progressing until it has one', () => {
    expect(runHealthCheck(APPLICATION_HEALTH_LUA, { kind: 'Application' })).toEqual({ status: 'Progressing', message: '' });
    expect(runHealthCheck(APPLICATION_HEALTH_LUA, { kind: 'Application', status: { health: { status: 'Degraded', message: 'pod crashing' } } })).toEqual({ status: 'Degraded', message: 'pod crashing' });
  });
});
