import { App } from 'cdk8s';
import { ApplicationChart, DynamicStorage, MONGODB_COMMUNITY_OPERATOR_VERSION, MongoDbCommunity, MongoDbCommunityOperator, PlatformContext, prepareApp } from '../../constructs';

const context: PlatformContext = { environment: 'nonprod', stage: 'staging', platform: 'shop', imagePullPolicy: 'IfNotPresent' };

describe('MongoDbCommunityOperator', () => {
  test('pins the community-operator chart of the imported CRD\'s release and watches every namespace', () => {
    const operator = new MongoDbCommunityOperator(new App(), 'mongodb-operator', { context });
    expect(operator.helm).toEqual(expect.objectContaining({ repoURL: 'https://mongodb.github.io/helm-charts', chart: 'community-operator', version: '0.13.0', providesApiGroups: ['mongodbcommunity.mongodb.com'] }));
    expect(MONGODB_COMMUNITY_OPERATOR_VERSION).toBe('0.13.0');
    expect(operator.helm.values).toEqual(expect.objectContaining({ operator: expect.objectContaining({ watchNamespace: '*' }) }));
    expect(operator.destinationNamespace).toBe('mongodb-operator');
    expect(operator.helm.cascadeDelete).toBeUndefined();
  });

  test('pulls the operator\'s images through a registry mirror', () => {
    const operator = new MongoDbCommunityOperator(new App(), 'mongodb-operator', { context: { ...context, registryMirror: 'registry.internal:5000' } });
    expect(operator.helm.values).toEqual(expect.objectContaining({ registry: expect.objectContaining({ operator: 'registry.internal:5000/quay.io/mongodb' }) }));
    expect(operator.helm.images).toContain('registry.internal:5000/quay.io/mongodb/mongodb-kubernetes-operator:0.13.0');
  });

  test('lists the server image of every replica set that uses it (the air-gap image list)', () => {
    const app = new App();
    const operator = new MongoDbCommunityOperator(app, 'mongodb-operator', { context });
    const chart = new ApplicationChart(app, 'mongodb', { context, namespace: 'shop', version: '1' });
    new MongoDbCommunity(chart, 'mongodb', { storage: new DynamicStorage('gp3'), password: { secret: 's', key: 'password' }, version: '6.0.5', operator });
    prepareApp(app);
    expect(operator.helm.images).toContain('docker.io/mongodb/mongodb-community-server:6.0.5-ubi8');
  });

  test('refuses a chart repository that is not a URL', () => {
    expect(() => new MongoDbCommunityOperator(new App(), 'mongodb-operator', { context, repoURL: 'mongodb.github.io/helm-charts' })).toThrow(/'repoURL' must be a chart repository URL/);
  });
});
