import { ApiObject, Lazy } from 'cdk8s';
import { addSyncOptions, CONFIRM_DELETION, mergeSyncOptions, requireConfirmedDeletion, SYNC_OPTIONS_ANNOTATION } from '../../constructs';
import { applicationChart, findObject, synth } from '../helpers';

function configMap(): { chart: ReturnType<typeof applicationChart>['chart']; object: ApiObject } {
  const { chart } = applicationChart();
  const object = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'data' } });
  return { chart, object };
}

describe('sync options', () => {
  test('a user\'s SkipDryRunOnMissingResource is merged with the delete protection, added before or after it', () => {
    // GIVEN
    const { chart, object } = configMap();
    // WHEN
    requireConfirmedDeletion(object);
    addSyncOptions(object, 'SkipDryRunOnMissingResource=true');
    // THEN
    expect(findObject(synth(chart), 'ConfigMap').metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe('Prune=confirm,Delete=confirm,SkipDryRunOnMissingResource=true');
  });

  test('an annotation set directly over the protection keeps the protection (merged again at render time)', () => {
    // GIVEN
    const { chart, object } = configMap();
    requireConfirmedDeletion(object);
    // WHEN: the seed's per-object annotation, written with cdk8s's own API
    object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, 'SkipDryRunOnMissingResource=true');
    // THEN
    expect(findObject(synth(chart), 'ConfigMap').metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe('SkipDryRunOnMissingResource=true,Prune=confirm,Delete=confirm');
  });

  test('without options of its own the annotation is exactly the protection', () => {
    const { chart, object } = configMap();
    requireConfirmedDeletion(object);
    requireConfirmedDeletion(object);
    expect(findObject(synth(chart), 'ConfigMap').metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe(CONFIRM_DELETION);
  });

  test('options given in the metadata at construction, or as a token, are merged like those added later', () => {
    // GIVEN an object created with the annotation in its metadata, and one whose annotation is a lazy value
    const { chart } = applicationChart();
    const given = new ApiObject(chart, 'given', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'given', annotations: { [SYNC_OPTIONS_ANNOTATION]: 'ServerSideApply=true' } } });
    const lazy = new ApiObject(chart, 'lazy', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lazy' } });
    lazy.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, Lazy.any({ produce: () => 'Replace=true' }) as unknown as string);
    // WHEN the protection is required on both
    requireConfirmedDeletion(given);
    requireConfirmedDeletion(lazy);
    // THEN each keeps its own option first, then the protection
    const objects = synth(chart);
    expect(findObject(objects, 'ConfigMap', 'given').metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe('ServerSideApply=true,Prune=confirm,Delete=confirm');
    expect(findObject(objects, 'ConfigMap', 'lazy').metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBe('Replace=true,Prune=confirm,Delete=confirm');
  });

  test('an option contradicting the protection is an error, not a silent override', () => {
    const { chart, object } = configMap();
    requireConfirmedDeletion(object);
    object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, 'Prune=false');
    expect(() => synth(chart)).toThrow(/sync option 'Prune=confirm' contradicts 'Prune=false'.*Fix: keep one value for 'Prune'/);
    expect(() => mergeSyncOptions(['Delete=confirm'], ['Delete=false'])).toThrow(/contradicts 'Delete=confirm'/);
  });
});
