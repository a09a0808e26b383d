import { App } from 'cdk8s';
import { ApplicationChart } from '../constructs/application-chart';
import { LocalStorage } from '../constructs/local-storage';
import { EnvironmentConfig, LocalStorageSettings, platformContext } from '../environments/types';
import { PLATFORM_VERSION } from './version';

/** The `local-storage` application: the StorageClass and one PersistentVolume per registered claim. */
export class LocalStorageChart extends ApplicationChart {
  public readonly storage: LocalStorage;

  public constructor(scope: App, env: EnvironmentConfig, settings: LocalStorageSettings) {
    super(scope, 'local-storage', { context: platformContext(env), version: PLATFORM_VERSION });
    this.storage = new LocalStorage(this, 'LocalStorage', {
      nodes: settings.nodes,
      storageClassName: settings.storageClassName,
      root: settings.root,
    });
  }
}
